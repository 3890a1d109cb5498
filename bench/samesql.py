"""Each page against a reference that runs the same SQL: what the portal adds above its own queries.

    .venv/bin/python bench/samesql.py --database sqlite:////work/benchdata/bench-100000.db
    .venv/bin/python bench/samesql.py --database postgresql://postgres@127.0.0.1:PORT/bench
        [--duration 10] [--connections 2,16] [--rounds 1] [--only queue,start]

1. Capture. For every page measured, the portal (create_app, production settings) answers the request
   in-process, as the signed-in user it needs, three times; the third request's SQL is kept: every
   statement with its parameters, from peewee's own query log (the `peewee` logger at DEBUG, read with a
   logging handler), and the transactions around them (the database's public begin/commit/rollback
   methods, wrapped for the capture only). The third, so that once-per-process reads are not counted.
2. Serve. The reference, `samesql:reference`, a bare Flask app under the same gunicorn settings
   (gunicorn.conf.py, the same connection set-up: portal.db.make_database), runs exactly those
   statements with those parameters on the same database, inside the same transactions, reads every
   row, and renders the rows with Jinja into a page of the portal page's size (a POST answers with the
   same redirect). One parameter kind is moved on: a timestamp within a minute of the capture is
   replaced by the current time, so a write stores new bytes as the portal's does (SQLite writes
   nothing for a row rewritten unchanged).
3. Measure. wrk (bench/load.py's script: latencies timed per request) drives the portal's page and then
   its reference, at each concurrency, in --rounds rounds; the median round's ratio counts.
   The old bare references (bench/load.py) can stay as a second opinion: `--bare` adds their column.

Needs a database made by `seed-demo --applications N` (or bench/seed.py); bench/accounts.py's accounts
are created or reset on it (known passwords), and the pages' writes (audit rows, a draft) stay in it.
"""
import argparse
import datetime as dt
import logging
import os
import pickle
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask import Flask, redirect  # noqa: E402

from portal.db import make_database  # noqa: E402

PLAN_ENV = "BENCH_SAMESQL_PLAN"
NOW_WINDOW = dt.timedelta(minutes=1)


# ---------------------------------------------------------------------------------------------- capture

class QueryLog(logging.Handler):
    """Every statement peewee logs (its `peewee` logger at DEBUG: the message is (sql, params))."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.items = []

    def emit(self, record):
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            sql, params = record.msg
            self.items.append(("sql", sql, tuple(params or ())))


def capture(app, client, method, path, data=None, headers=None, times=3):
    """The SQL of the last of `times` identical requests: [("sql", text, params) | ("begin",) | ...],
    the response's status, body size and Location."""
    from portal.db import database
    db = database.obj
    log = QueryLog()
    logger = logging.getLogger("peewee")
    for _ in range(times):
        log.items = []
        originals = {name: getattr(db, name) for name in ("begin", "commit", "rollback")}

        def wrap(name):
            def marked(*args, **kwargs):
                log.items.append((name,))
                return originals[name](*args, **kwargs)
            return marked

        for name in originals:
            setattr(db, name, wrap(name))
        level = logger.level
        logger.addHandler(log)
        logger.setLevel(logging.DEBUG)
        started = dt.datetime.now()
        try:
            form = dict(data) if data else None
            if form is not None and "csrf_token" in form and form["csrf_token"] is None:
                form["csrf_token"] = csrf_token(client, path)
                log.items = []                         # the GET that fetched the token is not this page
            response = client.open(path, method=method, data=form, headers=headers or {})
            body = response.get_data()
        finally:
            logger.removeHandler(log)
            logger.setLevel(level)
            for name in originals:
                delattr(db, name)
        assert response.status_code in (200, 302), (path, response.status_code, body[:300])
    return {"items": log.items, "status": response.status_code, "size": len(body),
            "location": response.headers.get("Location"), "captured_at": started}


