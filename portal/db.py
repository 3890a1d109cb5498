"""The database behind a proxy: SQLite by default, PostgreSQL by URL; a pooled connection per request."""
import functools
import inspect
import weakref
from pathlib import Path

from flask import g

from peewee import DatabaseProxy, Field, Insert, Model, Node, PostgresqlDatabase, Select, SqliteDatabase, Update
from playhouse.db_url import connect
from playhouse.pool import PooledSqliteDatabase

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "full",
    "secure_delete": 1,       # erased personal data is overwritten, not left in free pages
}


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False

    @classmethod
    def one(cls, **columns):
        """The first row whose columns equal these values, or None: `get_or_none` for the hottest lookups,
        its SQL built once per model and set of columns (`prepared`; an application has 30 columns)."""
        rows = _one_row_query(cls, tuple(columns))(*columns.values())
        return rows[0] if rows else None


@functools.cache
def _one_row_query(model, names: tuple):
    return prepared(lambda *values: model.select().where(*(model._meta.fields[name] == value
                                                           for name, value in zip(names, values))).limit(1),
                    arity=len(names))


class _Slot:
    """Where a prepared query's argument goes among its parameters, and how its column converts it."""
    __slots__ = ("index", "converter")

    def __init__(self, index, converter):
        self.index, self.converter = index, converter


class _Argument(Node):
    """A placeholder for a prepared query's argument, where a value goes in the query."""

    def __init__(self, index):
        super().__init__()
        self.index, self.converter = index, None

    def __sql__(self, ctx):
        # The column's db_value: the one it is set to (below), or the one it is compared with.
        ctx._values.append(_Slot(self.index, self.converter or ctx.state.converter))
        return ctx.literal(ctx.state.param or "?")


def prepared(build, arity=None):
    """A query whose SQL peewee builds once per kind of database, then runs with each call's values.

    Peewee builds a query's SQL anew every time, and for the joins and wide rows of the pages staff open
    most, that costs more than the database's part. `build` receives placeholders for its arguments and
    returns a select, update, delete or one-row insert, using them only where a value goes (compared
    with a column, or a column's new value); calling the prepared query with values runs it: a select
    returns its rows as peewee would (models with their joins), an update or delete how many rows it
    changed, an insert the new row's id. Each value is converted by its column, as peewee would. An
    insert must give every column that has a default (peewee would work a default out once, when it
    builds the SQL). `arity`: how many arguments `build` takes, if it takes *args."""
    arity = len(inspect.signature(build).parameters) if arity is None else arity
    built = {}                                          # kind of database -> (query, sql, parameters)

    def statement(db, values):
        """(query, SQL, parameters) of this call on this database."""
        entry = built.get(type(db))
        if entry is None:
            query = build(*(_Argument(i) for i in range(arity)))
            _convert_new_values(query)
            if isinstance(query, Insert) and db.returning_clause:     # PostgreSQL: the new id comes back
                query = query.returning(query.model._meta.primary_key)
            entry = built.setdefault(type(db), (query, *query.sql()))
        query, sql, template = entry
        return query, sql, [(p.converter(values[p.index]) if p.converter else values[p.index])
                            if type(p) is _Slot else p for p in template]

    @functools.wraps(build)
    def run(*values):
        db = database.obj
        query, sql, params = statement(db, values)
        cursor = db.execute_sql(sql, params)
        if isinstance(query, Select):
            return list(query._get_cursor_wrapper(cursor))
        if isinstance(query, Insert):
            return cursor.fetchone()[0] if db.returning_clause else cursor.lastrowid
        return db.rows_affected(cursor)

    run.sql = lambda *values: statement(database.obj, values)[1:]     # (SQL, parameters): for EXPLAIN
    return run


