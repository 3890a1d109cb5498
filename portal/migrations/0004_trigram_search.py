"""Searching the review queue for part of a name, email or reference reads an index on PostgreSQL.

The queue's search is `ILIKE '%term%'`, which no B-tree can answer: at 100,000 applications it read every
row. pg_trgm (shipped with Debian's postgresql package; a trusted extension, so the database's owner may
create it) gives GIN indexes that answer it for terms of three or more characters.

SQLite has no such index: there the search reads the narrow covering index
(full_name, email, reference, ...) declared on the model, which is fast enough at 100,000 applications."""
from peewee import PostgresqlDatabase

# Kept in step with portal.models.POSTGRES_ONLY_INDEXES (the schema check knows them).
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS application_full_name_trgm ON application USING gin (full_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS application_email_trgm ON application USING gin (email gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS application_reference_trgm ON application USING gin (reference gin_trgm_ops)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS application_reference_trgm",
    "DROP INDEX IF EXISTS application_email_trgm",
    "DROP INDEX IF EXISTS application_full_name_trgm",
]


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for sql in POSTGRES_UP:
            db.execute_sql(sql)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for sql in POSTGRES_DOWN:
            db.execute_sql(sql)
