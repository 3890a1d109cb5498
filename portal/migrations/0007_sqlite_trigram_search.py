"""Searching the review queue for part of a name, email or reference reads an index on SQLite too.

`LIKE '%term%'` cannot use a B-tree: at 1,000,000 applications a name search read the whole covering
index (~170 ms). An FTS5 table with the trigram tokenizer (SQLite 3.34+) answers it for terms of three or
more characters; services/reviews.py asks it with MATCH. It is an external-content table: it stores the
trigrams and reads nothing else, the text stays only in `application`. Triggers keep it in step.

Every application is indexed, drafts too (the queue never shows them: it asks for submitted_at): the
triggers stay unconditional, so 'rebuild' and 'integrity-check' describe exactly the same index.

A deleted or changed row's trigrams stay in the index's older segments (with delete markers beside them)
until those segments are merged; SQLite 3.40 has no 'secure-delete' option for FTS5. An erasure and
the retention purge therefore merge the whole index (services/status.forget_deleted_search_terms).

PostgreSQL has its trigram indexes from 0004; there this migration does nothing."""
from peewee import SqliteDatabase

# Kept in step with portal.models.SQLITE_ONLY_TABLES and SQLITE_ONLY_TRIGGERS (the schema checks know them).
SQLITE_UP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS application_search USING fts5(full_name, email, reference,
       content='application', content_rowid='id', tokenize='trigram case_sensitive 0')""",
    """CREATE TRIGGER IF NOT EXISTS application_search_insert AFTER INSERT ON application BEGIN
           INSERT INTO application_search (rowid, full_name, email, reference)
           VALUES (new.id, new.full_name, new.email, new.reference);
       END""",
    # The documented external-content pattern: the 'delete' command takes the values as they were indexed.
    """CREATE TRIGGER IF NOT EXISTS application_search_delete AFTER DELETE ON application BEGIN
           INSERT INTO application_search (application_search, rowid, full_name, email, reference)
           VALUES ('delete', old.id, old.full_name, old.email, old.reference);
       END""",
    # Only when one of the three really changed: a step saved again with the same name writes nothing.
    """CREATE TRIGGER IF NOT EXISTS application_search_update AFTER UPDATE OF full_name, email, reference
       ON application
       WHEN old.full_name IS NOT new.full_name OR old.email IS NOT new.email OR old.reference IS NOT new.reference
       BEGIN
           INSERT INTO application_search (application_search, rowid, full_name, email, reference)
           VALUES ('delete', old.id, old.full_name, old.email, old.reference);
           INSERT INTO application_search (rowid, full_name, email, reference)
           VALUES (new.id, new.full_name, new.email, new.reference);
       END""",
    "INSERT INTO application_search (application_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS application_search_update",
    "DROP TRIGGER IF EXISTS application_search_delete",
    "DROP TRIGGER IF EXISTS application_search_insert",
    "DROP TABLE IF EXISTS application_search",          # and FTS5's shadow tables with it
]


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        for sql in SQLITE_UP:
            db.execute_sql(sql)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for sql in SQLITE_DOWN:
            db.execute_sql(sql)
