"""Erasure requests (GDPR art. 17): an applicant asks on their status page (status.request_erasure); staff
carry the request out or refuse it with a reason within 30 days; `flask purge` carries out every request past
its due date that staff did not refuse. The applicant is told either way, by email when they gave an address.

The confirmation of an erasure is queued in the erasing transaction after the person's emails were scrubbed
(status.delete_personal_data scrubs every email to the address, and stops the unsent ones), so it is the one
email that still goes out; it is marked to be scrubbed in its turn once it is sent or given up on
(mail.queue's `forget_when_done`), so nothing of the address stays behind."""
from datetime import datetime, timedelta

from .. import mail
from ..clock import now_utc
from ..db import database
from ..models import Application
from . import audit
from .status import clear_write_ahead_log, delete_personal_data, forget_deleted_search_terms

DUE_AFTER = timedelta(days=30)          # "within one month", as the status page and the receipt promise
REASON_MAX = 2000


class NotOpen(Exception):
    """There is no open erasure request (never made, already carried out or refused)."""


def _open():
    return Application.erasure_requested_at.is_null(False) & Application.erasure_refused_at.is_null()


def is_open(application: Application) -> bool:
    return application.erasure_requested_at is not None and application.erasure_refused_at is None


def due_at(application: Application) -> datetime:
    """When the request must be carried out at the latest: 30 days after it was made."""
    return application.erasure_requested_at + DUE_AFTER


def open_requests() -> list[Application]:
    """Every open request, the one due first first."""
    return list(Application.select().where(_open()).order_by(Application.erasure_requested_at, Application.id))


def find_open(reference: str) -> Application | None:
    return Application.get_or_none((Application.reference == reference) & _open())


def overdue(now: datetime) -> list[Application]:
    """Open requests past their due date: the purge carries them out."""
    return list(Application.select().where(_open() & (Application.erasure_requested_at <= now - DUE_AFTER))
                .order_by(Application.erasure_requested_at, Application.id))


def carry_out(application: Application, actor=None) -> bool:
    """Delete the applicant's data as they asked: a staff member ("Delete now"), or the purge (`actor` None)
    once the request is due. Returns whether the confirmation is emailed (no address: it cannot be)."""
    if actor is not None and actor.role not in ("staff", "admin"):
        raise PermissionError("only staff carry out an erasure request")
    with database.atomic():
        # Claims the request: a second "Delete now", a refusal or the purge at the same moment finds it gone.
        claimed = (Application.update(version=Application.version + 1)
                   .where((Application.id == application.id) & _open()).execute())
        if not claimed:
            raise NotOpen(application.reference)
        a = Application.get_by_id(application.id)
        delete_personal_data(a)
        forget_deleted_search_terms()
        audit.record(actor, "application.erased", object_type="application", object_id=a.public_id,
                     reference=a.reference, requested=True, **({} if actor else {"due": due_at(a).date().isoformat()}))
        if a.email:
            # After the scrub above, which would have stopped it; forgotten in its turn once sent.
            mail.queue(a.email, "status_erasure_done", a.language, forget_when_done=True, name=a.full_name,
                       reference=a.reference, requested_on=a.erasure_requested_at)
    clear_write_ahead_log()
    return bool(a.email)


def refuse(application: Application, actor, reason: str) -> bool:
    """Keep the data, with the reason (e.g. a law says it must be kept), and tell the applicant why.
    Returns whether they were emailed."""
    if actor is None or actor.role not in ("staff", "admin"):
        raise PermissionError("only staff refuse an erasure request")
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a refusal needs a reason")
    with database.atomic():
        changed = (Application.update(erasure_refused_at=now_utc(), erasure_refused_by=actor,
                                      erasure_refusal_reason=reason, version=Application.version + 1)
                   .where((Application.id == application.id) & _open()).execute())
        if not changed:
            raise NotOpen(application.reference)
        a = Application.get_by_id(application.id)
        audit.record(actor, "application.erasure_refused", a, reason=reason,
                     requested_at=a.erasure_requested_at.isoformat())
        if a.email:
            mail.queue(a.email, "status_erasure_refused", a.language, name=a.full_name, reference=a.reference,
                       requested_on=a.erasure_requested_at, reason=reason)
    return bool(a.email)
