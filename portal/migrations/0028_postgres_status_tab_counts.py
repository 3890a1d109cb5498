"""PostgreSQL: the queue's status tabs are counted from a small index of the submitted applications' status.

Without a filter, the review queue counts every submitted application by status (services/review_queue.py,
`status_counts`). SQLite reads that from the (status, submitted_at, ...) index in order. PostgreSQL reads a
wide queue index and adds the counts up in a hash table: 19-21 ms at 100,000 applications, the costliest
statement of the queue's default view. This partial index holds only the status of submitted applications
(B-tree deduplication keeps it under 1 MB at 100,000), so PostgreSQL counts them in one ordered pass: 7 ms.
Under the mixed load of bench/mixed.py PostgreSQL's p95 was 44-55 ms without it (two of four runs over the
target of 50) and 40-53 ms with it (one of five over; bench/RESULTS.md). SQLite's planner keeps its own
index, so SQLite has none."""
from portal.db import for_backend

POSTGRES_UP = ["""CREATE INDEX IF NOT EXISTS application_queue_status ON application (status)
                  WHERE submitted_at IS NOT NULL"""]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS application_queue_status"]


def up(migrator, db):
    for sql in for_backend(db, [], POSTGRES_UP, "the status tabs' index"):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in for_backend(db, [], POSTGRES_DOWN, "the status tabs' index"):
        db.execute_sql(sql)
