"""Caseworkers refer citizens: together now, or by invitation; never another municipality's citizens."""
import re
from datetime import date

import pytest

from portal import mail
from portal.models import Application, AuditEvent, Referral
from tests.apply.helpers import VALID, fill

REFERRAL = {"full_name": "Yonas Tesfay", "email": "yonas@example.org", "phone": "", "municipality": "101",
            "language": "en", "note": "Trained nurse, B2 English, wants to work in health care.",
            "consent_how": "in_person", "consent_at": date.today().isoformat(), "agreed": "y"}


def refer(client, mode, **changes):
    return client.post("/referrals/new?lang=en", data={**REFERRAL, **changes, "mode": mode})


@pytest.fixture
def caseworker(login_as):
    return login_as("caseworker", municipalities=("101",))


@pytest.fixture
def other_caseworker(login_as):
    return login_as("caseworker", municipalities=("851",))


def test_the_new_referral_form_offers_only_the_caseworkers_municipalities(caseworker):
    html = caseworker.get("/referrals/new?lang=en").get_data(as_text=True)
    assert 'value="101"' in html and "Københavns Kommune" in html and 'value="851"' not in html


def test_a_referral_for_another_municipality_is_refused(caseworker):
    response = refer(caseworker, "together", municipality="851")
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert Referral.select().count() == 0


