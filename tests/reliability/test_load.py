"""Load and races against a real gunicorn (4 workers) on loopback, over one SQLite file, with CSRF on."""
import multiprocessing
import re
import shutil
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from portal import create_app
from portal.cli import migrate
from portal.db import database
from portal.models import ALL_MODELS
from tests.reliability.live import (Browser, Portal, applicant_process, check_invariants, fill_in, percentile,
                                    reader_process)

pytestmark = [pytest.mark.system, pytest.mark.sqlite_only]

WRITERS, APPLICATIONS_EACH, READERS = 8, 50, 4
RACES = 100
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    portal = Portal(tmp_path_factory.mktemp("live")).prepare().add_staff(READERS - 2)
    portal.start()
    yield portal
    portal.stop()


def _submitted(portal, email_like):
    return portal.query("SELECT count(*) FROM application WHERE email LIKE ? AND status = 'submitted'"
                        " AND reference IS NOT NULL", email_like)[0][0]


def test_400_applications_from_8_clients_while_4_staff_page_the_queue(portal, record_property):
    spawn = multiprocessing.get_context("spawn")
    results, stop = spawn.Queue(), spawn.Event()
    readers = [spawn.Process(target=reader_process, args=(portal.url, login, stop, results))
               for login in portal.staff[:READERS]]
    writers = [spawn.Process(target=applicant_process, args=(portal.url, n, APPLICATIONS_EACH, results))
               for n in range(WRITERS)]
    for process in readers:
        process.start()
    started = time.monotonic()
    for process in writers:
        process.start()
    reports = [results.get(timeout=600) for _ in writers]
    elapsed = time.monotonic() - started
    stop.set()
    reports += [results.get(timeout=120) for _ in readers]
    for process in readers + writers:
        process.join(timeout=60)

    timings = [seconds for report in reports for seconds, _ in report["timings"]]
    statuses = [status for report in reports for _, status in report["timings"]]
    failures = [failure for report in reports for failure in report["failures"]]
    server_errors = sum(status >= 500 for status in statuses)
    locked = sum(report["locked"] for report in reports)
    stored = _submitted(portal, "load-%@example.org")
    audited = portal.query("SELECT count(DISTINCT a.id) FROM application a JOIN audit_event e"
                           " ON e.object_id = a.public_id AND e.action = 'application.submitted'"
                           " WHERE a.email LIKE 'load-%@example.org'")[0][0]
    p50, p95, p99 = (percentile(timings, f) for f in (0.50, 0.95, 0.99))
    pages = sum(report.get("pages", 0) for report in reports)
    figures = (f"load: {stored} of {WRITERS * APPLICATIONS_EACH} applications stored ({audited} with their audit row) "
               f"in {elapsed:.1f}s by {WRITERS} client processes against gunicorn -w 4, while {READERS} staff "
               f"read {pages} queue pages; {len(timings)} requests ({len(timings) / elapsed:.0f}/s), "
               f"{server_errors} responses >= 500, {locked} 'database is locked'; latency p50 {p50 * 1000:.0f} ms, "
               f"p95 {p95 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms")
    print(figures)
    record_property("figures", figures)

    assert not failures, failures[:10]
    assert stored == WRITERS * APPLICATIONS_EACH and audited == stored
    assert server_errors == 0 and locked == 0
    assert p95 < 1.0, figures
    assert "database is locked" not in portal.log()


def test_20_identical_submissions_at_once_make_exactly_one_application(portal):
    browser = Browser(portal.url)
    fill_in(browser, "Double Clicker", "double-clicker@example.org")
    barrier = threading.Barrier(20)

    def press_send(_):
        barrier.wait()
        return browser.post("/apply/submit", {})[0:3:2]

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(press_send, range(20)))

    assert all(status == 302 for status, _ in responses), responses
    assert all(location.endswith(("/apply/done", "/apply/")) for _, location in responses), responses
    [(public_id, reference, status)] = portal.query(
        "SELECT public_id, reference, status FROM application WHERE email = 'double-clicker@example.org'")
    assert status == "submitted" and reference
    assert portal.query("SELECT count(*) FROM audit_event WHERE object_id = ? AND action = 'application.submitted'",
                        public_id) == [(1,)]
    assert portal.query("SELECT count(*) FROM outbox WHERE recipient = 'double-clicker@example.org'"
                        " AND body LIKE ?", f"%{reference}%") == [(1,)]
    assert browser.get("/apply/done")[0] == 200


def _in_review(portal, count):
    """`count` applications in review, written straight into the table (the race is what is tested)."""
    [(programme,)] = portal.query("SELECT id FROM programme WHERE open_for_applications ORDER BY id DESC LIMIT 1")
    connection = sqlite3.connect(portal.db_path, timeout=30)
    now = datetime.utcnow().isoformat(sep=" ")
    with connection:
        # Room for every approval that wins a race: a full programme takes no more (lifecycle.py).
        connection.execute("UPDATE programme SET capacity = capacity + ? WHERE id = ?", (count, programme))
        for n in range(count):
            connection.execute(
                "INSERT INTO application (public_id, reference, status, source, language, answers, completed_steps,"
                " full_name, email, municipality_id, programme_id, verdict, possible_duplicate, version, created_at,"
                " updated_at, submitted_at) VALUES (?, ?, 'in_review', 'self', 'en', '{}', '[]', ?, ?, '101', ?,"
                " 'needs_review', 0, 3, ?, ?, ?)",
                (f"race-{n}-public-id", f"MB-RACE-{n:04d}", f"Race Person {n}", f"race{n}@example.org", programme,
                 now, now, now))
    connection.close()
    return programme


