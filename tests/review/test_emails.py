"""Decision emails over real SMTP (loopback), in the application's language; the caseworker hears the outcome only."""
import pytest

from portal import mail
from portal.models import Referral, User
from tests.review.helpers import make_application, reload, seeded


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def send(app):
    with app.app_context():
        return mail.send_pending()


def decide(client, application, action, **data):
    response = client.post(f"/review/{application.reference}/{action}",
                           data={"version": reload(application).version, **data})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def taken(staff, **columns):
    application = make_application(**columns)
    decide(staff, application, "take")
    return reload(application)


@pytest.mark.parametrize("language, start", [("en", "1 March 2027"), ("da", "1. marts 2027")])
def test_approval_email_in_the_application_language_says_what_happens_next(app, staff, inbox, language, start):
    programme = seeded(app)
    application = taken(staff, language=language, full_name="Amal Hassan", email="amal@example.org")
    decide(staff, application, "approve", programme=programme.id)
    assert send(app) == 1
    [message] = inbox.to("amal@example.org")
    body = message.get_content()
    assert message["Content-Language"] == language and application.reference in message["Subject"]
    assert "Amal Hassan" in body and start in body and "Erhvervsmentor 2027" in body
    if language == "en":
        assert "What happens next" in body and "You are approved" in message["Subject"]


@pytest.mark.parametrize("language", ["en", "da"])
def test_rejection_email_gives_the_reason_and_the_optional_text_but_never_notes(app, staff, inbox, language):
    application = taken(staff, language=language, email="yonas@example.org")
    staff.post(f"/review/{application.reference}/notes", data={"body": "INTERNAL: sounded unsure on the phone"})
    decide(staff, application, "reject", code="catchment", message="We hope to open a site in Odense next year.")
    send(app)
    [message] = inbox.to("yonas@example.org")
    body = message.get_content()
    assert message["Content-Language"] == language
    assert "We hope to open a site in Odense next year." in body and "INTERNAL" not in body
    if language == "en":
        assert "you live too far from the sites" in body and "apply again" in body


@pytest.mark.parametrize("language", ["en", "da"])
def test_needs_info_email_has_the_question_and_a_working_edit_link(app, staff, inbox, language):
    application = taken(staff, language=language, email="selam@example.org",
                        answers={"about-you": {"full_name": "Selam"}})
    decide(staff, application, "ask", message="Which year did you arrive in Denmark?")
    send(app)
    [message] = inbox.to("selam@example.org")
    body = message.get_content()
    assert message["Content-Language"] == language and "Which year did you arrive in Denmark?" in body
    link = next(line for line in body.splitlines() if "/apply/resume/" in line).strip()
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 302


def test_withdrawal_email(app, staff, inbox):
    application = make_application(email="hodan@example.org", language="en")
    decide(staff, application, "withdraw")
    send(app)
    [message] = inbox.to("hodan@example.org")
    assert "withdrawn" in message["Subject"] and message["Content-Language"] == "en"


@pytest.mark.parametrize("action, data, word, language", [
    ("approve", {}, "has been approved", "en"),
    ("reject", {"code": "language", "message": "Secret reason"}, "has not been approved", "en"),
    ("reject", {"code": "language", "message": "Secret reason"}, None, "da")])
def test_the_referring_caseworker_gets_status_name_and_reference_only(app, staff, inbox, make_user, action, data,
                                                                      word, language):
    programme = seeded(app)
    caseworker = make_user("caseworker", email="cw@kk.dk")
    User.update(language=language).where(User.id == caseworker.id).execute()
    application = taken(staff, email="amal@example.org", full_name="Amal Hassan", source="referral")
    Referral.create(caseworker=caseworker, municipality="101", full_name="Amal Hassan", note="Strong candidate",
                    consent_how="In a meeting", consent_at=application.submitted_at.date(), application=application)
    decide(staff, application, action, programme=programme.id, **data)
    send(app)
    [message] = inbox.to("cw@kk.dk")
    body = message.get_content()
    assert message["Content-Language"] == language
    assert "Amal Hassan" in body and application.reference in body and (word is None or word in body)
    assert "Secret reason" not in body and "language" not in body.lower().replace("languages", "")
    assert "Strong candidate" not in body


def test_asking_for_information_does_not_tell_the_caseworker(app, staff, inbox, make_user):
    caseworker = make_user("caseworker", email="cw2@kk.dk")
    application = taken(staff, email="x@example.org")
    Referral.create(caseworker=caseworker, municipality="101", full_name="X", note="n", consent_how="c",
                    consent_at=application.submitted_at.date(), application=application)
    decide(staff, application, "ask", message="More please")
    send(app)
    assert inbox.to("cw2@kk.dk") == [] and len(inbox.to("x@example.org")) == 1


def test_no_email_address_means_no_email_and_staff_are_told_to_phone(app, staff, inbox):
    application = taken(staff, email=None, phone="+45 70 12 34 56")
    response = staff.post(f"/review/{application.reference}/withdraw?lang=en", data={"version": application.version},
                          follow_redirects=True)
    assert "+45 70 12 34 56" in response.get_data(as_text=True)
    assert send(app) == 0
