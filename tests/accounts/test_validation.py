"""The invitation and password forms refuse bad input with clear messages and save nothing."""
import pytest

from portal.models import AuditEvent, OneTimeToken, Outbox, User

from .helpers import emailed_link, errors, invite, set_password, text, user

COMMON = "Choose a less common password: this one is among the passwords tried first when guessing. " \
         "A few unrelated words are better"


def nothing_saved(count=1):
    assert User.select().count() == count          # the admin (and any user made by the test)
    assert not Outbox.select().exists() and not OneTimeToken.select().exists()
    assert not AuditEvent.select().where(AuditEvent.action == "user.invited").exists()


def test_a_caseworker_needs_a_municipality(app, admin):
    response = invite(admin, role="caseworker")
    assert response.status_code == 200
    assert errors(response) == ["Choose at least one municipality for a caseworker"]
    assert 'href="#municipalities"' in text(response) and 'id="municipalities"' in text(response)
    nothing_saved()


def test_a_duplicate_email_is_a_form_error(app, admin, make_user):
    make_user("staff", email="nour@example.org")
    response = invite(admin, email="Nour@Example.org ")
    assert response.status_code == 200
    assert errors(response) == ["A user with this email address already exists"]
    assert User.select().count() == 2 and not OneTimeToken.select().exists() and not Outbox.select().exists()


@pytest.mark.parametrize("field, value, message", [
    ("role", "superuser", "Choose a role from the list"),
    ("role", None, "Choose a role"),
    ("language", "de", "Choose Danish or English"),
    ("email", "not-an-email", "Enter an email address like name@example.com"),
    ("name", "x" * 201, "Enter a name of at most 200 characters"),
])
def test_odd_values_are_refused(app, admin, field, value, message):
    response = invite(admin, **{field: value})
    assert response.status_code == 200 and errors(response) == [message]
    nothing_saved()


def test_unknown_municipality_codes_are_refused(app, admin):
    response = invite(admin, role="caseworker", municipalities=["101", "999"])
    assert response.status_code == 200 and errors(response) == ["Choose municipalities from the list"]
    nothing_saved()


def test_the_form_keeps_what_was_typed(app, admin):
    page = text(invite(admin, role="caseworker", email="keep@example.org", name="Kept Name"))
    assert 'value="keep@example.org"' in page and 'value="Kept Name"' in page
    assert 'value="caseworker" checked' in page


@pytest.fixture
def link(app, inbox, admin):
    invite(admin, email="nour.haddad@example.org")
    return emailed_link(app, inbox, "nour.haddad@example.org")


@pytest.mark.parametrize("password, repeat, message", [
    ("short pass", None, "Enter a password of at least 12 characters"),
    ("x" * 201, None, "Enter a password of at most 200 characters"),
    ("a long and unrelated passphrase", "a long and unrelated passphrasE", "Enter the same password twice"),
    ("my name is NOUR.HADDAD!", None, "Choose a password that does not contain your email address"),
    ("", "", "Enter a password"),
    ("aaaaaaaaaaaa", None, COMMON),
    ("password1234", None, COMMON),                  # among the 10,000 most common
    ("iloveyou2024!", None, COMMON),                 # a common one with digits and a sign added
    ("Q1w2e3r4t5y6", None, COMMON),
    ("qwertyqwerty", None, COMMON),
    ("123456789012", None, COMMON),
    ("Haddad, Nour 1990!", None, "Choose a password that is not made of your name or email address"),
])
def test_weak_or_mismatched_passwords_are_refused(app, link, password, repeat, message):
    client = app.test_client()
    response = set_password(client, link, password, repeat)
    assert response.status_code == 200 and message in errors(response)
    assert user("nour.haddad@example.org").password_hash is None
    if password:
        assert password not in text(response)                                # passwords are not echoed
    assert set_password(client, link).status_code == 302                     # the link still works


def test_the_common_password_message_is_in_danish_too(app, link):
    response = app.test_client().post(link + "?lang=da", data={"password": "aaaaaaaaaaaa", "repeat": "aaaaaaaaaaaa"})
    assert response.status_code == 200
    assert "Vælg en mindre almindelig adgangskode" in text(response)
    assert user("nour.haddad@example.org").password_hash is None


def test_a_strong_password_with_a_common_word_in_it_is_fine(app, link):
    assert set_password(app.test_client(), link, "dragon fruit on the balcony").status_code == 302


def test_the_service_refuses_a_weak_password_whoever_calls_it(app, link):
    from portal.services import account_admin
    with app.test_request_context("/"):
        with pytest.raises(account_admin.WeakPassword):
            account_admin.set_password(link.rsplit("/", 1)[1], "aaaaaaaaaaaa")
    assert user("nour.haddad@example.org").password_hash is None


def test_a_made_up_token_gets_the_friendly_page(client):
    for path in ("/account/set-password/nonsense", "/account/set-password/" + "x" * 500,
                 "/account/set-password/%00%ff"):
        response = client.get(path + "?lang=en")
        assert response.status_code == 404 and "The link has expired or was used" in text(response)
        assert client.post(path, data={"password": "a" * 20, "repeat": "a" * 20}).status_code == 404


def test_unknown_users_and_odd_posts_do_not_break_the_admin_pages(app, admin):
    assert admin.get("/admin/users/999/deactivate").status_code == 404
    assert admin.post("/admin/users/999/resend").status_code == 404
    assert admin.get("/admin/users/abc/deactivate").status_code == 404
    assert admin.post("/admin/users/invite", data={"email": "\x00", "role": ["staff", "admin"]}).status_code == 200
