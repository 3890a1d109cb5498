"""The review queue's filter form lists the programmes (name, newest start first): a programme added,
renamed, moved or removed moves the queue's data version on too (see 0006), so the cached queue page
shows the change at once."""
from portal.db import for_backend

_BUMP = "UPDATE data_version SET version = version + 1 WHERE name = 'review_queue'"

SQLITE_UP = [
    f"CREATE TRIGGER IF NOT EXISTS review_queue_programme_insert AFTER INSERT ON programme BEGIN {_BUMP}; END",
    f"""CREATE TRIGGER IF NOT EXISTS review_queue_programme_update AFTER UPDATE OF name, start_date ON programme
       BEGIN {_BUMP}; END""",
    f"CREATE TRIGGER IF NOT EXISTS review_queue_programme_delete AFTER DELETE ON programme BEGIN {_BUMP}; END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS review_queue_programme_{name}" for name in ("insert", "update", "delete")]

POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS review_queue_programmes ON programme"]
POSTGRES_UP = [
    *POSTGRES_DOWN,
    # review_queue_changed() (0006) moves the version for any table but application unconditionally.
    """CREATE TRIGGER review_queue_programmes AFTER INSERT OR DELETE OR UPDATE OF name, start_date ON programme
       FOR EACH STATEMENT EXECUTE FUNCTION review_queue_changed()""",
]


def up(migrator, db):
    for sql in for_backend(db, SQLITE_UP, POSTGRES_UP, "review queue triggers"):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in for_backend(db, SQLITE_DOWN, POSTGRES_DOWN, "review queue triggers"):
        db.execute_sql(sql)
