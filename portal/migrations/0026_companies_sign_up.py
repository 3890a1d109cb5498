"""Other companies join (issue 22): a company signs up on /companies and staff approve or decline it; its
contact person becomes a company coordinator who keeps its sites and invites its mentors.

- `company`: the CVR number (unique), the sign-up's state (`sign_up_state`: `pending`, `approved`,
  `declined`; companies an admin added are `approved`), its contact person, the mentors it expects, and the
  decision's date and message.
- `site`: its municipality (from the postcode) and `retired_at`: a retired site keeps its rows (pairs,
  programmes, history) but is offered for nothing new.
- `user`: the coordinator's company, and the role `coordinator` in the role CHECK, widened as migration 0020
  widened the status CHECK (SQLite: the documented schema rewrite; PostgreSQL: drop and add)."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField

from portal.db import for_backend

OLD = "'staff', 'admin', 'caseworker', 'mentor'"
NEW = "'staff', 'admin', 'caseworker', 'mentor', 'coordinator'"


class _Company(Model):
    class Meta:
        table_name = "company"


class _Municipality(Model):
    code = CharField(primary_key=True, max_length=3)

    class Meta:
        table_name = "municipality"


def _sqlite_check(db, old, new):
    version = db.execute_sql("PRAGMA schema_version").fetchone()[0]
    db.execute_sql("PRAGMA writable_schema = ON")
    try:
        changed = db.execute_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
                                 "WHERE type = 'table' AND name = 'user' AND instr(sql, ?) > 0",
                                 (f"CHECK (role IN ({old}))", f"CHECK (role IN ({new}))",
                                  f"CHECK (role IN ({old}))")).rowcount
        db.execute_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        db.execute_sql("PRAGMA writable_schema = OFF")
    if changed != 1:
        raise RuntimeError("user's role CHECK is not the one migration 0001 made")
    if db.execute_sql("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise RuntimeError("the database failed its integrity check after widening the role CHECK")


def _postgres_check(db, new):
    names = [name for (name,) in db.execute_sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = '\"user\"'::regclass AND contype = 'c' "
        "AND position('caseworker' in pg_get_constraintdef(oid)) > 0")]
    for name in names:
        db.execute_sql(f'ALTER TABLE "user" DROP CONSTRAINT "{name}"')
    db.execute_sql(f'ALTER TABLE "user" ADD CONSTRAINT user_role_check CHECK (role IN ({new}))')


def up(migrator, db):
    if for_backend(db, "sqlite", "postgresql", "coordinator role") == "sqlite":
        _sqlite_check(db, OLD, NEW)
    else:
        _postgres_check(db, NEW)
    migrator.migrate(
        migrator.add_column("company", "cvr", CharField(max_length=8, null=True, unique=True)),
        migrator.add_column("company", "sign_up_state", CharField(default="approved")),
        migrator.add_column("company", "contact_name", CharField(null=True)),
        migrator.add_column("company", "contact_email", CharField(null=True)),
        migrator.add_column("company", "contact_phone", CharField(null=True)),
        migrator.add_column("company", "contact_language", CharField(max_length=2, default="da")),
        migrator.add_column("company", "expected_mentors", IntegerField(null=True)),
        migrator.add_column("company", "signed_up_at", DateTimeField(null=True)),
        migrator.add_column("company", "decided_at", DateTimeField(null=True)),
        migrator.add_column("company", "decision_message", TextField(null=True)),
        migrator.add_column("site", "municipality_id",
                            ForeignKeyField(_Municipality, null=True, field=_Municipality.code)),
        migrator.add_column("site", "retired_at", DateTimeField(null=True)),
        migrator.add_column("user", "company_id", ForeignKeyField(_Company, null=True, field=_Company.id)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("user", "user_company_id"), migrator.drop_column("user", "company_id"),
        migrator.drop_index("site", "site_municipality_id"), migrator.drop_column("site", "municipality_id"),
        migrator.drop_column("site", "retired_at"),
        migrator.drop_index("company", "company_cvr"),
        *(migrator.drop_column("company", name) for name in (
            "cvr", "sign_up_state", "contact_name", "contact_email", "contact_phone", "contact_language", "expected_mentors", "signed_up_at",
            "decided_at", "decision_message")),
    )
    if for_backend(db, "sqlite", "postgresql", "coordinator role") == "sqlite":
        _sqlite_check(db, NEW, OLD)
    else:
        _postgres_check(db, OLD)
