"""Where a mentee stands after the mentoring (a job, an education…): a fact recorded at any time."""
from datetime import date

from ..clock import now_utc
from ..db import database
from ..models import OUTCOMES, POSITIVE_OUTCOMES, Application, Outcome, Pair
from . import audit, moves
from .course import DateRefused, course_window, thank_mentor


def record_outcome(pair: Pair, actor, kind: str, reached_on: date | None, today: date | None = None) -> Outcome:
    """Where the mentee stands (a job, an education…): a fact recorded at any time and changed later. It does
    not end the mentoring: the course ends at its end date, or when staff end it early. `reached_on` may not
    lie before the pair's course began nor in the future (DateRefused); it may lie after the course."""
    if kind not in OUTCOMES:
        raise ValueError(kind)
    if reached_on is not None:
        first, _last = course_window(pair)
        if reached_on > (today or date.today()):
            raise DateRefused("future", today or date.today())
        if reached_on < first:
            raise DateRefused("before_course", first)
    with database.atomic():
        application = Application.get_by_id(pair.application_id)
        outcome = Outcome.get_or_none(Outcome.application == application)
        before = outcome.kind if outcome else None
        if outcome is None:
            outcome = Outcome.create(application=application, programme=pair.programme_id, kind=kind,
                                     reached_on=reached_on, recorded_by=actor)
        else:
            Outcome.update(kind=kind, reached_on=reached_on, recorded_by=actor, recorded_at=now_utc()) \
                .where(Outcome.id == outcome.id).execute()
        audit.record(actor, "outcome.recorded", application, kind=kind, previous=before,
                     reached_on=reached_on.isoformat() if reached_on else None)
        if kind != before:           # the same outcome again (a date corrected) is no news
            moves.recorded(application, "outcome", outcome=kind)
        if kind in POSITIVE_OUTCOMES and kind != before:
            thank_mentor(pair, "outcome", kind)          # celebrated once per outcome, not at every correction
    return Outcome.get(Outcome.application == application)