def csrf_token(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def login(client, email, password):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, f"login of {email} failed ({response.status_code})"


ABOUT_YOU = {"full_name": "Bench Person", "birth_year": "1988", "language": "da"}


def pages(database_url):
    """[(name, method, path, form or None, role or None)]: the pages measured, for this database."""
    from portal import create_app
    from peewee import fn
    from portal.models import Application, Pair, Programme, User
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "MAIL_SEND_AFTER_REQUEST": False})
    with app.app_context():
        total = Application.select().where(Application.submitted_at.is_null(False)).count()
        sample = (Application.select(Application.reference).where(Application.submitted_at.is_null(False))
                  .order_by(Application.id).offset(total // 2).first())
        # The programme with the most applications (the report's heaviest), and a mentor with pairs.
        programme = (Programme.select(Programme.id).join(Application, on=(Application.programme == Programme.id))
                     .group_by(Programme.id).order_by(fn.COUNT(Application.id).desc()).first())
        mentor = (User.select(User.email).join(Pair, on=(Pair.mentor == User.id)).group_by(User.id)
                  .order_by(User.id).first())
    return [
        ("start page", "GET", "/", None, None),
        ("form step POST (about-you)", "POST", "/apply/about-you", ABOUT_YOU, "applicant"),
        ("queue: status=submitted", "GET", "/review/?status=submitted", None, "staff"),
        ("queue: municipality=101 + verdict", "GET", "/review/?municipality=101&verdict=likely_eligible", None,
         "staff"),
        ("queue: language=da", "GET", "/review/?language=da", None, "staff"),
        ("queue: search by name", "GET", "/review/?q=Hassan", None, "staff"),
        ("application page", "GET", f"/review/{sample.reference}", None, "staff"),
        ("mentor page", "GET", "/mentor/", None, ("mentor", mentor.email)),
        ("programme report", "GET", f"/programmes/{programme.id}/report", None, "staff"),
    ]


def capture_all(database_url, accounts, only=()):
    """{page name: capture} for every page, as its user; the plan the reference serves."""
    from portal import create_app
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench-capture", "ENV_NAME": "production",
                      "MAIL_SERVER": "127.0.0.1", "MAIL_SEND_AFTER_REQUEST": False})
    clients = {}

    def client_for(role):
        key = role if isinstance(role, str) or role is None else role[1]
        if key not in clients:
            client = clients[key] = app.test_client()
            client.environ_base["wsgi.url_scheme"] = "https"       # production cookies are Secure
            if role == "applicant":
                client.post("/apply/about-you", data={**ABOUT_YOU, "csrf_token": csrf_token(client, "/apply/about-you")})
            elif role is not None:
                email = role[1] if not isinstance(role, str) else accounts[role][0][0]
                password = accounts["mentor"][0][1] if not isinstance(role, str) else accounts[role][0][1]
                login(client, email, password)
        return clients[key]

    plan = {}
    for name, method, path, form, role in pages(database_url):
        if only and not any(word in name for word in only):
            continue
        data = {**form, "csrf_token": None} if form else None
        plan[name] = {"method": method, "path": path, "form": form, "role": role,
                      **capture(app, client_for(role), method, path, data, {"X-Forwarded-Proto": "https"})}
    return plan


# -------------------------------------------------------------------------------------------- reference

reference = Flask("samesql_reference", template_folder=str(ROOT / "bench"))
_plan = {}
_fill = {}
_db = []
_template = []

PAGE = """<!doctype html>
<html lang="da">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ name }} – reference</title><link rel="stylesheet" href="/static/reference.css"></head>
<body>
<header><a href="/">Reference</a></header>
<main id="main-content">
<h1>{{ name }}</h1>
{%- for result in results %}
<table class="table"><caption>Statement {{ loop.index }}</caption><tbody>
{%- for row in result[:rows] %}
<tr>{% for cell in row %}<td>{{ cell|string|truncate(60, True, "…") }}</td>{% endfor %}</tr>
{%- endfor %}
</tbody></table>
{%- endfor %}
{%- for n in range(fill) %}
<p>Filler paragraph {{ n }}: the reference page is as long as the portal's page, written in plain words.</p>
{%- endfor %}
</main>
<footer><p>Mentorbro bench – same-SQL reference</p></footer>
</body>
</html>"""


