"""Deletion requests are carried out (issue 19, promise 1): staff see every open request with its due date,
delete now or refuse with a reason; `flask purge` carries out those past due; the applicant is told either way."""
import json
from datetime import datetime, timedelta

from portal.clock import now_utc
from portal.models import Application, AuditEvent, Outbox
from portal.services import erasures

from .helpers import send_mail, sign_in, submitted_application

ASKED = datetime(2026, 1, 10, 12, 0)        # UTC; due 30 days later: 9 February 2026


def asked_to_be_deleted(app, inbox, asked_at=ASKED, **kwargs):
    """An applicant who signed in to /status and pressed "Yes, delete my data"; the request is dated `asked_at`."""
    application = submitted_application(app, **kwargs)
    client = app.test_client()
    sign_in(client, inbox, application)
    assert client.post("/status/delete").status_code == 302
    Application.update(erasure_requested_at=asked_at).where(Application.id == application.id).execute()
    send_mail(app)                           # the receipt of the request goes out now
    inbox.messages.clear()
    return Application.get_by_id(application.id), client


def stored_text():
    """Every row of the tables that could hold the person after an erasure, as text."""
    return "\n".join(json.dumps(row, default=str, ensure_ascii=False)
                     for model in (Application, Outbox, AuditEvent) for row in model.select().dicts())


def test_staff_see_each_open_request_with_its_due_date_in_their_language(app, inbox, login_as):
    requested, _ = asked_to_be_deleted(app, inbox)
    other = submitted_application(app, email="not.asking@example.org", name="Nadia Notasking")
    staff = login_as("staff")

    queue = staff.get("/review/?lang=en").get_data(as_text=True)
    assert 'href="/review/deletions"' in queue                      # in the staff navigation
    english = staff.get("/review/deletions?lang=en").get_data(as_text=True)
    assert requested.reference in english and "Amal Hassan" in english
    assert "10 January 2026" in english and "9 February 2026" in english and "Overdue" in english
    assert other.reference not in english
    danish = staff.get("/review/deletions?lang=da").get_data(as_text=True)
    assert "Anmodninger om sletning" in danish and "9. februar 2026" in danish