def _version(text):
    found = VERSION.search(text)
    assert found, text[:2000]
    return found.group(1) or found.group(2)


def test_approve_and_reject_at_once_100_times_gives_one_decision_and_tells_the_loser(portal, record_property):
    programme = _in_review(portal, RACES)
    approver, rejecter = Browser(portal.url), Browser(portal.url)
    approver.login(*portal.staff[0])
    rejecter.login(*portal.staff[1])
    for browser in (approver, rejecter):
        browser.get("/?lang=en")
    outcomes = {"approve": 0, "reject": 0}
    with ThreadPoolExecutor(2) as pool:
        for n in range(RACES):
            reference = f"MB-RACE-{n:04d}"
            _, approve_page, _ = approver.get(f"/review/{reference}/approve")
            _, reject_page, _ = rejecter.get(f"/review/{reference}/reject")
            barrier = threading.Barrier(2)

            def decide(browser, action, data):
                barrier.wait()
                return browser.post(f"/review/{reference}/{action}", data)

            approved = pool.submit(decide, approver, "approve",
                                   {"version": _version(approve_page), "programme": str(programme)})
            rejected = pool.submit(decide, rejecter, "reject",
                                   {"version": _version(reject_page), "code": "capacity", "message": ""})
            answers = {"approve": approved.result(), "reject": rejected.result()}
            winners = [action for action, (status, _, _) in answers.items() if status == 302]
            assert len(winners) == 1, (n, {a: (s, t[:300]) for a, (s, t, _) in answers.items()})
            [loser] = set(answers) - set(winners)
            status, text, _ = answers[loser]
            assert status == 409 and "This application changed while you were reading it" in text, (n, text[:2000])
            outcomes[winners[0]] += 1
            [(state, decided_by)] = portal.query(
                "SELECT status, decided_by_id FROM application WHERE reference = ?", reference)
            assert state == {"approve": "approved", "reject": "rejected"}[winners[0]] and decided_by
            assert portal.query(
                "SELECT count(*) FROM audit_event WHERE object_id = ? AND action IN"
                " ('application.approved', 'application.rejected')", f"race-{n}-public-id") == [(1,)]
    figures = (f"decision races: {RACES} of {RACES} gave one decision ({outcomes['approve']} approvals won, "
               f"{outcomes['reject']} rejections won); every loser got 409 'changed while you were reading it'")
    print(figures)
    record_property("figures", figures)
    assert sum(outcomes.values()) == RACES


def _row_counts(path) -> dict:
    connection = sqlite3.connect(path, timeout=30)
    try:
        return {model._meta.table_name: connection.execute(f'SELECT count(*) FROM "{model._meta.table_name}"').fetchone()[0]
                for model in ALL_MODELS}
    finally:
        connection.close()


def test_an_online_backup_under_load_restores_whole(portal, tmp_path, record_property):
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    writers = [spawn.Process(target=applicant_process, args=(portal.url, 100 + n, 12, results)) for n in range(2)]
    for process in writers:
        process.start()
    while _submitted(portal, "load-10_-%@example.org") < 4:          # writes are under way
        time.sleep(0.1)
    at_start = _row_counts(portal.db_path)
    target = tmp_path / "backup" / "mentorbro-backup.db"
    target.parent.mkdir()
    result = portal.cli("backup", str(target))
    during = _submitted(portal, "load-10_-%@example.org")
    reports = [results.get(timeout=300) for _ in writers]
    for process in writers:
        process.join(timeout=60)
    assert not [f for report in reports for f in report["failures"]]
    assert "Backed up" in result.stdout and target.exists()
    assert _submitted(portal, "load-10_-%@example.org") == 24

    # The restore drill: a copy of the backup file is a whole, working portal database.
    restored = tmp_path / "restored.db"
    shutil.copy(target, restored)
    check_invariants(restored, "load-%")
    in_copy = _row_counts(restored)
    assert all(in_copy[table] >= count for table, count in at_start.items()), (at_start, in_copy)
    assert in_copy["application"] <= _row_counts(portal.db_path)["application"]
    app = create_app({"DATABASE_URL": f"sqlite:///{restored}", "SECRET_KEY": "restore-drill", "TESTING": True})
    with app.app_context():
        assert migrate() == []                                   # the schema is complete and current
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}
    database.close()
    figures = (f"backup under load: {sum(in_copy.values())} rows in {len(in_copy)} tables copied while applicants "
               f"wrote ({at_start['application']} applications at the start, {during} of 24 new ones sent when it "
               f"ended); restore drill: integrity_check ok, every table has at least its rows at backup start, "
               f"every application whole")
    print(figures)
    record_property("figures", figures)
