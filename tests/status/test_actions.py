"""What a signed-in applicant can do on /status: edit (when asked), withdraw, download, ask for deletion."""
import json
import re
import time

from portal.clock import now_utc
from portal.models import Application, AuditEvent, Note, Outbox
from portal.services import audit, status
from portal.status.views import SESSION_KEY, SIGNED_IN_AT

from .helpers import send_mail, sign_in, submitted_application


def _events(application, action):
    return list(AuditEvent.select().where((AuditEvent.object_id == application.public_id)
                                          & (AuditEvent.action == action)))


def _decide(application, make_user, status="approved"):
    staff = make_user("staff")
    Application.update(status=status, decided_by=staff, decided_at=now_utc(),
                       decision_reason="Meets the criteria").where(Application.id == application.id).execute()
    return staff


# --- edit -------------------------------------------------------------------------------------

def test_when_staff_ask_for_more_information_the_applicant_edits_and_sends_again(app, inbox, client):
    application = submitted_application(app)
    Application.update(status="needs_info").where(Application.id == application.id).execute()
    sign_in(client, inbox, application)
    page = client.get("/status/application?lang=en").get_data(as_text=True)
    assert "We need more information from you" in page and "Change your answers" in page
    assert "/status/edit?step=contact" in page

    response = client.get("/status/edit")
    assert response.status_code == 302 and response.location.endswith("/apply/check")
    assert "Send application" in client.get("/apply/check?lang=en").get_data(as_text=True)
    step = client.get("/status/edit?step=contact")
    assert step.location.endswith("/apply/contact?return=check")
    contact = {"email": "amal@example.org", "phone": "+45 87 65 43 21", "address": "Nørrebrogade 1",
               "postcode": "2200", "municipality": "101"}
    assert client.post("/apply/contact?return=check", data=contact).location.endswith("/apply/check")
    assert client.post("/apply/submit").location.endswith("/apply/done")

    assert Application.select().count() == 1
    fresh = Application.get_by_id(application.id)
    assert fresh.status == "submitted" and fresh.phone == "+45 87 65 43 21"
    assert fresh.reference == application.reference
    [event] = _events(application, "application.resubmitted")
    assert event.details["from_status"] == "needs_info" and event.details["to_status"] == "submitted"
    assert "/status/edit" not in client.get("/status/application").get_data(as_text=True)


def test_a_status_sign_in_from_before_staff_asked_for_more_cannot_edit(app, inbox, client):
    """Signed in while the application was only sent (a shared computer, within the hour): when staff then ask
    for more, that browser may not change it; a new sign-in link from the email may."""
    application = submitted_application(app)
    sign_in(client, inbox, application)
    Application.update(status="needs_info").where(Application.id == application.id).execute()
    page = client.get("/status/application?lang=en").get_data(as_text=True)
    assert "/status/edit" not in page and "open the link in the email we sent you" in page
    assert client.get("/status/edit").location.endswith("/status/application")
    assert client.get("/apply/check").status_code == 302
    assert client.post("/apply/contact", data={"email": "forged@example.org", "phone": "+45 11 11 11 11",
                                               "address": "X 1", "postcode": "2200", "municipality": "101"}
                       ).status_code == 200
    assert Application.get_by_id(application.id).email == "amal@example.org"

    fresh = app.test_client()
    sign_in(fresh, inbox, application)
    assert fresh.get("/status/edit").location.endswith("/apply/check")


def test_a_submitted_application_cannot_be_edited_from_status(app, inbox, client):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    page = client.get("/status/application?lang=en").get_data(as_text=True)
    assert "Change your answers" not in page and "/status/edit" not in page
    response = client.get("/status/edit?step=contact")
    assert response.location.endswith("/status/application")
    with client.session_transaction() as session:
        assert "application" not in session
    assert client.get("/apply/check").status_code == 302


# --- withdraw ---------------------------------------------------------------------------------

def test_withdrawing_asks_first_then_withdraws_logs_and_emails(app, inbox, client):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    inbox.messages.clear()
    confirm = client.get("/status/withdraw?lang=en").get_data(as_text=True)
    assert "Do you want to withdraw your application?" in confirm
    assert "Withdrawing your consent is the same as withdrawing the application." in confirm
    assert Application.get_by_id(application.id).status == "submitted"      # looking changes nothing

    response = client.post("/status/withdraw")
    assert response.location.endswith("/status/application")
    assert Application.get_by_id(application.id).status == "withdrawn"
    [event] = _events(application, "application.withdrawn")
    assert (event.actor_role, event.details["from_status"], event.details["to_status"]) == (
        "applicant", "submitted", "withdrawn")
    send_mail(app)
    [message] = inbox.to("amal@example.org")
    assert application.reference in message["Subject"] and "withdrawn" in message["Subject"]
    page = client.get("/status/application?lang=en").get_data(as_text=True)
    assert "Withdrawn." in page and "/status/withdraw" not in page


