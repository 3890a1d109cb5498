"""Programmes after approval: matching, the course (meetings, milestones), outcomes and the report."""
import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, url_for
from peewee import JOIN, PostgresqlDatabase, fn

from .. import lifecycle, mail, matching, spreadsheet
from ..lifecycle import Role, Status
from ..clock import now_utc
from ..db import database
from ..models import (MILESTONES, OUTCOMES, Application, Company, MatchRejection, Meeting,
                      MentorProfile, Milestone, Municipality, Outcome, Pair, Programme, ProgrammeSite,
                      ProgrammeStart, Site, User)
from . import audit, cohort_figures, mentors as mentor_service, moves, rule_versions

MEETINGS_PER_MONTH = 2
OVERDUE_AFTER = timedelta(days=31)          # "not met for over a month"
PAIRED = tuple(lifecycle.IN_PROGRAMME)


class MatchError(ValueError):
    """A pair could not be made as asked; `code` names why, for the message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# ---------------------------------------------------------------- programmes

def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_date(programme: Programme) -> date:
    return add_months(programme.start_date, programme.length_months)


def started(programme: Programme) -> ProgrammeStart | None:
    return ProgrammeStart.get_or_none(ProgrammeStart.programme == programme)


def state(programme: Programme, today: date) -> str:
    """planned (not started yet), running, or ended (past its six months)."""
    if today >= end_date(programme):
        return "ended"
    return "running" if started(programme) else "planned"


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    state: str
    end_date: date
    waiting: int
    pairs: int
    active: int
    completed: int


def newest_first() -> list[Programme]:
    return list(Programme.select().order_by(Programme.start_date.desc(), Programme.id.desc()))


def overview(today: date) -> list[ProgrammeRow]:
    """Every programme with its state and numbers, newest first."""
    rows = []
    for programme in newest_first():
        statuses = dict(Application.select(Application.status, fn.COUNT(Application.id))
                        .where(Application.programme == programme).group_by(Application.status).tuples())
        rows.append(ProgrammeRow(programme, state(programme, today), end_date(programme),
                                 statuses.get(Status.APPROVED, 0), Pair.select().where(Pair.programme == programme).count(),
                                 statuses.get(Status.ACTIVE, 0), statuses.get(Status.COMPLETED, 0)))
    return rows


def free_places(programme: Programme) -> int:
    return max(programme.capacity - Pair.select().where(Pair.programme == programme).count(), 0)


def start(programme: Programme, actor, today: date) -> int:
    """Start the course, from its start date on: every matched pair of the programme becomes active.
    Returns how many."""
    if today < programme.start_date:
        raise MatchError("not_started_yet")
    with database.atomic():
        if not started(programme):
            ProgrammeStart.create(programme=programme, started_on=today, started_by=actor)
        pairs = list(Pair.select(Pair, Application).join(Application)
                     .where((Pair.programme == programme) & (Application.status == Status.MATCHED)))
        for pair in pairs:
            _move(pair.application, "start", actor, programme=programme.id)
            Pair.update(started_on=today).where(Pair.id == pair.id).execute()
        audit.record(actor, "programme.started", programme, pairs=len(pairs))
    return len(pairs)


def end_courses(today: date, actor=None) -> int:
    """End the course of every active pair whose programme has reached its end date (`flask end-courses`,
    daily, from cron). Returns how many ended."""
    ended = 0
    for pair in (Pair.select(Pair, Application, Programme).join(Application).switch(Pair).join(Programme)
                 .where(Application.status == Status.ACTIVE)):
        if today >= end_date(pair.programme):
            try:
                _move(pair.application, "end", actor, Role.STAFF if actor else Role.SYSTEM,
                      programme=pair.programme_id)
                ended += 1
            except moves.MoveRefused:
                continue        # someone else ended it meanwhile
    return ended


def end_early(pair: Pair, actor, reason: str) -> Application:
    """End one pair's course before the programme's end date (the mentee moved, stopped coming…)."""
    if not (reason or "").strip():
        raise MatchError("reason")
    return _move(pair.application, "end_early", actor, programme=pair.programme_id, reason=reason.strip())


def _move(application: Application, name: str, actor, role: str = Role.STAFF, **details) -> Application:
    """A move of the life cycle (services/moves.py); a refused one is "status_changed" here."""
    try:
        return moves.make(application, name, actor, role, details=details)
    except moves.MoveRefused as refused:
        raise MatchError("status_changed") from refused


# ---------------------------------------------------------------- creating and editing programmes (admins)

DETAILS = ("name", "company_id", "start_date", "length_months", "capacity", "open_for_applications")
IN_COURSE = tuple(lifecycle.MEETING)          # pairs that still meet at their site


@dataclass(frozen=True)
class Problem:
    """One reason a programme was not saved: the form field it concerns, a code and the message's values."""
    field: str
    code: str
    params: dict = field(default_factory=dict)


