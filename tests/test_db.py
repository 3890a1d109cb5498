"""Migrations: versioned, idempotent, and matching the models."""
import pytest
from peewee import PostgresqlDatabase
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from portal.cli import MIGRATIONS, migrate
from portal.db import database
from portal.models import ALL_MODELS, POSTGRES_ONLY_INDEXES, Municipality


def test_migrations_leave_the_schema_exactly_as_the_models_describe(app, ctx):
    diff = diff_models(database.obj, ALL_MODELS)
    # The PostgreSQL-only search indexes are the one known difference, and only on PostgreSQL.
    extra = {(index.table, index.name) for index in diff.drop_indexes}
    expected = POSTGRES_ONLY_INDEXES if isinstance(database.obj, PostgresqlDatabase) else set()
    assert extra == expected
    assert not diff._replace(drop_indexes=[]), "a model changed without a migration"


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
