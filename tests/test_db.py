"""Migrations: versioned, idempotent, and matching the models (tables, indexes and triggers)."""
import importlib

import pytest
from peewee import PostgresqlDatabase
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from portal.cli import MIGRATIONS, migrate
from portal.db import database
from portal.models import ALL_MODELS, POSTGRES_ONLY_INDEXES, TRIGGERS, Municipality


def test_migrations_leave_the_schema_exactly_as_the_models_describe(app, ctx):
    diff = diff_models(database.obj, ALL_MODELS)
    # The PostgreSQL-only search indexes are the one known difference, and only on PostgreSQL.
    extra = {(index.table, index.name) for index in diff.drop_indexes}
    expected = POSTGRES_ONLY_INDEXES if isinstance(database.obj, PostgresqlDatabase) else set()
    assert extra == expected
    assert not diff._replace(drop_indexes=[]), "a model changed without a migration"


def _triggers() -> set:
    """The database's own triggers, as (table, name)."""
    if isinstance(database.obj, PostgresqlDatabase):
        sql = ("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
               "JOIN pg_namespace n ON n.oid = c.relnamespace "
               "WHERE NOT t.tgisinternal AND n.nspname = current_schema()")
    else:
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    return set(database.execute_sql(sql).fetchall())


def test_the_triggers_are_part_of_the_schema(app, ctx):
    """Every trigger the migrations are meant to leave, and no other; the audit log's as migration 0014 wrote
    them (a trigger dropped or changed by hand, or a migration that forgets one, fails here)."""
    newest = importlib.import_module("portal.migrations.0014_email_limits_and_exact_audit_redaction")
    if isinstance(database.obj, PostgresqlDatabase):
        assert _triggers() == TRIGGERS["postgresql"]
        for function, sql in (("audit_event_append_only", newest.POSTGRES_APPEND_ONLY),
                              ("audit_event_redaction", newest.POSTGRES_REDACTION)):
            [(body,)] = database.execute_sql("SELECT prosrc FROM pg_proc WHERE proname = %s", (function,)).fetchall()
            assert body == sql.split("$$")[1], f"{function}() is not the one migration 0014 wrote"
    else:
        assert _triggers() == TRIGGERS["sqlite"]
        [(sql,)] = database.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                        "AND name = 'audit_event_no_update'").fetchall()
        assert sql == newest.SQLITE_NO_UPDATE, "audit_event_no_update is not the one migration 0014 wrote"


def test_migrating_again_applies_nothing(app, ctx):
    assert migrate() == []
    assert all(m.applied for m in Runner(database.obj, str(MIGRATIONS)).status())


def test_all_98_municipalities_are_loaded_with_codes_and_regions(app, ctx):
    assert Municipality.select().count() == 98
    copenhagen = Municipality.get_by_id("101")
    assert copenhagen.name == "Københavns Kommune" and copenhagen.region_name == "Region Hovedstaden"
    assert Municipality.get_by_id("851").name == "Aalborg Kommune"


@pytest.mark.sqlite_only
def test_a_pooled_connection_shows_the_next_request_what_others_wrote_meanwhile(app):
    """A SELECT left unfinished (its cursor still alive, as a reference cycle can keep it) must not keep
    the pooled connection on an old snapshot of the database."""
    import sqlite3

    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with app.test_request_context("/"):
        unfinished = database.execute_sql("SELECT code FROM municipality")
        assert unfinished.fetchone()
        borrowed = database.connection()
    with sqlite3.connect(path) as other:
        other.execute("DELETE FROM municipality WHERE code = '101'")
    with app.test_request_context("/"):
        assert database.connection() is borrowed            # the same connection, back from the pool
        assert Municipality.get_or_none(Municipality.code == "101") is None
    del unfinished
