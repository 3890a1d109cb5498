"""Every page the browser tests visit: kept while they run, then checked once at the end of the run.

While the browser tests run, each HTML document the portal sends a watched browser context (the answer to
a navigation or a form post: every page a person sees) is written to one folder the xdist workers share,
named by a hash of its URL and content (per-response tokens left out), so a page seen twice is kept once.
Every console error and uncaught exception in a watched context fails the test it happened in.

When every test is done, the process that runs the session (xdist's controller, or pytest alone) checks
all the kept pages once, and reports each check as a test of its own:
- `tests/browser::valid HTML`: the W3C Nu HTML Checker (`vnu-jar`, pinned in package.json; run with
  Java, one JVM start for all the pages) finds no error;
- `tests/browser::fits 360 px`: Chromium at a 360 px phone viewport (the page replayed at its own URL,
  with the portal's CSS and scripts served from static/) finds no page wider than the screen.
A failure lists each page's URL, the test that saw it, and what is wrong (line and message for HTML); the
pages are then kept (as they are whenever BROWSER_PAGES names a folder for them).
`scripts/test.sh` installs Java and the checker when they are missing."""
import hashlib
import json
import os
import re
import shutil
import mimetypes
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONE = 360
KEEP_IN = os.environ.get("BROWSER_PAGES")   # a folder: keep the pages there (to look at, or check again)
FOLDER_KEY = "mentorbro_pages"          # the shared folder's path, handed to each xdist worker
_folder = pytest.StashKey[Path]()
_visits = pytest.StashKey["Visits"]()
_failed = pytest.StashKey[bool]()       # a check failed: the folder is kept for a look at the pages
# Parts of a page that differ on every response: left out when deciding whether a page was seen before.
_PER_RESPONSE = re.compile(rb'(nonce|value|content)="[A-Za-z0-9_\-.=+/:]{24,}"')


class Visits:
    """What the watched browser contexts of this process saw: pages kept, console errors since a test began."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.test = None                # the test running now (its node id)
        self.errors = []                # console errors and uncaught exceptions during that test

    def watch(self, context):
        context.console_errors = []     # this context's own, for a check in the middle of a test

        def error(text):
            self.errors.append(text)
            context.console_errors.append(text)
        context.on("response", self._keep)
        context.on("console", lambda message: error(
            f"{message.page.url if message.page else '?'}: console error: {message.text} "
            f"({message.location.get('url', '')}:{message.location.get('lineNumber', '')})")
            if message.type == "error" else None)
        context.on("weberror", lambda problem: error(
            f"{problem.page.url if problem.page else '?'}: uncaught exception: {problem.error}"))

    def _keep(self, response):
        request = response.request
        if (request.resource_type != "document" or 300 <= response.status < 400          # a redirect: no page
                or not response.headers.get("content-type", "").startswith("text/html")
                or urlsplit(response.url).hostname != "127.0.0.1"):
            return
        try:
            body = response.body()
        except Exception:               # noqa: BLE001 - the next navigation came first: nothing to keep
            return
        url = response.url
        key = hashlib.sha256(url.encode() + b"\0" + _PER_RESPONSE.sub(rb'\1=""', body)).hexdigest()[:24]
        html = self.folder / f"{key}.html"
        if html.exists():
            return
        (self.folder / f"{key}.json").write_text(json.dumps({"url": url, "test": self.test}))
        html.write_bytes(body)

    def take_errors(self):
        errors, self.errors = self.errors, []
        return errors


class WatchedBrowser:
    """The session's Chromium, whose every new context is watched. `unwatched` is the browser itself, for a
    context that must not be (one that replays pages with their scripts refused on purpose)."""

    def __init__(self, browser, visits: Visits):
        self.unwatched = browser
        self._visits = visits

    def new_context(self, **options):
        context = self.unwatched.new_context(**options)
        self._visits.watch(context)
        return context

    def __getattr__(self, name):
        return getattr(self.unwatched, name)


def watched(browser, config):
    return WatchedBrowser(browser, config.stash[_visits])


def console_errors(page):
    """The console errors and uncaught exceptions seen so far in the page's browser context."""
    return list(getattr(page.context, "console_errors", []))


