"""A form sent from another site is refused by its Origin header, whatever its token; on HTTPS a browser
that keeps the Referer private can still send every form (the CSRF token decides)."""
import pytest

from portal.models import Application
from tests.apply.helpers import VALID
from tests.conftest import PASSWORD

from .formvalues import csrf_token

HTTPS = "https://localhost"


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True, BASE_URL="https://mentorbro.example")


def post_first_step(client, **headers):
    """The first form step over HTTPS, with a valid token and no Referer (as a private browser sends it)."""
    page = client.get("/apply/about-you", base_url=HTTPS).get_data(as_text=True)
    return client.post("/apply/about-you", base_url=HTTPS, headers=headers,
                       data={**VALID["about-you"], "csrf_token": csrf_token(page)})


def saved_names():
    return [a.full_name for a in Application.select() if a.full_name]


@pytest.mark.parametrize("origin", [None, "https://localhost", "null", "https://mentorbro.example"])
def test_a_form_from_the_site_itself_is_saved_without_a_referer(csrf_app, origin):
    response = post_first_step(csrf_app.test_client(), **({"Origin": origin} if origin else {}))
    assert response.status_code == 302
    assert saved_names() == [VALID["about-you"]["full_name"]]


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost.evil.example",
                                    "https://mentorbro.example.evil.example", "http://[", "javascript:x"])
def test_a_form_from_another_site_is_refused_and_nothing_is_saved(csrf_app, origin):
    response = post_first_step(csrf_app.test_client(), Origin=origin)
    assert response.status_code == 400
    assert "<h1" in response.get_data(as_text=True)                          # the friendly page, not a bare one
    assert saved_names() == []


def test_logging_out_works_without_a_referer(csrf_app, make_user):
    """A form that does not keep input (logging out) was refused on HTTPS without a Referer: 400."""
    user = make_user("staff")
    client = csrf_app.test_client()
    page = client.get("/login", base_url=HTTPS).get_data(as_text=True)
    assert client.post("/login", base_url=HTTPS, data={"email": user.email, "password": PASSWORD,
                                                       "csrf_token": csrf_token(page)}).status_code == 302
    page = client.get("/review/", base_url=HTTPS).get_data(as_text=True)
    assert client.post("/logout", base_url=HTTPS, data={"csrf_token": csrf_token(page)}).status_code == 302
    assert client.get("/review/", base_url=HTTPS).status_code == 302            # signed out: to the login


def test_the_token_still_decides_for_the_site_itself(csrf_app):
    client = csrf_app.test_client()
    client.get("/apply/about-you", base_url=HTTPS)
    response = client.post("/apply/about-you?lang=en", base_url=HTTPS, headers={"Origin": HTTPS},
                           data={**VALID["about-you"], "csrf_token": "made-up"})
    assert response.status_code == 200 and "The form had expired" in response.get_data(as_text=True)
    assert saved_names() == []


def test_a_cross_site_login_is_refused(csrf_app, make_user):
    user = make_user("staff")
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", headers={"Origin": "https://evil.example"},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.status_code == 400
    assert client.get("/review/").status_code == 302                           # not signed in