class ProgrammeRefused(ValueError):
    """Nothing was saved; `problems` say why."""

    def __init__(self, problems: list[Problem]):
        super().__init__([p.code for p in problems])
        self.problems = problems


def details_of(programme: Programme) -> dict:
    """The details an admin edits, as the programme form and `update_programme` take them."""
    return {"name": programme.name, "company_id": programme.company_id,
            "site_ids": frozenset(ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme == programme)),
            "start_date": programme.start_date, "length_months": programme.length_months,
            "capacity": programme.capacity, "open_for_applications": programme.open_for_applications}


PROGRAMME_NAMES = 73011       # the PostgreSQL advisory lock that programme creations and edits take in turn


def _one_at_a_time(programme: Programme | None = None, mentor: User | None = None, names: bool = False):
    """Inside a transaction: wait for any other transaction that checks and changes the same things.

    SQLite takes its write lock when the transaction begins (IMMEDIATE), so writers already go one at
    a time. PostgreSQL lets two transactions read the same places, pairs or names at once and both pass
    a check: here the programme's row (places and pairs), the mentor's profile row (their capacity) and,
    for names, an advisory lock are taken first, so the second waits and then sees the first's result."""
    if not isinstance(database.obj, PostgresqlDatabase):
        return
    if names:
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PROGRAMME_NAMES,))
    if programme is not None and programme.id is not None:
        list(Programme.select(Programme.id).where(Programme.id == programme.id).for_update())
    if mentor is not None:
        list(MentorProfile.select(MentorProfile.id).where(MentorProfile.user == mentor.id).for_update())


def pair_count(programme: Programme) -> int:
    return Pair.select().where(Pair.programme == programme).count()


def create_programme(details: dict, actor, copy_rules_from: int | None = None) -> Programme:
    """A new programme with its sites; its rules are the defaults or a copy of another programme's, all audited."""
    with database.atomic():
        _one_at_a_time(names=True)
        problems = _problems(details, None)
        source = None
        if copy_rules_from is not None:
            source = Programme.get_or_none(Programme.id == copy_rules_from)
            if source is None:
                problems.append(Problem("copy_from", "unknown_programme"))
        if problems:
            raise ProgrammeRefused(problems)
        programme = Programme.create(name=details["name"], company=details["company_id"],
                                     start_date=details["start_date"], length_months=details["length_months"],
                                     capacity=details["capacity"],
                                     open_for_applications=details["open_for_applications"])
        ProgrammeSite.insert_many([{"programme": programme.id, "site": site_id}
                                   for site_id in sorted(details["site_ids"])]).execute()
        audit.record(actor, "programme.created", programme, **_loggable(details),
                     rules="copied" if source else "default", copied_from=source.id if source else None)
        if source is not None:
            rule_versions.copy_rules(source, programme, actor)
    return programme


