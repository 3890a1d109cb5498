"""Erasure, carried out by staff: the person's data goes, one audit event keeps only the reference."""
import json
from datetime import date

import pytest

from portal.models import Application, AuditEvent, Note, OneTimeToken, Outbox, Referral
from portal.services import status

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