def _render(**context):
    """The page's template, compiled once per process (as Flask's render_template caches a file's)."""
    if not _template:
        _template.append(reference.jinja_env.from_string(PAGE))
    return _template[0].render(**context)


def _database():
    if not _db:
        _db.append(make_database(os.environ.get("PORTAL_DATABASE_URL", "sqlite:///:memory:")))
    return _db[0]


def _load_plan():
    if not _plan:
        with open(os.environ[PLAN_ENV], "rb") as handle:
            _plan.update(pickle.load(handle))  # nosec B301 - the bench's own file, written by this script
    return _plan


def _moved_on(params, captured_at):
    """The parameters, with a timestamp taken within a minute of the capture moved to the same offset from now."""
    now = dt.datetime.now()
    moved = []
    for value in params:
        if isinstance(value, dt.datetime):
            naive = value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone().replace(tzinfo=None)
            if abs(naive - captured_at) < NOW_WINDOW:
                value = (now + (naive - captured_at)).replace(tzinfo=None) if value.tzinfo is None else \
                    (now + (naive - captured_at)).astimezone(value.tzinfo)
        moved.append(value)
    return moved


def run_statements(db, page):
    """Execute the captured statements in their transactions; returns every statement's rows."""
    results = []
    depth = 0
    for item in page["items"]:
        kind = item[0]
        if kind == "begin":
            db.begin()
            depth += 1
        elif kind == "commit":
            db.commit()
            depth -= 1
        elif kind == "rollback":
            db.rollback()
            depth -= 1
        else:
            cursor = db.execute_sql(item[1], _moved_on(item[2], page["captured_at"]))
            results.append(cursor.fetchall() if cursor.description else [])
    return results


