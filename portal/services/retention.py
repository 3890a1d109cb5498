"""Retention: erasure requests past their due date (30 days) that staff did not refuse are carried out, stale
drafts and closed applications past their programme's retention period are deleted, and so are expired links,
old login attempts, emails done with for 90 days and email counts after 48 hours. A deleted application's part
of its cohort's anonymous figures is kept (services/cohort_figures.py), so past cohorts stay reportable."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import fn

from ..db import database
from ..mail import MAX_ATTEMPTS
from .. import lifecycle
from ..lifecycle import Status
from ..models import Application, EmailCount, LoginAttempt, LoginThrottle, OneTimeToken, Outbox, Programme
from . import audit, erasures, limits
from .status import clear_write_ahead_log, delete_personal_data, forget_deleted_search_terms

DRAFT_LIFETIME = timedelta(days=30)
DEFAULT_RETENTION = timedelta(days=730)
# A sent email (or one given up on) is kept this long: enough to answer "did you send it?" and to show it
# in the applicant's export; its text can name the person and hold links, so it is not kept for ever.
EMAIL_LIFETIME = timedelta(days=90)
# Sign-in attempts (email and address, for throttling) are kept this long (data_inventory.csv).
LOGIN_ATTEMPT_LIFETIME = timedelta(days=30)
CLOSED = tuple(lifecycle.CLOSED)


@dataclass
class PurgeReport:
    erasures: int = 0             # erasure requests carried out (past due, not refused)
    drafts: int = 0
    closed: int = 0
    tokens: int = 0
    login_attempts: int = 0
    emails: int = 0
    email_counts: int = 0


@dataclass(frozen=True)
class Periods:
    """How long `purge` keeps things, in days, for the privacy page to tell applicants."""
    drafts: int
    closed: int                   # the longest any programme keeps a closed application (or the default)
    erasure: int                  # an erasure request is carried out within this
    emails: int


def periods() -> Periods:
    """The periods this module applies, in days."""
    longest = Programme.select(fn.MAX(Programme.retention_days)).scalar() or 0
    return Periods(drafts=DRAFT_LIFETIME.days, closed=max(longest, DEFAULT_RETENTION.days),
                   erasure=erasures.DUE_AFTER.days, emails=EMAIL_LIFETIME.days)


def _stale(now: datetime, requested: list[int]):
    """The applications to delete now: drafts untouched for 30 days, closed ones past retention; those with a
    due erasure request (`requested`) are left to it, so their applicants are told."""
    others = Application.id.not_in(requested)
    drafts = Application.select().where((Application.status == Status.DRAFT) & others
                                        & (Application.updated_at < now - DRAFT_LIFETIME))
    closed = []
    for programme in [None, *Programme.select()]:
        keep = timedelta(days=programme.retention_days) if programme else DEFAULT_RETENTION
        where = Application.programme.is_null() if programme is None else (Application.programme == programme)
        closed.extend(Application.select().where(where & Application.status.in_(CLOSED) & others
                                                 & (Application.updated_at < now - keep)))
    return list(drafts), closed


def _old_login_attempts(now: datetime):
    return LoginAttempt.at < now - LOGIN_ATTEMPT_LIFETIME


def _old_login_throttles(now: datetime):
    """Sign-in counters untouched as long (an account's or address's count starts over long before)."""
    return LoginThrottle.updated_at < now - LOGIN_ATTEMPT_LIFETIME


def _old_emails(now: datetime):
    """Emails sent, or given up on, more than EMAIL_LIFETIME ago; those still being tried stay."""
    before = now - EMAIL_LIFETIME
    return ((Outbox.sent_at < before)
            | (Outbox.sent_at.is_null() & (Outbox.attempts >= MAX_ATTEMPTS) & (Outbox.created_at < before)))


def purge(now: datetime, dry_run: bool = False) -> PurgeReport:
    """Delete what is past its retention (idempotent); with dry_run, only count it."""
    requests = erasures.overdue(now)
    drafts, closed = _stale(now, [a.id for a in requests])
    report = PurgeReport(erasures=len(requests), drafts=len(drafts), closed=len(closed),
                         tokens=OneTimeToken.select().where(OneTimeToken.expires_at < now).count(),
                         login_attempts=LoginAttempt.select().where(_old_login_attempts(now)).count()
                         + LoginThrottle.select().where(_old_login_throttles(now)).count(),
                         emails=Outbox.select().where(_old_emails(now)).count(),
                         email_counts=EmailCount.select().where(limits.old_counts(now)).count())
    if dry_run:
        return report
    for application in requests:
        try:
            erasures.carry_out(application)          # with the confirmation to the applicant
        except erasures.NotOpen:
            report.erasures -= 1                     # staff carried it out or refused it meanwhile
    for application in [*drafts, *closed]:
        with database.atomic():
            delete_personal_data(application)
            audit.record(None, "application.purged", object_type="application", object_id=application.public_id,
                         actor_role="system", reference=application.reference, status=application.status)
    with database.atomic():
        OneTimeToken.delete().where(OneTimeToken.expires_at < now).execute()
        LoginAttempt.delete().where(_old_login_attempts(now)).execute()
        LoginThrottle.delete().where(_old_login_throttles(now)).execute()
        Outbox.delete().where(_old_emails(now)).execute()
        EmailCount.delete().where(limits.old_counts(now)).execute()
        # Once for the whole batch (it rewrites the index), and on every run: it also clears what an earlier,
        # interrupted run deleted and the old trigrams of names and emails changed since.
        forget_deleted_search_terms()
    clear_write_ahead_log()        # what was deleted leaves the -wal file too, as after an erasure
    return report
