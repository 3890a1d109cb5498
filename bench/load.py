"""Load test over HTTP: the portal under gunicorn beside a bare Flask app, driven by wrk, on SQLite and PostgreSQL.

    .venv/bin/python bench/load.py [--applications 100000] [--duration 10] [--connections 2,16]
                                   [--backends sqlite,postgresql] [--only queue,start]

1. A SQLite database with `flask --app wsgi seed-demo --applications N`, built once and kept in
   instance/bench/ (delete it to rebuild; 1,000,000 takes about 6 minutes and 5 GB).
2. PostgreSQL: a throwaway server from Debian's binaries (tests/postgres/server.py, durable settings),
   filled from that file with `copy-db`.
3. Per backend, side by side under the same gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`
   (production settings) and the references — a bare Flask app rendering, with Jinja after one indexed
   query on the same database, a page comparable to each measured page (bench/reference*.html: a text
   page like the start page, a 50-row table like the queue, one application like its page, and a form
   POST saving one row like a form step; for the application page, which writes its audit row at every
   opening, also one application after a durable one-row write). wrk (Debian package) drives the start
   page, a form step POST with a valid session and CSRF token, the review queue under three filters and
   one application's page (signed in as staff). Prints requests/s, median and p95 latency, and the ratio of the portal's
   requests/s to its comparable reference's (and to the plain text page's) at the same concurrency: the
   median of --rounds rounds, each measuring the reference(s) and then the page.
"""
import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask, redirect, render_template, request  # noqa: E402

from portal.auth import SEEN_PRECISION  # noqa: E402
from portal.db import make_database  # noqa: E402

# The references: a bare Flask app under the same gunicorn settings, through the same connection set-up
# (portal.db.make_database: pooled, the same pragmas), rendering with the same template engine (Jinja,
# autoescaped) after one indexed query on the same database. One comparable page per kind of page
# measured, about as many bytes as the portal's: a text page for the start page, a table of 50
# applications for the queue, one application for the application page, and a form POST that saves
# one row (a durable write, the same synchronous setting) and redirects for the form step.
reference = Flask("reference", template_folder=str(ROOT / "bench"))
reference_db = make_database(os.environ.get("PORTAL_DATABASE_URL", "sqlite:///:memory:"))
REFERENCE_POINTS = [f"Point {n}: " + "the programme in plain words, " * 4 for n in range(1, 16)]
TABLE_HEADERS = ["Reference", "Name", "Municipality", "Submitted", "Source", "Language", "Eligibility check",
                 "Duplicate", "Status"]


def _one(sql, *params):
    return reference_db.execute_sql(sql.replace("?", reference_db.param), params).fetchone()


def _write(sql, *params):
    """One statement in its own transaction, committed durably (the database's synchronous setting)."""
    with reference_db.atomic():
        reference_db.execute_sql(sql.replace("?", reference_db.param), params)


@reference.get("/")
def reference_page():
    row = _one("SELECT id, name, start_date FROM programme WHERE id = ?", 1)
    return render_template("reference.html", programme=row, points=REFERENCE_POINTS)


@reference.get("/table")
def reference_table():
    rows = reference_db.execute_sql(
        "SELECT a.reference, a.full_name, m.name, a.submitted_at, a.source, a.language, a.verdict, "
        "a.possible_duplicate, a.status FROM application a LEFT JOIN municipality m ON m.code = a.municipality_id "
        "WHERE a.submitted_at IS NOT NULL ORDER BY a.submitted_at DESC LIMIT 50").fetchall()
    return render_template("reference_table.html", rows=rows, headers=TABLE_HEADERS, points=REFERENCE_POINTS * 2)


@reference.get("/record/<number>")
def reference_record(number):
    row = _one("SELECT reference, full_name, status, submitted_at, answers FROM application WHERE reference = ?",
               number)
    record = (*row[:4], json.loads(row[4] or "{}")) if row else None
    return render_template("reference_record.html", record=record, points=REFERENCE_POINTS[:12])


@reference.get("/audited-record/<number>")
def reference_audited_record(number):
    """The record page that, like the portal's application page, first writes (durably) who opened it."""
    _ensure_own_tables()
    _write("INSERT INTO bench_reference_view (reference, at) VALUES (?, ?)", number, time.time())
    return reference_record(number)


