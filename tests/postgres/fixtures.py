"""The PostgreSQL pass: `pytest --postgres` runs every test that touches a database on a throwaway server.

Tests that need PostgreSQL whatever the pass (copy-db, two app instances) carry the `postgres` marker;
they run in the PostgreSQL pass and are skipped, with the reason, in the SQLite one."""
import itertools
import os
import queue
import threading

import pytest

from portal import create_app
from portal.cli import migrate
from portal.db import database
from tests.postgres.server import PostgresServer, find_bindir, reap_orphans, unavailable_reason

TEMPLATE = "portal_template"
_numbers = itertools.count(1)


def pytest_addoption(parser):
    parser.addoption("--postgres", action="store_true",
                     help="run the tests that touch a database on a throwaway PostgreSQL server (only those)")


def pytest_collection_modifyitems(config, items):
    postgres_pass = config.getoption("--postgres")
    keep, drop = [], []
    for item in items:
        explicit = item.get_closest_marker("postgres") is not None
        if postgres_pass:
            touches_database = not {"database_url", "module_database_url"}.isdisjoint(item.fixturenames)
            wanted = explicit or (touches_database and not item.get_closest_marker("browser")
                                  and not item.get_closest_marker("sqlite_only"))
            (keep if wanted else drop).append(item)
        else:
            if explicit:
                item.add_marker(pytest.mark.skip(
                    reason="needs PostgreSQL: runs in the PostgreSQL pass (pytest --postgres; scripts/test.sh runs it)"))
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server started for this session (one per xdist worker), deleted afterwards."""
    reason = unavailable_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {reason}", pytrace=False)
        pytest.skip(f"no PostgreSQL here: {reason}")
    reap_orphans(find_bindir())
    server = PostgresServer(find_bindir()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server):
    """A migrated database that each test's database is created from (CREATE DATABASE … TEMPLATE is fast)."""
    postgres_server.create_database(TEMPLATE)
    app = create_app({"TESTING": True, "SECRET_KEY": "template", "DATABASE_URL": postgres_server.url(TEMPLATE)})
    with app.app_context():
        migrate()
    database.close()
    database.obj.close_all()          # the pool's connection too: a template must have no sessions
    return TEMPLATE


class DatabaseFactory:
    """Creates each test's database from the template one step ahead, and drops used ones, in a thread:
    the server does that work while the previous test runs, instead of between tests."""

    def __init__(self, server, template):
        self.server, self.template = server, template
        self.ready = queue.Queue(maxsize=1)
        self.used = queue.Queue()
        self.failure = None
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def _work(self):
        try:
            while True:
                if not self.ready.full():          # the next test's database first
                    name = f"test_{next(_numbers)}"
                    self.server.create_database(name, template=self.template)
                    self.ready.put(name)
                try:
                    used = self.used.get(timeout=0.02)
                except queue.Empty:
                    continue
                if used is None:
                    return
                self.server.drop_database(used)
        except Exception as error:        # reported by take(), in the test that needed the database
            self.failure = error

    def take(self) -> str:
        while True:
            try:
                return self.ready.get(timeout=1)
            except queue.Empty:
                if self.failure or not self.thread.is_alive():
                    raise RuntimeError(f"could not create a test database: {self.failure}")

    def give_back(self, name: str):
        self.used.put(name)

    def close(self):
        self.used.put(None)
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def postgres_databases(postgres_server, postgres_template):
    factory = DatabaseFactory(postgres_server, postgres_template)
    yield factory
    factory.close()


@pytest.fixture
def postgres_database(postgres_server, postgres_databases):
    """The URL of a fresh, migrated PostgreSQL database for this test alone; dropped afterwards."""
    name = postgres_databases.take()
    yield postgres_server.url(name)
    if not database.is_closed():
        database.close()
    postgres_databases.give_back(name)
