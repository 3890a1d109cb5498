"""Only a complete mentor is matched (issue 19, promise 5): `mentor_profile.matchable`, and a CHECK that a
profile marked matchable has its work experience filled in (at least five years: the programme's rule, also
checked on its own since 0001) and a training date.

The services keep the flag (services/mentors.py: set when the profile is filled and the training recorded,
cleared with either); matching looks only at matchable profiles whose account is active and has a password
(that part lives in another table, so the service checks it). The CHECK makes sure no write, by the
portal or by hand, marks an incomplete profile matchable, or empties a matchable one.

SQLite cannot add a CHECK to a table, so it rebuilds `mentor_profile` (nothing refers to the table; its two
indexes are made again). Existing profiles become matchable when they are complete."""
from portal.db import for_backend

COMPLETE = "work_years IS NOT NULL AND work_years >= 5 AND trained_on IS NOT NULL"
CHECK = f"NOT matchable OR ({COMPLETE})"
NAME = "mentor_profile_matchable_is_complete"

_COLUMNS = ('"id", "user_id", "site_id", "work_years", "leadership", "fields", "languages", "capacity", '
            '"trained_on", "updated_at"')
_INDEXES = ['CREATE UNIQUE INDEX "mentorprofile_user_id" ON "mentor_profile" ("user_id")',
            'CREATE INDEX "mentorprofile_site_id" ON "mentor_profile" ("site_id")']


def _sqlite_table(name, check: str | None):
    return (f'CREATE TABLE "{name}" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, '
            '"site_id" INTEGER, "work_years" INTEGER, "leadership" INTEGER NOT NULL, "fields" TEXT NOT NULL, '
            '"languages" TEXT NOT NULL, "capacity" INTEGER NOT NULL, "trained_on" DATE, '
            '"updated_at" DATETIME NOT NULL'
            + (', "matchable" INTEGER NOT NULL DEFAULT 0' if check else "")
            + ', FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, '
            'FOREIGN KEY ("site_id") REFERENCES "site" ("id"), CHECK (work_years IS NULL OR work_years >= 5), '
            'CHECK (capacity BETWEEN 1 AND 5)' + (f', CONSTRAINT "{NAME}" CHECK ({check})' if check else "") + ")")


SQLITE_UP = [
    _sqlite_table("mentor_profile_new", CHECK),
    f'INSERT INTO "mentor_profile_new" ({_COLUMNS}, "matchable") SELECT {_COLUMNS}, '  # nosec B608: constants only
    f'CASE WHEN {COMPLETE} THEN 1 ELSE 0 END FROM "mentor_profile"',  # nosec B608: constants only
    'DROP TABLE "mentor_profile"',
    'ALTER TABLE "mentor_profile_new" RENAME TO "mentor_profile"',
    *_INDEXES,
]
SQLITE_DOWN = [
    _sqlite_table("mentor_profile_old", None),
    f'INSERT INTO "mentor_profile_old" ({_COLUMNS}) SELECT {_COLUMNS} FROM "mentor_profile"',  # nosec B608: constants only
    'DROP TABLE "mentor_profile"',
    'ALTER TABLE "mentor_profile_old" RENAME TO "mentor_profile"',
    *_INDEXES,
]
POSTGRES_UP = [
    'ALTER TABLE "mentor_profile" ADD COLUMN "matchable" BOOLEAN NOT NULL DEFAULT FALSE',
    f'UPDATE "mentor_profile" SET "matchable" = ({COMPLETE})',  # nosec B608: constants only
    f'ALTER TABLE "mentor_profile" ADD CONSTRAINT "{NAME}" CHECK ({CHECK})',
]
POSTGRES_DOWN = [
    f'ALTER TABLE "mentor_profile" DROP CONSTRAINT "{NAME}"',
    'ALTER TABLE "mentor_profile" DROP COLUMN "matchable"',
]


def up(migrator, db):
    for sql in for_backend(db, SQLITE_UP, POSTGRES_UP, "mentor profile check"):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in for_backend(db, SQLITE_DOWN, POSTGRES_DOWN, "mentor profile check removal"):
        db.execute_sql(sql)
