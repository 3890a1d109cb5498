"""Faults: a writer killed mid-transaction, and a full disk, leave no partial application behind."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from portal.models import Application, Programme
from portal.services import authentication
from tests.apply.helpers import VALID, fill
from tests.conftest import PASSWORD
from tests.reliability.live import ROOT, check_invariants
from tests.review.helpers import seeded

KILLS = 50


def _path(database_url):
    return database_url.removeprefix("sqlite:///")


@pytest.mark.system
@pytest.mark.sqlite_only
def test_a_writer_killed_at_random_50_times_leaves_a_sound_database_and_no_partial_application(app, database_url,
                                                                                              tmp_path, record_property):
    with app.app_context():
        programme = seeded(app)
        # Room for every approval the writer makes: a full programme takes no more (lifecycle.py).
        Programme.update(capacity=10_000).where(Programme.id == programme.id).execute()
    with app.test_request_context("/"):
        authentication.create_user("writer-staff@association.example", "Writer Staff", "staff", PASSWORD, ())
    errors = tmp_path / "writer-errors.txt"
    zygote = subprocess.Popen([sys.executable, "-m", "tests.reliability.writer", database_url], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(errors, "w"), text=True)
    rng = random.Random()
    progress = []
    # Kill points lie within the first `latest` seconds of a child's life. On a loaded machine a child may
    # not get past its drafts in 0.25 s: the window then grows until submissions and decisions are reached.
    latest = 0.25
    try:
        for kill in range(KILLS):
            zygote.stdin.write("fork\n")
            zygote.stdin.flush()
            lines = [zygote.stdout.readline().split() for _ in range(2)]      # "pid N" and "started N", any order
            assert sorted(line[0] for line in lines if line) == ["pid", "started"], (lines, errors.read_text())
            pid = int(lines[0][1])
            time.sleep(rng.uniform(0.02, latest))
            os.kill(pid, signal.SIGKILL)
            assert zygote.stdout.readline().split() == ["reaped", str(pid), "SIGKILL"], errors.read_text()
            progress.append(check_invariants(_path(database_url), "writer-%"))
            if not any(count for state, count in progress[-1].items() if state != "draft"):
                latest = min(latest * 1.5, 5.0)
    finally:
        zygote.stdin.close()
        try:
            zygote.wait(timeout=30)
        except subprocess.TimeoutExpired:
            zygote.kill()
            zygote.wait()
    final = progress[-1]
    figures = (f"kills: {KILLS} SIGKILLs at random points; after each, integrity_check ok and no partial "
               f"application; applications by status at the end: {final}")
    print(figures)
    record_property("figures", figures)
    assert sum(count for state, count in final.items() if state != "draft")     # submissions and decisions ran


# ---------------------------------------------------------------- disk full

def _pages(database_url):
    """The database's size in pages with no free pages left inside it (so the next new page is "disk")."""
    connection = sqlite3.connect(_path(database_url))
    try:
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return connection.execute("PRAGMA page_count").fetchone()[0]
    finally:
        connection.close()


@pytest.mark.sqlite_only
def test_a_full_disk_gives_a_friendly_503_keeps_the_typed_input_saves_nothing_and_recovers(app, make_app, database_url):
    client = app.test_client()
    fill(client, until="goals")
    application = Application.get()
    before = (application.answers, application.completed_steps, application.version)
    # The disk is "full" at the database's current size: any write that needs a new page fails.
    full = make_app(SQLITE_MAX_PAGE_COUNT=_pages(database_url))
    browser = full.test_client()
    browser.set_cookie("session", client.get_cookie("session").value)
    # Arabic takes two bytes a letter: more than a page, so the database needs a new page to save it.
    typed = "أريد أن أعمل مهندسا مدنيا في الدنمارك مرة أخرى. " * 45
    goals = {**VALID["goals"], "more": typed[:1990]}

    response = browser.post("/apply/goals?lang=da", data=goals)

    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Det, du har skrevet, er ikke gået tabt" in text                 # in the reader's language
    assert typed[:1990].strip() in text and "Construction engineering" in text    # what was typed is kept
    assert "Traceback" not in text
    with full.app_context():
        fresh = Application.get_by_id(application.id)
        assert (fresh.answers, fresh.completed_steps, fresh.version) == before      # nothing partial
        assert Application.select().count() == 1

    # Space comes back (a new app without the limit, as after a restart): the same browser sends again.
    roomy = make_app()
    again = roomy.test_client()
    again.set_cookie("session", browser.get_cookie("session").value)
    response = again.post("/apply/goals", data=goals)
    assert response.status_code == 302 and response.location.endswith("/apply/consent")
    with roomy.app_context():
        assert Application.get_by_id(application.id).answers["goals"]["more"] == typed[:1990].strip()
