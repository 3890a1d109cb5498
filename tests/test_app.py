"""The app factory, settings, health check, headers and error pages."""
import json
import logging
import sqlite3

import pytest

from portal import create_app
from portal.db import database
from portal.security import CONTENT_SECURITY_POLICY


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_production_refuses_to_start_without_a_mail_server(monkeypatch, tmp_path):
    """Without one, every email (one-time links included) would be printed into the server's log."""
    monkeypatch.delenv("PORTAL_MAIL_SERVER", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    with pytest.raises(RuntimeError, match="MAIL_SERVER must be set in production"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_production_starts_with_secret_key_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("PORTAL_MAIL_SERVER", "smtp.example.org")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    second = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["DATABASE_URL"].endswith("env.db")


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_answers_503_when_the_server_is_gone(make_app):
    app = make_app(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-ID"]


def test_unknown_page_is_a_friendly_404_in_danish_with_request_id(client):
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "Siden blev ikke fundet" in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)


def test_unknown_page_in_english(client):
    response = client.get("/nope?lang=en")
    assert "Page not found" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_friendly_page_without_traceback(app, client):
    @app.get("/boom")
    def boom():
        raise ZeroDivisionError("secret detail")
    boom.access = "public"
    response = client.get("/boom?lang=en")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "something went wrong" in text and "Traceback" not in text and "secret detail" not in text


def test_request_log_has_one_line_per_request_without_the_query(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    client.get("/?name=Amal%20Hassan")
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.request"]
    assert len(lines) == 1
    assert lines[0].startswith("GET / 200 ") and "id=" in lines[0]
    assert "Amal" not in lines[0]


@pytest.mark.sqlite_only
def test_sqlite_is_configured_for_safe_concurrent_writes(app):
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 5000
    assert pragma("synchronous") == 2          # FULL
    # A write transaction holds the write lock from its start (BEGIN IMMEDIATE), before it has read or
    # written anything: a form step's save reads, merges and writes the draft under it.
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with database.atomic():
        other = sqlite3.connect(path, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_static_files_are_served_without_no_store(client):
    response = client.get("/static/js/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_creating_the_app_opens_no_database_connection(tmp_path):
    """Servers fork workers after importing the app: a connection opened before would be shared."""
    create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'fork.db'}", "SECRET_KEY": "x"})
    assert database.is_closed()


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user("staff")
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_an_expired_form_token_on_a_missing_object_is_a_404_not_a_500(make_app, login_as):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/apply/nope", data={"csrf_token": "stale"})
    assert response.status_code == 404


def test_reading_the_start_page_sets_no_cookie_but_a_form_page_carries_the_htmx_token(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    for path in ("/", "/privacy"):
        response = client.get(path)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, path
        assert b"X-CSRFToken" not in response.data
    form_page = client.get("/apply/about-you")
    assert "session=" in form_page.headers["Set-Cookie"]
    assert b'data-hx-headers=\'{"X-CSRFToken": "' in form_page.data


def test_emails_keep_their_own_language_inside_a_request_in_another(app, make_user):
    from flask_babel import force_locale, gettext
    with app.test_request_context("/?lang=en"):
        assert gettext("Log in") == "Log in"
        with force_locale("da"):
            assert app.jinja_env.from_string("{{ _('Log in') }}").render() == "Log ind"
        assert app.jinja_env.from_string("{{ _('Log in') }}").render() == "Log in"


def test_a_method_the_page_does_not_take_is_a_405_with_the_friendly_page(client):
    response = client.put("/?lang=en")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {"GET"}
    assert "Something in the request was not right" in response.get_data(as_text=True)


def test_too_much_data_is_a_413_with_the_friendly_page(make_app):
    client = make_app(MAX_CONTENT_LENGTH=100).test_client()
    response = client.post("/apply/about-you?lang=en", data={"full_name": "x" * 500})
    assert response.status_code == 413
    assert "Something in the request was not right" in response.get_data(as_text=True)


def test_pages_name_an_icon_that_is_served(client):
    import re
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    icon = client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data


def test_emailed_links_point_to_the_port_served(monkeypatch, tmp_path):
    """`PORT=5101 ./scripts/serve.sh` serves on 5101: links follow the port unless PORTAL_BASE_URL says otherwise."""
    from portal.services.registration import absolute_url
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5101")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"})
    with app.test_request_context():
        assert absolute_url("status.start").startswith("http://127.0.0.1:5101/")
    monkeypatch.delenv("PORT")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"})
    with app.test_request_context():
        assert absolute_url("status.start").startswith("http://127.0.0.1:5000/")
    monkeypatch.setenv("PORT", "5101")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://ansog.mentorbro.dk")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"})
    with app.test_request_context():
        assert absolute_url("status.start").startswith("https://ansog.mentorbro.dk/")
