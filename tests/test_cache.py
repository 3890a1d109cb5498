"""The review queue's data version (migration 0006) and the cache that follows it (portal/cache.py)."""
import threading
import time
from datetime import datetime

import pytest

from portal.cache import LruCache, VersionedCache, current_version
from portal.db import database
from portal.models import Application, DataVersion, User
from portal.services.reviews import QUEUE_DATA


def version():
    return current_version(QUEUE_DATA)


def test_writes_to_submitted_applications_move_the_queue_version_and_drafts_do_not(app, ctx):
    start = version()
    assert start is not None
    draft = Application.create(status="draft", full_name="Draft Person")
    Application.update(full_name="Still a draft").where(Application.id == draft.id).execute()
    assert version() == start                                   # an applicant saving a step
    Application.update(status="submitted", reference="MB-VERS-0001", submitted_at=datetime(2026, 1, 1)) \
        .where(Application.id == draft.id).execute()
    assert version() == start + 1                               # submitted: now in the queue
    Application.update(status="in_review").where(Application.id == draft.id).execute()
    assert version() == start + 2
    Application.create(status="submitted", reference="MB-VERS-0002", submitted_at=datetime(2026, 1, 2))
    assert version() == start + 3
    Application.delete().where(Application.reference == "MB-VERS-0002").execute()
    deleted = version()
    assert deleted > start + 3              # PostgreSQL: the cascade to notes and referrals moves it too (0011)
    Application.delete().where(Application.id == draft.id).execute()
    assert version() > deleted


def test_a_bulk_insert_moves_the_version_and_a_failed_write_does_not(app, ctx):
    start = version()
    Application.insert_many([{"status": "submitted", "reference": f"MB-BULK-{n:04d}",
                              "submitted_at": datetime(2026, 1, 1)} for n in range(50)]).execute()
    assert version() > start
    moved = version()
    with pytest.raises(RuntimeError), database.atomic():
        Application.update(full_name="Changed").where(Application.reference == "MB-BULK-0001").execute()
        raise RuntimeError("the rest of the transaction failed")
    assert version() == moved                                   # rolled back together with the write


def test_a_reviewer_renamed_moves_the_version(app, ctx):
    user = User.create(email="reviewer@example.org", name="Old Name", role="staff", password_hash="x")
    start = version()
    User.update(language="en").where(User.id == user.id).execute()
    assert version() == start
    User.update(name="New Name").where(User.id == user.id).execute()
    assert version() == start + 1


def test_the_cache_reuses_a_value_until_the_version_moves(app, ctx):
    cache, computed = VersionedCache(QUEUE_DATA, size=8), []

    def compute():
        computed.append(1)
        return len(computed)

    assert cache.get("view", compute) == 1
    assert cache.get("view", compute) == 1 and len(computed) == 1
    assert cache.get("other view", compute) == 2
    DataVersion.update(version=DataVersion.version + 1).where(DataVersion.name == QUEUE_DATA).execute()
    assert cache.get("view", compute) == 3
    assert len(cache) == 1                       # what was computed at the older version is gone


def test_the_cache_keeps_only_its_size_least_recently_used_first(app, ctx):
    cache = VersionedCache(QUEUE_DATA, size=2)
    for key in ("a", "b"):
        cache.get(key, lambda key=key: key.upper())
    cache.get("a", lambda: "again")              # "a" used again: "b" is now the oldest
    cache.get("c", lambda: "C")
    assert cache.get("a", lambda: "recomputed") == "A"
    assert cache.get("b", lambda: "recomputed") == "recomputed"


def test_no_version_row_or_size_zero_means_no_caching(app, ctx):
    calls = []
    off = VersionedCache(QUEUE_DATA, size=0)
    off.get("k", lambda: calls.append(1))
    off.get("k", lambda: calls.append(1))
    unknown = VersionedCache("no such data", size=8)
    unknown.get("k", lambda: calls.append(1))
    unknown.get("k", lambda: calls.append(1))
    assert len(calls) == 4


