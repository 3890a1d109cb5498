"""The queue as a CSV for staff: audited before any row leaves, streamed row by row."""
import io

from peewee import JOIN

from .. import spreadsheet
from ..db import database
from ..models import Application, Municipality, Programme, User
from ..spreadsheet import safe_cell
from . import audit
from .review_queue import QueueFilter, conditions, order, status_counts


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
             .where(*conditions(f, user)).order_by(*order(f.sort)).tuples())
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
