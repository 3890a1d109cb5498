"""The audit log is append-only: the database refuses UPDATE and DELETE on audit_event.

One kind of UPDATE is allowed: an erasure's redaction (GDPR art. 17), which replaces the person's data
in `details` with "[erased]" and marks the row `"redacted": true` (services/status.delete_personal_data).
Who did what, to which object and when stays fixed forever; a redacted row says so."""
from portal.db import for_backend

REDACTED = '"redacted": true'        # as JSONField writes it (json.dumps, default separators)

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: rows cannot be deleted'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
       WHEN NOT (NEW.id = OLD.id AND NEW.actor_id IS OLD.actor_id AND NEW.actor_role IS OLD.actor_role
                 AND NEW.action IS OLD.action AND NEW.object_type IS OLD.object_type
                 AND NEW.object_id IS OLD.object_id AND NEW.at IS OLD.at
                 AND instr(NEW.details, '{REDACTED}') > 0)
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: rows cannot be changed'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]

# No percent sign anywhere in this SQL: psycopg2 would read it as a parameter placeholder.
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.id = OLD.id AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
               AND NEW.actor_role IS NOT DISTINCT FROM OLD.actor_role AND NEW.action IS NOT DISTINCT FROM OLD.action
               AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type
               AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id AND NEW.at IS NOT DISTINCT FROM OLD.at
               AND position('{REDACTED}' in NEW.details) > 0 THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION USING MESSAGE = 'audit_event is append-only: ' || TG_OP || ' refused',
                              ERRCODE = 'restrict_violation';
    END $$""",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
                 "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
                 "DROP FUNCTION IF EXISTS audit_event_append_only()"]


def up(migrator, db):
    for sql in for_backend(db, SQLITE_UP, POSTGRES_UP, "append-only triggers"):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in for_backend(db, SQLITE_DOWN, POSTGRES_DOWN, "append-only triggers"):
        db.execute_sql(sql)
