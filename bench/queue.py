"""Measure the review queue: server time per filter (median, 95th percentile) and export speed.

    .venv/bin/python bench/queue.py --database sqlite:////tmp/bench.db --seed 100000

--seed fills an empty database first (migrations, demo data, N synthetic applications). The
requests go through the whole app in-process (routing, login, access check, queries, templates),
as a signed-in staff member, so the times are the server's share of a page view, without network.

Each view is asked for again and again; the portal keeps no rendered page, so every request runs the
queries and renders the templates (the database's own caches and the query plans are warm).
"""
import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.cli import migrate  # noqa: E402
from portal.db import database  # noqa: E402
from portal.models import Application, Municipality, Programme, User  # noqa: E402
from portal.passwords import hash_password  # noqa: E402
from portal.services import authentication, demo, synthetic  # noqa: E402

BENCH_EMAIL = "bench-staff@example.org"


def scenarios(sample: Application, programme: int, small_municipality: str) -> list[tuple[str, str]]:
    """(label, query string) for every filter, the search, sorting and pagination."""
    surname = (sample.full_name or "Hassan").split()[-1]
    first = (sample.full_name or "Amal").split()[0]
    return [
        ("all (default)", ""),
        ("status = submitted", "status=submitted"),
        ("status = rejected", "status=rejected"),
        ("verdict = needs review", "verdict=needs_review"),
        ("verdict = likely eligible", "verdict=likely_eligible"),
        ("programme", f"programme={programme}"),
        ("municipality = København", "municipality=101"),
        ("municipality = small", f"municipality={small_municipality}"),
        ("source = referral", "source=referral"),
        ("language = da", "language=da"),
        ("possible duplicates", "duplicate=yes"),
        ("not assigned", "assigned=nobody"),
        ("submitted in a quarter", "from=2026-01-01&to=2026-03-31"),
        (f"search name ({surname})", f"q={surname}"),
        (f"search name, surname first ({surname} {first})", f"q={surname} {first}"),
        (f"search name, a short word too (al {surname})", f"q=al {surname}"),
        ("search reference", f"q={sample.reference[:7]}"),
        ("search email", f"q={(sample.email or 'x@example.org').split('@')[0][:8]}@"),
        ("sort by name", "sort=name"),
        ("sort oldest first", "sort=oldest"),
        ("page 100", "page=100"),
        ("last page", "page=100000"),
        ("status + municipality", "status=in_review&municipality=101"),
        ("verdict + language + source", "verdict=likely_eligible&language=en&source=self"),
        ("htmx fragment (all)", "__htmx__"),
    ]


def seed(app, count: int):
    with app.app_context():
        migrate()
        database.connect(reuse_if_open=True)
        if Application.select().count() >= count:
            return
        started = time.perf_counter()
        with app.test_request_context("/"):
            demo.seed(lambda: secrets.token_urlsafe(12))
            synthetic.generate(count - Application.select().count())
        print(f"seeded {count} applications in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def signed_in_client(app):
    password = secrets.token_urlsafe(16)
    with app.test_request_context("/"):
        user = User.get_or_none(User.email == BENCH_EMAIL)
        if user is not None:
            User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
        else:
            authentication.create_user(BENCH_EMAIL, "Bench Staff", "staff", password, ())
    client = app.test_client()
    response = client.post("/login", data={"email": BENCH_EMAIL, "password": password})
    if response.status_code != 302:
        raise SystemExit("could not sign in the bench user (delete it and run again)")
    return client


def timed(client, url, headers=None) -> tuple[float, float]:
    """(wall-clock ms, CPU ms) of one request; CPU time shows the cost when other work shares the cores."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, headers=headers or {})
    body = response.get_data()
    elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 200, (url, response.status_code, body[:500])
    return elapsed, cpu


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("PORTAL_DATABASE_URL", "sqlite:///instance/bench.db"))
    parser.add_argument("--seed", type=int, default=0, help="fill the database up to N applications first")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per filter")
    parser.add_argument("--export-repeat", type=int, default=2, help="0: no export")
    args = parser.parse_args()

    app = create_app({"DATABASE_URL": args.database, "SECRET_KEY": "bench", "MAIL_SEND_AFTER_REQUEST": False,
                      "WTF_CSRF_ENABLED": False})
    if args.seed:
        seed(app, args.seed)
    client = signed_in_client(app)
    with app.app_context():
        total = Application.select().where(Application.submitted_at.is_null(False)).count()
        sample = (Application.select().where(Application.submitted_at.is_null(False))
                  .order_by(Application.id).offset(total // 2).first())
        programme = Programme.select(Programme.id).order_by(Programme.id).first().id
        small = (Municipality.select(Municipality.code).where(Municipality.code == "825").first()
                 or Municipality.select().first()).code
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{total} submitted applications in the queue; {args.repeat} requests per row; "
          f"{os.cpu_count()} cores, load average {load:.1f} at the start\n")
    print("| queue view | median ms | p95 ms | CPU median ms |")
    print("| --- | ---: | ---: | ---: |")
    medians = []
    for label, query in scenarios(sample, programme, small):
        headers = {}
        if query == "__htmx__":
            query, headers = "", {"HX-Request": "true"}
        url = f"/review/?{query}"
        for _ in range(2):
            timed(client, url, headers)                       # warm the database's caches and the plan
        runs = [timed(client, url, headers) for _ in range(args.repeat)]
        samples, cpu = [wall for wall, _ in runs], [c for _, c in runs]
        medians.append(statistics.median(samples))
        print(f"| {label} | {statistics.median(samples):.1f} | {percentile(samples, 0.95):.1f} "
              f"| {statistics.median(cpu):.1f} |", flush=True)
    runs = [timed(client, f"/review/{sample.reference}") for _ in range(max(5, args.repeat // 3))]
    page, cpu = [wall for wall, _ in runs], [c for _, c in runs]
    print(f"| application page (/review/<reference>) | {statistics.median(page):.1f} "
          f"| {percentile(page, 0.95):.1f} | {statistics.median(cpu):.1f} |")

    if args.export_repeat:
        print("\n| export | rows | seconds | rows per second |")
        print("| --- | ---: | ---: | ---: |")
    for label, query in (("everything", ""), ("status = rejected", "status=rejected")) if args.export_repeat else ():
        for _ in range(args.export_repeat):
            started = time.perf_counter()
            response = client.get(f"/review/export.csv?{query}")
            rows = -1                                          # the header line
            for chunk in response.response:
                rows += (chunk if isinstance(chunk, str) else chunk.decode("utf-8")).count("\r\n")
            response.close()
            seconds = time.perf_counter() - started
        print(f"| {label} | {rows} | {seconds:.2f} | {rows / seconds:,.0f} |")
    print(f"\nslowest queue median: {max(medians):.1f} ms; load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