def update_programme(programme: Programme, details: dict, actor) -> dict:
    """Save an admin's changes, audited; returns them (empty when nothing changed).

    Refuses fewer places than the programme has pairs, removing a site where a pair still meets, and a new
    start date once the course has started."""
    with database.atomic():
        _one_at_a_time(programme, names=True)
        before = details_of(programme)
        problems = _problems(details, programme)
        pairs = pair_count(programme)
        begun = started(programme)
        if begun is not None and details["start_date"] != before["start_date"]:
            # The course has begun: its pairs' meetings, the age rule and the end date all count from here.
            problems.append(Problem("start_date", "already_started", {"started_on": begun.started_on}))
        if details["capacity"] < pairs:
            problems.append(Problem("capacity", "below_pairs", {"pairs": pairs}))
        removed, added = before["site_ids"] - details["site_ids"], details["site_ids"] - before["site_ids"]
        in_use = _sites_in_use(programme, removed)
        if in_use:
            problems.append(Problem("sites", "site_in_use", {"sites": ", ".join(sorted(in_use)),
                                                             "pairs": sum(in_use.values())}))
        if problems:
            raise ProgrammeRefused(problems)
        old, new = _loggable(before), _loggable(details)
        changes = {name: {"from": old[name], "to": new[name]} for name in DETAILS if old[name] != new[name]}
        if removed or added:
            changes["sites"] = {"added": sorted(added), "removed": sorted(removed)}
        if not changes:
            return {}
        (Programme.update(name=details["name"], company=details["company_id"], start_date=details["start_date"],
                          length_months=details["length_months"], capacity=details["capacity"],
                          open_for_applications=details["open_for_applications"])
         .where(Programme.id == programme.id).execute())
        if removed:
            ProgrammeSite.delete().where((ProgrammeSite.programme == programme)
                                         & ProgrammeSite.site.in_(sorted(removed))).execute()
        if added:
            ProgrammeSite.insert_many([{"programme": programme.id, "site": site_id}
                                       for site_id in sorted(added)]).execute()
        audit.record(actor, "programme.updated", programme, changes=changes)
    return changes


def _problems(details: dict, programme: Programme | None) -> list[Problem]:
    """What is wrong with the details whether new or edited: the name, the company and its sites."""
    problems = []
    wanted = _comparable(details["name"])
    if any(_comparable(other.name) == wanted for other in Programme.select(Programme.id, Programme.name)
           if programme is None or other.id != programme.id):
        problems.append(Problem("name", "name_taken", {"name": details["name"]}))
    company = Company.get_or_none(Company.id == details["company_id"])
    if company is None:
        return [*problems, Problem("company", "unknown_company")]
    chosen = list(Site.select().where(Site.id.in_(sorted(details["site_ids"]))))
    if len(chosen) != len(details["site_ids"]):
        problems.append(Problem("sites", "unknown_site"))
    elif any(site.company_id != company.id for site in chosen):
        problems.append(Problem("sites", "other_company", {"company": company.name}))
    elif not chosen:
        has_sites = Site.select().where(Site.company == company).exists()
        problems.append(Problem("sites", "no_sites" if has_sites else "company_has_no_sites",
                                {"company": company.name}))
    return problems


def _comparable(name: str) -> str:
    """Names that differ only in case or spacing read as the same programme in every list."""
    return " ".join(name.split()).casefold()


def _sites_in_use(programme: Programme, site_ids) -> dict[str, int]:
    """Of these sites, those where a pair of the programme still meets: site name -> pairs."""
    if not site_ids:
        return {}
    pairs = (Pair.select(Pair.site, MentorProfile.site.alias("mentor_site"))
             .join(Application).switch(Pair)
             .join(MentorProfile, JOIN.LEFT_OUTER, on=(MentorProfile.user == Pair.mentor))
             .where((Pair.programme == programme) & Application.status.in_(IN_COURSE)).dicts())
    counts = {}
    for row in pairs:
        # The pair's site when it was made; the mentor's current site for pairs made before that was kept.
        site_id = row["site"] or row["mentor_site"]
        if site_id in site_ids:
            counts[site_id] = counts.get(site_id, 0) + 1
    names = dict(Site.select(Site.id, Site.name).where(Site.id.in_(list(counts))).tuples())
    return {names[site_id]: n for site_id, n in counts.items()}