# The form reference's own row. Until 2026-11-30 (fourth session) the reference rewrote a programme row
# as it was ("SET capacity = capacity"): SQLite writes nothing for a row whose bytes do not change, so
# that "durable write" never reached the disk on SQLite (PostgreSQL writes a new row version anyway).
# The references' own tables, made on their first request and dropped after the run (copy-db, rightly,
# refuses a database with tables the portal does not know).
OWN_TABLES = {
    "bench_reference_form": "(id INTEGER PRIMARY KEY, full_name TEXT, birth_year INTEGER, language TEXT, "
                            "saved INTEGER NOT NULL DEFAULT 0)",
    "bench_reference_view": "(reference TEXT NOT NULL, at REAL NOT NULL)",
}
_own_tables = []


def _ensure_own_tables():
    if not _own_tables:                   # once per process (the bench's check makes the first request)
        for name, columns in OWN_TABLES.items():
            reference_db.execute_sql(f"CREATE TABLE IF NOT EXISTS {name} {columns}")
        reference_db.execute_sql("INSERT INTO bench_reference_form (id) VALUES (1) ON CONFLICT (id) DO NOTHING")
        _own_tables.append(True)


@reference.post("/form")
def reference_form():
    # One indexed write, committed durably, as the portal's form step saves a draft: the form's three
    # fields (checked for presence) and a save counter, so every save changes the row and reaches the disk.
    if not all(request.form.get(name) for name in ABOUT_YOU):
        return "missing field", 400
    _ensure_own_tables()
    _write("UPDATE bench_reference_form SET full_name = ?, birth_year = ?, language = ?, saved = saved + 1 "
           "WHERE id = 1", request.form["full_name"], int(request.form["birth_year"]), request.form["language"])
    return redirect("/form", code=302)


@reference.teardown_request
def reference_close(exc):
    if not reference_db.is_closed():
        reference_db.close()


# The latencies are timed in the script, not taken from wrk's own histogram: Debian's wrk 4.1.0 reported
# latencies no single connection could have had (one connection, 11,178 responses in 6 s, yet a mean of
# 1.39 ms and a p95 of 2.33 ms; timed here: a mean of 0.53 ms, a p95 of 0.61 ms, and the latencies add up
# to the 6 s). Each wrk thread drives one connection (-t = -c), so a thread's request() and response()
# alternate and the time between them is that request's; LuaJIT's ffi reads the monotonic clock.
WRK_SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local CLOCK_MONOTONIC = 1
local now = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now)
  return tonumber(now.tv_sec) * 1000000 + tonumber(now.tv_nsec) / 1000
