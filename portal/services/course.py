"""The six-month course of a pair: meetings (logged, undone, deleted), milestones, and the pairs'
progress as staff see it."""
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import fn

from .. import mail
from ..lifecycle import Status
from ..db import database
from ..models import MILESTONES, Application, Meeting, Milestone, Outcome, Pair, Programme, User
from . import audit
from .cohorts import end_date


MEETINGS_PER_MONTH = 2
OVERDUE_AFTER = timedelta(days=31)          # "not met for over a month"


def pair_of(programme: Programme, pair_id) -> Pair | None:
    return (Pair.select(Pair, Application).join(Application)
            .where((Pair.id == pair_id) & (Pair.programme == programme)).first())


def pair_for_mentor(mentor: User, pair_id) -> Pair | None:
    return Pair.of_mentor(mentor).where(Pair.id == pair_id).first()


UNDO_DAYS = 7          # a mentor can undo the last meeting they logged for this many days


class DateRefused(ValueError):
    """A date outside what the course allows, or a second meeting on one day not yet confirmed; `code` names
    why and `on` is the date the message names (the course's first or last day, or the meeting's)."""

    def __init__(self, code: str, on: date | None = None):
        super().__init__(code)
        self.code, self.on = code, on


def course_window(pair: Pair) -> tuple[date, date]:
    """The first and last day of a pair's course: from the day it began for them (the programme's start date
    before it has), to the programme's end date."""
    programme = pair.programme
    return pair.started_on or programme.start_date, end_date(programme)


def check_course_date(pair: Pair, day: date, today: date) -> None:
    """A meeting or an outcome lies within the course and not in the future, else DateRefused."""
    first, last = course_window(pair)
    if day > today:
        raise DateRefused("future", today)
    if day < first:
        raise DateRefused("before_course", first)
    if day > last:
        raise DateRefused("after_course", last)


def log_meeting(pair: Pair, actor, held_on: date, note: str | None, today: date | None = None,
                confirmed: bool = False) -> Meeting:
    """One click for a mentor: a meeting on a date within the course, with an optional one-line note. A second
    meeting on a day that already has one is logged only when `confirmed` (else DateRefused "same_day")."""
    check_course_date(pair, held_on, today or date.today())
    with database.atomic():
        if not confirmed and Meeting.select().where((Meeting.pair == pair) & (Meeting.held_on == held_on)).exists():
            raise DateRefused("same_day", held_on)
        meeting = Meeting.create(pair=pair, held_on=held_on, note=note or None, logged_by=actor)
        audit.record(actor, "meeting.logged", meeting, object_type="meeting", pair=pair.id,
                     held_on=held_on.isoformat())
    return meeting


def undoable_meeting(pair: Pair, mentor: User, today: date) -> Meeting | None:
    """The last meeting this mentor logged for the pair, while they may still undo it (UNDO_DAYS)."""
    last = (Meeting.select().where((Meeting.pair == pair) & (Meeting.logged_by == mentor))
            .order_by(Meeting.created_at.desc(), Meeting.id.desc()).first())
    if last is None or last.created_at.date() < today - timedelta(days=UNDO_DAYS):
        return None
    return last


def undo_meeting(pair: Pair, mentor: User, today: date) -> Meeting:
    """A mentor takes back the last meeting they logged for their pair (a slip of the finger), audited."""
    with database.atomic():
        meeting = undoable_meeting(pair, mentor, today)
        if meeting is None or Meeting.delete().where(Meeting.id == meeting.id).execute() != 1:
            raise DateRefused("nothing_to_undo")
        audit.record(mentor, "meeting.undone", meeting, object_type="meeting", pair=pair.id,
                     held_on=meeting.held_on.isoformat())
    return meeting


def meeting_of(pair: Pair, meeting_id) -> Meeting | None:
    return Meeting.get_or_none((Meeting.id == meeting_id) & (Meeting.pair == pair))


def delete_meeting(meeting: Meeting, actor) -> bool:
    """Staff delete any meeting of a pair, audited; False when it was already gone."""
    with database.atomic():
        if Meeting.delete().where(Meeting.id == meeting.id).execute() != 1:
            return False
        audit.record(actor, "meeting.deleted", meeting, object_type="meeting", pair=meeting.pair_id,
                     held_on=meeting.held_on.isoformat(), logged_by=meeting.logged_by_id)
    return True


