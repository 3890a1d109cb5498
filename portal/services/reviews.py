"""Staff review: the queue and its filters, one application's file, decisions, notes and export.

Every decision is one conditional UPDATE (expected status and the version the reviewer saw), the
audit row and the emails, in one transaction: two reviewers acting at once can never both win."""
import io
import math
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta

from flask import current_app
from peewee import JOIN, OP, SQL, Expression, SqliteDatabase, fn

from .. import mail, spreadsheet
from ..clock import now_utc
from ..db import database
from .. import lifecycle
from ..lifecycle import Role, Status
from ..models import Application, AuditEvent, Municipality, Note, Programme, Referral, User
from ..names import words as folded_words
from ..spreadsheet import safe_cell
from . import audit, duplicates, moves, tokens
from .moves import MoveRefused
from .programmes import end_date
from .registration import absolute_url

PAGE_SIZE = 50
QUEUE_STATUSES = lifecycle.QUEUE
VERDICTS = ("likely_eligible", "needs_review", "likely_not_eligible")
SORTS = ("newest", "oldest", "name", "name_desc")
REJECTION_CODES = ("residence", "qualification", "language", "catchment", "age", "capacity",
                   "duplicate", "other")
INFO_LINK_LIFETIME = timedelta(days=30)
SEARCH_MAX = 100

# The decisions staff make on the application's page, in the order its buttons show them (lifecycle.MOVES).
ACTIONS = ("take", "approve", "wait_list", "place", "ask", "reject", "close_duplicate", "withdraw")


# ---------------------------------------------------------------- the queue