def _is_worker(config):
    return hasattr(config, "workerinput")


def pytest_configure(config):
    if _is_worker(config):
        folder = Path(config.workerinput[FOLDER_KEY])
    elif KEEP_IN:
        folder = Path(KEEP_IN)
        folder.mkdir(parents=True, exist_ok=True)
        config.stash[_failed] = True            # kept: not deleted at the end
    else:
        folder = Path(tempfile.mkdtemp(prefix="mentorbro-pages-"))
    config.stash[_folder] = folder
    config.stash[_visits] = Visits(folder)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: each worker writes the pages it sees into the controller's folder."""
    node.workerinput[FOLDER_KEY] = str(node.config.stash[_folder])


def pytest_unconfigure(config):
    folder = config.stash.get(_folder, None)
    if folder and not _is_worker(config) and not config.stash.get(_failed, False):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.config.stash[_visits].test = item.nodeid


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A console error or an uncaught exception in the browser fails the test (after what it asserts)."""
    visits = item.config.stash[_visits]
    visits.take_errors()
    try:
        result = yield
    finally:
        errors = visits.take_errors()
        if errors:
            item.add_report_section("call", "browser console", "\n".join(errors))
    if errors:
        raise AssertionError("the browser logged errors:\n" + "\n".join(errors))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    """After every test (every worker's): check all kept pages once, each check reported as a test."""
    result = yield
    config = session.config
    if _is_worker(config):
        return result
    folder = config.stash[_folder]
    pages = _kept_pages(folder)
    if pages:
        # The checker (a JVM) and the browser run side by side: the tests are done, both cores are free.
        html_check = _HtmlCheck(pages)
        started = time.monotonic()
        width = _check_width(pages)
        _report(session, "fits 360 px", *width, time.monotonic() - started)
        html = html_check.result()
        _report(session, "valid HTML", *html, html_check.finished - html_check.started)
        if width[0] or html[0]:
            config.stash[_failed] = True
    return result


def _kept_pages(folder):
    pages = []
    for html in sorted(folder.glob("*.html")):
        meta = json.loads(html.with_suffix(".json").read_text())
        pages.append({"file": html, **meta})
    return pages


def _report(session, name, problems, summary, duration):
    nodeid = f"tests/browser::{name}"
    failed = bool(problems)
    longrepr = (f"{summary}\n\n" + "\n\n".join(problems)) if failed else None
    report = pytest.TestReport(nodeid, ("tests/browser", None, name), {name: 1},
                               "failed" if failed else "passed", longrepr, "call",
                               sections=[("page checks", summary)], duration=duration)
    session.testscollected += 1        # counted like a test (and in the progress shown)
    session.config.hook.pytest_runtest_logreport(report=report)
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_line("")
        terminal.write_line(f"{name}: {summary} ({duration:.1f} s)", red=failed, green=not failed)


class _HtmlCheck:
    """The Nu HTML Checker over every kept page, in one run (one JVM start), started at once."""

    def __init__(self, pages):
        self.pages = pages
        self.java = shutil.which("java")
        self.output = tempfile.TemporaryFile()      # its JSON comes on stderr; a file, so no pipe fills up
        self.process = None
        self.started = self.finished = time.monotonic()
        if self.java and VNU.exists():
            self.process = subprocess.Popen(
                [self.java, "-jar", str(VNU), "--format", "json", "--errors-only", "--exit-zero-always",
                 *[str(page["file"]) for page in pages]], stdout=subprocess.DEVNULL, stderr=self.output)
            threading.Thread(target=self._time, daemon=True).start()

    def _time(self):
        self.process.wait()
        self.finished = time.monotonic()

    def result(self):
        """(problems, summary)"""
        if self.process is None:
            return ([f"Java ({self.java or 'missing'}) or the Nu HTML Checker ({VNU}, "
                     f"{'present' if VNU.exists() else 'missing'}) is not installed: scripts/test.sh installs "
                     "them (apt-get install default-jre-headless; npm ci --ignore-scripts)."],
                    "the checker could not run")
        code = self.process.wait(timeout=900)
        self.output.seek(0)
        answer = self.output.read().decode("utf-8", "replace")
        try:
            messages = json.loads(answer)["messages"]
        except (ValueError, KeyError):
            return [f"the checker's answer was not JSON (exit {code}):\n{answer[-3000:]}"], "the checker failed"
        return _grouped(self.pages, messages)


def _grouped(pages, messages):
    by_file = {page["file"].resolve(): page for page in pages}
    # One entry per distinct error, with every page it is on: one template fault is often on many pages.
    grouped = {}
    for message in messages:
        page = by_file.get(Path(urlsplit(message.get("url", "")).path).resolve(),
                           {"url": message.get("url"), "test": "?", "file": message.get("url")})
        where = f"{page['url']} (seen by {page['test']}; {page['file']}:{message.get('lastLine', '?')})"
        entry = grouped.setdefault(message.get("message"), {"extract": message.get("extract", ""), "pages": []})
        entry["pages"].append(where)
    problems = [f"{message}\n  {entry['extract'].strip()!r}\n" + "\n".join(f"  - {where}" for where in entry["pages"])
                for message, entry in grouped.items()]
    return problems, f"{len(pages)} pages checked by the Nu HTML Checker: {len(messages)} errors" + (
        f" of {len(grouped)} kinds" if messages else "")


class _Replay(ThreadingHTTPServer):
    """Serves the page being measured at its own path, and the portal's static files (cached by the browser,
    so each page costs one request); anything else (an htmx request, say) gets a 404."""
    daemon_threads = True
    page = (None, b"")                  # (path and query, HTML)


class _ReplayHandler(BaseHTTPRequestHandler):
    def do_GET(self):                   # noqa: N802 - the name http.server calls
        path = urlsplit(self.path).path
        file = (STATIC / path.removeprefix("/static/")).resolve()
        if self.path == self.server.page[0] and "HX-Request" not in self.headers:
            self._send(self.server.page[1], "text/html; charset=utf-8", "no-store")
        elif path.startswith("/static/") and file.is_relative_to(STATIC) and file.is_file():
            self._send(file.read_bytes(), mimetypes.guess_type(file.name)[0] or "application/octet-stream",
                       "max-age=3600")
        else:
            self._send(b"", "text/plain", "no-store", status=404)

    def _send(self, body, content_type, cache, status=200):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Quiet."""


def _check_width(pages):
    """Every kept page replayed in Chromium at 360 px, at its own path: (problems, summary)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.fixtures import CHROMIUM, CHROMIUM_ARGS
    problems = []
    server = _Replay(("127.0.0.1", 0), _ReplayHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": PHONE, "height": 740}, is_mobile=True, has_touch=True)
            page = context.new_page()
            for kept in pages:
                parts = urlsplit(kept["url"])
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                server.page = (path, kept["file"].read_bytes())
                page.goto(base + path, wait_until="load")
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE:
                    widest = page.evaluate(_WIDEST, PHONE)
                    problems.append(f"{kept['url']} (seen by {kept['test']}; {kept['file']}): {width} px wide, "
                                    f"e.g. {widest}")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return problems, f"{len(pages)} pages measured at {PHONE} px: {len(problems)} wider"


# The last three elements that reach past the right edge: the innermost culprits, usually.
_WIDEST = """(limit) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 0.5)
    .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                   + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                   + ' ' + Math.round(e.getBoundingClientRect().right) + ' px')"""