end
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local cookie = os.getenv("WRK_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local prepared, started
latencies = {}
request = function()
  prepared = prepared or wrk.format()
  started = now_us()
  return prepared
end
response = function(status, headers, body)
  if started then
    latencies[#latencies + 1] = now_us() - started
    started = nil
  end
end
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
done = function(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for _, us in ipairs(thread:get("latencies")) do all[#all + 1] = us end
  end
  table.sort(all)
  local function percentile(p) return #all > 0 and all[math.min(#all, math.floor(#all * p / 100) + 1)] or 0 end
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "timed": %d, '
    .. '"errors": %d, "bad_status": %d}\n', summary.requests, summary.duration, percentile(50), percentile(95),
    #all, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def log(message):
    print(message, file=sys.stderr, flush=True)


_mail_sink = None


def mail_sink_port() -> int:
    """An SMTP server on loopback (aiosmtpd) that accepts every email and keeps none; started once."""
    global _mail_sink
    if _mail_sink is None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Sink
        _mail_sink = Controller(Sink(), hostname="127.0.0.1", port=free_port())
        _mail_sink.start()
    return _mail_sink.port


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask_cli(url, *args):
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "SECRET_KEY": "bench", "PORTAL_ENV": "development"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def sqlite_database(count: int) -> str:
    path = ROOT / "instance" / "bench" / f"bench-{count}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building.db")
        for leftover in path.parent.glob(building.name + "*"):
            leftover.unlink()
        log(f"seeding {count} applications into {path.relative_to(ROOT)} (once)…")
        started = time.perf_counter()
        flask_cli(f"sqlite:///{building}", "seed-demo", "--applications", str(count))
        os.replace(building, path)
        log(f"  seeded in {time.perf_counter() - started:.0f} s")
    return f"sqlite:///{path}"


class Server:
    def __init__(self, app: str, env: dict, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--pythonpath", "bench", app],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log,
            env={**os.environ, "PORTAL_BIND": f"127.0.0.1:{self.port}", "PORTAL_LOG_LEVEL": "warning", **env})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        raise SystemExit(f"{app} did not start; see {self.log.name}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, data=None, cookie=""):
    """(status, body, cookie) — the session cookie is carried by hand: production cookies are Secure."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode() if data else None,
                                     headers={"Cookie": cookie} if cookie else {})
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        body = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                cookie = header.split(";", 1)[0]
        return response.status, body, cookie


def csrf_of(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


ABOUT_YOU = {"full_name": "Bench Person", "birth_year": "1988", "language": "da"}


def prepare(server_url, database_url):
    """A staff session, an applicant session with a draft, and the URLs to drive."""
    email, password = f"bench-{secrets.token_hex(4)}@example.org", secrets.token_urlsafe(16)
    flask_cli(database_url, "create-user", email, "--role", "staff", "--password", password)
    status, html, cookie = fetch(server_url + "/login")
    status, _, staff = fetch(server_url + "/login", {"email": email, "password": password,
                                                     "csrf_token": csrf_of(html)}, cookie)
    assert status == 302, f"staff login failed ({status})"
    status, html, cookie = fetch(server_url + "/apply/about-you")
    form = {**ABOUT_YOU, "csrf_token": csrf_of(html)}
    status, _, applicant = fetch(server_url + "/apply/about-you", form, cookie)
    assert status == 302, f"first form step failed ({status})"
    status, queue, _ = fetch(server_url + "/review/?status=submitted", cookie=staff)
    reference_number = re.search(r"/review/(MB-[A-Z0-9]{4}-[A-Z0-9]{4})", queue).group(1)
    body = urllib.parse.urlencode(form)
    # (label, method, path, body, cookie, the comparable reference page: method, path, body,
    #  and for a page that writes as it is read, the reference that writes as well, or None)
    return [
        ("start page", "GET", "/", None, "", ("GET", "/", None), None),
        ("form step POST (about-you)", "POST", "/apply/about-you", body, applicant, ("POST", "/form", body), None),
        ("queue: status=submitted", "GET", "/review/?status=submitted", None, staff, ("GET", "/table", None), None),
        ("queue: municipality=101 + verdict", "GET", "/review/?municipality=101&verdict=likely_eligible", None,
         staff, ("GET", "/table", None), None),
        ("queue: search by name", "GET", "/review/?q=Hassan", None, staff, ("GET", "/table", None), None),
        # Every opening of an application is written to the audit log, durably, before the page is sent.
        ("application page", "GET", f"/review/{reference_number}", None, staff,
         ("GET", f"/record/{reference_number}", None), ("GET", f"/audited-record/{reference_number}", None)),
    ]


def wrk(url, method, body, cookie, connections, args, script):
    env = {**os.environ, "WRK_METHOD": method, "WRK_BODY": body or "", "WRK_COOKIE": cookie}
    output = subprocess.run(["wrk", "-t", str(connections), "-c", str(connections),
                             "-d", f"{args.duration}s",
                             "--timeout", "10s", "-s", script, url], env=env, capture_output=True, text=True,
                            check=True).stdout
    result = json.loads(re.search(r"^WRK (.*)$", output, re.M).group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def check(server_url, method, path, body, cookie):
    """The request once, as a browser would make it; returns the cookie the browser then holds."""
    status, _, cookie = fetch(server_url + path, dict(urllib.parse.parse_qsl(body)) if body else None, cookie)
    assert status in (200, 302), f"{method} {path} answered {status}"
    return cookie


def run_backend(name, database_url, args, script):
    """The portal and its bare references on this database: per page and concurrency, the comparable
    reference page first (once: the queue's three filters share one), then the portal's page.
    Returns rows (label, connections, portal result, comparable reference result, plain reference result,
    the writing reference's result or None)."""
    rows = []
    reference_server = Server("load:reference", {"PORTAL_DATABASE_URL": database_url}, f"reference-{name}")
    # The production settings, the outbox sender after requests included; production needs a mail server,
    # and gets a real one on loopback that drops what it receives.
    env = {"PORTAL_DATABASE_URL": database_url, "SECRET_KEY": "bench-" + secrets.token_hex(8),
           "PORTAL_ENV": "production", "PORTAL_MAIL_SERVER": "127.0.0.1", "PORTAL_MAIL_PORT": str(mail_sink_port())}
    portal = Server("wsgi:app", env, f"portal-{name}")
    plain_pages = {}

    def reference_run(method, path, body, connections):
        result = wrk(reference_server.url + path, method, body, "", connections, args, script)
        log(f"  {name}: reference {method} {path}, {connections} connections: {result['rps']:.0f} req/s")
        return result

    try:
        scenarios = prepare(portal.url, database_url)
        for label, method, path, body, cookie, comparable, writing in scenarios:
            if args.only and not any(word in label for word in args.only):
                continue
            cookie = check(portal.url, method, path, body, cookie)
            check(reference_server.url, *comparable, "")
            if writing:
                check(reference_server.url, *writing, "")
            for connections in args.connections:
                if connections not in plain_pages:
                    plain_pages[connections] = reference_run("GET", "/", None, connections)
                # Runs on this machine vary by up to 40 %: each round measures the comparable reference(s)
                # and then the page, one after the other, and the median round counts.
                runs = []
                for _ in range(args.rounds):
                    same_kind = reference_run(*comparable, connections)
                    also_writes = reference_run(*writing, connections) if writing else None
                    # wrk sends one fixed cookie; a browser keeps the one the portal last sent. A signed-in
                    # session's cookie is sent again when its CSRF token is added and, once a minute, with
                    # its last-seen time (SEEN_PRECISION): each run starts from the current cookie, and is
                    # shorter than that minute.
                    cookie = check(portal.url, method, path, body, cookie)
                    result = wrk(portal.url + path, method, body, cookie, connections, args, script)
                    log(f"  {name}: {label}, {connections} connections: {result['rps']:.0f} req/s "
                        f"({result['rps'] / same_kind['rps']:.2f} of its reference)")
                    runs.append((result, same_kind, also_writes))
                result, same_kind, also_writes = median_round(runs)
                rows.append((label, connections, result, same_kind, plain_pages[connections], also_writes,
                             [r["rps"] / k["rps"] for r, k, _ in runs]))
    finally:
        portal.stop()
        reference_server.stop()
        drop_own_tables(database_url)
    return rows


def median_round(runs):
    """The round whose ratio of the page's requests/s to its comparable reference's is the median."""
    ordered = sorted(runs, key=lambda run: run[0]["rps"] / run[1]["rps"])
    return ordered[len(ordered) // 2]


def drop_own_tables(database_url):
    db = make_database(database_url)
    with db.connection_context():
        for name in OWN_TABLES:
            db.execute_sql(f"DROP TABLE IF EXISTS {name}")
    if hasattr(db, "close_all"):                       # a pool: its connections too
        db.close_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", default="16",
                        help="open connections; a comma-separated list runs every page at each")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--only", default="", help="comma-separated words: only the pages whose label has one")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of (references, page) per page and concurrency; the median round counts")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    args.only = [w for w in args.only.split(",") if w]
    if args.duration >= SEEN_PRECISION:
        parser.error(f"--duration must be under {SEEN_PRECISION} s: a longer run would send a stale session "
                     "cookie, which the portal signs and sends again at every request")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT)

    sqlite_url = sqlite_database(args.applications)
    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            results["SQLite"] = run_backend("sqlite", sqlite_url, args, str(script))
        elif backend == "postgresql":
            from tests.postgres.server import PostgresServer, find_bindir
            server = PostgresServer(find_bindir(), durable=True).start()
            try:
                server.create_database("bench")
                log("copying the SQLite database into PostgreSQL (copy-db)…")
                flask_cli(sqlite_url, "copy-db", "--to", server.url("bench"))
                results["PostgreSQL"] = run_backend("postgresql", server.url("bench"), args, str(script))
            finally:
                server.stop()
    script.unlink()

    print(f"\n{args.applications} applications; gunicorn -c gunicorn.conf.py ({os.cpu_count()} cores: "
          f"{os.cpu_count() * 2 + 1} workers x 4 threads); wrk -d{args.duration}s on the same "
          f"machine, one thread per connection, latencies timed per request in its script; the median of {args.rounds} rounds (each: the references, then the page).\n")
    print("| backend | page | conn. | requests/s | median ms | p95 ms | comparable reference req/s | "
          "ratio to it | (each round) | ratio to the plain page | "
          "ratio to the reference that also writes its audit row | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend, rows in results.items():
        for label, connections, r, same_kind, plain, also_writes, ratios in rows:
            writes = f"{r['rps'] / also_writes['rps']:.2f} ({also_writes['rps']:.0f} req/s)" if also_writes else "–"
            print(f"| {backend} | {label} | {connections} | {r['rps']:.0f} | {r['p50_us'] / 1000:.1f} | "
                  f"{r['p95_us'] / 1000:.1f} | {same_kind['rps']:.0f} | {r['rps'] / same_kind['rps']:.2f} | "
                  f"{min(ratios):.2f}–{max(ratios):.2f} | {r['rps'] / plain['rps']:.2f} | {writes} | "
                  f"{r['errors'] + r['bad_status']} |")


if __name__ == "__main__":
    main()