@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows; empty values mean "any"."""
    status: str | None = None
    verdict: str | None = None
    programme: int | None = None
    municipality: str | None = None
    source: str | None = None
    language: str | None = None
    duplicate: bool | None = None
    assigned: str | None = None            # "me" or "nobody"
    submitted_from: date | None = None
    submitted_to: date | None = None
    search: str | None = None
    sort: str = "newest"

    def as_args(self) -> dict:
        """The filter as URL query arguments (for links, the export and the audit log)."""
        names = {"search": "q", "submitted_from": "from", "submitted_to": "to"}
        args = {}
        for key, value in asdict(self).items():
            if value is None or value == "" or (key == "sort" and value == "newest"):
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            args[names.get(key, key)] = value.isoformat() if isinstance(value, date) else str(value)
        return args


@dataclass(frozen=True)
class QueuePage:
    rows: list
    total: int
    counts: dict            # status -> count, under every filter except status
    page: int
    pages: int
    filters: QueueFilter


def _conditions(f: QueueFilter, user, with_status=True) -> list:
    """The WHERE terms for a filter. Drafts have no submitted_at, so they never show."""
    a = Application
    terms = [a.submitted_at.is_null(False)]
    if with_status and f.status:
        terms.append(a.status == f.status)
    for column, value in ((a.verdict, f.verdict), (a.programme, f.programme),
                          (a.municipality, f.municipality), (a.source, f.source),
                          (a.language, f.language), (a.possible_duplicate, f.duplicate)):
        if value is not None and value != "":
            terms.append(column == value)
    if f.assigned == "me" and user is not None:
        terms.append(a.assigned_to == user.id)
    elif f.assigned == "nobody":
        terms.append(a.assigned_to.is_null())
    if f.submitted_from:
        terms.append(a.submitted_at >= datetime.combine(f.submitted_from, time.min))
    if f.submitted_to:
        terms.append(a.submitted_at < datetime.combine(f.submitted_to + timedelta(days=1), time.min))
    # Without NUL: PostgreSQL refuses it in a parameter, and FTS5 would read the query only up to it.
    term = (f.search or "").replace("\0", "").strip()
    if len(term) > SEARCH_MAX:
        # Refused (the form says so): finding everything, or what a cut-off term finds, would mislead.
        terms.append(SQL("1 = 0"))
    elif term:
        matches = _matches(term)
        if not isinstance(matches, _InSearchIndex):
            # The matching ids first, in a subquery of their own (MATERIALIZED): PostgreSQL reads them from its
            # trigram indexes, SQLite from one narrow index (name, email, reference) instead of the table;
            # then only those rows are sorted. Left to itself, PostgreSQL walked the queue's order row by row
            # and tested each, which is slow exactly when few applications match.
            found = Application.select(Application.id).where(matches).cte("found", materialized=True)
            matches = a.id.in_(found.select_from(found.c.id).with_cte(found))
        # SQLite's trigram index gives the ids in a subquery of their own already; wrapped as well, each id
        # was looked up in the (wide) table twice, which doubled the time of a search that finds many.
        terms.append(matches)
    return terms


_REFERENCE_START = re.compile(r"MB-[A-Z0-9]{0,4}(?:-[A-Z0-9]{0,4})?", re.IGNORECASE)
_REFERENCE_LIKE = re.compile(r"MB-[A-Z0-9-]*|[A-Z0-9]{4}-[A-Z0-9]{0,4}", re.IGNORECASE)
_NAME_LIKE = re.compile(r"[^\W\d_][^\W\d_ '.-]*(?:[ '.-]+[^\W\d_]*)*")


def _matches(term: str):
    """The columns a search term is compared with: fewer comparisons keep a search quick."""
    a = Application
    if "@" in term:
        return _contains(term, a.email)
    if _REFERENCE_START.fullmatch(term) and isinstance(database.obj, SqliteDatabase):
        # The start of a reference ("MB-K7Q2…", what staff paste or read out): a GLOB prefix is a range
        # on SQLite's unique reference index. References are upper case, so the term is too.
        return Expression(a.reference, "GLOB", term.upper() + "*")
    if _REFERENCE_LIKE.fullmatch(term):
        return _contains(term, a.reference, a.full_name)     # "Jean-Paul" looks like one
    if _NAME_LIKE.fullmatch(term):
        return _contains(term, a.full_name)
    return _contains(term, a.full_name, a.email, a.reference)


TRIGRAM = 3


# Letters, digits, spaces and the marks names are written with: a term with any other mark ('"', '%', '(')
# is searched as it is typed only.
_FOLDABLE = re.compile(r"(?:[^\W_]|[\s'’.,-])+")


class _InSearchIndex(Expression):
    """`application.id IN (the rowids SQLite's trigram index finds)`."""


def _contains(term: str, *columns):
    """Any of the columns contains the term (`LIKE '%term%'`, ASCII case ignored); when the name is one of
    them and the term is written like a name, also every application whose folded name holds each word of
    the term's fold, in any order (portal/names.py: "ostergaard" finds "Østergaard", "Hassan Amal" finds
    "Amal Hassan").

    On SQLite the trigram index answers it (migrations/0007, 0019) when the term and the longest folded word
    are long enough to hold a trigram: a phrase of the term's trigrams in a row is the term as a substring,
    and the tokenizer folds case (for all of Unicode, so it may find a little more than LIKE, never less).
    Shorter folded words are then compared with LIKE, among the rows the index found. Each phrase is one
    FTS5 string, its double quotes doubled, so no word in it (AND, NEAR, *) is an operator."""
    foldable = _FOLDABLE.fullmatch(term) and any(column is Application.full_name for column in columns)
    folded = folded_words(term) if foldable else []
    fast = [word for word in folded if len(word) >= TRIGRAM]
    slow = [word for word in folded if len(word) < TRIGRAM]
    like = _like(term, columns, folded)
    if not (isinstance(database.obj, SqliteDatabase) and len(term) >= TRIGRAM and (fast or not folded)):
        return like
    query = f"{{{' '.join(column.column_name for column in columns)}}} : {_phrase(term)}"
    if fast:
        query += " OR (" + " AND ".join(f"{{folded_name}} : {_phrase(word)}" for word in fast) + ")"
    found = _InSearchIndex(Application.id, OP.IN, SQL(
        "(SELECT rowid FROM application_search WHERE application_search MATCH ?)", [query]))
    # The index's answer is exact unless a folded word is too short for it; then LIKE decides among its rows.
    return (found & like) if slow else found


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _like(term: str, columns, folded: list[str]):
    found = columns[0].contains(term)
    for column in columns[1:]:
        found |= column.contains(term)
    if folded:
        every_word = Application.folded_name.contains(folded[0])
        for word in folded[1:]:
            every_word &= Application.folded_name.contains(word)
        found |= every_word
    return found


def _order(sort: str, backwards: bool = False) -> list:
    """The sort, with ties broken in the order of the queue's indexes (submitted_at, status, id), so
    that a page is read straight off an index without sorting. `backwards`: the exact reverse (the id
    makes the order total, and each database puts NULL names at the same end both ways round)."""
    a = Application
    columns = {"oldest": [a.submitted_at], "name": [a.full_name, a.submitted_at],
               "name_desc": [a.full_name, a.submitted_at]}.get(sort, [a.submitted_at])
    descending = (sort in ("newest", "name_desc") or sort not in SORTS) != backwards
    return [c.desc() if descending else c.asc() for c in (*columns, a.status, a.id)]


def status_counts(f: QueueFilter, user) -> dict:
    """How many applications each status tab holds under the other filters."""
    a = Application
    conditions = _conditions(f, user, with_status=False)
    if replace(f, status=None, sort="newest") == QueueFilter():
        # No filter: GROUP BY reads the (status, submitted_at) index in order. COUNT(*), not COUNT(id):
        # PostgreSQL's indexes hold no id, so counting ids would read every row of the table.
        query = a.select(a.status, fn.COUNT(SQL("*"))).where(*conditions).group_by(a.status)
        return {status: count for status, count in query.tuples()}
    # A filter: one pass over that filter's index; a GROUP BY here tempts the planner into the
    # status index and a table lookup per row. COUNT(*) FILTER (WHERE …) rather than SUM(CASE …):
    # the same pass, counted more cheaply (a third of a million rows: 147 -> 94 ms on SQLite).
    counts = [fn.COUNT(SQL("*")).filter(a.status == status) for status in QUEUE_STATUSES]
    row = a.select(*counts).where(*conditions).tuples().get()
    return {status: int(count or 0) for status, count in zip(QUEUE_STATUSES, row)}


def queue(f: QueueFilter, user, page: int = 1) -> QueuePage:
    """One page of the queue: ids from the indexes first, then only those rows with their joins."""
    counts = status_counts(f, user)
    total = counts.get(f.status, 0) if f.status else sum(counts.values())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    # An OFFSET walks the index from its start: a page in the far half is read from the other end, in
    # reverse order, and turned round (the last of a million applications' pages: 340 ms -> a few ms).
    first = (page - 1) * PAGE_SIZE
    size = max(0, min(PAGE_SIZE, total - first))
    backwards = first > total // 2
    ids = [row_id for (row_id,) in Application.select(Application.id).where(*_conditions(f, user))
           .order_by(*_order(f.sort, backwards)).limit(size).offset(total - first - size if backwards else first)
           .tuples()]
    if backwards:
        ids.reverse()
    rows = []
    if ids:
        reviewer = User.alias()
        a = Application
        query = (a.select(a.id, a.public_id, a.reference, a.full_name, a.email, a.status, a.source,
                          a.language, a.verdict, a.possible_duplicate, a.submitted_at, a.municipality,
                          a.assigned_to, Municipality.code, Municipality.name, reviewer.id, reviewer.name)
                 .join(Municipality, JOIN.LEFT_OUTER, on=(a.municipality == Municipality.code))
                 .switch(a).join(reviewer, JOIN.LEFT_OUTER, on=(a.assigned_to == reviewer.id),
                                 attr="assigned_to")
                 .where(a.id.in_(ids)))
        by_id = {row.id: row for row in query}
        rows = [by_id[i] for i in ids if i in by_id]
    return QueuePage(rows=rows, total=total, counts=counts, page=page, pages=pages, filters=f)


# ---------------------------------------------------------------- export

EXPORT_COLUMNS = ("reference", "full_name", "email", "phone", "municipality_code", "municipality",
                  "submitted_at", "source", "language", "verdict", "possible_duplicate", "status",
                  "programme", "assigned_to", "decided_at")
def start_export(f: QueueFilter, user) -> int:
    """Record the export in the audit log (before any row leaves); returns how many rows it has."""
    with database.atomic():
        counts = status_counts(f, user)
        total = counts.get(f.status, 0) if f.status else sum(counts.values())
        audit.record(user, "applications.exported", None, object_type="application",
                     filters=f.as_args(), rows=total)
    return total


def export_rows(f: QueueFilter, user, header: list[str], labels: dict | None = None, chunk_rows: int = 500):
    """The CSV as text chunks: UTF-8 BOM and `;` for Danish Excel; rows are streamed, never all held.

    Needs no request context (the view passes the words it needs), so a response that is never read
    leaves nothing behind. `labels` maps a column name of EXPORT_COLUMNS to {code: words}, so staff read words, not codes."""
    words = {EXPORT_COLUMNS.index(name): table for name, table in (labels or {}).items()}
    a, reviewer = Application, User.alias()
    query = (a.select(a.reference, a.full_name, a.email, a.phone, a.municipality, Municipality.name,
                      a.submitted_at, a.source, a.language, a.verdict, a.possible_duplicate, a.status,
                      Programme.name, reviewer.name, a.decided_at)
             .join(Municipality, JOIN.LEFT_OUTER, on=(a.municipality == Municipality.code))
             .switch(a).join(Programme, JOIN.LEFT_OUTER, on=(a.programme == Programme.id))
             .switch(a).join(reviewer, JOIN.LEFT_OUTER, on=(a.assigned_to == reviewer.id))
             .where(*_conditions(f, user)).order_by(*_order(f.sort)).tuples())
    buffer = io.StringIO()
    writer = spreadsheet.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    yield spreadsheet.BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    # The body is sent after the request has ended (and closed its connection): open our own.
    opened_here = database.is_closed()
    if opened_here:
        database.connect()
    try:
        for count, row in enumerate(query.iterator(), 1):
            writer.writerow([safe_cell(words[i].get(value, value) if i in words else value)
                             for i, value in enumerate(row)])
            if count % chunk_rows == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()
    finally:
        if opened_here and not database.is_closed():
            database.close()


# ---------------------------------------------------------------- one application

def _plausible(reference: str) -> bool:
    return bool(reference) and len(reference) <= 32


def find(reference: str) -> Application | None:
    """A submitted application by its reference (drafts are not staff business)."""
    if not _plausible(reference):
        return None
    found = Application.get_or_none(Application.reference == reference)
    return found if found is not None and found.submitted_at is not None else None


def open_application(reference: str, user) -> Application | None:
    """The application for its page; the view is written to the audit log."""
    application = find(reference)
    if application is not None:          # one INSERT: atomic by itself, and the write lock held only for it
        audit.record(user, "application.viewed", application, status=application.status)
    return application


def possible_duplicates(application: Application) -> list:
    """Other submitted applications that may be the same person (services/duplicates.py)."""
    return duplicates.of(application)


def duplicate_choices(application: Application, found: list | None = None) -> list:
    """The applications this one may be closed as a duplicate of: its possible duplicates (`found`, when the
    caller has read them already) not themselves closed as duplicates."""
    others = duplicates.of(application) if found is None else found
    return [other for other in others if other.status != Status.DUPLICATE]


def referral_of(application: Application) -> Referral | None:
    return Referral.of_application(application.id)


def _events(public_id, *columns):
    return (AuditEvent.select(*columns, User.id, User.name)
            .join(User, JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
            .where((AuditEvent.object_type == "application") & (AuditEvent.object_id == public_id)))


_VIEWED = "application.viewed"
# Everything but the views, without reading the views (a much-opened application has thousands). SQLite:
# the two ranges of actions either side of "viewed" in the (object_id, action, at) index. PostgreSQL,
# whose planner misjudges those ranges: its partial index of the rows that are not views (migration
# 0009), whose condition this is.
def _actions(public_id, condition):
    return list(_events(public_id, AuditEvent).where(condition))


OPENINGS_PAGE_SIZE = 50                  # on the page of who opened an application


def history(application: Application) -> list:
    """The application's audit events but its views, oldest first: changes, notes, resubmissions."""
    public_id = application.public_id
    if isinstance(database.obj, SqliteDatabase):
        changes = [*_actions(public_id, AuditEvent.action < _VIEWED),
                   *_actions(public_id, AuditEvent.action > _VIEWED)]
    else:
        changes = _actions(public_id, AuditEvent.action != _VIEWED)
    return sorted(changes, key=lambda x: (x.at, x.id))


