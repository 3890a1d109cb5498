"""The one place a move of the life cycle (portal/lifecycle.py) is carried out: the row's conditional update
(`WHERE status = <the state it is in>`), the audit row and the emails, in one transaction. A refused move
raises `MoveRefused` and changes nothing."""
from collections.abc import Callable

from .. import mail
from ..clock import now_utc
from ..db import database
from ..lifecycle import FACTS, MOVES, may
from ..models import Application, Referral
from . import audit
from .links import absolute_url


class MoveRefused(Exception):
    """The move does not apply (the state, the role, or what must hold); nothing was changed.
    `code` is the reason: "not_allowed", "changed" (someone else changed the application meanwhile) or one
    of the move's `requires` codes."""

    def __init__(self, move: str, code: str, status: str | None = None):
        super().__init__(f"{move}: {code} (status {status})")
        self.move, self.code, self.status = move, code, status


def make(application: Application, name: str, actor, role: str, *, seen_version: int | None = None,
         columns: dict | None = None, details: dict | None = None, where=None,
         then: Callable[[Application], None] | None = None) -> Application:
    """Make move `name` on the application as `actor` in `role`, and return the application after it.

    `seen_version`: refuse ("changed") if the application changed since the person loaded it.
    `columns`: other columns written with the status (a decision's reason, the programme…).
    `where`: a further condition the row must meet. `then(after)` runs in the same transaction, for the
    move's own emails; the referring caseworker is told here when the move says so."""
    move = MOVES[name]
    with database.atomic():
        before = Application.get_or_none(Application.id == application.id)
        if before is None:
            raise MoveRefused(name, "changed")
        if seen_version is not None and before.version != seen_version:
            raise MoveRefused(name, "changed", before.status)
        if not may(name, before.status, role):
            raise MoveRefused(name, "not_allowed", before.status)
        condition = (Application.id == before.id) & (Application.status == before.status)
        if seen_version is not None:
            condition &= Application.version == seen_version
        if where is not None:
            condition &= where
        changed = (Application.update(status=move.target, version=Application.version + 1, updated_at=now_utc(),
                                      **(columns or {}))
                   .where(condition).execute())
        if not changed:
            current = Application.get_by_id(before.id)
            raise MoveRefused(name, "changed" if current.version != before.version else "not_allowed", current.status)
        after = Application.get_by_id(before.id)
        audit.record(actor, move.records, after, actor_role=None if actor else role,
                     from_status=before.status, to_status=after.status, **(details or {}))
        if then is not None:
            then(after)
        if "caseworker" in move.tells:
            tell_caseworker(after)
    return after


def recorded(application: Application, name: str, **facts) -> None:
    """Tell whom lifecycle.FACTS names that a fact (`name`: "outcome"…) was recorded about the mentee; call it
    in the transaction that records it (the caller writes the fact and its audit row)."""
    if "caseworker" in FACTS[name].tells:
        tell_caseworker(application, **{name: facts.get(name)})


def tell_caseworker(application: Application, outcome: str | None = None) -> None:
    """A referred application's caseworker hears where it stands (the state, or the outcome recorded: never
    the reasons, the mentor's name or notes)."""
    referral = Referral.of_application(application.id)
    if referral is None or not referral.caseworker.email or not referral.caseworker.active:
        return
    kept = application.duplicate_of if application.duplicate_of_id else None
    language = referral.caseworker.language
    mail.queue(referral.caseworker.email, "decision_referral_update", language,
               name=application.full_name, reference=application.reference, status=application.status,
               kept_reference=kept.reference if kept else None, kept_status=kept.status if kept else None,
               outcome=outcome, portal_url=absolute_url("referrals.index", language=language))
