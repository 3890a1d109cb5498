"""A version number for what the review queue shows, moved on by the database at every write to it.

The queue counts and sorts every submitted application on each view, yet that data changes far less
often than staff look at it. Triggers here add one to `data_version` row 'review_queue' whenever a
submitted application is inserted, changed or deleted (drafts do not show in the queue, so an
applicant saving a step does not move it), and when a user's name changes (the reviewer column).
The database does it, so every writer counts: each app instance, the CLI, a restore, a script.
portal/cache.py keeps what a process computed at one version and uses it while the version stands.

On PostgreSQL the triggers run once per statement (with transition tables), not once per row: a bulk
insert of a million rows (copy-db) moves the counter once per batch, and never piles up a million
versions of one row in one transaction."""
from peewee import BigIntegerField, CharField, Model

from portal.db import for_backend

DATA_SET = "review_queue"
_BUMP = "UPDATE data_version SET version = version + 1 WHERE name = 'review_queue'"     # DATA_SET's row

SQLITE_UP = [
    f"""CREATE TRIGGER IF NOT EXISTS review_queue_insert AFTER INSERT ON application
       WHEN NEW.submitted_at IS NOT NULL BEGIN {_BUMP}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS review_queue_update AFTER UPDATE ON application
       WHEN NEW.submitted_at IS NOT NULL OR OLD.submitted_at IS NOT NULL BEGIN {_BUMP}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS review_queue_delete AFTER DELETE ON application
       WHEN OLD.submitted_at IS NOT NULL BEGIN {_BUMP}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS review_queue_user_name AFTER UPDATE OF name ON "user"
       WHEN NEW.name IS NOT OLD.name BEGIN {_BUMP}; END""",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS review_queue_{name}" for name in ("insert", "update", "delete", "user_name")]

# Nested IFs: PL/pgSQL plans a whole condition at once, and a trigger only has the transition tables
# of its own event. No percent sign anywhere in this SQL (psycopg2 parameters).
_POSTGRES_DROP_TRIGGERS = [f"DROP TRIGGER IF EXISTS review_queue_{name} ON {table}" for name, table in (
    ("insert", "application"), ("update", "application"), ("delete", "application"), ("truncate", "application"),
    ("user_name", '"user"'))]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION review_queue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
        END IF;
        UPDATE data_version SET version = version + 1 WHERE name = 'review_queue';
        RETURN NULL;
    END $$""",
    *_POSTGRES_DROP_TRIGGERS,
    """CREATE TRIGGER review_queue_insert AFTER INSERT ON application REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
    """CREATE TRIGGER review_queue_update AFTER UPDATE ON application
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
    """CREATE TRIGGER review_queue_delete AFTER DELETE ON application REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
    """CREATE TRIGGER review_queue_truncate AFTER TRUNCATE ON application
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
    """CREATE TRIGGER review_queue_user_name AFTER UPDATE OF name ON "user"
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
]
POSTGRES_DOWN = [
    *_POSTGRES_DROP_TRIGGERS,
    "DROP FUNCTION IF EXISTS review_queue_changed()",
]


def _table(db):
    class DataVersion(Model):
        name = CharField(primary_key=True)
        version = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "data_version"
    return DataVersion


def up(migrator, db):
    table = _table(db)
    db.create_tables([table], safe=True)
    table.insert(name=DATA_SET, version=0).on_conflict_ignore().execute()
    for sql in for_backend(db, SQLITE_UP, POSTGRES_UP, "review queue triggers"):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in for_backend(db, SQLITE_DOWN, POSTGRES_DOWN, "review queue triggers"):
        db.execute_sql(sql)
    db.drop_tables([_table(db)], safe=True)