def _serve(name):
    page = _load_plan()[name]
    db = _database()
    results = run_statements(db, page)
    if page["status"] == 302:
        return redirect(page["location"] or "/", code=302)
    if name not in _fill:
        # Once per process: as many rows per statement and filler paragraphs as make the portal's size.
        rows = max([len(r) for r in results] or [0])
        html = _render(name=name, results=results, rows=rows, fill=0)
        while len(html.encode()) > page["size"] and rows > 0:
            rows = rows // 2 if rows > 1 else 0
            html = _render(name=name, results=results, rows=rows, fill=0)
        one = len(_render(name=name, results=[], rows=0, fill=1).encode()) - \
            len(_render(name=name, results=[], rows=0, fill=0).encode())
        _fill[name] = (rows, max(0, (page["size"] - len(html.encode())) // one))
    rows, fill = _fill[name]
    return _render(name=name, results=results, rows=rows, fill=fill)


@reference.route("/page/<int:number>", methods=["GET", "POST"])
def reference_page(number):
    return _serve(list(_load_plan())[number])


@reference.get("/")
def reference_root():
    return "reference"


@reference.teardown_request
def reference_close(exc):
    db = _database()
    if not db.is_closed():
        db.close()


# ---------------------------------------------------------------------------------------------- measure

def main():
    import load
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="sqlite:////path/to.db or postgresql://…")
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run")
    parser.add_argument("--connections", default="2,16")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated words: only the pages whose name has one")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    only = [w for w in args.only.split(",") if w]
    import accounts as bench_accounts

    known = bench_accounts.ensure(args.database, staff=1, caseworkers=1)
    load.log("capturing each page's SQL in-process…")
    plan = capture_all(args.database, known, only)
    for name, page in plan.items():
        statements = sum(1 for item in page["items"] if item[0] == "sql")
        load.log(f"  {name}: {statements} statements, {page['size']} bytes, status {page['status']}")
    plan_file = Path(tempfile.mkstemp(prefix="bench-samesql-", suffix=".pickle")[1])
    plan_file.write_bytes(pickle.dumps(plan))
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(load.WRK_SCRIPT)

    ref = load.Server("samesql:reference", {"PORTAL_DATABASE_URL": args.database, PLAN_ENV: str(plan_file)},
                      "samesql-reference")
    env = {"PORTAL_DATABASE_URL": args.database, "SECRET_KEY": "bench-" + secrets.token_hex(8),
           "PORTAL_ENV": "production", "PORTAL_MAIL_SERVER": "127.0.0.1",
           "PORTAL_MAIL_PORT": str(load.mail_sink_port())}
    portal = load.Server("wsgi:app", env, "portal")
    rows = []
    load_averages = [os.getloadavg()[0]]
    try:
        cookies = {}
        for number, (name, page) in enumerate(plan.items()):
            role = page["role"]
            key = role if isinstance(role, str) or role is None else role[1]
            if key not in cookies:
                cookies[key] = http_session(portal.url, role, known)
            body = load.urllib.parse.urlencode(page["form"]) if page["form"] else None
            ratios = []
            for connections in args.connections:
                runs = []
                for _ in range(args.rounds):
                    cookies[key] = load.check(portal.url, page["method"], page["path"], body, cookies[key])
                    mine = load.wrk(portal.url + page["path"], page["method"], body, cookies[key], connections,
                                    args, str(script))
                    load.check(ref.url, page["method"], f"/page/{number}", body, "")
                    theirs = load.wrk(f"{ref.url}/page/{number}", page["method"], body, "", connections, args,
                                      str(script))
                    load_averages.append(os.getloadavg()[0])
                    load.log(f"  {name}, {connections} conn.: {mine['rps']:.0f} vs {theirs['rps']:.0f} req/s "
                             f"= {mine['rps'] / theirs['rps']:.2f}")
                    runs.append((mine, theirs))
                runs.sort(key=lambda run: run[0]["rps"] / run[1]["rps"])
                mine, theirs = runs[len(runs) // 2]
                rows.append((name, connections, mine, theirs, [m["rps"] / t["rps"] for m, t in runs],
                             sum(1 for item in page["items"] if item[0] == "sql"), page["size"]))
    finally:
        portal.stop()
        ref.stop()
        plan_file.unlink()
        script.unlink()

    kind = "PostgreSQL" if args.database.startswith("postgres") else "SQLite"
    print(f"\n{kind}, {args.database}; gunicorn -c gunicorn.conf.py ({os.cpu_count()} cores); wrk -d{args.duration}s "
          f"per run, one thread per connection; load average {min(load_averages):.1f}–{max(load_averages):.1f} "
          f"during the runs; {time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| page | statements | bytes | conn. | portal req/s | median ms | p95 ms | same-SQL reference req/s "
          "| median ms | p95 ms | ratio | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, connections, mine, theirs, ratios, statements, size in rows:
        spread = f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 else ""
        print(f"| {name} | {statements} | {size} | {connections} | {mine['rps']:.0f} | {mine['p50_us'] / 1000:.1f} | "
              f"{mine['p95_us'] / 1000:.1f} | {theirs['rps']:.0f} | {theirs['p50_us'] / 1000:.1f} | "
              f"{theirs['p95_us'] / 1000:.1f} | **{mine['rps'] / theirs['rps']:.2f}**{spread} | "
              f"{mine['errors'] + mine['bad_status'] + theirs['errors'] + theirs['bad_status']} |")


def http_session(url, role, known):
    """The cookie of a browser that is `role` on the served portal (signed in, or holding a draft)."""
    import load
    if role is None:
        return ""
    if role == "applicant":
        status, html, cookie = load.fetch(url + "/apply/about-you")
        status, _, cookie = load.fetch(url + "/apply/about-you", {**ABOUT_YOU, "csrf_token": load.csrf_of(html)},
                                       cookie)
        assert status == 302, f"first form step failed ({status})"
        return cookie
    email, password = (role[1], known["mentor"][0][1]) if not isinstance(role, str) else known[role][0]
    status, html, cookie = load.fetch(url + "/login")
    status, _, cookie = load.fetch(url + "/login", {"email": email, "password": password,
                                                    "csrf_token": load.csrf_of(html)}, cookie)
    assert status == 302, f"login of {email} failed ({status})"
    return cookie


if __name__ == "__main__":
    main()