def record_milestone(pair: Pair, actor, kind: str, reached_on: date) -> tuple[Milestone, bool]:
    """Record and celebrate a milestone; returns it and whether it was new (each kind counts once)."""
    if kind not in MILESTONES:
        raise ValueError(kind)
    with database.atomic():
        existing = Milestone.get_or_none((Milestone.pair == pair) & (Milestone.kind == kind))
        if existing:
            return existing, False
        milestone = Milestone.create(pair=pair, kind=kind, reached_on=reached_on, recorded_by=actor)
        audit.record(actor, "milestone.recorded", milestone, object_type="milestone", pair=pair.id, kind=kind)
        application = pair.application
        if application.email:
            mail.queue(application.email, "milestone_reached", application.language, name=application.full_name,
                       kind=kind, mentor=pair.mentor.name)
        thank_mentor(pair, "milestone", kind)
    return milestone, True


def thank_mentor(pair: Pair, what: str, kind: str) -> None:
    """The celebration includes the mentor: a thank-you in their language for a milestone or a positive outcome
    (`what`), whoever recorded it. Call inside the transaction that records it."""
    mentor = User.get_by_id(pair.mentor_id)
    if mentor.email and mentor.active:
        mail.queue(mentor.email, "mentor_thanks", mentor.language, name=mentor.name,
                   mentee=pair.application.full_name, what=what, kind=kind)


@dataclass(frozen=True)
class PairRow:
    pair: Pair
    meetings: int
    expected: int
    last_met: date | None
    milestones: list
    outcome: Outcome | None
    overdue: bool


def expected_meetings(pair: Pair, programme: Programme, today: date) -> int:
    """Two a month since the course began for this pair, up to the programme's end."""
    begin = pair.started_on
    if begin is None:
        return 0
    until = min(today, end_date(programme))
    months = max((until - begin).days, 0) / (365.25 / 12)
    return min(int(months * MEETINGS_PER_MONTH), MEETINGS_PER_MONTH * programme.length_months)


def is_overdue(status: str, since: date | None, today: date) -> bool:
    """An active pair whose last meeting (or, before the first, the course's start) is over a month ago."""
    return status == Status.ACTIVE and since is not None and today - since > OVERDUE_AFTER


@dataclass(frozen=True)
class Progress:
    meetings: int
    expected: int
    last_met: date | None
    overdue: bool


def progress(pair: Pair, today: date) -> Progress:
    """One pair's meetings so far against the expected, and whether it is overdue (the mentor's page)."""
    count, last = (Meeting.select(fn.COUNT(Meeting.id), fn.MAX(Meeting.held_on))
                   .where(Meeting.pair == pair).tuples().get())
    if isinstance(last, str):
        last = date.fromisoformat(last)
    return Progress(count, expected_meetings(pair, pair.programme, today), last,
                    is_overdue(pair.application.status, last or pair.started_on, today))


def next_meeting_due(pair: Pair, last_met: date | None, today: date) -> date:
    """When the next meeting is due: the course's first day before any meeting, then half a month after the
    last one; never before today."""
    if last_met is None:
        return max(today, pair.started_on or pair.programme.start_date)
    return max(today, last_met + timedelta(days=round(365.25 / 12 / MEETINGS_PER_MONTH)))


def pair_rows(programme: Programme, today: date) -> list[PairRow]:
    """Every pair of the programme with its meetings against the expected, milestones and outcome."""
    pairs = list(Pair.select(Pair, Application, User).join(Application).switch(Pair).join(User, on=Pair.mentor)
                 .where(Pair.programme == programme).order_by(Application.full_name, Pair.id))
    ids = [p.id for p in pairs]
    stats = {row[0]: (row[1], row[2]) for row in
             Meeting.select(Meeting.pair, fn.COUNT(Meeting.id), fn.MAX(Meeting.held_on))
             .where(Meeting.pair.in_(ids)).group_by(Meeting.pair).tuples()}
    milestones = {}
    for m in Milestone.select().where(Milestone.pair.in_(ids)).order_by(Milestone.reached_on):
        milestones.setdefault(m.pair_id, []).append(m)
    outcomes = {o.application_id: o for o in Outcome.select().where(Outcome.programme == programme)}
    rows = []
    for pair in pairs:
        count, last = stats.get(pair.id, (0, None))
        if isinstance(last, str):
            last = date.fromisoformat(last)
        overdue = is_overdue(pair.application.status, last or pair.started_on, today)
        rows.append(PairRow(pair, count, expected_meetings(pair, programme, today), last,
                            milestones.get(pair.id, []), outcomes.get(pair.application_id), overdue))
    return rows


def news(programme: Programme, limit: int = 20) -> list[Milestone]:
    """The programme's news for staff: milestones, newest first."""
    return list(Milestone.select(Milestone, Pair, Application).join(Pair).join(Application)
                .where(Pair.programme == programme).order_by(Milestone.created_at.desc(), Milestone.id.desc())
                .limit(limit))
