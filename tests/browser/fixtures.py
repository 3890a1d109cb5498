"""Real-browser fixtures: the portal on a loopback port, Debian's Chromium driven by Playwright, axe-core."""
import os
import shutil
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from portal import create_app
from portal.db import database
from tests.browser.page_checks import console_errors, watched
from tests.smtp import free_port

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        """No access line per request on stderr: the app's own request log (portal.request) has them."""


class LiveServer:
    """A threaded WSGI server that, like gunicorn, closes each response (running the app's after-close
    work, such as sending the emails a request queued) as soon as the last byte is written. Werkzeug's
    development server first drains the socket, which can wait on a kept-alive browser connection."""

    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = make_server("127.0.0.1", self.port, app, server_class=_ThreadingServer,
                                  handler_class=_QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(tmp_path, migrated_db, smtp_server):
    """The portal served on a free loopback port, on its own database, sending mail to the test SMTP server."""
    path = tmp_path / "live.db"
    shutil.copy(migrated_db, path)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "browser-test-secret",
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port})
    smtp_server.handler.messages.clear()
    with LiveServer(app) as server:
        server.inbox = smtp_server.handler
        yield server
    if not database.is_closed():
        database.close()


@pytest.fixture(scope="session")
def browser(pytestconfig):
    """Chromium, whose every context is watched: each page it is sent is kept for the Nu HTML Checker and the
    360 px check at the end of the run, and a console error fails the test (tests/browser/page_checks.py)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the test command installs Debian's chromium package.")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield watched(browser, pytestconfig)
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    # An init script is not subject to the page's CSP, so axe-core runs without loosening the policy.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


PHONE = 360                 # px: the narrowest common phone


@pytest.fixture
def phone(browser):
    """A 360 px phone (touch, Danish locale) with axe-core loaded; `too_wide` collects pages that do not fit."""
    context = browser.new_context(viewport={"width": PHONE, "height": 740}, locale="da-DK", is_mobile=True,
                                  has_touch=True)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.too_wide = []
    yield page
    context.close()


def assert_accessible(page):
    """Run axe-core (WCAG 2.1 A and AA rules) in the page; fail on any violation, or on any console error
    (such as a CSP refusal) so far. Console errors fail a browser test in any case, at its end."""
    errors = console_errors(page)
    assert not errors, "the browser logged errors:\n" + "\n".join(errors)
    # A click on a link returns once the next page is committed, not loaded: axe on a half-parsed
    # document fails with "Cannot read properties of null". Wait for the page a user would see.
    page.wait_for_load_state("load")
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    problems = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]]
    assert not problems, f"axe found violations on {page.url}:\n" + "\n".join(problems)


@pytest.fixture
def check_as_without_js(browser):
    """axe for a page seen without JavaScript: the same HTML, with the site's scripts blocked, checked by axe.

    A page in a context with JavaScript off cannot run axe, so its HTML is replayed at the same URL in a
    context whose own scripts are refused (axe comes in as an init script, which no route can block)."""
    context = browser.unwatched.new_context()          # its scripts are refused on purpose: not watched
    context.add_init_script(path=str(AXE))
    checker = context.new_page()
    checker.route("**/*.js", lambda route: route.abort())

    def check(page):
        html, url = page.content(), page.url
        checker.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        checker.goto(url)
        assert_accessible(checker)
        checker.unroute(url)
    yield check
    context.close()