def openings(application: Application, page: int) -> tuple[list, int, int]:
    """Who opened the application and when, newest first: (one page of them, that page's number within
    the pages there are, the number of pages)."""
    counted = (AuditEvent.select().where((AuditEvent.object_type == "application") & (AuditEvent.action == _VIEWED)
                                         & (AuditEvent.object_id == application.public_id)).count())
    pages = max(1, -(-counted // OPENINGS_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = (_events(application.public_id, AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.actor_role,
                    AuditEvent.action)
            .where(AuditEvent.action == _VIEWED).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .paginate(page, OPENINGS_PAGE_SIZE))
    return list(rows), page, pages


def _notes(application_id):
    return list(Note.select(Note, User.id, User.name).join(User, on=(Note.author == User.id))
            .where(Note.application == application_id).order_by(Note.created_at.desc(), Note.id.desc()))


def notes_of(application: Application) -> list:
    return _notes(application.id)


def add_note(application: Application, user, body: str) -> Note:
    """An internal note; the body is kept in the note, the audit row says only that one was added."""
    with database.atomic():
        note = Note.create(application=application.id, author=user, body=body)
        audit.record(user, "application.note_added", application, note_id=note.id)
    return note


def may(action: str, application: Application, user, found: list | None = None) -> bool:
    """Whether staff may make the decision on the application as it is now (`found`: its possible
    duplicates, when the caller has read them already)."""
    if not lifecycle.may(action, application.status, Role.STAFF):
        return False
    if action == "take" and application.status == Status.IN_REVIEW:
        return application.assigned_to_id != user.id
    if action == "close_duplicate":
        return bool(duplicate_choices(application, found))
    return True