def _loggable(details: dict) -> dict:
    """The details as plain JSON types, for the audit log."""
    return {"name": details["name"], "company_id": details["company_id"],
            "site_ids": sorted(details["site_ids"]), "start_date": details["start_date"].isoformat(),
            "length_months": details["length_months"], "capacity": details["capacity"],
            "open_for_applications": details["open_for_applications"]}


# ---------------------------------------------------------------- matching

def mentee_facts(application: Application) -> matching.Mentee:
    """What matching may use of an application: never the residence basis."""
    answers = application.answers or {}
    education = (answers.get("education") or {}).get("entries") or []
    work = (answers.get("work") or {}).get("entries") or []
    goals = answers.get("goals") or {}
    languages_step = answers.get("languages") or {}
    wished = goals.get("wished_fields") or ""
    if isinstance(wished, list):
        wished = ", ".join(wished)
    text = " ".join([*(e.get("field") or "" for e in education),
                     *(f"{w.get('role') or ''} {w.get('sector') or ''}" for w in work), wished])
    languages = set()
    if languages_step.get("danish_level") in matching.SPOKEN_LEVELS:
        languages.add("da")
    if languages_step.get("english_level") in matching.SPOKEN_LEVELS:
        languages.add("en")
    for other in (languages_step.get("other_languages") or "").replace(" and ", ",").replace(" og ", ",").split(","):
        if other.strip():
            languages.add(matching.language_key(other))
    return matching.Mentee(application.id, application.municipality_id, matching.terms(text), frozenset(languages),
                           matching.aims_for_leadership(goals.get("goals") or [], wished))


def mentor_facts(profile: MentorProfile, catchment: frozenset, free: int) -> matching.Mentor:
    return matching.Mentor(profile.user_id, catchment, tuple(profile.fields or ()),
                           frozenset(matching.language_key(x) for x in profile.languages or ()),
                           bool(profile.leadership), free)


def waiting_mentees(programme: Programme) -> list[Application]:
    """Approved for this programme and without a mentor."""
    return list(Application.select().where((Application.programme == programme) & (Application.status == Status.APPROVED))
                .order_by(Application.decided_at, Application.id))


def available_mentors(programme: Programme, today: date) -> list[tuple[MentorProfile, int]]:
    """Complete mentors (filled profile, training done by `today`, an active account with a password) at the
    programme's sites with a free place: (profile, free places)."""
    site_ids = [ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme == programme)]
    profiles = (mentor_service.matchable_profiles().select_extend(Site).switch(MentorProfile).join(Site)
                .where(MentorProfile.site.in_(site_ids) & (MentorProfile.trained_on <= today))
                .order_by(User.name, User.id))
    result = []
    for profile in profiles:
        free = profile.capacity - mentor_service.current_pairs(profile.user_id)
        if free > 0:
            result.append((profile, free))
    return result


@dataclass
class MatchRow:
    application: Application
    suggested: MentorProfile | None
    fit: matching.Fit | None
    options: list = field(default_factory=list)      # [(profile, fit)] best first, every mentor who fits


@dataclass
class Matching:
    rows: list
    mentors: list
    free_places: int
    unplaced_mentees: int


def suggestion(programme: Programme, today: date) -> Matching:
    """The optimal suggestion for the whole cohort, with every possible mentor per mentee for changes."""
    mentees = waiting_mentees(programme)
    available = available_mentors(programme, today)
    catchments = {}
    facts = []
    for profile, free in available:
        if profile.site_id not in catchments:
            catchments[profile.site_id] = mentor_service.catchment_of(profile.site_id)
        facts.append(mentor_facts(profile, catchments[profile.site_id], free))
    mentee_facts_list = [mentee_facts(a) for a in mentees]
    rejected = set(MatchRejection.select(MatchRejection.application, MatchRejection.mentor)
                   .where(MatchRejection.application.in_([a.id for a in mentees])).tuples())
    places = free_places(programme)
    suggested = {s.mentee_id: s for s in matching.suggest(mentee_facts_list, facts, limit=places,
                                                         exclude=frozenset(rejected))}
    by_user = {profile.user_id: profile for profile, _ in available}
    rows = []
    for application, me in zip(mentees, mentee_facts_list):
        options = [(by_user[mr.id], f) for mr in facts if (f := matching.fit(me, mr)) is not None]
        options.sort(key=lambda o: (-o[1].score, o[0].user.name))
        s = suggested.get(application.id)
        rows.append(MatchRow(application, by_user[s.mentor_id] if s else None, s.fit if s else None, options))
    rows.sort(key=lambda r: (r.suggested is None, -(r.fit.score if r.fit else 0), r.application.full_name or ""))
    return Matching(rows, available, places, sum(1 for r in rows if not r.options))


