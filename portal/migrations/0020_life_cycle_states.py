"""Two new states in the life cycle (portal/lifecycle.py, issue 19; the names of shared/DESIGN.md §5), and the link from a duplicate to the
application its person is handled under.

- `waiting`: approved, on the waiting list for the next programme (the programme asked for has ended or is
  full), instead of a rejection.
- `closed_duplicate`: closed as a duplicate of another application (`duplicate_of`), a neutral move that sends
  no rejection.

The CHECK on `application.status` is widened to the life cycle's states. PostgreSQL drops and adds the
constraint. SQLite cannot alter a constraint; widening one changes nothing stored, so this uses the
procedure SQLite documents for such changes (https://www.sqlite.org/lang_altertable.html, "Making Other
Kinds Of Table Schema Changes"): rewrite the table's definition in `sqlite_schema` and bump the schema
version, inside this migration's transaction. `PRAGMA integrity_check` must still answer ok."""
from peewee import ForeignKeyField, Model

from portal.db import for_backend

OLD = ("'draft', 'submitted', 'in_review', 'needs_info', 'approved', 'rejected', 'withdrawn', 'matched', "
       "'active', 'completed'")
NEW = ("'draft', 'submitted', 'in_review', 'needs_info', 'approved', 'waiting', 'rejected', 'withdrawn', "
       "'closed_duplicate', 'matched', 'active', 'completed'")


class _Application(Model):
    class Meta:
        table_name = "application"


def _duplicate_of():
    return ForeignKeyField(_Application, null=True, on_delete="SET NULL", field=_Application.id)


def _sqlite_check(db, old, new):
    version = db.execute_sql("PRAGMA schema_version").fetchone()[0]
    db.execute_sql("PRAGMA writable_schema = ON")
    try:
        changed = db.execute_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
                                 "WHERE type = 'table' AND name = 'application' AND instr(sql, ?) > 0",
                                 (f"CHECK (status IN ({old}))", f"CHECK (status IN ({new}))",
                                  f"CHECK (status IN ({old}))")).rowcount
        db.execute_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        db.execute_sql("PRAGMA writable_schema = OFF")
    if changed != 1:
        raise RuntimeError("application's status CHECK is not the one migration 0001 made")
    if db.execute_sql("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise RuntimeError("the database failed its integrity check after widening the status CHECK")


def _postgres_check(db, new):
    # The constraint's name was chosen by PostgreSQL in 0001: find it by what it checks.
    names = [name for (name,) in db.execute_sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'application'::regclass AND contype = 'c' "
        "AND position('status' in pg_get_constraintdef(oid)) > 0 AND position('draft' in pg_get_constraintdef(oid)) > 0")]
    for name in names:
        db.execute_sql(f'ALTER TABLE application DROP CONSTRAINT "{name}"')
    db.execute_sql(f"ALTER TABLE application ADD CONSTRAINT application_status_check CHECK (status IN ({new}))")


def up(migrator, db):
    if for_backend(db, "sqlite", "postgresql", "life cycle states") == "sqlite":
        _sqlite_check(db, OLD, NEW)
    else:
        _postgres_check(db, NEW)
    migrator.migrate(migrator.add_column("application", "duplicate_of_id", _duplicate_of()))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("application", "application_duplicate_of_id"),
                     migrator.drop_column("application", "duplicate_of_id"))
    if for_backend(db, "sqlite", "postgresql", "life cycle states") == "sqlite":
        _sqlite_check(db, NEW, OLD)
    else:
        _postgres_check(db, OLD)