def test_a_programme_added_renamed_or_removed_moves_the_version(app, ctx):
    from datetime import date

    from portal.models import Programme
    start = version()
    programme = Programme.create(name="Forløb 2028", start_date=date(2028, 1, 1))
    Programme.update(name="Forløb 2028 (forår)").where(Programme.id == programme.id).execute()
    assert version() == start + 2
    Programme.update(capacity=30).where(Programme.id == programme.id).execute()
    assert version() == start + 2                  # places are not on the queue page
    Programme.delete().where(Programme.id == programme.id).execute()
    assert version() == start + 3


def test_an_applications_history_notes_and_referral_move_the_version_and_a_view_does_not(app, ctx):
    """Migration 0011: an application's page keeps them with its other parts."""
    from datetime import date

    from portal.models import AuditEvent, Note, Referral
    user = User.create(email="caseworker@example.org", name="Case Worker", role="caseworker", password_hash="x")
    application = Application.create(status="submitted", reference="MB-HIST-0001", submitted_at=datetime(2026, 1, 1))

    def audit(action, object_type="application"):
        AuditEvent.create(actor=user, actor_role="staff", action=action, object_type=object_type,
                          object_id=application.public_id)
    start = version()
    audit("application.viewed")
    audit("user.login", object_type="user")
    assert version() == start                                   # opened, and something about no application
    audit("application.taken")
    assert version() == start + 1
    AuditEvent.insert_many([{"actor_role": "staff", "action": "application.viewed", "object_type": "application",
                             "object_id": application.public_id}] * 3).execute()
    assert version() == start + 1                               # many views at once
    note = Note.create(application=application, author=user, body="Called")
    Note.delete().where(Note.id == note.id).execute()
    assert version() == start + 3
    referral = Referral.create(caseworker=user, municipality="101", full_name="A", note="", consent_how="in_person",
                               consent_at=date(2026, 1, 2), application=application.id)
    Referral.update(note="Logistics").where(Referral.id == referral.id).execute()
    assert version() == start + 5
    User.update(email="new@example.org").where(User.id == user.id).execute()
    assert version() == start + 6                               # a referral shows its caseworker's email


def asked_at_once(cache_get, threads=4):
    """`cache_get(compute)` from several threads at once, while the first computation is still running:
    returns (what each thread got, how many computations ran)."""
    started, release, runs = threading.Event(), threading.Event(), []

    def compute():
        runs.append(1)
        started.set()
        assert release.wait(5)
        return f"page {len(runs)}"
    results = []
    workers = [threading.Thread(target=lambda: results.append(cache_get(compute))) for _ in range(threads)]
    workers[0].start()
    assert started.wait(5)                       # the first is computing...
    for worker in workers[1:]:
        worker.start()                           # ...when the others ask
    time.sleep(0.1)
    release.set()
    for worker in workers:
        worker.join(5)
    return results, len(runs)


def test_a_value_asked_for_by_several_threads_at_once_is_computed_once():
    cache = LruCache(size=8)
    results, runs = asked_at_once(lambda compute: cache.get("queue", compute))
    assert runs == 1 and results == ["page 1"] * 4
    versioned = VersionedCache(QUEUE_DATA, size=8)
    results, runs = asked_at_once(lambda compute: versioned.get("queue", compute, version=7))
    assert runs == 1 and results == ["page 1"] * 4
    assert versioned.get("queue", lambda: "recomputed", version=8) == "recomputed"   # a newer version


def test_when_the_first_computation_fails_the_waiting_threads_compute_their_own():
    cache, started, release, answers = LruCache(size=8), threading.Event(), threading.Event(), []

    def failing():
        started.set()
        release.wait(5)
        raise RuntimeError("database went away")

    def first():
        with pytest.raises(RuntimeError):
            cache.get("queue", failing)
    failed = threading.Thread(target=first)
    failed.start()
    assert started.wait(5)
    waiter = threading.Thread(target=lambda: answers.append(cache.get("queue", lambda: "computed again")))
    waiter.start()
    release.set()
    failed.join(5)
    waiter.join(5)
    assert answers == ["computed again"]
    assert cache.get("queue", lambda: "not again") == "computed again"   # and kept