def available_actions(application: Application, user, found: list | None = None) -> list[str]:
    return [action for action in ACTIONS if may(action, application, user, found)]


def open_programmes():
    return list(Programme.select().order_by(Programme.open_for_applications.desc(),
                                            Programme.start_date.desc(), Programme.id.desc()))


def places_taken(programme: Programme) -> int:
    """The programme's places given: approved applicants, and those matched, in the course or through it."""
    return (Application.select().where((Application.programme == programme)
                                       & Application.status.in_((Status.APPROVED, *lifecycle.IN_PROGRAMME)))
            .count())


def programme_problem(programme: Programme, today: date) -> str | None:
    """Why no one more can be approved into the programme today ("ended", "full"), or None."""
    if today >= end_date(programme):
        return "programme_not_ended"
    if places_taken(programme) >= programme.capacity:
        return "programme_has_place"
    return None


# ---------------------------------------------------------------- decisions

def _tell_applicant(application: Application, template: str, **context) -> bool:
    if not application.email:
        return False
    mail.queue(application.email, template, application.language, name=application.full_name,
               reference=application.reference, **context)
    return True


def _decide(application, action, seen_version, user, columns=None, details=None, where=None, then=None):
    return moves.make(application, action, user, Role.STAFF, seen_version=seen_version, columns=columns,
                      details=details, where=where, then=then)


