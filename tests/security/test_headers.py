"""ASVS V14.4 / V7.4: security headers and CSP on every response, no-store on personal pages, friendly errors."""
import pytest
from flask import abort

from portal.access import public, roles
from tests.apply.helpers import VALID

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def assert_security_headers(response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, name
    assert len(response.headers["X-Request-ID"]) == 16
    assert "Strict-Transport-Security" not in response.headers       # development: plain HTTP


def test_a_public_page_has_the_exact_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_an_applicant_page_has_the_headers_and_is_not_stored(client):
    client.post("/apply/about-you", data=VALID["about-you"])
    response = client.get("/apply/about-you")
    assert response.status_code == 200 and "Amal Hassan" in response.get_data(as_text=True)
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_staff_page_has_the_headers_and_is_not_stored(login_as):
    staff = login_as("staff")
    for headers in ({}, {"HX-Request": "true"}):
        response = staff.get("/review/", headers=headers)
        assert response.status_code == 200
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/login", "/status/", "/no-such-page", "/healthz", "/apply/resume/not-a-token"])
def test_every_answer_has_the_headers(client, path):
    response = client.get(path)
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_redirects_and_refusals_have_the_headers(client, login_as):
    assert_security_headers(client.get("/review/"))
    assert_security_headers(login_as("mentor").get("/review/"))


def test_production_adds_hsts_and_secure_cookies(make_app):
    app = make_app(ENV_NAME="production", SESSION_COOKIE_SECURE=True, MAIL_SERVER="smtp.example.org")
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


def test_an_unexpected_error_shows_a_friendly_page_with_the_request_id_and_no_traceback(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/explode")
    @public
    def explode():
        raise RuntimeError("secret internals: /srv/mentorbro/portal/db.py password=hunter2")

    @app.get("/staff-only-explode")
    @roles("staff")
    def staff_explode():
        abort(500)

    client = app.test_client()
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/explode?lang=en", headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert response.headers["X-Request-ID"] in body
        assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
        assert_security_headers(response)


@pytest.mark.parametrize("status, path", [(404, "/no-such-page"), (404, "/review/NOPE-NOPE"), (405, "/apply/about-you")])
def test_error_pages_carry_the_request_id(client, login_as, status, path):
    who = login_as("staff") if path.startswith("/review/") else client
    response = who.open(path, method="PUT" if status == 405 else "GET")
    assert response.status_code == status
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)
