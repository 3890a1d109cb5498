"""Retention: stale drafts and closed applications past their programme's retention period are deleted."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..db import database
from ..models import Application, LoginAttempt, OneTimeToken, Programme
from . import audit
from .status import delete_personal_data, forget_deleted_search_terms

DRAFT_LIFETIME = timedelta(days=30)
DEFAULT_RETENTION = timedelta(days=730)
CLOSED = ("rejected", "withdrawn", "completed")


@dataclass
class PurgeReport:
    drafts: int = 0
    closed: int = 0
    tokens: int = 0
    login_attempts: int = 0


def _stale(now: datetime):
    """The applications to delete now: drafts untouched for 30 days, closed ones past retention."""
    drafts = Application.select().where((Application.status == "draft")
                                        & (Application.updated_at < now - DRAFT_LIFETIME))
    closed = []
    for programme in [None, *Programme.select()]:
        keep = timedelta(days=programme.retention_days) if programme else DEFAULT_RETENTION
        where = Application.programme.is_null() if programme is None else (Application.programme == programme)
        closed.extend(Application.select().where(where & Application.status.in_(CLOSED)
                                                 & (Application.updated_at < now - keep)))
    return list(drafts), closed


def purge(now: datetime, dry_run: bool = False) -> PurgeReport:
    """Delete what is past its retention (idempotent); with dry_run, only count it."""
    drafts, closed = _stale(now)
    report = PurgeReport(drafts=len(drafts), closed=len(closed),
                         tokens=OneTimeToken.select().where(OneTimeToken.expires_at < now).count(),
                         login_attempts=LoginAttempt.select().where(LoginAttempt.at < now - timedelta(days=30)).count())
    if dry_run:
        return report
    for application in [*drafts, *closed]:
        with database.atomic():
            delete_personal_data(application)
            audit.record(None, "application.purged", object_type="application", object_id=application.public_id,
                         actor_role="system", reference=application.reference, status=application.status)
    with database.atomic():
        OneTimeToken.delete().where(OneTimeToken.expires_at < now).execute()
        LoginAttempt.delete().where(LoginAttempt.at < now - timedelta(days=30)).execute()
        # Once for the whole batch (it rewrites the index), and on every run: it also clears what an earlier,
        # interrupted run deleted and the old trigrams of names and emails changed since.
        forget_deleted_search_terms()
    return report
