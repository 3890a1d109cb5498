"""Admins invite users: the email arrives in the chosen language, the link sets a password, the user logs in."""
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from portal.clock import now_utc
from portal.models import AuditEvent, OneTimeToken, Outbox, User, UserMunicipality
from tests.conftest import login

from .helpers import NEW_PASSWORD, emailed_link, errors, invite, send_mail, set_password, text, user


@pytest.mark.parametrize("language", ["da", "en"])
def test_an_invitation_arrives_in_the_chosen_language_and_its_link_sets_a_password(app, inbox, admin, language):
    response = invite(admin, language=language)
    assert response.status_code == 302 and response.location.endswith("/admin/users")
    assert "The invitation has been sent to nour@example.org." in text(admin.get("/admin/users?lang=en"))
    send_mail(app)
    [message] = inbox.to("nour@example.org")
    with app.test_request_context("/"), force_locale(language):
        assert message["Subject"] == gettext("You are invited to Mentorbro")
        assert gettext("Hello %(name)s", name="Nour Haddad") in message.get_content()
    assert Outbox.get().language == language and user("nour@example.org").language == language

    path = emailed_link(app, inbox, "nour@example.org")
    client = app.test_client()
    page = client.get(path + "?lang=en")
    assert page.status_code == 200 and "Choose your password" in text(page)
    assert "Welcome to Mentorbro, Nour Haddad." in text(page)
    response = set_password(client, path)
    assert response.status_code == 302 and response.location.endswith("/login")
    assert "Your password is saved." in text(client.get("/login?lang=en"))
    assert login(client, "nour@example.org", NEW_PASSWORD).status_code == 302


def test_the_invitation_is_stored_and_audited_without_a_password(app, inbox, admin):
    invite(admin)
    invited = user("nour@example.org")
    assert invited.password_hash is None and invited.role == "staff" and invited.active
    [token] = OneTimeToken.select().where(OneTimeToken.user == invited)
    assert token.purpose == "invite"
    assert timedelta(days=6, hours=23) < token.expires_at - now_utc() <= timedelta(days=7)
    link = emailed_link(app, inbox, "nour@example.org")
    assert link.rsplit("/", 1)[1] not in token.token_hash             # only the hash is kept
    [event] = AuditEvent.select().where(AuditEvent.action == "user.invited")
    assert event.actor_id == admin.user.id and event.object_id == str(invited.id)
    assert event.details == {"role": "staff", "language": "en", "municipalities": []}


def test_an_invited_user_cannot_log_in_before_setting_a_password(app, admin):
    invite(admin)
    assert login(app.test_client(), "nour@example.org", "").status_code == 200


def test_setting_the_password_stores_an_argon2_hash_bumps_the_session_and_audits(app, inbox, admin):
    invite(admin)
    before = user("nour@example.org").session_version
    set_password(app.test_client(), emailed_link(app, inbox, "nour@example.org"))
    after = user("nour@example.org")
    assert after.password_hash.startswith("$argon2id$") and NEW_PASSWORD not in after.password_hash
    assert after.session_version == before + 1
    [event] = AuditEvent.select().where(AuditEvent.action == "user.password_set")
    assert event.actor_id == after.id and event.details == {"via": "invite"}
    assert OneTimeToken.get().used_at is not None


def test_a_caseworker_is_invited_with_their_municipalities(app, admin):
    response = invite(admin, email="sara@kk.dk", role="caseworker", municipalities=["101", "147"])
    assert response.status_code == 302
    caseworker = user("sara@kk.dk")
    assert sorted(caseworker.municipality_codes()) == ["101", "147"]
    page = text(admin.get("/admin/users?lang=en"))
    assert "sara@kk.dk" in page and "København" in page and "Frederiksberg" in page


def test_municipalities_are_ignored_for_other_roles(app, admin):
    invite(admin, role="mentor", municipalities=["101"])
    assert not UserMunicipality.select().where(UserMunicipality.user == user("nour@example.org")).exists()


def test_an_expired_invitation_is_refused_with_a_friendly_page(app, inbox, admin):
    invite(admin)
    path = emailed_link(app, inbox, "nour@example.org")
    OneTimeToken.update(expires_at=now_utc() - timedelta(seconds=1)).execute()
    for response in (app.test_client().get(path + "?lang=en"), set_password(app.test_client(), path)):
        assert response.status_code == 404
        assert "The link has expired or was used" in text(response)
    assert user("nour@example.org").password_hash is None
    assert "Invited, the link has expired or was not used" in text(admin.get("/admin/users?lang=en"))


def test_a_used_invitation_cannot_be_used_again(app, inbox, admin):
    invite(admin)
    path = emailed_link(app, inbox, "nour@example.org")
    assert set_password(app.test_client(), path).status_code == 302
    first_hash = user("nour@example.org").password_hash
    response = set_password(app.test_client(), path, password="another long passphrase here")
    assert response.status_code == 404 and "The link has expired or was used" in text(response)
    assert user("nour@example.org").password_hash == first_hash
    assert AuditEvent.select().where(AuditEvent.action == "user.password_set").count() == 1


def test_resending_sends_a_new_link_and_the_old_one_stops_working(app, inbox, admin):
    invite(admin)
    old = emailed_link(app, inbox, "nour@example.org")
    invited = user("nour@example.org")
    response = admin.post(f"/admin/users/{invited.id}/resend?lang=en")
    assert response.status_code == 302
    assert "A new invitation has been sent to nour@example.org." in text(admin.get("/admin/users?lang=en"))
    new = emailed_link(app, inbox, "nour@example.org")
    assert new != old and len(inbox.to("nour@example.org")) == 2
    assert set_password(app.test_client(), old).status_code == 404
    assert set_password(app.test_client(), new).status_code == 302
    [event] = AuditEvent.select().where(AuditEvent.action == "user.invitation_resent")
    assert event.actor_id == admin.user.id and event.details == {"retired_links": 1}


def test_no_invitation_is_resent_to_someone_with_a_password(app, inbox, admin, make_user):
    staff = make_user("staff")
    response = admin.post(f"/admin/users/{staff.id}/resend?lang=en", follow_redirects=True)
    assert "has already set a password, so there is no invitation to send." in text(response)
    send_mail(app)
    assert inbox.to(staff.email) == []
    assert not AuditEvent.select().where(AuditEvent.action == "user.invitation_resent").exists()


def test_the_user_list_shows_role_municipalities_status_and_actions(app, admin, make_user):
    make_user("caseworker", name="Carla Caseworker", municipalities=("101",))
    invite(admin, name="Ines Invited")
    page = text(admin.get("/admin/users?lang=en"))
    assert "<table" in page and "Carla Caseworker" in page and "Caseworker" in page and "København" in page
    assert "Password set" in page and "Invited, link valid until" in page
    assert "Send the invitation again" in page and "Deactivate" in page
    assert 'href="/admin/users/invite"' in page


def test_invitations_in_the_outbox_are_written_with_the_user(app, admin):
    invite(admin, email="", name="")                      # refused: nothing saved, nothing queued
    assert not Outbox.select().exists() and User.select().count() == 1
    assert errors(invite(admin, email="", name="")) == ["Enter the person's email address",
                                                        "Enter the person's full name"]