def first_meeting(programme: Programme, today: date) -> date:
    """A first-meeting suggestion: the programme's start, or a week from now if that has passed."""
    return max(programme.start_date, today + timedelta(days=7))


def accept(programme: Programme, application: Application, mentor: User, actor, today: date) -> Pair:
    """Make the pair (staff only): the application becomes matched, both are emailed, all audited."""
    profile = _complete_mentor(mentor, today)
    if application.programme_id != programme.id or application.status != Status.APPROVED:
        raise MatchError("status_changed")
    site_ids = {ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme == programme)}
    if profile.site_id not in site_ids:
        raise MatchError("not_at_site")
    fit = matching.fit(mentee_facts(application), mentor_facts(profile, mentor_service.catchment_of(profile.site_id), 1))
    if fit is None:
        raise MatchError("outside_catchment")
    with database.atomic():
        _one_at_a_time(programme, mentor)
        _complete_mentor(User.get_by_id(mentor.id), today)         # as the mentor is now, not as read above
        if mentor_service.current_pairs(mentor) >= profile.capacity:
            raise MatchError("mentor_full")
        if free_places(programme) <= 0:
            raise MatchError("programme_full")
        _move(application, "match", actor, programme=programme.id, mentor=mentor.id)
        pair = Pair.create(programme=programme, application=application, mentor=mentor, site=profile.site_id,
                           accepted_by=actor, reasons=[[str(code), list(params)] for code, params in fit.reasons])
        audit.record(actor, "pair.accepted", pair, object_type="pair", application=application.public_id,
                     mentor=mentor.id, score=fit.score)
        site = Site.get_by_id(profile.site_id)
        when = first_meeting(programme, today)
        if application.email:
            mail.queue(application.email, "match_mentee", application.language, name=application.full_name,
                       mentor=mentor.name, company=site.company.name, site=site, meeting_on=when,
                       programme=programme.name)
        if mentor.email and mentor.active:
            mail.queue(mentor.email, "match_mentor", mentor.language, name=mentor.name,
                       mentee=application.full_name, site=site, meeting_on=when, programme=programme.name,
                       mentor_url=_absolute("mentor.index"))
    return pair


def _complete_mentor(mentor: User, today: date) -> MentorProfile:
    """The mentor's profile when they may be matched (issue 19, promise 5); else MatchError says why."""
    profile = MentorProfile.of(mentor)
    missing = mentor_service.missing_for_matching(mentor, profile, today)
    if missing:
        raise MatchError("not_trained" if missing == ["training"] else f"mentor_{missing[0]}")
    if not profile.matchable:         # complete, yet not marked: written around the services
        raise MatchError("mentor_profile")
    return profile


def reject(programme: Programme, application: Application, mentor: User, actor) -> None:
    """Not this mentor for this mentee: the suggestion then looks for another."""
    with database.atomic():
        MatchRejection.get_or_create(application=application, mentor=mentor, defaults={"rejected_by": actor})
        audit.record(actor, "pair.rejected", application, mentor=mentor.id, programme=programme.id)


