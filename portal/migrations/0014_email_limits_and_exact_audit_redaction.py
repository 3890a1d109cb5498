"""Two security fixes: a count of the emails sent to addresses nobody has confirmed, and an audit log whose
triggers allow only an erasure's exact redaction.

1. `email_count` (models.EmailCount, services/limits.py): per recipient address and per client address
   (both as keyed hashes) and hour, how many emails the portal sent to an address nobody has confirmed
   (the resume link a new draft asks for). Purged after 48 hours.

2. The append-only triggers of `audit_event` (migration 0003) are replaced. 0003 let through any UPDATE that
   left the who/what/when columns alone and whose `details` contained `"redacted": true` anywhere, so a
   row's details could be rewritten at will, e.g. to `{"redacted": true, "x": "forged"}`. Now an UPDATE is
   allowed only when it is what an erasure writes (services/status._redact_audit, GDPR art. 17): the same
   details, key for key and item for item, except that values may be replaced by the string "[erased]"
   (status.ERASED), and with `"redacted": true` at the top. No key is added, removed or renamed, no
   other value changes, and every other column stays as it was; DELETE and TRUNCATE stay refused.

   The table's triggers are part of the schema: tests/test_db.py compares the triggers of the migrated
   database (on SQLite and PostgreSQL) with the ones the migrations are meant to leave
   (portal.models.TRIGGERS), and the audit log's with this file's SQL, so a trigger dropped or changed by
   hand, or a migration that forgets one, fails the suite."""
import importlib

from peewee import CharField, DateTimeField, IntegerField, Model

from portal.db import for_backend

ERASED = "[erased]"           # services/status.ERASED: constants only in this SQL

_SAME_COLUMNS_SQLITE = """NEW.id = OLD.id AND NEW.actor_id IS OLD.actor_id AND NEW.actor_role IS OLD.actor_role
                 AND NEW.action IS OLD.action AND NEW.object_type IS OLD.object_type
                 AND NEW.object_id IS OLD.object_id AND NEW.at IS OLD.at"""

# Every node of the new details (but the top and "redacted") is the old one at the same path, or the string
# "[erased]" where the old details had a value; every node of the old details is still there, or lies under
# a value replaced by "[erased]". A NULL anywhere (details set to NULL, say) refuses the update too.
SQLITE_REDACTION = f"""json_valid(OLD.details) AND json_valid(NEW.details)
                 AND json_type(OLD.details) = 'object' AND json_type(NEW.details) = 'object'
                 AND json_type(NEW.details, '$.redacted') = 'true'
                 AND NOT EXISTS (
                     SELECT 1 FROM json_tree(NEW.details) AS n WHERE n.fullkey NOT IN ('$', '$.redacted')
                     AND NOT EXISTS (SELECT 1 FROM json_tree(OLD.details) AS o WHERE o.fullkey = n.fullkey
                                     AND ((o.type = n.type AND o.atom IS n.atom)
                                          OR (n.type = 'text' AND n.atom = '{ERASED}'))))
                 AND NOT EXISTS (
                     SELECT 1 FROM json_tree(OLD.details) AS o WHERE o.fullkey NOT IN ('$', '$.redacted')
                     AND NOT EXISTS (SELECT 1 FROM json_tree(NEW.details) AS n WHERE n.fullkey = o.fullkey)
                     AND NOT EXISTS (SELECT 1 FROM json_tree(NEW.details) AS e
                                     WHERE e.type = 'text' AND e.atom = '{ERASED}'
                                     AND substr(o.fullkey, 1, length(e.fullkey)) = e.fullkey
                                     AND substr(o.fullkey, length(e.fullkey) + 1, 1) IN ('.', '[')))"""  # nosec B608: constants only

SQLITE_NO_UPDATE = f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       WHEN NOT coalesce(({_SAME_COLUMNS_SQLITE}
                 AND {SQLITE_REDACTION}), 0)
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: rows cannot be changed'); END"""

SQLITE_UP = ["DROP TRIGGER IF EXISTS audit_event_no_update", SQLITE_NO_UPDATE]

