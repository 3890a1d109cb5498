"""Grow a seeded SQLite bench database N-fold in SQL: 1,000,000 applications from 100,000 in minutes.

    .venv/bin/python bench/grow.py --source /work/benchdata/bench-100000.db \
        --target /work/benchdata/bench-1000000.db [--times 10]

`seed-demo --applications N` makes every row in Python; at 1,000,000 that took over an hour on this
shared machine (100,000 took 80 s when it was quiet). This copies the source (SQLite's backup API),
then inserts --times - 1 copies of every application with, per copy k: a new id (id + k x a stride),
its own public id (the original's + "-k") and a new random reference in the portal's format, an email
address made different (a digit before the @), and every timestamp moved k x 17 minutes earlier; with
each copy the application's referral and its audit events (submitted, taken, decided, ...). Names,
answers, statuses, verdicts, municipalities, programmes and the mix of all of them are the source's, so
the queue's filters, counts and the name search see the same distribution ten times as large. The
plain indexes and the search index's trigger are set aside during the inserts and rebuilt after
(then ANALYZE), as the seeder does.
"""
import argparse
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.services.registration import REFERENCE_ALPHABET  # noqa: E402

MINUTES_PER_COPY = 17


def log(message):
    print(message, file=sys.stderr, flush=True)


def columns(db, table):
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def shifted(column, k):
    return (f"CASE WHEN \"{column}\" IS NULL THEN NULL ELSE "
            f"strftime('%Y-%m-%d %H:%M:%f', \"{column}\", '-{k * MINUTES_PER_COPY} minutes') END")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    target = Path(args.target)
    if target.exists():
        raise SystemExit(f"{target} exists; delete it first")
    started = time.perf_counter()
    building = target.with_suffix(".building.db")
    for leftover in target.parent.glob(building.name + "*"):
        leftover.unlink()
    source = sqlite3.connect(f"file:{args.source}?mode=ro", uri=True)
    db = sqlite3.connect(building, isolation_level=None)
    source.backup(db)
    source.close()
    log(f"copied {args.source} in {time.perf_counter() - started:.0f} s")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -524288")
    db.execute("PRAGMA temp_store = MEMORY")

    plain = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                       "AND tbl_name IN ('application', 'audit_event', 'referral') "
                       "AND sql NOT LIKE 'CREATE UNIQUE%'").fetchall()
    search_triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name LIKE 'application_search_%'").fetchall()
    max_id, max_event = db.execute("SELECT max(id) FROM application").fetchone()[0], \
        db.execute("SELECT max(id) FROM audit_event").fetchone()[0]
    stride = 10 ** len(str(max_id))
    ids = [row[0] for row in db.execute("SELECT id FROM application WHERE reference IS NOT NULL")]
    used = {row[0] for row in db.execute("SELECT reference FROM application WHERE reference IS NOT NULL")}
    rng = random.Random(18)
    new_refs = []
    for k in range(1, args.times):
        for app_id in ids:
            while True:
                code = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
                reference = f"MB-{code[:4]}-{code[4:]}"
                if reference not in used:
                    used.add(reference)
                    break
            new_refs.append((app_id + k * stride, reference))

    app_columns, referral_columns = columns(db, "application"), columns(db, "referral")
    event_columns = [c for c in columns(db, "audit_event") if c != "id"]
    db.execute("BEGIN")
    for name, _ in plain:
        db.execute(f'DROP INDEX "{name}"')
    for name, _ in search_triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute("CREATE TEMP TABLE new_reference (id INTEGER PRIMARY KEY, reference TEXT NOT NULL)")
    db.executemany("INSERT INTO new_reference VALUES (?, ?)", new_refs)
    for k in range(1, args.times):
        values = {c: f'"{c}"' for c in app_columns}
        values.update({
            "id": f"a.id + {k * stride}", "public_id": f"a.public_id || '-{k}'",
            "reference": "r.reference",
            "email": f"CASE WHEN a.email IS NULL THEN NULL ELSE replace(a.email, '@', '{k}@') END",
            **{c: shifted(c, k) for c in ("consent_at", "decided_at", "created_at", "updated_at", "submitted_at",
                                           "erasure_requested_at")},
        })
        db.execute(f'INSERT INTO application ({", ".join(chr(34) + c + chr(34) for c in app_columns)}) '
                   f'SELECT {", ".join(values[c] for c in app_columns)} FROM application a '
                   f'LEFT JOIN new_reference r ON r.id = a.id + {k * stride} WHERE a.id <= {max_id}')
        values = {c: f'"{c}"' for c in referral_columns}
        values.update({"id": "NULL", "public_id": f"public_id || '-{k}'",
                       "application_id": f"CASE WHEN application_id IS NULL THEN NULL "
                                         f"ELSE application_id + {k * stride} END",
                       "created_at": shifted("created_at", k)})
        db.execute(f'INSERT INTO referral ({", ".join(chr(34) + c + chr(34) for c in referral_columns)}) '
                   f'SELECT {", ".join(values[c] for c in referral_columns)} FROM referral '
                   f'WHERE application_id IS NOT NULL AND application_id <= {max_id}')
        values = {c: f'"{c}"' for c in event_columns}
        values.update({"object_id": f"object_id || '-{k}'", "at": shifted("at", k)})
        db.execute(f'INSERT INTO audit_event ({", ".join(chr(34) + c + chr(34) for c in event_columns)}) '
                   f'SELECT {", ".join(values[c] for c in event_columns)} FROM audit_event '
                   f"WHERE object_type = 'application' AND id <= {max_event}")
        log(f"  copy {k} of {args.times - 1} in, {time.perf_counter() - started:.0f} s")
    db.execute("COMMIT")
    db.execute("BEGIN")
    for _, sql in plain:
        db.execute(sql)
    log(f"indexes rebuilt, {time.perf_counter() - started:.0f} s")
    db.execute("INSERT INTO application_search (application_search) VALUES ('rebuild')")
    for _, sql in search_triggers:
        db.execute(sql)
    db.execute("COMMIT")
    log(f"search index rebuilt, {time.perf_counter() - started:.0f} s")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    count = db.execute("SELECT count(*) FROM application").fetchone()[0]
    db.close()
    building.rename(target)
    log(f"{target}: {count} applications in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
