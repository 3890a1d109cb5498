"""`flask --app wsgi backup PATH`: a consistent copy of the SQLite database, taken while the portal runs."""
import sqlite3
from pathlib import Path

PAGES_PER_STEP = 1024        # copy in steps, so writers wait at most one step, never the whole copy


class BackupRefused(Exception):
    """The backup cannot be made (not SQLite, no database, or the target exists)."""


def backup_sqlite(database_url: str, target: str) -> int:
    """Copy the database at `database_url` into a new file `target` with SQLite's online backup API.

    The copy is one consistent snapshot even while requests write (a write during the copy makes SQLite
    restart it from the changed page). Returns the number of pages copied."""
    if database_url.startswith(("postgres://", "postgresql://")):
        raise BackupRefused("This database is PostgreSQL: back it up with pg_dump, e.g. "
                            "pg_dump --format=custom --file=mentorbro.dump \"$PORTAL_DATABASE_URL\".")
    if not database_url.startswith("sqlite:///") or database_url.endswith(":memory:"):
        raise BackupRefused("backup works on a SQLite database file only.")
    source_path = Path(database_url.removeprefix("sqlite:///"))
    if not source_path.is_file():
        raise BackupRefused(f"There is no database at {source_path}.")
    target_path = Path(target)
    if target_path.exists():
        raise BackupRefused(f"{target_path} already exists; choose a new file name.")
    partial = target_path.with_name(target_path.name + ".partial")
    partial.unlink(missing_ok=True)
    # Read-only URI: a backup never creates or changes the source. The busy timeout rides out writers.
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=PAGES_PER_STEP)
        pages = copy.execute("PRAGMA page_count").fetchone()[0]
        # A plain rollback-journal file: one self-contained file to store or restore.
        copy.execute("PRAGMA journal_mode = DELETE")
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupRefused("The copy failed its integrity check; nothing was written.")
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        copy.close()
        source.close()
    partial.replace(target_path)          # the file appears only when complete
    return pages
