"""Password reset: the same answer for everyone, an email only for active users, at most 3 an hour."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from portal.clock import now_utc
from portal.models import AuditEvent, OneTimeToken, Outbox
from tests.conftest import PASSWORD, login

from .helpers import NEW_PASSWORD, emailed_link, errors, send_mail, set_password, text, user


def ask(client, email):
    return client.post("/account/reset?lang=en", data={"email": email})


def test_the_login_page_links_to_the_reset_page(client):
    page = text(client.get("/login?lang=en"))
    assert '<a href="/account/reset">Forgot your password?</a>' in page
    assert "Reset your password" in text(client.get("/account/reset?lang=en"))


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_reset_link_sets_a_new_password_and_ends_every_session(app, inbox, login_as, language):
    signed_in = login_as("admin")
    user_row = signed_in.user
    user_row.language = language
    user_row.save()
    assert "Check your email" in text(ask(app.test_client(), user_row.email.upper()))
    send_mail(app)
    [message] = inbox.to(user_row.email)
    with app.test_request_context("/"), force_locale(language):
        assert message["Subject"] == gettext("Choose a new password for Mentorbro")
    path = emailed_link(app, inbox, user_row.email)
    assert OneTimeToken.get().purpose == "reset"
    assert "Choose a new password for" in text(app.test_client().get(path + "?lang=en"))
    assert set_password(app.test_client(), path).status_code == 302
    response = signed_in.get("/admin/users")                 # the old session has ended
    assert response.status_code == 302 and response.location.startswith("/login")
    assert login(app.test_client(), user_row.email, PASSWORD).status_code == 200
    assert login(app.test_client(), user_row.email, NEW_PASSWORD).status_code == 302
    assert AuditEvent.get(AuditEvent.action == "user.password_set").details == {"via": "reset"}


def test_a_reset_refuses_a_common_password(app, inbox, make_user):
    staff = make_user("staff")
    ask(app.test_client(), staff.email)
    path = emailed_link(app, inbox, staff.email)
    response = set_password(app.test_client(), path, "aaaaaaaaaaaa")
    assert response.status_code == 200 and "Choose a less common password" in text(response)
    assert login(app.test_client(), staff.email, "aaaaaaaaaaaa").status_code == 200
    assert set_password(app.test_client(), path).status_code == 302          # the link still works


def test_a_reset_link_lasts_an_hour_and_works_once(app, inbox, make_user):
    staff = make_user("staff")
    ask(app.test_client(), staff.email)
    path = emailed_link(app, inbox, staff.email)
    token = OneTimeToken.get()
    assert timedelta(minutes=59) < token.expires_at - now_utc() <= timedelta(hours=1)
    assert set_password(app.test_client(), path).status_code == 302
    assert set_password(app.test_client(), path, "yet another long passphrase").status_code == 404
    ask(app.test_client(), staff.email)
    second = emailed_link(app, inbox, staff.email)
    OneTimeToken.update(expires_at=now_utc() - timedelta(seconds=1)).execute()
    response = app.test_client().get(second + "?lang=en")
    assert response.status_code == 404 and "The link has expired or was used" in text(response)


def _comparable(response, email):
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text(response).replace(email, "EMAIL"))


def test_unknown_and_deactivated_addresses_get_the_same_answer_and_no_email(app, inbox, admin, make_user):
    known = make_user("staff", email="known@example.org")
    gone = make_user("staff", email="gone@example.org")
    admin.post(f"/admin/users/{gone.id}/deactivate")
    answers = {email: ask(app.test_client(), email) for email in
               ("known@example.org", "nobody@example.org", "gone@example.org")}
    assert len({(r.status_code, _comparable(r, email)) for email, r in answers.items()}) == 1
    send_mail(app)
    assert len(inbox.to("known@example.org")) == 1
    assert inbox.to("nobody@example.org") == [] and inbox.to("gone@example.org") == []
    [event] = AuditEvent.select().where(AuditEvent.action == "user.password_reset_requested")
    assert event.object_id == str(known.id) and event.actor_id is None and event.details == {"sent": True}


def test_at_most_three_reset_emails_an_hour(app, inbox, make_user):
    staff = make_user("staff")
    for _ in range(5):
        assert "Check your email" in text(ask(app.test_client(), staff.email))
    send_mail(app)
    assert len(inbox.to(staff.email)) == 3
    events = AuditEvent.select().where(AuditEvent.action == "user.password_reset_requested").order_by(AuditEvent.id)
    assert [e.details["sent"] for e in events] == [True, True, True, False, False]
    OneTimeToken.update(created_at=now_utc() - timedelta(hours=1, minutes=1)).execute()
    ask(app.test_client(), staff.email)
    send_mail(app)
    assert len(inbox.to(staff.email)) == 4


def test_the_reset_form_asks_for_a_valid_address(client):
    assert errors(ask(client, "")) == ["Enter your email address"]
    assert errors(ask(client, "nope")) == ["Enter an email address like name@example.com"]
    assert not Outbox.select().exists()


def test_an_invited_user_can_use_reset_to_get_a_fresh_link(app, inbox, admin):
    admin.post("/admin/users/invite", data={"email": "farah.k@example.org", "name": "Late Person",
                                            "role": "mentor", "language": "da"})
    ask(app.test_client(), "farah.k@example.org")
    path = emailed_link(app, inbox, "farah.k@example.org")
    assert set_password(app.test_client(), path).status_code == 302
    assert user("farah.k@example.org").password_hash is not None
