"""Fixtures: a fresh app on its own SQLite file per test, clients per role, a real SMTP server."""
import shutil

import pytest

from portal import create_app
from portal.cli import migrate
from portal.db import database
from portal.services import users

pytest_plugins = ["tests.smtp", "tests.browser.fixtures"]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory):
    """One migrated database file per test session; each test gets a copy (fast and isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        migrate()
    database.close()
    return path


def _make_app(tmp_path, migrated_db, **overrides):
    path = tmp_path / "test.db"
    shutil.copy(migrated_db, path)
    config = {"DATABASE_URL": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False,
              "SECRET_KEY": "test-secret", "MAIL_SEND_AFTER_REQUEST": False,
              "BASE_URL": "http://localhost", "TESTING": True, **overrides}
    return create_app(config)


@pytest.fixture
def app(tmp_path, migrated_db):
    """A fresh app on its own database. No context is kept pushed, so each request is as in production."""
    app = _make_app(tmp_path, migrated_db)
    yield app
    if not database.is_closed():
        database.close()


@pytest.fixture
def ctx(app):
    """A request context, for calling services that render templates or build URLs."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def make_app(tmp_path, migrated_db):
    """An app with other settings (e.g. CSRF on)."""
    def make(**overrides):
        return _make_app(tmp_path, migrated_db, **overrides)
    return make


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a user with a known password (in a request context, as the services expect)."""
    counter = iter(range(1, 10_000))

    def make(role="staff", email=None, password=PASSWORD, municipalities=None, name=None):
        n = next(counter)
        if municipalities is None:
            municipalities = ("101",) if role == "caseworker" else ()
        with app.test_request_context("/"):
            return users.create_user(email or f"{role}{n}@example.org", name or f"{role.title()} {n}", role,
                                     password, municipalities)
    return make


def login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(app, make_user):
    """A test client signed in with a new user of the given role."""
    def sign_in(role, **kwargs):
        user = make_user(role, **kwargs)
        client = app.test_client()
        response = login(client, user.email)
        assert response.status_code == 302, response.data
        client.user = user
        return client
    return sign_in
