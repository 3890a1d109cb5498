"""An application's history, notes and referral move the review queue's data version on too (see 0006),
so an application's page can keep them with its other parts, rendered once per version.

What moves it now, besides 0006 and 0008: an audit row about an application that is not a view (a
decision, a note, a resubmission, an export by the applicant...), any write to the notes or the
referrals, and a user's email (a referral shows its caseworker's). A view does not move it: an
application is opened far more often than anything else happens to it, and its openings are listed on a
page of their own.

On PostgreSQL the audit trigger runs once per statement, as 0006's do, so copying a million audit rows
(copy-db) moves the version once per batch."""
from portal.db import for_backend

_BUMP = "UPDATE data_version SET version = version + 1 WHERE name = 'review_queue'"

_SQLITE_TRIGGERS = [
    ("audit", "AFTER INSERT ON audit_event "
              "WHEN NEW.object_type = 'application' AND NEW.action <> 'application.viewed'"),
    *[(f"{table}_{event.lower()}", f"AFTER {event} ON {table}")
      for table in ("note", "referral") for event in ("INSERT", "UPDATE", "DELETE")],
]
SQLITE_UP = [
    *[f"CREATE TRIGGER IF NOT EXISTS review_queue_{name} {when} BEGIN {_BUMP}; END" for name, when in _SQLITE_TRIGGERS],
    "DROP TRIGGER IF EXISTS review_queue_user_name",
    f"""CREATE TRIGGER review_queue_user_name AFTER UPDATE OF name, email ON "user"
       WHEN NEW.name IS NOT OLD.name OR NEW.email IS NOT OLD.email BEGIN {_BUMP}; END""",
]
SQLITE_DOWN = [
    *[f"DROP TRIGGER IF EXISTS review_queue_{name}" for name, _ in _SQLITE_TRIGGERS],
    "DROP TRIGGER IF EXISTS review_queue_user_name",
    f"""CREATE TRIGGER review_queue_user_name AFTER UPDATE OF name ON "user"
       WHEN NEW.name IS NOT OLD.name BEGIN {_BUMP}; END""",
]


def _function(audit_event_branch: str) -> str:
    """0006's review_queue_changed(), with or without the branch for audit rows (constants only)."""
    return f"""CREATE OR REPLACE FUNCTION review_queue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'application' THEN
            IF TG_OP = 'INSERT' THEN
                IF NOT EXISTS (SELECT 1 FROM new_rows WHERE submitted_at IS NOT NULL) THEN RETURN NULL; END IF;
            ELSIF TG_OP = 'UPDATE' THEN
                IF NOT EXISTS (SELECT 1 FROM new_rows WHERE submitted_at IS NOT NULL)
                   AND NOT EXISTS (SELECT 1 FROM old_rows WHERE submitted_at IS NOT NULL) THEN RETURN NULL; END IF;
            ELSIF TG_OP = 'DELETE' THEN
                IF NOT EXISTS (SELECT 1 FROM old_rows WHERE submitted_at IS NOT NULL) THEN RETURN NULL; END IF;
            END IF;
        {audit_event_branch}
        END IF;
        {_BUMP};
        RETURN NULL;
    END $$"""  # nosec B608: constants only


_POSTGRES_DROP = [f"DROP TRIGGER IF EXISTS review_queue_{name} ON {table}" for name, table in (
    ("audit", "audit_event"), ("notes", "note"), ("referrals", "referral"), ("user_name", '"user"'))]
POSTGRES_UP = [
    _function("""ELSIF TG_TABLE_NAME = 'audit_event' THEN
            IF NOT EXISTS (SELECT 1 FROM new_rows WHERE object_type = 'application'
                           AND action <> 'application.viewed') THEN RETURN NULL; END IF;"""),
    *_POSTGRES_DROP,
    """CREATE TRIGGER review_queue_audit AFTER INSERT ON audit_event REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
    *[f"""CREATE TRIGGER review_queue_{name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""" for name, table in (
        ("notes", "note"), ("referrals", "referral"))],
    """CREATE TRIGGER review_queue_user_name AFTER UPDATE OF name, email ON "user"
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
]
POSTGRES_DOWN = [
    *_POSTGRES_DROP,
    """CREATE TRIGGER review_queue_user_name AFTER UPDATE OF name ON "user"
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
    _function(""),
]


def up(migrator, db):
    for sql in for_backend(db, SQLITE_UP, POSTGRES_UP, "review queue triggers"):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in for_backend(db, SQLITE_DOWN, POSTGRES_DOWN, "review queue triggers"):
        db.execute_sql(sql)
