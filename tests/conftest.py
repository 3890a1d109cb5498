"""Fixtures: a fresh app on its own database per test, clients per role, a real SMTP server.

The database is a copy of a migrated SQLite file; with `--postgres` (the second pass of scripts/test.sh)
it is a fresh database on a throwaway PostgreSQL server, and only the tests that touch a database run."""
import shutil

import pytest

from portal import create_app, passwords
from portal.cli import migrate
from portal.db import database
from portal.services import authentication

pytest_plugins = ["tests.smtp", "tests.browser.page_checks", "tests.browser.fixtures", "tests.postgres.fixtures"]

# Still Argon2id, at a fraction of the production cost (~1 ms instead of ~90 ms a hash): the suite creates
# and signs in thousands of users. Servers the tests start as processes keep the production parameters.
passwords.use_parameters(time_cost=1, memory_cost=1024, parallelism=1)

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory):
    """One migrated database file per test session; each test gets a copy (fast and isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        migrate()
    return path


@pytest.fixture
def database_url(request, tmp_path):
    """This test's own migrated database: a copy of the SQLite template, or a PostgreSQL one with --postgres."""
    if request.config.getoption("--postgres"):
        return request.getfixturevalue("postgres_database")
    path = tmp_path / "test.db"
    shutil.copy(request.getfixturevalue("migrated_db"), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def module_database_url(request, tmp_path_factory):
    """One migrated database for a whole module (a world the module's tests share): SQLite or, with
    `--postgres`, PostgreSQL, so such a module runs in both passes like the tests that use `database_url`."""
    if request.config.getoption("--postgres"):
        factory = request.getfixturevalue("postgres_databases")
        name = factory.take()
        yield request.getfixturevalue("postgres_server").url(name)
        if not database.is_closed():
            database.close()
        database.close_all()
        factory.give_back(name)
        return
    path = tmp_path_factory.mktemp("module-db") / "module.db"
    shutil.copy(request.getfixturevalue("migrated_db"), path)
    yield f"sqlite:///{path}"


def _make_app(database_url, **overrides):
    config = {"DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
              "SECRET_KEY": "test-secret", "MAIL_SEND_AFTER_REQUEST": False,
              "BASE_URL": "http://localhost", "TESTING": True, **overrides}
    return create_app(config)


@pytest.fixture
def app(database_url):
    """A fresh app on its own database. No context is kept pushed, so each request is as in production."""
    app = _make_app(database_url)
    yield app
    if not database.is_closed():
        database.close()
    database.close_all()          # the pool's idle connections: the next test has its own database


@pytest.fixture
def ctx(app):
    """A request context, for calling services that render templates or build URLs."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def make_app(database_url):
    """An app with other settings (e.g. CSRF on), on the same database as `app`."""
    def make(**overrides):
        return _make_app(database_url, **overrides)
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
            return authentication.create_user(email or f"{role}{n}@example.org", name or f"{role.title()} {n}", role,
                                     password, municipalities)
    return make


def login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def pass_second_factor(client, user):
    """An admin's second step after the password: enrol (on first use) and give the current TOTP code."""
    import re
    import time

    import pyotp

    from portal.models import User
    page = client.get("/login/totp").get_data(as_text=True)       # creates the secret on first use
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    user.totp_secret = User.get_by_id(user.id).totp_secret
    for later in (0, 30):                          # a code works once: the same admin again takes the next one
        code = pyotp.TOTP(user.totp_secret).at(time.time() + later)
        response = client.post("/login/totp", data={"code": code, **({"csrf_token": token[1]} if token else {})})
        if response.status_code == 302:
            return
    assert response.status_code == 302, response.data


@pytest.fixture
def login_as(app, make_user):
    """A test client signed in with a new user of the given role."""
    def sign_in(role, **kwargs):
        user = make_user(role, **kwargs)
        client = app.test_client()
        response = login(client, user.email)
        assert response.status_code == 302, response.data
        if role == "admin":
            pass_second_factor(client, user)
        client.user = user
        return client
    return sign_in
