"""The database behind a proxy: SQLite by default, PostgreSQL by URL; one connection per request."""
from pathlib import Path

from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect

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


def make_database(url: str, max_page_count: int | None = None):
    """Open (lazily) the database a URL names; SQLite write transactions take the lock up front.

    `max_page_count` caps a SQLite file's size in pages (SQLITE_MAX_PAGE_COUNT): tests use it to make
    the disk "full", and an operator can use it to keep the database from filling a shared disk."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pragmas = {**SQLITE_PRAGMAS, **({"max_page_count": int(max_page_count)} if max_page_count else {})}
        return SqliteDatabase(path, pragmas=pragmas, timeout=10, lock_type="IMMEDIATE",
                              autoconnect=True)
    if url.startswith(("postgres://", "postgresql://")):
        # A pool per process: a request's connection goes back to it at teardown instead of being closed,
        # so requests do not each pay for a new server process. Idle connections are closed after 5 minutes.
        return connect("postgresql+pool://" + url.split("://", 1)[1], autoconnect=True,
                       max_connections=32, stale_timeout=300, timeout=10, connect_timeout=10)
    raise ValueError(f"Unsupported PORTAL_DATABASE_URL: {url.split(':', 1)[0]}")


def init_app(app):
    """Bind the proxy; a request opens its connection on first use and closes it at teardown."""
    database.initialize(make_database(app.config["DATABASE_URL"], app.config.get("SQLITE_MAX_PAGE_COUNT")))

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()