def test_an_approved_application_cannot_be_withdrawn(app, inbox, client, make_user):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    _decide(application, make_user)
    assert "/status/withdraw" not in client.get("/status/application").get_data(as_text=True)
    assert client.get("/status/withdraw").location.endswith("/status/application")
    response = client.post("/status/withdraw")
    assert response.location.endswith("/status/application")
    assert "can no longer be withdrawn" in client.get("/status/application?lang=en").get_data(as_text=True)
    assert Application.get_by_id(application.id).status == "approved"
    assert _events(application, "application.withdrawn") == []
    assert not Outbox.select().where(Outbox.subject.contains("withdrawn")).exists()


def test_a_withdrawal_without_a_valid_form_token_keeps_the_page_and_changes_nothing(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        application = Application.create(status="submitted", reference="MB-TEST-0001", email="a@example.org",
                                         full_name="A", language="en", submitted_at=now_utc())
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_KEY] = application.public_id
        session[SIGNED_IN_AT] = int(time.time())
    refused = client.post("/status/withdraw?lang=en", data={"csrf_token": "stale"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "The form had expired" in text
    with app.app_context():
        assert Application.get_by_id(application.id).status == "submitted"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text).group(1)
    assert client.post("/status/withdraw", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert Application.get_by_id(application.id).status == "withdrawn"


# --- export -----------------------------------------------------------------------------------

def test_the_export_holds_their_data_and_history_and_nothing_about_anyone_else(app, inbox, client, make_user):
    mine = submitted_application(app)
    # Another person, flagged as a possible duplicate of mine (same name and year of birth).
    other = submitted_application(app, email="other.person@example.net",
                                  contact={"email": "other.person@example.net", "phone": "+45 99 99 99 99"})
    assert Application.get_by_id(mine.id).possible_duplicate and other.possible_duplicate
    staff = make_user("staff", name="Sofie Staffsen", email="sofie@association.example")
    # As the review queue logs an opened application (services/application_file.open_application).
    audit.record(staff, "application.viewed", mine, status="submitted")
    audit.record(staff, "application.viewed", other, status="submitted")
    Note.create(application=mine, author=staff, body="Internal: call Sofie's colleague about this")
    sign_in(client, inbox, mine)

    response = client.post("/status/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="mentorbro-{mine.reference}.json"'
    text = response.get_data(as_text=True)
    data = json.loads(text)

    assert data["application"]["reference"] == mine.reference
    assert data["application"]["status"] == "submitted" and data["application"]["possible_duplicate"] is True
    assert data["personal_details"]["email"] == "amal@example.org"
    assert data["answers"]["education"]["entries"][0]["field"] == "Civil engineering"
    assert data["answers"]["work"]["entries"][0]["role"] == "Site engineer"
    assert data["eligibility"]["verdict"] and data["eligibility"]["results"]
    assert data["consent"]["text_version"] and data["consent"]["given_at"] and data["consent"]["channel"] == "self"
    history = data["history"]
    submitted = next(e for e in history if e["action"] == "application.submitted")
    assert submitted["to_status"] == "submitted" and submitted["actor_role"] == "applicant" and submitted["at"]
    viewed = [e for e in history if e["action"] == "application.viewed"]
    assert viewed == [{"at": viewed[0]["at"], "action": "application.viewed", "actor_role": "staff",
                       "status": "submitted", "purpose": "assessment"}]
    assert data["internal_notes"]["count"] == 1
    assert any(e["action"] == "application.exported_by_applicant" for e in history)
    assert any(mine.reference in e["subject"] for e in data["emails"])

    for foreign in (other.email, other.reference, other.public_id, other.phone, "Sofie", "sofie@association",
                    "Internal: call"):
        assert foreign not in text, foreign
    assert len(_events(mine, "application.exported_by_applicant")) == 1


def test_the_export_shows_a_withdrawn_consent(app, inbox, client):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    client.post("/status/withdraw")
    data = json.loads(client.post("/status/export").get_data(as_text=True))
    assert data["consent"]["withdrawn"] is True
    assert any(e["action"] == "application.withdrawn" and e["from_status"] == "submitted" for e in data["history"])


# --- deletion request -------------------------------------------------------------------------

def test_asking_for_deletion_is_confirmed_logged_flagged_and_explained(app, inbox, client):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    inbox.messages.clear()
    confirm = client.get("/status/delete?lang=en").get_data(as_text=True)
    assert "Do you want us to delete your data?" in confirm and "What happens next" in confirm
    assert Application.get_by_id(application.id).erasure_requested_at is None

    assert client.post("/status/delete").location.endswith("/status/application")
    assert client.post("/status/delete").status_code == 302          # a second press counts once
    assert Application.get_by_id(application.id).erasure_requested_at is not None
    [event] = _events(application, "application.erasure_requested")
    assert event.actor_role == "applicant" and event.actor is None
    send_mail(app)
    [message] = inbox.to("amal@example.org")
    assert "delete your data" in message["Subject"] and application.reference in message["Subject"]
    page = client.get("/status/application?lang=en").get_data(as_text=True)
    assert "You have asked us to delete your data" in page and "/status/delete" not in page


def test_the_withdraw_service_refuses_a_decided_application(app, make_user):
    application = submitted_application(app)
    _decide(application, make_user, status="rejected")
    with app.test_request_context("/"):
        try:
            status.withdraw(application)
        except status.NotAllowed:
            pass
        else:
            raise AssertionError("a rejected application was withdrawn")
    assert Application.get_by_id(application.id).status == "rejected"
