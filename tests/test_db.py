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


def test_one_finds_what_get_or_none_finds_with_every_column_converted(app, ctx):
    from datetime import datetime

    from portal.models import Application, User
    made = Application.create(status="submitted", reference="MB-ONE0-0001", answers={"about-you": {"x": 1}},
                              completed_steps=["about-you"], possible_duplicate=True,
                              submitted_at=datetime(2026, 1, 2, 3, 4, 5))
    for found in (Application.one(reference="MB-ONE0-0001"), Application.one(id=made.id),
                  Application.one(public_id=made.public_id)):
        expected = Application.get_by_id(made.id)
        assert found.__data__ == expected.__data__
        assert found.answers == {"about-you": {"x": 1}} and found.possible_duplicate is True
        assert found.submitted_at == datetime(2026, 1, 2, 3, 4, 5)
    assert Application.one(reference="MB-NONE-0000") is None
    assert User.one(id=made.id, active=True) is None
    user = User.create(email="one@example.org", name="One", role="staff")
    assert User.one(id=user.id, session_version=1, active=True).email == "one@example.org"
    assert User.one(id=user.id, session_version=2, active=True) is None
    User.update(active=False).where(User.id == user.id).execute()
    assert User.one(id=user.id, session_version=1, active=True) is None


def test_a_prepared_query_gives_what_peewee_gives_and_builds_its_sql_once(app, ctx):
    from datetime import datetime

    from portal.db import prepared
    from portal.models import Application, Note, User
    built = []

    @prepared
    def notes_by(application_id, since):
        built.append(1)
        return (Note.select(Note, User.id, User.name).join(User, on=(Note.author == User.id))
                .where((Note.application == application_id) & (Note.created_at >= since))
                .order_by(Note.id.desc()).limit(5))

    author = User.create(email="prep@example.org", name="Prepared Person", role="staff")
    made = [Application.create(status="submitted", reference=f"MB-PREP-000{n}") for n in (1, 2)]
    for n, application in enumerate(made * 2):
        Note.create(application=application.id, author=author, body=f"note {n}",
                    created_at=datetime(2026, 1, 1 + n))
    for application in made:              # a model instance is converted to its id, as peewee would
        for since in (datetime(2026, 1, 1), datetime(2026, 1, 2, 12)):   # both notes, then one
            got = notes_by(application, since)
            expected = list(Note.select(Note, User.id, User.name).join(User, on=(Note.author == User.id))
                            .where((Note.application == application.id) & (Note.created_at >= since))
                            .order_by(Note.id.desc()).limit(5))
            assert [n.__data__ for n in got] == [n.__data__ for n in expected] and got
            assert {n.author.name for n in got} == {"Prepared Person"}
            assert isinstance(got[0].created_at, datetime)
    assert notes_by(made[0], datetime(2027, 1, 1)) == []
    assert len(built) == 1
    sql, params = notes_by.sql(made[1], datetime(2026, 1, 2))        # what runs, as EXPLAIN needs it
    assert sql.startswith("SELECT") and made[1].id in params and 5 in params


def test_a_prepared_update_converts_its_values_and_counts_the_rows_it_changed(app, ctx):
    from portal.db import prepared
    from portal.models import Application

    @prepared
    def save(application_id, answers, steps):
        return (Application.update(answers=answers, completed_steps=steps, version=Application.version + 1)
                .where((Application.id == application_id) & (Application.status == "draft")))

    draft = Application.create(status="draft")
    sent = Application.create(status="submitted", reference="MB-PREP-0003")
    assert save(draft.id, {"about-you": {"full_name": "Ada"}}, ["about-you"]) == 1
    assert save(sent.id, {"x": 1}, []) == 0
    again = Application.get_by_id(draft.id)
    assert again.answers == {"about-you": {"full_name": "Ada"}} and again.completed_steps == ["about-you"]
    assert again.version == draft.version + 1
    assert Application.get_by_id(sent.id).answers == sent.answers


def test_a_prepared_insert_converts_its_values_and_gives_the_new_id(app, ctx):
    from datetime import datetime

    import pytest

    from portal.db import prepared
    from portal.models import AuditEvent, User

    @prepared
    def write(actor, at, details):
        return AuditEvent.insert(actor=actor, actor_role="staff", action="test.prepared", object_type="-",
                                 object_id=None, at=at, details=details)

    user = User.create(email="insert@example.org", name="Insert", role="staff")
    first = write(user, datetime(2026, 5, 6, 7, 8, 9), {"a": [1, 2]})
    second = write(None, datetime(2026, 5, 7), {})
    assert second > first
    row = AuditEvent.get_by_id(first)
    assert (row.actor_id, row.at, row.details) == (user.id, datetime(2026, 5, 6, 7, 8, 9), {"a": [1, 2]})
    assert AuditEvent.get_by_id(second).actor_id is None
    # A default left out would be worked out once, when the SQL is built: refused.
    with pytest.raises(ValueError, match="at"):
        prepared(lambda details: AuditEvent.insert(actor=None, actor_role="-", action="x", object_type="-",
                                                   details=details))({})
