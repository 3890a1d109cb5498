"""A cohort's anonymous figures (DESIGN §5): what the programme report counts, per municipality, kept when the
people behind them are deleted.

The report adds two parts: what is still in the database, and `CohortFigures`, to which each deleted
application's part was added (by `keep`, in the transaction that deletes it). Both parts are counted by the
same two functions below, so a cohort's report reads the same before and after its people are gone. Only
counts are kept, per programme and municipality code: no names, references or ids of persons."""
from collections import Counter
from datetime import date

from peewee import EXCLUDED, fn

from .. import lifecycle
from ..lifecycle import Status
from ..models import OUTCOMES, POSITIVE_OUTCOMES, Application, CohortFigures, Meeting, Outcome, Pair

PAIRED = tuple(lifecycle.IN_PROGRAMME)
COUNTS = ("applied", "likely_eligible", "approved", "matched", "completed", "mentees", "meetings", "positive",
          "later", *(f"outcome_{kind}" for kind in OUTCOMES), "follow_up_answered", "follow_up_confirmed")


def funnel_part(status: str, verdict: str | None) -> Counter:
    """One sent application's part of its programme's funnel."""
    return Counter(applied=1, likely_eligible=int(verdict == "likely_eligible"),
                   approved=int(status in (Status.APPROVED, *PAIRED)), matched=int(status in PAIRED),
                   completed=int(status == Status.COMPLETED))


def pair_part(meetings: int, outcome_kind: str | None, reached_on: date | None, end: date,
              follow_up: tuple[bool, bool] = (False, False)) -> Counter:
    """One pair's part: a mentee, their meetings, and their outcome (positive when reached by the end date);
    `follow_up`: whether the six-month follow-up was answered, and whether staff confirmed the answer."""
    answered, confirmed = follow_up
    part = Counter(mentees=1, meetings=meetings, follow_up_answered=int(answered), follow_up_confirmed=int(confirmed))
    if outcome_kind:
        part[f"outcome_{outcome_kind}"] += 1
        if outcome_kind in POSITIVE_OUTCOMES:
            part["positive" if reached_on is None or reached_on <= end else "later"] += 1
    return part


def kept(programme) -> dict[str, Counter]:
    """The figures kept for a programme's deleted applications, by municipality code ("" when not known)."""
    return {row.municipality: Counter({name: getattr(row, name) for name in COUNTS})
            for row in CohortFigures.select().where(CohortFigures.programme == programme)}


def keep(application: Application) -> None:
    """Add the application's part of its cohorts' figures to the kept figures; call in the transaction that
    deletes it, before the delete (its pair, meetings and outcome go with it)."""
    from . import follow_up
    from .cohorts import end_date           # programmes builds its report on this module
    code = application.municipality_id or ""
    parts: dict[int, Counter] = {}
    if application.programme_id and application.submitted_at is not None:
        parts[application.programme_id] = funnel_part(application.status, application.verdict)
    for pair in Pair.select().where(Pair.application == application):
        meetings = Meeting.select(fn.COUNT(Meeting.id)).where(Meeting.pair == pair).scalar() or 0
        outcome = Outcome.get_or_none((Outcome.application == application) & (Outcome.programme == pair.programme_id))
        part = pair_part(meetings, outcome.kind if outcome else None, outcome.reached_on if outcome else None,
                         end_date(pair.programme), follow_up.of_pair(pair))
        parts[pair.programme_id] = parts.get(pair.programme_id, Counter()) + part
    for programme_id, part in parts.items():
        counts = {name: part[name] for name in COUNTS}
        (CohortFigures.insert(programme=programme_id, municipality=code, **counts)
         .on_conflict(conflict_target=[CohortFigures.programme, CohortFigures.municipality],
                      update={getattr(CohortFigures, name): getattr(CohortFigures, name) + getattr(EXCLUDED, name)
                              for name in COUNTS})
         .execute())
