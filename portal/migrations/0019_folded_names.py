"""The queue's search finds a name however its accents and Nordic letters are typed (issue 21).

"ostergaard", "Oestergaard" and "Østergaard" find each other, "ulku" finds "Ülkü", and "Hassan Amal" finds
"Amal Hassan": `application.folded_name` holds `portal.names.fold(full_name)` ("ostergard"), written
with the name by the model (`Application.update/insert/save`), and the search compares each word of the
folded term with it (services/reviews.py). The folding is Python (it is also used to find duplicate
applicants), so it is stored rather than computed by the database.

Indexes, so that a name search stays an index lookup at 100,000 applications:
- SQLite: the FTS5 trigram table of 0007 is made again with the folded name as a column of its own
  (next to the name as typed, the email and the reference), with its triggers and a 'rebuild'.
- PostgreSQL: a pg_trgm GIN index on the folded name, beside 0004's.
- Both: the covering index for short terms (under three characters, which no trigram index answers)
  holds the folded name too.

The rows already there get their folded name here. If `portal.names.fold` ever changes, a new migration
computes every stored folded name again."""
import importlib

from peewee import CharField
from playhouse.migrate import make_index_name

from portal.db import for_backend
from portal.names import fold

_OLD_COVERING = ("full_name", "email", "reference", "submitted_at", "status")
_NEW_COVERING = ("folded_name", *_OLD_COVERING)

_COLUMNS = "full_name, folded_name, email, reference"
_NEW = "new.id, new.full_name, new.folded_name, new.email, new.reference"
_OLD = "old.id, old.full_name, old.folded_name, old.email, old.reference"
_DROP_SQLITE_SEARCH = [
    "DROP TRIGGER IF EXISTS application_search_update",
    "DROP TRIGGER IF EXISTS application_search_delete",
    "DROP TRIGGER IF EXISTS application_search_insert",
    "DROP TABLE IF EXISTS application_search",          # and FTS5's shadow tables with it
]
# Kept in step with portal.models.SQLITE_ONLY_TABLES and SQLITE_ONLY_TRIGGERS (the schema checks know them).
SQLITE_UP = [
    *_DROP_SQLITE_SEARCH,
    f"""CREATE VIRTUAL TABLE application_search USING fts5({_COLUMNS},
       content='application', content_rowid='id', tokenize='trigram case_sensitive 0')""",
    f"""CREATE TRIGGER application_search_insert AFTER INSERT ON application BEGIN
           INSERT INTO application_search (rowid, {_COLUMNS}) VALUES ({_NEW});
       END""",  # nosec B608 - constants only
    f"""CREATE TRIGGER application_search_delete AFTER DELETE ON application BEGIN
           INSERT INTO application_search (application_search, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
       END""",  # nosec B608 - constants only
    f"""CREATE TRIGGER application_search_update AFTER UPDATE OF {_COLUMNS} ON application
       WHEN old.full_name IS NOT new.full_name OR old.folded_name IS NOT new.folded_name
            OR old.email IS NOT new.email OR old.reference IS NOT new.reference
       BEGIN
           INSERT INTO application_search (application_search, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
           INSERT INTO application_search (rowid, {_COLUMNS}) VALUES ({_NEW});
       END""",  # nosec B608 - constants only
    "INSERT INTO application_search (application_search) VALUES ('rebuild')",
]
# Kept in step with portal.models.POSTGRES_ONLY_INDEXES.
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS application_folded_name_trgm ON application USING gin (folded_name gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS application_folded_name_trgm"]
BATCH = 1000


def _fill(db):
    """Every application's folded name, from its name as it is now."""
    rows = db.execute_sql("SELECT id, full_name FROM application WHERE full_name IS NOT NULL ORDER BY id").fetchall()
    sql = f"UPDATE application SET folded_name = {db.param} WHERE id = {db.param}"  # nosec B608 - no input
    for start in range(0, len(rows), BATCH):
        db.cursor().executemany(sql, [(fold(name) or None, row_id) for row_id, name in rows[start:start + BATCH]])


def up(migrator, db):
    migrator.migrate(migrator.add_column("application", "folded_name", CharField(null=True)))
    _fill(db)
    migrator.migrate(migrator.drop_index("application", make_index_name("application", _OLD_COVERING)),
                     migrator.add_index("application", _NEW_COVERING))
    for sql in for_backend(db, SQLITE_UP, POSTGRES_UP, "folded name search"):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in for_backend(db, _DROP_SQLITE_SEARCH, POSTGRES_DOWN, "folded name search"):
        db.execute_sql(sql)
    migrator.migrate(migrator.drop_index("application", make_index_name("application", _NEW_COVERING)),
                     migrator.add_index("application", _OLD_COVERING))
    migrator.migrate(migrator.drop_column("application", "folded_name"))
    if for_backend(db, True, False, "folded name search"):
        importlib.import_module("portal.migrations.0007_sqlite_trigram_search").up(migrator, db)
