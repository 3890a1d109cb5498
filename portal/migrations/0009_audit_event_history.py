"""PostgreSQL: an application's history without its views, through an index of the audit rows that are
not views.

0005's (object_id, action, at) index answers it as two ranges either side of 'application.viewed', and
SQLite reads it so. PostgreSQL's planner misjudges those ranges for a much-opened application: it counts
the object's many views toward them and scans every row of the object, or every decision of every
application (2.5 ms at 30,000 views). This partial index holds only the rows that are not views, so
PostgreSQL reads the history as a few index entries however often the application was opened. SQLite's
planner would not choose it (it takes the object_id index and reads every view), so SQLite has none."""
from portal.db import for_backend

POSTGRES_UP = ["""CREATE INDEX IF NOT EXISTS audit_event_history ON audit_event (object_id, at)
                  WHERE action <> 'application.viewed'"""]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS audit_event_history"]


def up(migrator, db):
    for sql in for_backend(db, [], POSTGRES_UP, "the history index"):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in for_backend(db, [], POSTGRES_DOWN, "the history index"):
        db.execute_sql(sql)
