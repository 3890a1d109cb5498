"""A real portal for system tests: `gunicorn -w 4` on loopback over a SQLite file, and stdlib HTTP clients.

Clients are plain `urllib.request` + `http.cookiejar` with CSRF on: they open a form to get its token,
as a browser does. Every address is 127.0.0.1."""
import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.apply.helpers import VALID
from tests.system.servers import wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
STAFF_PASSWORD = "reliability staff password 1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOCKED = "database is locked"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Portal:
    """A migrated, seeded SQLite database and gunicorn with 4 workers serving it."""

    def __init__(self, directory: Path, workers: int = 4):
        self.directory = directory
        self.db_path = directory / "portal.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite:///{self.db_path}",
                    "SECRET_KEY": "reliability-secret-key", "PORTAL_ENV": "development",   # plain http cookies
                    "PORTAL_BASE_URL": self.url, "PYTHONUNBUFFERED": "1"}
        for name in ("PORTAL_MAIL_SERVER", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY"):
            self.env.pop(name, None)
        self.process = None
        self.log_path = directory / "gunicorn.log"

    def cli(self, *args) -> subprocess.CompletedProcess:
        result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    def prepare(self):
        """init-db, seed-demo (a programme and the demo staff login it prints) and a second staff account."""
        self.cli("init-db")
        printed = self.cli("seed-demo").stdout
        email, password = re.search(r"^staff\t(\S+)\t(\S+)$", printed, re.MULTILINE).groups()
        self.cli("create-user", "second.reviewer@association.example", "--role", "staff", "--password", STAFF_PASSWORD)
        self.staff = [(email, password), ("second.reviewer@association.example", STAFF_PASSWORD)]
        return self

    def add_staff(self, count: int):
        """More staff accounts, made in this process (quicker than one `create-user` process each)."""
        from portal import create_app
        from portal.db import database
        from portal.services import authentication
        app = create_app({"DATABASE_URL": self.env["PORTAL_DATABASE_URL"], "SECRET_KEY": "setup", "TESTING": True})
        with app.test_request_context("/"):
            for n in range(count):
                email = f"reader{n}@association.example"
                authentication.create_user(email, f"Reader {n}", "staff", STAFF_PASSWORD, ())
                self.staff.append((email, STAFF_PASSWORD))
        database.close()
        return self

    def start(self):
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}", "--timeout", "60",
             "wsgi:app"], cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.log_path, "wb"))
        wait_until_healthy(self.process, self.url, 60, "gunicorn", self.log)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def query(self, sql, *params):
        """Read the database directly (a second connection, as an operator's sqlite3 would)."""
        connection = sqlite3.connect(self.db_path, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar, the last CSRF token and the time and status of every response."""

    def __init__(self, base: str):
        assert base.startswith("http://127.0.0.1:")
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect)
        self.token = None
        self.timings = []          # (seconds, status)
        self.locked = 0            # responses that mention "database is locked"

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.perf_counter()
        try:
            response = self.opener.open(urllib.request.Request(self.base + path, data=body, headers=headers or {}),
                                        timeout=60)
        except urllib.error.HTTPError as error:       # 3xx (not followed), 4xx and 5xx
            response = error
        with response:
            text = response.read().decode("utf-8", "replace")
            status, location = response.status, response.headers.get("Location")
        self.timings.append((time.perf_counter() - started, status))
        self.locked += LOCKED in text
        found = CSRF.search(text)
        if found:
            self.token = found.group(1)
        return status, text, location

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, {**data, "csrf_token": self.token})

    def login(self, email, password=STAFF_PASSWORD):
        self.get("/login")
        status, text, _ = self.post("/login", {"email": email, "password": password})
        assert status == 302, text[:2000]


def answers(name: str, email: str) -> dict:
    """VALID answers for every step, with this person's name and email."""
    steps = {step: dict(data) for step, data in VALID.items()}
    steps["about-you"]["full_name"] = name
    steps["contact"]["email"] = email
    return steps


def fill_in(browser: Browser, name: str, email: str):
    """Open the form (for its CSRF token) and save every step; a new browser starts a new application."""
    status, text, _ = browser.get("/apply/about-you")
    assert status == 200, text[:1000]
    for step, data in answers(name, email).items():
        status, text, location = browser.post(f"/apply/{step}", data)
        assert status == 302, (step, status, text[:2000])


def apply(browser: Browser, name: str, email: str):
    """A complete application: every step, then send; returns the submit response's status."""
    fill_in(browser, name, email)
    status, _, location = browser.post("/apply/submit", {})
    return status, location


def check_invariants(path, email_like: str) -> dict:
    """integrity_check, foreign keys, and every application whole: returns counts by status."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        audit = {}
        for object_id, action in connection.execute("SELECT object_id, action FROM audit_event"):
            audit.setdefault(object_id, []).append(action)
        outbox = [subject + body for subject, body in connection.execute("SELECT subject, body FROM outbox")]
        counts = {}
        for public_id, status, reference, answers, completed, email, decided_by in connection.execute(
                "SELECT public_id, status, reference, answers, completed_steps, email, decided_by_id"
                " FROM application WHERE email LIKE ? OR (status = 'draft' AND email IS NULL)", (email_like,)):
            counts[status] = counts.get(status, 0) + 1
            # A step's answers and its place in completed_steps are written together.
            assert sorted(json.loads(answers)) == sorted(json.loads(completed)), public_id
            actions = audit.get(public_id, [])
            submitted = status != "draft"
            assert bool(reference) == submitted, (public_id, status)
            assert actions.count("application.submitted") == (1 if submitted else 0), (public_id, actions)
            if submitted:
                assert sum(reference in body for body in outbox) >= 1, (public_id, "no receipt")
            if status in ("in_review", "approved"):
                assert actions.count("application.taken") == 1, (public_id, actions)
            if status == "approved":
                assert decided_by and actions.count("application.approved") == 1, (public_id, actions)
                assert sum(reference in body for body in outbox) >= 2, (public_id, "no decision email")
        return counts
    finally:
        connection.close()


# ---------------------------------------------------------------- client processes (multiprocessing)

def applicant_process(base: str, worker: int, count: int, results):
    """Send `count` complete applications, each from a fresh browser; report timings and failures."""
    timings, locked, failures = [], 0, []
    for n in range(count):
        browser = Browser(base)
        try:
            status, location = apply(browser, f"Load Person {worker}-{n}", f"load-{worker}-{n}@example.org")
            if status != 302 or not (location or "").endswith("/apply/done"):
                failures.append(f"submit {worker}-{n}: {status} {location}")
        except AssertionError as error:
            failures.append(f"{worker}-{n}: {str(error)[:300]}")
        except OSError as error:
            failures.append(f"{worker}-{n}: {type(error).__name__} {error}")
        timings += browser.timings
        locked += browser.locked
    results.put({"timings": timings, "locked": locked, "failures": failures})


def reader_process(base: str, login: tuple, stop, results):
    """A staff member paging through the queue (opening every fourth page's first application) until `stop`."""
    browser = Browser(base)
    failures, pages = [], 0
    try:
        browser.login(*login)
        page = 1
        while not stop.is_set():
            status, text, _ = browser.get(f"/review/?page={page}")
            pages += 1
            if status != 200:
                failures.append(f"queue page {page}: {status}")
            references = re.findall(r'href="/review/(MB-[A-Z0-9-]+)"', text)
            if references and pages % 4 == 0:          # now and then open one (a write: the view is logged)
                status, _, _ = browser.get(f"/review/{references[0]}")
                if status != 200:
                    failures.append(f"application {references[0]}: {status}")
            page = page + 1 if f"page={page + 1}" in text else 1
            time.sleep(0.25)                              # a person reads for a moment
    except (AssertionError, OSError) as error:
        failures.append(f"reader: {type(error).__name__} {str(error)[:300]}")
    results.put({"timings": browser.timings, "locked": browser.locked, "failures": failures, "pages": pages})


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else 0.0
