"""Retention: `purge` deletes stale drafts and closed applications past retention, and nothing else."""
from datetime import timedelta
from pathlib import Path

import pytest

from portal.clock import now_utc
from portal.db import database
from portal.mail import MAX_ATTEMPTS
from portal.models import Application, AuditEvent, LoginAttempt, OneTimeToken, Outbox
from portal.services.retention import purge
from tests.apply.helpers import fill


def make(client, status=None, age_days=0):
    fill(client, until="residence")
    with client.session_transaction() as session:
        application = Application.by_public_id(session["application"])
    Application.update(status=status or "draft", updated_at=now_utc() - timedelta(days=age_days)).where(
        Application.id == application.id).execute()
    return application


def test_purge_deletes_only_what_is_past_retention_and_is_idempotent(app):
    old_draft = make(app.test_client(), age_days=31)
    fresh_draft = make(app.test_client(), age_days=29)
    old_withdrawn = make(app.test_client(), status="withdrawn", age_days=731)
    recent_withdrawn = make(app.test_client(), status="withdrawn", age_days=100)
    open_old = make(app.test_client(), status="submitted", age_days=2000)

    dry = purge(now_utc(), dry_run=True)
    assert (dry.drafts, dry.closed) == (1, 1)
    assert Application.select().count() == 5

    report = purge(now_utc())
    assert (report.drafts, report.closed) == (1, 1)
    left = {a.id for a in Application.select()}
    assert left == {fresh_draft.id, recent_withdrawn.id, open_old.id}
    assert not OneTimeToken.select().where(OneTimeToken.application == old_draft.id).exists()
    assert AuditEvent.select().where(AuditEvent.action == "application.purged").count() == 2

    again = purge(now_utc())
    assert (again.drafts, again.closed) == (0, 0)


def _on_disk(path: Path) -> bytes:
    """The SQLite database file and its write-ahead log, as they are on disk."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


@pytest.mark.sqlite_only
def test_right_after_a_purge_nothing_it_deleted_is_left_in_the_database_file_or_its_write_ahead_log(
        app, database_url):
    canary = "Zqxpurged Canaryname"
    client = app.test_client()
    fill(client, until="residence", **{"about-you": {"full_name": canary}})
    with client.session_transaction() as session:
        application = Application.by_public_id(session["application"])
    Application.update(updated_at=now_utc() - timedelta(days=31)).where(Application.id == application.id).execute()
    path = Path(database_url.removeprefix("sqlite:///"))
    assert canary.encode() in _on_disk(path)

    assert purge(now_utc()).drafts == 1
    database.close()                     # back to the pool: its connections stay open, nothing folds the log in
    assert canary.encode() not in _on_disk(path)


def test_the_clock_is_injected(app):
    draft = make(app.test_client(), age_days=0)
    assert purge(now_utc() + timedelta(days=31)).drafts == 1
    assert not Application.select().where(Application.id == draft.id).exists()


def test_purge_command(app):
    make(app.test_client(), age_days=40)
    dry = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert "Would delete 1 stale draft(s)" in dry.output and Application.select().count() == 1
    real = app.test_cli_runner().invoke(args=["purge"])
    assert "Deleted 1 stale draft(s)" in real.output and Application.select().count() == 0


def test_purge_deletes_emails_done_with_for_90_days_and_keeps_the_rest(app):
    now = now_utc()
    with app.app_context():
        def email(subject, created_days, sent_days=None, attempts=0):
            return Outbox.create(recipient="amal@example.org", subject=subject, body="Dear Amal", language="en",
                                 created_at=now - timedelta(days=created_days), attempts=attempts,
                                 sent_at=None if sent_days is None else now - timedelta(days=sent_days))
        email("sent long ago", 200, sent_days=91)
        email("given up long ago", 100, attempts=MAX_ATTEMPTS)
        kept = {email("sent lately", 95, sent_days=89).id,
                email("given up lately", 80, attempts=MAX_ATTEMPTS).id,
                email("still being tried", 200, attempts=MAX_ATTEMPTS - 1).id,
                email("waiting", 120).id}
        assert purge(now, dry_run=True).emails == 2 and Outbox.select().count() == 6
        assert purge(now).emails == 2
        assert {m.id for m in Outbox.select()} == kept
        assert purge(now).emails == 0

    output = app.test_cli_runner().invoke(args=["purge", "--dry-run"]).output
    assert "0 old email(s)" in output


def test_purge_deletes_sign_in_attempts_older_than_30_days(app):
    now = now_utc()
    with app.app_context():
        def attempt(days):
            return LoginAttempt.create(email="rita@example.org", address="192.0.2.1", succeeded=False,
                                       at=now - timedelta(days=days)).id
        attempt(31)
        attempt(400)
        kept = {attempt(29), attempt(0)}
        assert purge(now, dry_run=True).login_attempts == 2 and LoginAttempt.select().count() == 4
        assert purge(now).login_attempts == 2
        assert {a.id for a in LoginAttempt.select()} == kept


def test_purge_deletes_sign_in_counters_unused_for_30_days(app, make_user):
    """The throttle's rows name an email or an address: kept 30 days after their last attempt."""
    from portal.models import LoginThrottle
    from portal.services import authentication
    make_user("staff", email="rita@example.org")
    with app.test_request_context("/"):
        authentication.authenticate("rita@example.org", "wrong", "192.0.2.1", now=now_utc() - timedelta(days=31))
        authentication.authenticate("nora@example.org", "wrong", "192.0.2.2", now=now_utc() - timedelta(days=29))
    assert LoginThrottle.select().count() == 4          # an account and an address each
    assert purge(now_utc()).login_attempts == 1 + 2      # rita's attempt, and its two counters
    assert sorted(row.key for row in LoginThrottle.select()) == ["account:nora@example.org", "address:192.0.2.2"]
