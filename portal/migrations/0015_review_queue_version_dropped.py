"""The review queue's data version is gone: its table `data_version` and every trigger that moved it on
(migrations 0006, 0008 and 0011), on SQLite and PostgreSQL.

Only the page cache (portal/cache.py, removed) read the version. The rule it relied on, that every table
shown on a cached part of a page needs a trigger, was written nowhere in code, and every write to a
submitted application, a note, a referral or a reviewer updated one shared row. The queue and an
application's page are now rendered from the database at every request (issue 18: a programme has a few
thousand applications a year, not the million the cache was sized for).

`down` puts back what 0006, 0008 and 0011 made, by running them again in order."""
import importlib

from portal.db import for_backend

_SQLITE_TRIGGERS = ["review_queue_insert", "review_queue_update", "review_queue_delete", "review_queue_user_name",
                    "review_queue_audit",
                    *[f"review_queue_{table}_{event}" for table in ("programme", "note", "referral")
                      for event in ("insert", "update", "delete")]]
SQLITE_UP = [
    *[f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS],
    "DROP TABLE IF EXISTS data_version",
]

_POSTGRES_TRIGGERS = [("review_queue_insert", "application"), ("review_queue_update", "application"),
                      ("review_queue_delete", "application"), ("review_queue_truncate", "application"),
                      ("review_queue_user_name", '"user"'), ("review_queue_programmes", "programme"),
                      ("review_queue_audit", "audit_event"), ("review_queue_notes", "note"),
                      ("review_queue_referrals", "referral")]
POSTGRES_UP = [
    *[f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _POSTGRES_TRIGGERS],
    "DROP FUNCTION IF EXISTS review_queue_changed()",
    "DROP TABLE IF EXISTS data_version",
]

_RESTORED_BY = ("0006_review_queue_version", "0008_review_queue_follows_programmes",
                "0011_review_queue_follows_history")


def up(migrator, db):
    for sql in for_backend(db, SQLITE_UP, POSTGRES_UP, "review queue version removal"):
        db.execute_sql(sql)


def down(migrator, db):
    for name in _RESTORED_BY:
        importlib.import_module(f"portal.migrations.{name}").up(migrator, db)