@pytest.mark.parametrize("changes, message", [
    ({"note": ""}, "Write why you refer this person"),
    ({"agreed": ""}, "Confirm that the citizen agreed"),
    ({"consent_at": "2999-01-01"}, "not in the future"),
    ({"consent_at": "yesterday"}, "Not a valid date value"),
    ({"email": "", "phone": ""}, "Enter an email address or a phone number"),
])
def test_referral_validation_keeps_what_was_typed(caseworker, changes, message):
    response = refer(caseworker, "together", **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "Trained nurse" in html or changes.get("note") == ""
    assert Referral.select().count() == 0 and Application.select().count() == 0


def test_an_invitation_needs_an_email_address(caseworker):
    response = refer(caseworker, "invite", email="", phone="12345678")
    assert "Enter the citizen’s email address to send an invitation" in response.get_data(as_text=True)


def test_filling_in_together_submits_on_the_citizens_behalf(app, caseworker):
    response = refer(caseworker, "together")
    assert response.headers["Location"].endswith("/apply/about-you")
    page = caseworker.get("/apply/about-you?lang=en").get_data(as_text=True)
    assert 'value="Yonas Tesfay"' in page                                  # prefilled from the referral
    fill(caseworker, **{"about-you": {"full_name": "Yonas Tesfay"}})
    caseworker.post("/apply/submit")
    application = Application.get()
    assert application.source == "referral" and application.status == "submitted"
    assert application.consent_channel == "caseworker"
    event = AuditEvent.get(AuditEvent.action == "application.submitted")
    assert event.actor_id == caseworker.user.id and event.actor_role == "caseworker"
    listing = caseworker.get("/referrals/?lang=en").get_data(as_text=True)
    assert "Yonas Tesfay" in listing and "Submitted" in listing and application.reference in listing


@pytest.mark.parametrize("code, label", [("in_person", "In person"), ("phone", "By phone")])
def test_staff_read_how_the_citizen_agreed_in_words(app, caseworker, login_as, code, label):
    refer(caseworker, "together", consent_how=code)
    fill(caseworker, **{"about-you": {"full_name": "Yonas Tesfay"}})
    caseworker.post("/apply/submit")
    page = login_as("staff").get(f"/review/{Application.get().reference}?lang=en").get_data(as_text=True)
    assert f"<td>{label} (" in page and f"<td>{code} (" not in page


def test_an_invitation_is_emailed_and_the_citizen_finishes_the_form(app, caseworker, inbox):
    response = refer(caseworker, "invite")
    referral = Referral.get()
    assert response.headers["Location"].endswith(f"/referrals/{referral.public_id}")
    assert "Invited" in caseworker.get(f"/referrals/{referral.public_id}?lang=en").get_data(as_text=True)
    with app.app_context():
        mail.send_pending()
    [invitation] = inbox.to("yonas@example.org")
    assert invitation["Subject"] == "You are invited to apply for a business mentor"
    assert "Københavns Kommune" in invitation.get_content()
    path = re.search(r"http://localhost(/apply/resume/\S+)", invitation.get_content()).group(1)
    citizen = app.test_client()
    assert citizen.get(path).headers["Location"].endswith("/apply/about-you")
    assert 'value="Yonas Tesfay"' in citizen.get("/apply/about-you").get_data(as_text=True)
    fill(citizen, **{"about-you": {"full_name": "Yonas Tesfay"}, "contact": {"email": "yonas@example.org"}})
    citizen.post("/apply/submit")
    application = Application.get()
    assert application.source == "referral" and application.status == "submitted"
    assert application.consent_channel == "self"
    assert "Submitted" in caseworker.get(f"/referrals/{referral.public_id}?lang=en").get_data(as_text=True)


def test_the_invitation_in_danish(app, caseworker, inbox):
    refer(caseworker, "invite", language="da")
    with app.app_context():
        mail.send_pending()
    [invitation] = inbox.to("yonas@example.org")
    assert invitation["Subject"] == "Du er inviteret til at søge om en erhvervsmentor"


def test_resending_an_invitation_retires_the_old_link(app, caseworker, inbox):
    refer(caseworker, "invite")
    referral = Referral.get()
    caseworker.post(f"/referrals/{referral.public_id}/resend")
    with app.app_context():
        mail.send_pending()
    first, second = (re.search(r"http://localhost(/apply/resume/\S+)", m.get_content()).group(1)
                     for m in inbox.to("yonas@example.org"))
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 302


def test_the_caseworker_sees_status_and_dates_but_never_staff_notes_or_the_assessment(app, caseworker):
    refer(caseworker, "together")
    fill(caseworker, **{"about-you": {"full_name": "Yonas Tesfay"}})
    caseworker.post("/apply/submit")
    referral = Referral.get()
    html = caseworker.get(f"/referrals/{referral.public_id}?lang=en").get_data(as_text=True)
    assert "Submitted" in html
    for hidden in ("likely", "Likely", "verdict", "eligib", "7(1)", "Refugee status"):
        assert hidden not in html


def test_search_by_name_or_reference(app, caseworker):
    refer(caseworker, "invite")
    refer(caseworker, "invite", full_name="Olena Kovalenko", email="olena@example.org")
    html = caseworker.get("/referrals/?q=olena&lang=en").get_data(as_text=True)
    assert "Olena Kovalenko" in html and "Yonas Tesfay" not in html
    newest_first = caseworker.get("/referrals/?lang=en").get_data(as_text=True)
    assert newest_first.index("Olena Kovalenko") < newest_first.index("Yonas Tesfay")


def test_every_referral_url_answers_404_to_a_caseworker_of_another_municipality(app, caseworker, other_caseworker):
    refer(caseworker, "invite")
    referral = Referral.get()
    for method, url in (("get", f"/referrals/{referral.public_id}"),
                        ("post", f"/referrals/{referral.public_id}/continue"),
                        ("post", f"/referrals/{referral.public_id}/resend")):
        assert getattr(other_caseworker, method)(url).status_code == 404, url
    html = other_caseworker.get("/referrals/?q=Yonas&lang=en").get_data(as_text=True)
    assert "Yonas Tesfay" not in html and "No referrals match" in html


@pytest.mark.parametrize("role, expected", [("staff", 403), ("admin", 403), ("mentor", 403)])
def test_only_caseworkers_use_referrals(login_as, role, expected):
    client = login_as(role)
    for url in ("/referrals/", "/referrals/new", "/referrals/x"):
        assert client.get(url).status_code == expected


def test_anonymous_users_are_sent_to_login(client):
    assert client.get("/referrals/").headers["Location"].startswith("/login?next=/referrals/")


def test_a_caseworker_cannot_reach_review_or_admin(caseworker):
    assert caseworker.get("/review/").status_code in (403, 404)
    assert caseworker.get("/admin/").status_code in (403, 404)