# No percent sign and no question mark anywhere in this SQL: psycopg2 would read them as placeholders.
POSTGRES_REDACTION = f"""CREATE OR REPLACE FUNCTION audit_event_redaction(old_value jsonb, new_value jsonb)
    RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE
        k text;
        i integer;
    BEGIN
        IF old_value IS NULL OR new_value IS NULL THEN
            RETURN false;
        END IF;
        IF new_value = old_value OR new_value = to_jsonb('{ERASED}'::text) THEN
            RETURN true;
        END IF;
        IF jsonb_typeof(old_value) = 'object' AND jsonb_typeof(new_value) = 'object' THEN
            IF (SELECT array_agg(o ORDER BY o) FROM jsonb_object_keys(old_value) AS o)
               IS DISTINCT FROM (SELECT array_agg(n ORDER BY n) FROM jsonb_object_keys(new_value) AS n) THEN
                RETURN false;
            END IF;
            FOR k IN SELECT jsonb_object_keys(old_value) LOOP
                IF NOT audit_event_redaction(old_value -> k, new_value -> k) THEN
                    RETURN false;
                END IF;
            END LOOP;
            RETURN true;
        END IF;
        IF jsonb_typeof(old_value) = 'array' AND jsonb_typeof(new_value) = 'array' THEN
            IF jsonb_array_length(old_value) <> jsonb_array_length(new_value) THEN
                RETURN false;
            END IF;
            FOR i IN 0 .. jsonb_array_length(old_value) - 1 LOOP
                IF NOT audit_event_redaction(old_value -> i, new_value -> i) THEN
                    RETURN false;
                END IF;
            END LOOP;
            RETURN true;
        END IF;
        RETURN false;
    END $$"""  # nosec B608: constants only

POSTGRES_APPEND_ONLY = """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.id = OLD.id AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
               AND NEW.actor_role IS NOT DISTINCT FROM OLD.actor_role AND NEW.action IS NOT DISTINCT FROM OLD.action
               AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type
               AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id AND NEW.at IS NOT DISTINCT FROM OLD.at
               AND jsonb_typeof(OLD.details::jsonb) = 'object' AND jsonb_typeof(NEW.details::jsonb) = 'object'
               AND (NEW.details::jsonb -> 'redacted') = 'true'::jsonb
               AND audit_event_redaction(OLD.details::jsonb - 'redacted', NEW.details::jsonb - 'redacted') THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION USING MESSAGE = 'audit_event is append-only: ' || TG_OP || ' refused',
                              ERRCODE = 'restrict_violation';
    END $$"""

# The triggers themselves (0003's) call the function by name: replacing it is enough.
POSTGRES_UP = [POSTGRES_REDACTION, POSTGRES_APPEND_ONLY]


def _previous():
    """Migration 0003, whose triggers `down` puts back."""
    return importlib.import_module("portal.migrations.0003_audit_log_is_append_only")


class EmailCount(Model):
    key = CharField()
    hour = DateTimeField()
    sent = IntegerField(default=0)

    class Meta:
        table_name = "email_count"
        indexes = ((("key", "hour"), True),)


def up(migrator, db):
    with db.bind_ctx([EmailCount]):
        db.create_tables([EmailCount])
    for sql in for_backend(db, SQLITE_UP, POSTGRES_UP, "append-only triggers"):
        db.execute_sql(sql)


def down(migrator, db):
    previous = _previous()
    sqlite_down = ["DROP TRIGGER IF EXISTS audit_event_no_update",
                   *[sql for sql in previous.SQLITE_UP if "audit_event_no_update" in sql]]
    postgres_down = [previous.POSTGRES_UP[0], "DROP FUNCTION IF EXISTS audit_event_redaction(jsonb, jsonb)"]
    for sql in for_backend(db, sqlite_down, postgres_down, "append-only triggers"):
        db.execute_sql(sql)
    with db.bind_ctx([EmailCount]):
        db.drop_tables([EmailCount])
