"""An application's letters may be in any offered language (issue 23), and a language code may be longer than
two letters: Dari is `fa_AF`. The application's language and the outbox's are widened to 8 characters.

PostgreSQL checks a varchar's length; SQLite never does, and its schema keeps the declared type only as a
name, so there is nothing to change there (and rebuilding the application table would drop its triggers)."""
from peewee import PostgresqlDatabase

COLUMNS = (("application", "language"), ("outbox", "language"))


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for table, column in COLUMNS:
            db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar(8)')


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for table, column in COLUMNS:
            db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar(2)')
