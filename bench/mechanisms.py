"""Does each speed mechanism the portal keeps earn its place? Each measured with it and without it.

    .venv/bin/python bench/mechanisms.py --database sqlite:////work/benchdata/bench-1000000.db

- indexes and the trigram search (SQLite): the SQL of four queue views, captured from the portal's own
  query log (bench/samesql.py), run on the database as it is, then inside a transaction that drops the
  application table's plain indexes (and, for the name search, with the FTS5 trigram lookup replaced by
  the `LIKE '%term%'` it stands for), rolled back afterwards: nothing changes on disk;
- template warm-up in the gunicorn master: the first request of a fresh worker (one worker) to the
  start page and to the first form step, with gunicorn.conf.py and with bench/gunicorn_nowarm.py;
- hashed and compressed static files: the bytes of the start page's CSS, JS, fonts and icons with
  Brotli/gzip (what WhiteNoise serves a browser) and without, and their cache header.
"""
import argparse
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402

VIEWS = [("queue: all (default)", "/review/"), ("queue: verdict = likely eligible", "/review/?verdict=likely_eligible"),
         ("queue: municipality = København", "/review/?municipality=101"), ("queue: search name (Hassan)", "/review/?q=Hassan")]
FTS = re.compile(r'"t1"\."id" IN \(SELECT rowid FROM application_search WHERE application_search MATCH \?\)')


def run_page(db, statements, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for sql, params in statements:
            db.execute(sql, params).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def without_trigram(statements):
    out = []
    for sql, params in statements:
        if FTS.search(sql):
            index = sql[:FTS.search(sql).start()].count("?")
            term = re.search(r'"(.*)"', params[index]).group(1)
            sql = FTS.sub('"t1"."full_name" LIKE ?', sql)
            params = (*params[:index], f"%{term}%", *params[index + 1:])
        out.append((sql, params))
    return out


def indexes(database_url):
    import accounts
    import samesql
    from portal import create_app
    known = accounts.ensure(database_url, staff=1, caseworkers=0)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "MAIL_SEND_AFTER_REQUEST": False})
    client = app.test_client()
    samesql.login(client, *known["staff"][0])
    path = database_url.removeprefix("sqlite:///")
    db = sqlite3.connect(path, isolation_level=None)
    print("| view's SQL (SQLite) | statements | with the indexes, median ms | without, ms |")
    print("| --- | ---: | ---: | ---: |")
    for label, url in VIEWS:
        captured = samesql.capture(app, client, "GET", url)
        statements = [(item[1], item[2]) for item in captured["items"] if item[0] == "sql"]
        statements = [(s, p) for s, p in statements if "FROM \"user\"" not in s and "FROM \"programme\"" not in s]
        with_them = run_page(db, statements, 5)
        db.execute("BEGIN")
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'application' "
                                  "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'").fetchall():
            db.execute(f'DROP INDEX "{name}"')
        without = run_page(db, without_trigram(statements), 1)
        db.execute("ROLLBACK")
        print(f"| {label} | {len(statements)} | {with_them:.1f} | {without:.0f} |", flush=True)


def first_request(config):
    env = {"PORTAL_DATABASE_URL": DATABASE[0], "SECRET_KEY": "bench", "PORTAL_ENV": "production",
           "PORTAL_MAIL_SERVER": "127.0.0.1", "PORTAL_MAIL_PORT": str(load.mail_sink_port()), "WEB_CONCURRENCY": "1"}
    results = []
    for path in ("/", "/apply/about-you"):
        server = start_server(config, env)
        try:
            started = time.perf_counter()
            load.fetch(server[1] + path)
            first = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            load.fetch(server[1] + path)
            second = (time.perf_counter() - started) * 1000
        finally:
            server[0].terminate()
            server[0].wait(timeout=30)
        results.append((path, first, second))
    return results


def start_server(config, env):
    import os
    port = load.free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", config, "wsgi:app"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, **env, "PORTAL_BIND": f"127.0.0.1:{port}"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    while time.monotonic() < deadline:          # until the master has forked its worker, without a request
        if children.exists() and children.read_text().strip():
            time.sleep(0.5)                      # the worker's own start (the app is preloaded)
            return process, url
        time.sleep(0.05)
    raise SystemExit("gunicorn did not start")


def warm_up():
    print("\n| first request of a fresh worker | with the warm-up: first ms | then ms | without: first ms | then ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with_it, without = first_request("gunicorn.conf.py"), first_request("bench/gunicorn_nowarm.py")
    for (path, first, second), (_, cold, then) in zip(with_it, without):
        print(f"| GET {path} | {first:.0f} | {second:.0f} | {cold:.0f} | {then:.0f} |")


def static_files():
    env = {"PORTAL_DATABASE_URL": DATABASE[0], "SECRET_KEY": "bench", "PORTAL_ENV": "production",
           "PORTAL_MAIL_SERVER": "127.0.0.1", "PORTAL_MAIL_PORT": str(load.mail_sink_port()), "WEB_CONCURRENCY": "1"}
    process, url = start_server("gunicorn.conf.py", env)
    try:
        _, html, _ = load.fetch(url + "/")
        assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
        compressed = plain = 0
        cache = ""
        for asset in sorted(assets):
            for encoding in ("br, gzip", "identity"):
                request = urllib.request.Request(url + asset, headers={"Accept-Encoding": encoding})
                with urllib.request.urlopen(request) as response:
                    size = len(response.read())
                    cache = cache or response.headers.get("Cache-Control", "")
                if encoding == "identity":
                    plain += size
                else:
                    compressed += size
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"\nstatic files of the start page named in its HTML ({len(assets)}; fonts and icons the CSS loads not counted): {compressed / 1024:.0f} KiB "
          f"compressed as served, {plain / 1024:.0f} KiB without compression; Cache-Control: {cache}")


DATABASE = []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="a SQLite bench database (sqlite:////path)")
    parser.add_argument("--only", default="indexes,warmup,static")
    args = parser.parse_args()
    DATABASE.append(args.database)
    if "indexes" in args.only:
        indexes(args.database)
    if "warmup" in args.only:
        warm_up()
    if "static" in args.only:
        static_files()


if __name__ == "__main__":
    main()