def take(application: Application, seen_version: int, user) -> Application:
    """Assign the application to `user` and mark it in review."""
    a = Application
    return _decide(application, "take", seen_version, user, columns={"assigned_to": user.id},
                   details={"previous_assignee": application.assigned_to_id},
                   where=(a.status == Status.SUBMITTED) | a.assigned_to.is_null() | (a.assigned_to != user.id))


def approve(application: Application, seen_version: int, user, programme: Programme,
            today: date | None = None, action: str = "approve") -> tuple[Application, bool]:
    """Approve for a programme that has not ended and has a free place ("place": from the waiting list);
    returns the application and whether the applicant was emailed."""
    problem = programme_problem(programme, today or now_utc().date())
    if problem:
        raise MoveRefused(action, problem, application.status)
    emailed = []

    def tell(after):
        emailed.append(_tell_applicant(after, "decision_approved", programme=programme.name,
                                       start_date=programme.start_date, status_url=absolute_url("status.start")))
    after = _decide(application, action, seen_version, user, details={"programme": programme.id}, then=tell,
                    columns={"programme": programme.id, "decided_by": user.id, "decided_at": now_utc(),
                             "decision_code": None, "decision_reason": "approved"})
    return after, emailed[0]


def place(application: Application, seen_version: int, user, programme: Programme,
          today: date | None = None) -> tuple[Application, bool]:
    """From the waiting list into a programme with a free place."""
    return approve(application, seen_version, user, programme, today, action="place")