def test_delete_now_erases_the_data_and_the_confirmation_still_reaches_the_applicant(app, inbox, login_as):
    requested, applicant = asked_to_be_deleted(app, inbox, language="da")
    staff = login_as("staff")
    confirm = staff.get(f"/review/deletions/{requested.reference}/delete?lang=en").get_data(as_text=True)
    assert "Delete the data now?" in confirm and "amal@example.org" in confirm
    assert Application.get_or_none(Application.id == requested.id) is not None        # asking is not doing

    response = staff.post(f"/review/deletions/{requested.reference}/delete?lang=en", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"The data of {requested.reference} is deleted." in page and "emailed the applicant" in page
    assert Application.get_or_none(Application.id == requested.id) is None
    [event] = AuditEvent.select().where(AuditEvent.action == "application.erased")
    assert event.actor_id == staff.user.id and event.details["requested"] is True

    send_mail(app)                                          # over SMTP, to the real loopback server
    [message] = inbox.to("amal@example.org")
    assert message["Subject"] == f"Vi har slettet dine oplysninger ({requested.reference})"     # her language
    assert "10. januar 2026" in message.get_content()
    # Delivered, and then forgotten: nothing stored names her any more, the confirmation included.
    stored = stored_text()
    for personal in ("amal@example.org", "Amal Hassan"):
        assert personal not in stored, personal
    assert Outbox.select().where(Outbox.sent_at.is_null(False) & (Outbox.subject == "[erased]")).exists()
    assert applicant.get("/status/application").status_code == 302           # her status session has ended
    assert requested.reference not in staff.get("/review/deletions").get_data(as_text=True)


def test_a_refusal_needs_a_reason_which_the_applicant_is_told_and_can_ask_again(app, inbox, login_as):
    requested, applicant = asked_to_be_deleted(app, inbox)
    staff = login_as("staff")
    url = f"/review/deletions/{requested.reference}/refuse?lang=en"

    blank = staff.post(url, data={"reason": "  "})
    assert blank.status_code == 200 and "Write why the data must be kept" in blank.get_data(as_text=True)
    assert Application.get_by_id(requested.id).erasure_refused_at is None

    reason = "Your case about a job plan at the municipality is still open, and the law says we keep it until it ends."
    done = staff.post(url, data={"reason": reason}, follow_redirects=True).get_data(as_text=True)
    assert f"The deletion request of {requested.reference} is refused." in done
    assert requested.reference not in done.split("<table", 1)[1]                   # no longer open
    kept = Application.get_by_id(requested.id)
    assert kept.erasure_refusal_reason == reason and kept.erasure_refused_by_id == staff.user.id
    [event] = AuditEvent.select().where(AuditEvent.action == "application.erasure_refused")
    assert event.details["reason"] == reason and event.actor_id == staff.user.id

    send_mail(app)
    [message] = inbox.to("amal@example.org")
    assert message["Subject"] == f"We have not deleted your data ({requested.reference})"
    assert reason in message.get_content() and "Datatilsynet" in message.get_content()

    status_page = applicant.get("/status/application?lang=en").get_data(as_text=True)
    assert "We have not deleted your data" in status_page and reason in status_page
    assert "Ask us to delete my data" in status_page                              # a new request is possible
    assert applicant.post("/status/delete").status_code == 302
    again = Application.get_by_id(requested.id)
    assert again.erasure_refused_at is None and erasures.is_open(again)

    # Refused once, carried out by nobody twice: a second refusal or deletion of a closed request is refused.
    with app.test_request_context("/"):
        erasures.refuse(again, staff.user, "still open")
    gone = staff.post(f"/review/deletions/{requested.reference}/delete?lang=en", follow_redirects=True)
    assert "There is no open deletion request" in gone.get_data(as_text=True)
    assert Application.get_or_none(Application.id == requested.id) is not None


def test_the_purge_carries_out_requests_past_their_due_date_that_staff_did_not_refuse(app, inbox, make_user):
    overdue, _ = asked_to_be_deleted(app, inbox, asked_at=now_utc() - timedelta(days=31), name="Omar Overdue",
                                     email="omar@example.org", language="en")
    recent, _ = asked_to_be_deleted(app, inbox, asked_at=now_utc() - timedelta(days=29), name="Rana Recent",
                                    email="rana@example.org")
    refused, _ = asked_to_be_deleted(app, inbox, asked_at=now_utc() - timedelta(days=40), name="Rafi Refused",
                                     email="rafi@example.org")
    with app.test_request_context("/"):
        erasures.refuse(refused, make_user("staff"), "The law says we keep it for now.")
    send_mail(app)
    inbox.messages.clear()

    dry = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert "Would carry out 1 erasure request(s)" in dry.output
    assert Application.get_or_none(Application.id == overdue.id) is not None

    result = app.test_cli_runner().invoke(args=["purge"])
    assert "Carried out 1 erasure request(s)" in result.output, result.output
    assert Application.get_or_none(Application.id == overdue.id) is None
    assert Application.get_or_none(Application.id == recent.id) is not None
    assert Application.get_or_none(Application.id == refused.id) is not None
    [event] = AuditEvent.select().where(AuditEvent.action == "application.erased")
    assert event.actor_role == "system" and event.details["reference"] == overdue.reference

    send_mail(app)
    [message] = inbox.messages
    assert message["To"] == "omar@example.org"
    assert message["Subject"] == f"We have deleted your data ({overdue.reference})"
    assert "omar@example.org" not in stored_text() and "Omar Overdue" not in stored_text()
    assert "Carried out 0 erasure request(s)" in app.test_cli_runner().invoke(args=["purge"]).output


def test_an_applicant_with_only_a_phone_number_is_deleted_and_staff_are_told_to_call(app, inbox, login_as):
    requested, _ = asked_to_be_deleted(app, inbox)
    Application.update(email=None, phone="+45 12 34 56 78").where(Application.id == requested.id).execute()
    staff = login_as("staff")
    page = staff.post(f"/review/deletions/{requested.reference}/delete?lang=en",
                      follow_redirects=True).get_data(as_text=True)
    assert "tell them by phone: +45 12 34 56 78" in page
    assert Application.get_or_none(Application.id == requested.id) is None
    send_mail(app)
    assert inbox.messages == []


def test_only_staff_act_on_requests(app, inbox, login_as):
    requested, _ = asked_to_be_deleted(app, inbox)
    for role in ("caseworker", "mentor"):
        client = login_as(role)
        assert client.get("/review/deletions").status_code == 403
        assert client.post(f"/review/deletions/{requested.reference}/delete").status_code == 403
        assert client.post(f"/review/deletions/{requested.reference}/refuse", data={"reason": "x"}).status_code == 403
    assert Application.get_by_id(requested.id).erasure_refused_at is None
