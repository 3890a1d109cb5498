"""Every account page: a title, one h1, labelled inputs, unique ids, CSRF on every form, both languages."""
import re

import pytest
from bs4 import BeautifulSoup

from portal.models import OneTimeToken, User
from tests.conftest import PASSWORD, pass_second_factor

from .helpers import emailed_link, invite, text


def check_page(response, csrf=True):
    assert response.status_code == 200
    soup = BeautifulSoup(text(response), "html.parser")
    assert soup.title.string.strip() and len(soup.find_all("h1")) == 1
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.get("type") in ("hidden", "submit") or field.has_attr("hidden"):
            continue
        assert soup.find("label", attrs={"for": field["id"]}), f"no label for {field['id']}"
    for form in soup.find_all("form", method="post") if csrf else ():
        assert form.find("input", attrs={"name": "csrf_token"}), f"no CSRF token in {form.get('action')}"
    assert not soup.find_all(style=True) and not [s for s in soup.find_all("script") if s.string]
    return soup


@pytest.fixture
def csrf_admin(make_app, make_user):
    """An app with CSRF on and an admin signed in through the real login form."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    admin = make_user("admin")
    page = text(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    pass_second_factor(client, admin)
    client.user = admin
    return client


@pytest.mark.parametrize("lang", ["da", "en"])
def test_admin_pages_are_well_formed(csrf_admin, make_user, lang):
    other = make_user("caseworker")
    for path in ("/admin/users", "/admin/users/invite", f"/admin/users/{other.id}/deactivate",
                 f"/admin/users/{other.id}/reactivate"):
        soup = check_page(csrf_admin.get(f"{path}?lang={lang}"))
        assert soup.html["lang"] == lang


@pytest.mark.parametrize("lang", ["da", "en"])
def test_public_pages_are_well_formed(app, inbox, admin, lang):
    invite(admin)
    path = emailed_link(app, inbox, "nour@example.org")
    client = app.test_client()
    for url in ("/login", "/account/reset", path):          # this app has CSRF off: see the tests below
        check_page(client.get(f"{url}?lang={lang}"), csrf=False)
    check_page(client.post(f"{path}?lang={lang}", data={"password": "short", "repeat": "other"}), csrf=False)
    check_page(client.post(f"/account/reset?lang={lang}", data={"email": "x@example.org"}), csrf=False)


def test_public_forms_carry_a_csrf_token(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    check_page(client.get("/account/reset"))
    response = client.post("/account/reset?lang=en", data={"email": "x@example.org"})
    assert "The form had expired, so nothing was saved." in text(response)


def test_a_post_without_a_csrf_token_is_refused_and_keeps_what_was_typed(csrf_admin):
    response = csrf_admin.post("/admin/users/invite?lang=en", data={
        "email": "kept@example.org", "name": "Kept Name", "role": "caseworker", "municipalities": "101",
        "language": "en"})
    page = text(response)
    assert response.status_code == 200 and "The form had expired, so nothing was saved." in page
    assert 'value="kept@example.org"' in page and 'value="Kept Name"' in page
    assert not User.select().where(User.email == "kept@example.org").exists()


def test_resend_and_deactivate_need_the_csrf_token(csrf_admin, make_user):
    other = make_user("staff")
    assert csrf_admin.post(f"/admin/users/{other.id}/deactivate").status_code == 200   # the confirmation again
    assert User.get_by_id(other.id).active
    response = csrf_admin.post(f"/admin/users/{other.id}/resend?lang=en", follow_redirects=True)
    assert "The page had expired, so nothing was sent." in text(response)
    assert not OneTimeToken.select().exists()


def test_the_table_forms_work_with_their_tokens(csrf_admin):
    page = text(csrf_admin.get("/admin/users/invite"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert csrf_admin.post("/admin/users/invite", data={"email": "nour@example.org", "name": "Nour",
                                                        "role": "staff", "language": "da",
                                                        "csrf_token": token}).status_code == 302
    invited = User.get(User.email == "nour@example.org")
    soup = BeautifulSoup(text(csrf_admin.get("/admin/users")), "html.parser")
    form = soup.find("form", action=f"/admin/users/{invited.id}/resend")
    data = {field["name"]: field["value"] for field in form.find_all("input")}
    assert csrf_admin.post(form["action"], data=data).status_code == 302
    assert OneTimeToken.select().where(OneTimeToken.user == invited).count() == 2