def wait_list(application: Application, seen_version: int, user) -> tuple[Application, bool]:
    """Approved, but on the waiting list for the next programme (the one asked for has ended or is full)."""
    emailed = []

    def tell(after):
        emailed.append(_tell_applicant(after, "decision_wait_listed", status_url=absolute_url("status.start")))
    after = _decide(application, "wait_list", seen_version, user, then=tell,
                    columns={"decided_by": user.id, "decided_at": now_utc(), "decision_code": None,
                             "decision_reason": "waiting"})
    return after, emailed[0]


def reject(application: Application, seen_version: int, user, code: str, message: str | None) -> tuple[Application, bool]:
    """Reject with a reason from the list; `message`, if given, goes to the applicant too."""
    if code not in REJECTION_CODES:
        raise ValueError(code)
    emailed = []

    def tell(after):
        emailed.append(_tell_applicant(after, "decision_rejected", code=code, message=message or None,
                                       status_url=absolute_url("status.start")))
    after = _decide(application, "reject", seen_version, user, details={"code": code, "message": message or None},
                    columns={"decided_by": user.id, "decided_at": now_utc(), "decision_code": code,
                             "decision_reason": message or code}, then=tell)
    return after, emailed[0]


def close_duplicate(application: Application, seen_version: int, user, kept_reference: str) -> Application:
    """Close as a duplicate of the application the person is handled under: no rejection is sent; the
    referring caseworker is told which application that is."""
    kept = find(kept_reference)
    if kept is None or kept.id == application.id or kept.status == Status.DUPLICATE:
        raise MoveRefused("close_duplicate", "kept_application", application.status)
    return _decide(application, "close_duplicate", seen_version, user, details={"kept": kept.reference},
                   columns={"duplicate_of": kept.id, "decided_by": user.id, "decided_at": now_utc()})


def ask_for_info(application: Application, seen_version: int, user, message: str) -> tuple[Application, bool]:
    """Send the application back with a question and a link that opens it for changes for 30 days."""
    emailed = [False]

    def tell(after):
        if after.email:
            plain = tokens.issue("resume", INFO_LINK_LIFETIME, application=after)
            emailed[0] = _tell_applicant(after, "decision_needs_info", message=message,
                                         link=absolute_url("apply.resume", token=plain),
                                         days=INFO_LINK_LIFETIME.days)
    after = _decide(application, "ask", seen_version, user, details={"message": message}, then=tell)
    return after, emailed[0]


def withdraw(application: Application, seen_version: int, user, reason: str | None) -> tuple[Application, bool]:
    """Withdraw (usually at the applicant's request); the reason stays in the history."""
    emailed = []

    def tell(after):
        emailed.append(_tell_applicant(after, "decision_withdrawn", status_url=absolute_url("status.start")))
    after = _decide(application, "withdraw", seen_version, user, details={"reason": reason or None}, then=tell)
    return after, emailed[0]


def with_status(f: QueueFilter, status: str | None) -> QueueFilter:
    return replace(f, status=status)
