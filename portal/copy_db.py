"""Move a deployment to another database (SQLite → PostgreSQL): every row of every table, in one pass."""
from contextlib import contextmanager
from itertools import islice

from peewee import AutoField, PostgresqlDatabase, sort_models
from playhouse.migrations import Runner

from .db import database, make_database
from .models import ALL_MODELS, SQLITE_ONLY_TABLES, Municipality

MIGRATION_TABLE = "schema_migration"
# Filled by the migrations themselves (reference data): replaced by the source's rows, not a reason to refuse.
REFERENCE_MODELS = (Municipality,)


def copy_order() -> list:
    """The tables in the order they are copied: each after the ones it refers to."""
    return sort_models(ALL_MODELS)


class CopyRefused(Exception):
    """The copy cannot start: the target holds data, or the source is not fully migrated."""


def _batches(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def copy_database(target_url: str, migrations_dir: str, batch_size: int = 1000) -> dict[str, int]:
    """Copy the current database into the (empty) one at `target_url`; returns rows copied per table.

    The target is migrated first; the rows go in dependency order inside one transaction, so a failure
    leaves the target without data; PostgreSQL sequences then continue after the copied ids."""
    source = database.obj
    pending = [m.name for m in Runner(source, migrations_dir).status() if not m.applied]
    if pending:
        raise CopyRefused(f"The source database has migrations to apply first (init-db): {', '.join(pending)}")
    # The SQLite-only search index is not copied: the target's migrations make its own (0004 on PostgreSQL).
    known = {model._meta.table_name for model in ALL_MODELS} | {MIGRATION_TABLE} | SQLITE_ONLY_TABLES
    unknown = sorted(t for t in set(source.get_tables()) - known if not t.startswith("sqlite_"))
    if unknown:
        raise CopyRefused(f"The source has tables the portal does not know, so they would not be copied: "
                          f"{', '.join(unknown)}")
    target = make_database(target_url)
    try:
        with target.connection_context():
            Runner(target, migrations_dir).up()
            occupied = [model._meta.table_name for model in ALL_MODELS
                        if model not in REFERENCE_MODELS and model.select().exists(target)]
            if occupied:
                raise CopyRefused(f"The target database is not empty (rows in {', '.join(occupied)}); "
                                  "copy-db only fills an empty database.")
            copied = {}
            with _snapshot(source), target.atomic():
                for model in REFERENCE_MODELS:
                    model.delete().execute(target)
                for model in copy_order():
                    fields = list(model._meta.sorted_fields)
                    rows = model.select(*fields).order_by(model._meta.primary_key).tuples().iterator(source)
                    count = 0
                    for batch in _batches(rows, batch_size):
                        model.insert_many(batch, fields=fields).as_rowcount().execute(target)
                        count += len(batch)
                    copied[model._meta.table_name] = count
                if isinstance(target, PostgresqlDatabase):
                    _reset_sequences(target)
            if isinstance(target, PostgresqlDatabase):
                # Statistics for the planner and a visibility map, before the first query: without the
                # map, counting the review queue reads the whole table instead of an index.
                target.execute_sql("VACUUM ANALYZE")
            return copied
    finally:
        target.close()
        if hasattr(target, "close_all"):       # a PostgreSQL pool: end its connections too
            target.close_all()


@contextmanager
def _snapshot(source):
    """Read every table as of one moment: a deployment still taking writes must not give a copy whose
    audit rows name a user the copy does not have. SQLite: one read transaction (WAL keeps writers going);
    PostgreSQL: one repeatable-read, read-only transaction."""
    if isinstance(source, PostgresqlDatabase):
        with source.atomic():
            source.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        with source.atomic(lock_type="DEFERRED"):
            yield


def _reset_sequences(target):
    """Ids were copied as they were: make each serial sequence continue after the largest one."""
    for model in ALL_MODELS:
        key = model._meta.primary_key
        if isinstance(key, AutoField):
            table, column = model._meta.table_name, key.column_name
            target.execute_sql(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 1), '
                f'MAX("{column}") IS NOT NULL) FROM "{table}"', (f'"{table}"', column))  # nosec B608 - names from our models, not input
