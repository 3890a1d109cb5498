"""Programmes (cohorts) themselves: their dates and state, creating and editing them (admins), starting
the course and ending it. `move` is how every service of the programme makes a life-cycle move."""
import calendar
from dataclasses import dataclass, field
from datetime import date

from peewee import JOIN, PostgresqlDatabase, fn

from .. import lifecycle
from ..lifecycle import Role, Status
from ..clock import now_utc
from ..db import database
from ..models import (Application, Company, MentorProfile, Pair, Programme, ProgrammeSite, ProgrammeStart,
                      Site, User)
from . import audit, moves, rule_versions


PAIRED = tuple(lifecycle.IN_PROGRAMME)


class MatchError(ValueError):
    """A pair could not be made as asked; `code` names why, for the message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


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
            move(pair.application, "start", actor, programme=programme.id)
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
                with database.atomic():
                    move(pair.application, "end", actor, Role.STAFF if actor else Role.SYSTEM,
                         programme=pair.programme_id)
                    _ask_where_now(pair)
                ended += 1
            except (moves.MoveRefused, MatchError):
                continue        # someone else ended it meanwhile
    return ended


def _ask_where_now(pair: Pair) -> None:
    """The six-month follow-up's question, in the transaction that ends the course."""
    from . import follow_up             # it records outcomes, whose dates this module's end_date bounds
    follow_up.ask(pair, now_utc())


def end_early(pair: Pair, actor, reason: str) -> Application:
    """End one pair's course before the programme's end date (the mentee moved, stopped coming…)."""
    if not (reason or "").strip():
        raise MatchError("reason")
    with database.atomic():
        after = move(pair.application, "end_early", actor, programme=pair.programme_id, reason=reason.strip())
        _ask_where_now(pair)
    return after


def move(application: Application, name: str, actor, role: str = Role.STAFF, **details) -> Application:
    """A move of the life cycle (services/moves.py); a refused one is "status_changed" here."""
    try:
        return moves.make(application, name, actor, role, details=details)
    except moves.MoveRefused as refused:
        raise MatchError("status_changed") from refused


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


def one_at_a_time(programme: Programme | None = None, mentor: User | None = None, names: bool = False):
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
        one_at_a_time(names=True)
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
        one_at_a_time(programme, names=True)
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
    # A programme may hold sites of several companies (issue 22): then it names none. When it names one, its
    # sites are that company's.
    company = None
    if details["company_id"]:
        company = Company.get_or_none(Company.id == details["company_id"])
        if company is None:
            return [*problems, Problem("company", "unknown_company")]
    chosen = list(Site.select(Site, Company).join(Company).where(Site.id.in_(sorted(details["site_ids"]))))
    kept = {ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme == programme)} if programme \
        else set()
    unusable = sorted(site.name for site in chosen if site.id not in kept
                      and (site.retired_at is not None or site.company.sign_up_state != "approved"))
    if len(chosen) != len(details["site_ids"]):
        problems.append(Problem("sites", "unknown_site"))
    elif company is not None and any(site.company_id != company.id for site in chosen):
        problems.append(Problem("sites", "other_company", {"company": company.name}))
    elif unusable:
        problems.append(Problem("sites", "site_not_in_use", {"sites": ", ".join(unusable)}))
    elif not chosen and company is None:
        problems.append(Problem("sites", "no_sites_chosen"))
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
