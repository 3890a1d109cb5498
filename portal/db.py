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


def make_database(url: str):
    """Open (lazily) the database a URL names; SQLite write transactions take the lock up front."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10, lock_type="IMMEDIATE",
                              autoconnect=True)
    if url.startswith(("postgres://", "postgresql://")):
        return connect(url, autoconnect=True)
    raise ValueError(f"Unsupported PORTAL_DATABASE_URL: {url.split(':', 1)[0]}")


def init_app(app):
    """Bind the proxy; a request opens its connection on first use and closes it at teardown."""
    database.initialize(make_database(app.config["DATABASE_URL"]))

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()
