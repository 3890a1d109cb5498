"""Who may be the same person: the one definition of a "possible duplicate", read only (no writes).

Two applications are possibly the same person when they have the same email address (stored lower case,
compared trimmed and lower case), or the same folded name (`names.fold`: case, spaces, hyphens and accents
do not count, so Østergaard = østergaard = Ostergaard = Oestergaard) and the same year of birth.

Used at submission (`known`: flags the new application and the ones it meets), on the staff's page (`of`:
the list and the choices for "close as a duplicate") and on the caseworker's referral form (`is_known`: a
warning that reveals nothing of the other application).

Both halves of the condition are read from an index: `email` has its own, and `folded_name` leads the
search index (models.Application.Meta.indexes), so a lookup reads the few rows of one folded name and
checks their birth year, whatever the table's size."""
from functools import reduce
from operator import or_

from .. import lifecycle
from ..models import Application
from ..names import fold

LISTED = 20                    # at most this many on the staff's page


def same_person(full_name: str | None, birth_year: int | None, email: str | None):
    """The condition on `Application` for "possibly this person"; None when nothing identifies them."""
    a = Application
    conditions = []
    email = (email or "").strip().lower()
    if email:
        conditions.append(a.email == email)
    folded = fold(full_name)
    if folded and birth_year:
        conditions.append((a.folded_name == folded) & (a.birth_year == birth_year))
    return reduce(or_, conditions) if conditions else None


def _submitted_matching(full_name, birth_year, email, excluding: int | None):
    same = same_person(full_name, birth_year, email)
    if same is None:
        return None
    condition = same & Application.submitted_at.is_null(False)
    if excluding is not None:
        condition &= Application.id != excluding
    return condition


def known(full_name: str | None, birth_year: int | None, email: str | None, excluding: int | None = None):
    """The submitted applications still "known" (lifecycle.KNOWN: not withdrawn, rejected or closed as a
    duplicate) that may be this person: a query of their ids."""
    condition = _submitted_matching(full_name, birth_year, email, excluding)
    if condition is None:
        return Application.select(Application.id).where(False)
    return Application.select(Application.id).where(
        condition & Application.status.in_(sorted(lifecycle.KNOWN)))


def is_known(full_name: str | None, birth_year: int | None, email: str | None) -> bool:
    """Whether an application may already be this person's: for the caseworker's warning, a yes or no only."""
    return known(full_name, birth_year, email).exists()


def of(application: Application) -> list:
    """The other submitted applications (in any state) that may be the same person as `application`,
    newest first: for staff, who see them all."""
    condition = _submitted_matching(application.full_name, application.birth_year, application.email,
                                    application.id)
    if condition is None:
        return []
    a = Application
    return list(a.select(a.id, a.reference, a.full_name, a.status, a.submitted_at)
                .where(condition).order_by(a.submitted_at.desc(), a.id.desc()).limit(LISTED))