def _absolute(endpoint, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


# ---------------------------------------------------------------- the course

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
    return milestone, True


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
        since = last or pair.started_on
        overdue = (pair.application.status == Status.ACTIVE and since is not None and today - since > OVERDUE_AFTER)
        rows.append(PairRow(pair, count, expected_meetings(pair, programme, today), last,
                            milestones.get(pair.id, []), outcomes.get(pair.application_id), overdue))
    return rows


def news(programme: Programme, limit: int = 20) -> list[Milestone]:
    """The programme's news for staff: milestones, newest first."""
    return list(Milestone.select(Milestone, Pair, Application).join(Pair).join(Application)
                .where(Pair.programme == programme).order_by(Milestone.created_at.desc(), Milestone.id.desc())
                .limit(limit))


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
    return Outcome.get(Outcome.application == application)


# ---------------------------------------------------------------- the report

@dataclass
class Report:
    programme: Programme
    end_date: date
    funnel: list                  # [(stage code, count)]
    outcomes: list                # [(outcome code, count)]
    positive: int
    mentees: int
    later: int                    # positive, but reached after the six months
    meetings_per_pair: float
    by_municipality: list         # [(name, mentees, positive, meetings per pair)]
    pairs: list                   # PairRow
    state: str = "ended"          # planned, running or ended on the day asked: the headline's tense


def report(programme: Programme, today: date) -> Report:
    """The programme's result: funnel, outcomes, the headline and the breakdown by municipality.

    Counted from the applications still in the database plus the figures kept for those deleted since
    (erasure, retention purge): a past cohort reads the same after its people are gone."""
    rows = pair_rows(programme, today)
    end = end_date(programme)
    by_code = cohort_figures.kept(programme)
    # Counted by the database per (municipality, status, verdict): a cohort may have tens of thousands of
    # applications, and one Counter each took over a second (bench/RESULTS.md, the programme report).
    sent = (Application.select(Application.municipality, Application.status, Application.verdict,
                               fn.COUNT(Application.id))
            .where((Application.programme == programme) & Application.submitted_at.is_null(False))
            .group_by(Application.municipality, Application.status, Application.verdict).tuples())
    for code, status, verdict, count in sent:
        part = cohort_figures.funnel_part(status, verdict)
        by_code[code or ""] = by_code.get(code or "", Counter()) + Counter({k: v * count for k, v in part.items()})
    for row in rows:
        code = row.pair.application.municipality_id or ""
        by_code[code] = by_code.get(code, Counter()) + cohort_figures.pair_part(
            row.meetings, row.outcome.kind if row.outcome else None,
            row.outcome.reached_on if row.outcome else None, end)
    total = sum(by_code.values(), Counter())
    funnel = [(stage, total[stage]) for stage in ("applied", "likely_eligible", "approved", "matched", "completed")]
    names = dict(Municipality.select(Municipality.code, Municipality.name).tuples())
    groups = {}
    for code, counts in by_code.items():
        if counts["mentees"]:
            group = groups.setdefault(names.get(code, "–"), Counter())
            group.update(counts)
    by_municipality = [(name, g["mentees"], g["positive"], g["meetings"] / g["mentees"])
                       for name, g in sorted(groups.items())]
    return Report(programme, end, funnel, [(kind, total[f"outcome_{kind}"]) for kind in OUTCOMES], total["positive"],
                  total["mentees"], total["later"], total["meetings"] / total["mentees"] if total["mentees"] else 0.0,
                  by_municipality, rows, state(programme, today))


def report_csv(report: Report, labels: dict) -> str:
    """One row per mentee: municipality, mentor, meetings, milestones, outcome (labels in the reader's
    language); the whole file, in the same form as the review export (portal/spreadsheet.py)."""
    names = dict(Municipality.select(Municipality.code, Municipality.name).tuples())
    header = [labels["mentee"], labels["municipality"], labels["mentor"], labels["meetings"],
              labels["milestones"], labels["outcome"], labels["reached_on"]]
    rows = ([row.pair.application.full_name, names.get(row.pair.application.municipality_id, ""),
             row.pair.mentor.name, row.meetings,
             ", ".join(labels["milestone:" + m.kind] for m in row.milestones),
             labels["outcome:" + row.outcome.kind] if row.outcome else "",
             row.outcome.reached_on.isoformat() if row.outcome and row.outcome.reached_on else ""]
            for row in report.pairs)
    return spreadsheet.table(header, rows)
