"""The database behind a proxy: SQLite by default, PostgreSQL by URL; a pooled connection per request."""
import contextlib
import sqlite3
import threading
import weakref
from pathlib import Path

from flask import g

from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
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


class PooledSqlite(PooledSqliteDatabase):
    """SQLite connections reused across requests, each handed back with no statement still open.

    A SELECT whose rows were not all read keeps its statement, and with it a read snapshot, open until
    the cursor is freed; peewee's query objects can keep a cursor alive in a reference cycle until the
    garbage collector runs. Back in the pool, such a connection would show the next request the
    database as it was earlier (an email queued in between looked unsent). So every cursor a thread
    made is closed when it gives its connection back (`close`, at the end of each request)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.borrowed = threading.local()      # per thread: weak references to the cursors it made

    def cursor(self, *args, **kwargs):
        cursor = super().cursor(*args, **kwargs)
        cursors = getattr(self.borrowed, "cursors", None)
        if cursors is None:
            cursors = self.borrowed.cursors = []
        elif len(cursors) >= 256:                      # a thread that never closes (a script): forget freed ones
            cursors[:] = [ref for ref in cursors if ref() is not None]
        cursors.append(weakref.ref(cursor))
        return cursor

    def close(self):
        """Close the cursors this thread made, then give its connection back (peewee's `close`)."""
        if not self.in_transaction():                  # peewee refuses to close inside one: left to it
            for ref in getattr(self.borrowed, "cursors", ()):
                cursor = ref()
                if cursor is not None:
                    with contextlib.suppress(sqlite3.ProgrammingError):   # its connection was already closed
                        cursor.close()
            self.borrowed.cursors = []
        return super().close()


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