def _convert_new_values(query):
    """Peewee converts a column's new value by the column only when the value is plain: set the
    placeholders' converters here. An insert that leaves a column with a default out is refused."""
    if isinstance(query, Update):
        new_values = query._update
    elif isinstance(query, Insert):
        new_values = query._insert
        if not isinstance(new_values, dict):
            raise ValueError("prepared() inserts one row given as columns")
        given = {column.name for column in new_values}
        left_out = [f.name for f in query.model._meta.sorted_fields
                    if f.name not in given and (f.default is not None) and not f.primary_key]
        if left_out:
            raise ValueError(f"prepared() inserts need every column with a default: {', '.join(left_out)}")
    else:
        return
    for column, value in new_values.items():
        if isinstance(value, _Argument) and isinstance(column, Field):
            value.converter = column.db_value


class PooledSqlite(PooledSqliteDatabase):
    """SQLite connections reused across requests, each handed back with no statement still open.

    A SELECT whose rows were not all read keeps its statement, and with it a read snapshot, open until
    the cursor is freed; peewee's query objects can keep a cursor alive in a reference cycle until the
    garbage collector runs. Back in the pool, such a connection would show the next request the
    database as it was earlier (an email queued in between looked unsent). So every cursor a
    connection made is closed when the connection goes back."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cursors = {}                 # id(connection) -> weak references to its cursors

    def cursor(self, named_cursor=None):
        cursor = super().cursor(named_cursor)
        self._cursors.setdefault(id(cursor.connection), []).append(weakref.ref(cursor))
        return cursor

    def _can_reuse(self, conn):
        for ref in self._cursors.pop(id(conn), ()):
            cursor = ref()
            if cursor is not None:
                cursor.close()
        return super()._can_reuse(conn)

    def _close_raw(self, conn):
        self._cursors.pop(id(conn), None)
        return super()._close_raw(conn)


def for_backend(db, sqlite, postgres, what: str):
    """The SQL a migration runs on this kind of database (SQLite or PostgreSQL); any other is refused."""
    if isinstance(db, SqliteDatabase):
        return sqlite
    if isinstance(db, PostgresqlDatabase):
        return postgres
    raise RuntimeError(f"no {what} written for {type(db).__name__}")


def make_database(url: str, max_page_count: int | None = None):
    """Open (lazily) the database a URL names; SQLite write transactions take the lock up front.

    `max_page_count` caps a SQLite file's size in pages (SQLITE_MAX_PAGE_COUNT): tests use it to make
    the disk "full", and an operator can use it to keep the database from filling a shared disk."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pragmas = {**SQLITE_PRAGMAS, **({"max_page_count": int(max_page_count)} if max_page_count else {})}
        # Pooled too: opening a SQLite connection and setting its pragmas costs more than a simple query,
        # so a request borrows an open connection (one thread at a time) and gives it back at teardown;
        # a transaction left open is rolled back and open statements are closed on return.
        return PooledSqlite(path, pragmas=pragmas, timeout=10, lock_type="IMMEDIATE", autoconnect=True,
                                    max_connections=32, stale_timeout=300, check_same_thread=False)
    if url.startswith(("postgres://", "postgresql://")):
        # A pool per process: a request's connection goes back to it at teardown instead of being closed,
        # so requests do not each pay for a new server process. Idle connections are closed after 5 minutes.
        return connect("postgresql+pool://" + url.split("://", 1)[1], autoconnect=True,
                       max_connections=32, stale_timeout=300, timeout=10, connect_timeout=10)
    raise ValueError(f"Unsupported PORTAL_DATABASE_URL: {url.split(':', 1)[0]}")


def init_app(app):
    """Bind the proxy; a request borrows a pooled connection on first use and gives it back at teardown."""
    database.initialize(make_database(app.config["DATABASE_URL"], app.config.get("SQLITE_MAX_PAGE_COUNT")))

    @app.teardown_request
    def _give_back(exc):
        g.served_request = True
        if not database.is_closed():
            database.close()

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()
        if not g.get("served_request"):
            # A command or script, not a request: close the idle connections for real, so nothing is left
            # open when the process ends (and SQLite folds its write-ahead log back into the file).
            database.close_idle()
