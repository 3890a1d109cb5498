"""The staff review queue: its filters, status tabs, search and pages (a read model: it writes nothing)."""
import math
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta

from peewee import JOIN, OP, SQL, Expression, SqliteDatabase, fn

from ..db import database
from .. import lifecycle
from ..models import Application, Municipality, User
from ..names import words as folded_words


PAGE_SIZE = 50
QUEUE_STATUSES = lifecycle.QUEUE
VERDICTS = ("likely_eligible", "needs_review", "likely_not_eligible")
SORTS = ("newest", "oldest", "name", "name_desc")
SEARCH_MAX = 100


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


def conditions(f: QueueFilter, user, with_status=True) -> list:
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


def order(sort: str, backwards: bool = False) -> list:
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
    terms = conditions(f, user, with_status=False)
    if replace(f, status=None, sort="newest") == QueueFilter():
        # No filter: GROUP BY reads the (status, submitted_at) index in order. COUNT(*), not COUNT(id):
        # PostgreSQL's indexes hold no id, so counting ids would read every row of the table.
        query = a.select(a.status, fn.COUNT(SQL("*"))).where(*terms).group_by(a.status)
        return {status: count for status, count in query.tuples()}
    # A filter: one pass over that filter's index; a GROUP BY here tempts the planner into the
    # status index and a table lookup per row. COUNT(*) FILTER (WHERE …) rather than SUM(CASE …):
    # the same pass, counted more cheaply (a third of a million rows: 147 -> 94 ms on SQLite).
    counts = [fn.COUNT(SQL("*")).filter(a.status == status) for status in QUEUE_STATUSES]
    row = a.select(*counts).where(*terms).tuples().get()
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
    ids = [row_id for (row_id,) in Application.select(Application.id).where(*conditions(f, user))
           .order_by(*order(f.sort, backwards)).limit(size).offset(total - first - size if backwards else first)
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


def with_status(f: QueueFilter, status: str | None) -> QueueFilter:
    return replace(f, status=status)
