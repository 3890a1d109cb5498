"""Signing in and out: generic errors, throttling in the database, session rotation and replay."""
from datetime import timedelta

import pytest

from portal.models import AuditEvent, LoginAttempt, User
from portal.services import authentication
from tests.conftest import PASSWORD, login


def test_login_page_has_labelled_email_and_password_fields(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html
    assert '<label' in html and 'for="email"' in html and 'for="password"' in html


def test_staff_can_log_in_and_reach_their_home(client, make_user):
    user = make_user("staff")
    response = login(client, user.email)
    assert response.status_code == 302
    assert AuditEvent.select().where(AuditEvent.action == "user.login").count() == 1


def test_email_is_matched_without_regard_to_case_or_spaces(client, make_user):
    user = make_user("staff", email="sara@example.org")
    assert login(client, "  Sara@Example.org ").status_code == 302


@pytest.mark.parametrize("email, password", [("staff1@example.org", "wrong"), ("nobody@example.org", PASSWORD)])
def test_bad_credentials_get_one_generic_message(client, make_user, email, password):
    make_user("staff", email="staff1@example.org")
    response = client.post("/login?lang=en", data={"email": email, "password": password})
    assert response.status_code == 200
    assert "The email or password is not correct." in response.get_data(as_text=True)


def test_a_deactivated_user_cannot_log_in(client, make_user):
    user = make_user("staff")
    User.update(active=False).where(User.id == user.id).execute()
    assert login(client, user.email).status_code == 200


def test_repeated_failures_make_the_next_attempt_wait_even_with_the_right_password(app, client, make_user):
    app.config["LOGIN_DELAY_FIRST"] = timedelta(minutes=1)
    user = make_user("staff")
    for _ in range(5):
        login(client, user.email, "wrong")
    response = client.post("/login?lang=en", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert LoginAttempt.select().where(LoginAttempt.email == user.email).count() == 5


def test_throttling_by_address_counts_across_accounts(app, client, make_user):
    app.config.update(LOGIN_FREE_FAILURES_PER_ADDRESS=3, LOGIN_DELAY_FIRST=timedelta(minutes=1))
    victim = make_user("staff")
    for n in range(3):
        login(client, f"guess{n}@example.org", "wrong")
    assert login(client, victim.email).status_code == 429


def test_the_session_is_rotated_at_login(client, make_user):
    user = make_user("staff")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_session_cookie_replayed_after_logout_is_refused(app, make_user):
    user = make_user("admin")
    client = app.test_client()
    login(client, user.email)
    cookie = client.get_cookie("session").value
    assert client.get("/login").status_code == 200
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    with replay.session_transaction() as session:
        assert session.get("_user_id")          # the old cookie still names the user…
    assert authentication.load_session_user(session["_user_id"]) is None   # …but it no longer signs them in


def test_logout_needs_post_with_csrf(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400


def test_a_post_without_a_valid_csrf_token_is_refused_and_keeps_what_was_typed(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/login?lang=en", data={"email": "amal@example.org", "password": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="amal@example.org"' in html
    assert "The form had expired" in html
    with app.app_context():
        assert LoginAttempt.select().count() == 0


@pytest.mark.parametrize("target, expected", [
    ("/review/", "/review/"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_redirects_within_the_site(client, make_user, target, expected):
    from portal.auth.views import safe_next
    assert (safe_next(target) or "/") == expected


def test_idle_session_times_out(app, make_user):
    user = make_user("staff")
    client = app.test_client()
    login(client, user.email)
    with client.session_transaction() as session:
        session["seen"] -= 31 * 60
    app.config["IDLE_TIMEOUT"] = __import__("datetime").timedelta(minutes=30)
    from flask_login import current_user
    with client:
        client.get("/")
        assert not current_user.is_authenticated


def test_activity_keeps_a_session_alive_and_the_cookie_is_sent_again_only_once_a_minute(app, make_user):
    """Staff active all day are not signed out; the cookie is not signed and sent again at every request."""
    user = make_user("staff")
    client = app.test_client()
    login(client, user.email)
    client.get("/review/")                               # the first page shows the flashed "signed in"
    assert "Set-Cookie" not in client.get("/review/").headers                 # seen less than a minute ago
    with client.session_transaction() as session:
        session["seen"] -= 29 * 60                                            # idle for 29 of the 30 minutes
    response = client.get("/review/")
    assert response.status_code == 200 and "session=" in response.headers["Set-Cookie"]
    with client.session_transaction() as session:
        session["seen"] -= 29 * 60                                            # 29 more: idle only since then
    assert client.get("/review/").status_code == 200
