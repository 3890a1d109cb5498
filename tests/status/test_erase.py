"""Erasure, carried out by staff: the person's data goes, one audit event keeps only the reference."""
import json
import re
from datetime import date

import pytest

from portal.models import Application, AuditEvent, Note, OneTimeToken, Outbox, Referral
from portal.services import pairing
from portal.services import status
from tests.programmes.helpers import approved, mentor, setup

from .helpers import send_mail, sign_in, submitted_application


def _everything_stored():
    """Every row of the tables that could hold the person, as text."""
    rows = []
    for model in (Application, OneTimeToken, Outbox, AuditEvent, Note, Referral):
        rows += [json.dumps(row, default=str, ensure_ascii=False) for row in model.select().dicts()]
    return "\n".join(rows)


@pytest.fixture
def erasable(app, inbox, make_user):
    """A submitted application with a sign-in link, a note, a referral and emails sent and pending."""
    application = submitted_application(app)
    client = app.test_client()
    sign_in(client, inbox, application)
    caseworker = make_user("caseworker")
    Referral.create(caseworker=caseworker, municipality="101", full_name="Amal Hassan", email="amal@example.org",
                    phone="+45 12 34 56 78", note="Met Amal at the job centre", consent_how="orally",
                    consent_at=date(2026, 1, 5), application=application)
    staff = make_user("staff")
    Note.create(application=application, author=staff, body="Amal called about her diploma")
    client.post("/status/delete")                       # queues an email that is not sent yet
    return application, staff, client


def test_erase_deletes_the_application_and_scrubs_the_persons_emails(app, inbox, erasable):
    application, staff, client = erasable
    other = submitted_application(app, email="someone@example.net", name="Someone Else",
                                  contact={"email": "someone@example.net", "phone": "+45 99 99 99 99"})
    other_emails = [(m.recipient, m.subject) for m in Outbox.select().where(Outbox.recipient == other.email)]
    assert "amal@example.org" in _everything_stored()
    inbox.messages.clear()

    with app.test_request_context("/"):
        assert status.erase(application, staff) == application.reference

    assert Application.get_or_none(Application.id == application.id) is None
    assert OneTimeToken.select().where(OneTimeToken.application == application.id).count() == 0
    assert Note.select().count() == 0
    stored = _everything_stored()
    for personal in ("amal@example.org", "Amal Hassan", "Amal called", "Met Amal", "+45 12 34 56 78"):
        assert personal not in stored, personal
    assert Outbox.select().where(Outbox.recipient == "amal@example.org").count() == 0
    assert [(m.recipient, m.subject) for m in Outbox.select().where(Outbox.recipient == other.email)] == other_emails
    assert Referral.get().application is None                     # kept as a count for the municipality
    send_mail(app)
    assert inbox.messages == []                                   # the pending email never goes out

    [event] = AuditEvent.select().where(AuditEvent.action == "application.erased")
    assert event.actor_id == staff.id and event.actor_role == "staff"
    assert event.details == {"reference": application.reference, "requested": True}
    assert Application.get_by_id(other.id).email == other.email   # nobody else is touched


def test_after_erasure_the_status_session_and_links_are_gone(app, inbox, erasable):
    application, staff, client = erasable
    with app.test_request_context("/"):
        status.erase(application, staff)
    assert client.get("/status/application").status_code == 302
    response = client.post("/status/?lang=en", data={"reference": application.reference, "email": "amal@example.org"})
    response.close()
    assert "Check your email" in response.get_data(as_text=True)
    assert OneTimeToken.select().count() == 0 and Outbox.select().where(Outbox.sent_at.is_null()
                                                                         & (Outbox.recipient != "[erased]")).count() == 0


def test_only_staff_can_erase_and_only_once(app, inbox, erasable, make_user):
    application, staff, _ = erasable
    with app.test_request_context("/"):
        with pytest.raises(PermissionError):
            status.erase(application, make_user("caseworker"))
        with pytest.raises(PermissionError):
            status.erase(application, None)
        assert Application.get_or_none(Application.id == application.id) is not None
        status.erase(application, staff)
        with pytest.raises(status.NotAllowed):
            status.erase(application, staff)
    assert AuditEvent.select().where(AuditEvent.action == "application.erased").count() == 1


def test_a_failed_erasure_leaves_everything_in_place(app, inbox, erasable, monkeypatch):
    application, staff, _ = erasable

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(status.audit, "record", fail)
    with app.test_request_context("/"), pytest.raises(RuntimeError):
        status.erase(application, staff)
    assert Application.get_or_none(Application.id == application.id) is not None
    assert Note.select().count() == 1
    assert Outbox.select().where(Outbox.recipient == "amal@example.org").count() > 0


def test_erasure_scrubs_the_emails_to_others_that_name_the_person_and_leaves_other_peoples(app, inbox):
    """The mentor's match email ("Your new mentee: <name>") names the mentee without their address or
    reference; erasing the mentee scrubs it. Another pair's email, and a name that is only part of a
    word in someone else's email, stay."""
    programme = setup(app)
    with app.test_request_context("/"):
        erased = approved(programme, name="Ali", email="ali@example.org")
        kept = approved(programme, name="Alison Quality", email="alison@example.org")
        for mentee, mentor_email in ((erased, "m.erased@example.org"), (kept, "m.kept@example.org")):
            pairing.accept(programme, mentee, mentor(email=mentor_email), mentee.decided_by, date.today())
    send_mail(app)
    assert "Your new mentee: Ali" == inbox.to("m.erased@example.org")[0]["Subject"]
    kept_emails = [(m.recipient, m.subject, m.body) for m in Outbox.select()
                   .where(Outbox.recipient.in_(["m.kept@example.org", "alison@example.org"])).order_by(Outbox.id)]

    with app.test_request_context("/"):
        status.erase(erased, erased.decided_by)

    [to_mentor] = Outbox.select().where(Outbox.recipient == "m.erased@example.org")
    assert to_mentor.subject == "[erased]" and to_mentor.body == ""
    for row in Outbox.select():
        text = row.subject + "\n" + row.body
        assert not re.search(r"\bAli\b", text) and "ali@example.org" not in text and erased.reference not in text
    assert [(m.recipient, m.subject, m.body) for m in Outbox.select()
            .where(Outbox.recipient.in_(["m.kept@example.org", "alison@example.org"])).order_by(Outbox.id)] == kept_emails
