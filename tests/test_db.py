"""Migrations: versioned, idempotent, and matching the models."""
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
