"""Data protection (GDPR): the data inventory, consent, erasure down to the raw bytes, the append-only
audit log with one row per staff view, decision and export, and no decision without a person."""
import csv
import importlib
import inspect
import pkgutil
from datetime import datetime
from pathlib import Path

import pytest
from peewee import IntegrityError
from wtforms import FieldList, Form, FormField
from wtforms.fields.core import UnboundField

import portal
from portal.apply import forms as apply_forms
from portal.apply.wiring import FORMS as STEP_FORMS
from portal.clock import now_utc
from portal.db import database
from portal.models import ALL_MODELS, Application, AuditEvent
from portal.names import fold
from portal.services import decisions, status
from tests.apply.helpers import fill
from tests.review.helpers import make_application, seeded
from tests.status.helpers import sign_in, submitted_application

ROOT = Path(__file__).resolve().parent.parent.parent
INVENTORY = ROOT / "data_inventory.csv"
COLUMNS = ["field", "personal", "purpose", "legal_basis", "retention"]


# ---------------------------------------------------------------- the data inventory

def _form_fields(form_class, prefix):
    """The field names a form class declares (its own and inherited); FieldList(FormField) as list.sub."""
    names = []
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField) or name == "csrf_token":
            continue
        if unbound.field_class is FieldList and unbound.args and getattr(unbound.args[0], "field_class", None) is FormField:
            names += _form_fields(unbound.args[0].args[0], f"{prefix}{name}.")
        else:
            names.append(prefix + name)
    return names


def _portal_forms():
    """Every WTForms form class defined in the portal's modules."""
    found = {}
    for module_info in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, Form) and obj.__module__ == module.__name__:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def stored_and_posted_fields(app) -> set[str]:
    """Every model field, every applicant answer (application.answers.<step>.<field>) and every other form field."""
    names = {f"{model._meta.table_name}.{field.name}" for model in ALL_MODELS for field in model._meta.sorted_fields}
    with app.test_request_context("/"):
        forms = _portal_forms()
        for step, form_class in STEP_FORMS.items():
            names.update(f"application.answers.{step}.{name}" for name in _form_fields(form_class, ""))
    entry_forms = {apply_forms.EducationEntry, apply_forms.WorkEntry}
    for dotted, form_class in forms.items():
        if form_class in STEP_FORMS.values() or form_class in entry_forms:
            continue
        short = dotted.removeprefix("portal.").replace(".forms.", ".")
        names.update(f"form.{short}.{name}" for name in _form_fields(form_class, ""))
    return names


def test_the_data_inventory_lists_every_stored_and_posted_field_and_nothing_else(app):
    with open(INVENTORY, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    listed = [row["field"] for row in rows]
    assert len(listed) == len(set(listed)), "a field is listed twice"
    for row in rows:
        assert all(row[column].strip() for column in COLUMNS), row
        assert row["personal"] in ("no", "yes", "special"), row
        if row["personal"] != "no":
            assert "GDPR art." in row["legal_basis"], row
        if row["personal"] == "special":
            assert "art. 9" in row["legal_basis"], row
    actual = stored_and_posted_fields(app)
    unlisted, gone = sorted(actual - set(listed)), sorted(set(listed) - actual)
    assert not unlisted, f"add these to {INVENTORY.name} (purpose, legal basis, retention): {unlisted}"
    assert not gone, f"these are listed in {INVENTORY.name} but no longer exist: {gone}"


def test_residence_basis_is_special_category_data_in_the_inventory():
    with open(INVENTORY, newline="", encoding="utf-8") as handle:
        rows = {row["field"]: row for row in csv.DictReader(handle)}
    assert rows["application.answers.residence.residence_basis"]["personal"] == "special"
    assert "art. 9(2)(a)" in rows["application.answers.residence.residence_basis"]["legal_basis"]


# ---------------------------------------------------------------- consent

def test_consent_is_stored_with_its_text_version_time_and_channel(client):
    before = now_utc()
    fill(client, consent={"consent": "y", "consent_version": "a-version-the-browser-made-up"})
    application = Application.get()
    assert application.consent_version == apply_forms.CONSENT_VERSION       # the text shown, never what was posted
    assert before <= application.consent_at <= now_utc()
    assert application.consent_channel == "self"
    assert application.answers["consent"]["consent_version"] == apply_forms.CONSENT_VERSION


def test_consent_given_through_a_caseworker_says_so(app, login_as):
    caseworker = login_as("caseworker", municipalities=("101",))
    fill(caseworker)
    assert Application.get().consent_channel == "caseworker"


def test_withdrawing_consent_is_one_action(app, inbox, client):
    application = submitted_application(app)
    sign_in(client, inbox, application)
    events_before = AuditEvent.select().count()
    assert client.post("/status/withdraw").status_code == 302                 # one press, no further steps
    fresh = Application.get_by_id(application.id)
    assert fresh.status == "withdrawn"
    [event] = AuditEvent.select().where(AuditEvent.id > 0).order_by(AuditEvent.id.desc()).limit(1)
    assert AuditEvent.select().count() == events_before + 1
    assert event.action == "application.withdrawn" and event.details["consent_withdrawn"] is True
    with client.application.test_request_context("/"):
        assert status.export_data(fresh)["consent"]["withdrawn"] is True


# ---------------------------------------------------------------- erasure down to the bytes

CANARIES = {
    "name": "Zqxcanary Wobblefjord",
    "email": "canary.q7x@example.org",
    "phone": "+45 31 41 59 26",
    "answer": "Canarytext Kv9 wants to build bridges",
    "education": "Canaryfield Mz3 engineering",
    "note": "Canarynote Pp2 called about the diploma",
    "message": "Canarymessage Rr5: please add your diploma",
}


def _raw_bytes(path: Path) -> bytes:
    """The database file, its write-ahead log (-wal) and the log's index (-shm), as they are on disk."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def _found(raw: bytes) -> list[str]:
    found = []
    # The name as the queue's search keeps it too (application.folded_name and its trigram index).
    for label, value in {**CANARIES, "folded name": fold(CANARIES["name"])}.items():
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if value.encode(encoding) in raw:
                found.append(f"{label} ({encoding})")
    return found


@pytest.mark.sqlite_only
def test_right_after_erasure_no_canary_is_left_in_the_database_file_or_its_write_ahead_log(
        app, login_as, database_url):
    """Nothing else runs in between: no checkpoint of the test's own, and the app's pooled connections stay
    open (so SQLite does not fold the -wal file in as it does when the last connection closes)."""
    path = Path(database_url.removeprefix("sqlite:///"))
    with app.app_context():
        seeded(app)
    applicant = app.test_client()
    fill(applicant, **{"about-you": {"full_name": CANARIES["name"]},
                       "contact": {"email": CANARIES["email"], "phone": CANARIES["phone"]},
                       "education": {"entries-0-field": CANARIES["education"]},
                       "goals": {"more": CANARIES["answer"]}})
    assert applicant.post("/apply/submit").status_code == 302
    application = Application.get(Application.email == CANARIES["email"])
    staff = login_as("staff")
    reference = application.reference
    assert staff.get(f"/review/{reference}").status_code == 200                    # viewed: an audit row
    assert staff.get("/review/export.csv?q=Zqxcanary").status_code == 200          # a search in the audit log
    assert staff.post(f"/review/{reference}/notes", data={"body": CANARIES["note"]}).status_code == 302
    version = Application.get_by_id(application.id).version
    assert staff.post(f"/review/{reference}/take", data={"version": version}).status_code == 302
    version = Application.get_by_id(application.id).version
    assert staff.post(f"/review/{reference}/ask", data={"version": version,
                                                         "message": CANARIES["message"]}).status_code == 302
    database.close()
    assert _found(_raw_bytes(path)), "the canaries were not planted"
    events_before = AuditEvent.select().count()

    with app.test_request_context("/"):
        status.erase(application, staff.user)
    database.close()

    assert _found(_raw_bytes(path)) == []
    assert AuditEvent.select().count() == events_before + 1          # nothing deleted from the audit log
    redacted = [e for e in AuditEvent.select() if (e.details or {}).get("redacted")]
    assert {e.action for e in redacted} == {"application.info_requested", "applications.exported"}
    assert all(e.actor_id == staff.user.id for e in redacted)         # who did what stays


# ---------------------------------------------------------------- the audit log is append-only

def test_the_database_refuses_to_change_or_delete_audit_rows(app, ctx, make_user):
    staff = make_user("staff")
    event = AuditEvent.create(actor=staff, actor_role="staff", action="application.viewed",
                              object_type="application", object_id="x", details={"status": "submitted"})
    with pytest.raises(IntegrityError), database.atomic():
        AuditEvent.update(action="application.nothing").where(AuditEvent.id == event.id).execute()
    with pytest.raises(IntegrityError), database.atomic():
        AuditEvent.update(details={"status": "approved"}).where(AuditEvent.id == event.id).execute()
    with pytest.raises(IntegrityError), database.atomic():
        AuditEvent.update(actor=None, details={"redacted": True}).where(AuditEvent.id == event.id).execute()
    with pytest.raises(IntegrityError), database.atomic():
        AuditEvent.delete().where(AuditEvent.id == event.id).execute()
    with pytest.raises(IntegrityError), database.atomic():
        event.delete_instance()
    assert AuditEvent.get_by_id(event.id).details == {"status": "submitted"}
    # Only an erasure's marked redaction of the details passes; who, what, which and when stay.
    AuditEvent.update(details={"status": "[erased]", "redacted": True}).where(AuditEvent.id == event.id).execute()
    assert AuditEvent.get_by_id(event.id).action == "application.viewed"


DETAILS = {"from_status": "in_review", "message": "Amal Hassan, add your Danish work", "filters": {"q": "amal"},
           "changes": [{"from": 1, "to": 2}]}
ERASED = {**DETAILS, "message": "[erased]", "filters": {"q": "[erased]"}, "redacted": True}


@pytest.mark.parametrize("columns", [
    {"details": {"redacted": True, "x": "forged"}},                            # 0003 let this through
    {"details": {**DETAILS, "redacted": True, "x": "forged"}},                 # a key added
    {"details": {**ERASED, "from_status": "submitted"}},                       # a value changed, not erased
    {"details": {**ERASED, "changes": [{"from": 1, "to": 3}]}},                # ... inside a list
    {"details": {**ERASED, "changes": []}},                                    # items removed
    {"details": {"redacted": True}},                                           # keys removed
    {"details": {**ERASED, "redacted": "true"}},                               # not the mark
    {"details": {k: v for k, v in ERASED.items() if k != "redacted"}},         # no mark
    {"details": None},
    {"action": "application.nothing", "details": ERASED},                      # another column, with a redaction
    {"actor": None, "details": ERASED},
    {"object_id": "another", "details": ERASED},
    {"at": datetime(2020, 1, 1), "details": ERASED},
], ids=["forged-key-0003", "key-added", "value-changed", "list-item-changed", "list-emptied", "keys-removed",
        "mark-not-true", "no-mark", "null", "action", "actor", "object", "time"])
def test_the_database_refuses_every_change_to_an_audit_row_but_an_erasures_exact_redaction(
        app, ctx, make_user, columns):
    staff = make_user("staff")
    event = AuditEvent.create(actor=staff, actor_role="staff", action="application.info_requested",
                              object_type="application", object_id="x", details=DETAILS)
    with pytest.raises(IntegrityError), database.atomic():
        AuditEvent.update(**columns).where(AuditEvent.id == event.id).execute()
    before = AuditEvent.get_by_id(event.id)
    assert (before.details, before.actor_id, before.action, before.object_id) == (DETAILS, staff.id,
                                                                                 event.action, "x")
    # What an erasure writes passes: the same details, the person's words "[erased]", and the mark.
    AuditEvent.update(details=ERASED).where(AuditEvent.id == event.id).execute()
    assert AuditEvent.get_by_id(event.id).details == ERASED


def test_an_erasure_still_redacts_the_audit_log(app, login_as):
    """On both databases: the erasure's own redaction passes the triggers (who did what stays)."""
    seeded(app)
    application = submitted_application(app)
    staff = login_as("staff")
    reference = application.reference
    assert staff.post(f"/review/{reference}/take", data={"version": application.version}).status_code == 302
    version = Application.get_by_id(application.id).version
    assert staff.post(f"/review/{reference}/ask", data={"version": version,
                                                         "message": "Amal Hassan, tell us more"}).status_code == 302
    with app.test_request_context("/"):
        status.erase(application, staff.user)
    [asked] = AuditEvent.select().where(AuditEvent.action == "application.info_requested")
    assert asked.details == {"from_status": "in_review", "to_status": "needs_info", "message": "[erased]",
                             "redacted": True}
    assert asked.actor_id == staff.user.id and asked.object_id == application.public_id


def test_an_erasure_redacts_a_search_that_found_the_person_by_another_spelling(app, login_as):
    """The queue's search folds names ("oestergaard" finds "Østergaard"): such a term names the person too."""
    with app.app_context():
        seeded(app)
        person = make_application(status="submitted", full_name="Jens Østergaard")
        make_application(status="submitted", full_name="Ole Olsen")
    staff = login_as("staff")
    terms = ["oestergaard jens", "OSTERGARD", "Ostergård", "olsen", "jens"]
    for term in terms:
        export = staff.get("/review/export.csv", query_string={"q": term})
        export.get_data()                                       # a streamed export runs to the end
    with app.test_request_context("/"):
        status.erase(person, staff.user)
    exported = AuditEvent.select().where(AuditEvent.action == "applications.exported").order_by(AuditEvent.id)
    assert [e.details["filters"]["q"] for e in exported] == ["[erased]", "[erased]", "[erased]", "olsen", "[erased]"]


def test_every_staff_view_decision_and_export_writes_exactly_one_audit_row(app, login_as):
    with app.app_context():
        programme = seeded(app)
        applications = [make_application(status="submitted", programme=programme.id) for _ in range(5)]
    staff = login_as("staff")
    ids_before = {e.id: (e.action, e.details) for e in AuditEvent.select()}

    def one_row(do, action):
        before = AuditEvent.select().count()
        response = do()
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
        if hasattr(response, "get_data"):
            response.get_data()                                   # a streamed export runs to the end
        new = list(AuditEvent.select().order_by(AuditEvent.id.desc()).limit(AuditEvent.select().count() - before))
        assert [e.action for e in new] == [action], (action, [e.action for e in new])

    def decide(application, action, **data):
        version = Application.get_by_id(application.id).version
        return lambda: staff.post(f"/review/{application.reference}/{action}", data={"version": version, **data})

    one_row(lambda: staff.get(f"/review/{applications[0].reference}"), "application.viewed")
    one_row(lambda: staff.get("/review/export.csv"), "applications.exported")
    one_row(lambda: staff.post(f"/review/{applications[0].reference}/notes", data={"body": "Checked"}),
            "application.note_added")
    for application in applications:
        one_row(decide(application, "take"), "application.taken")
    one_row(decide(applications[0], "approve", programme=str(programme.id)), "application.approved")
    one_row(decide(applications[1], "reject", code="capacity", message=""), "application.rejected")
    one_row(decide(applications[2], "ask", message="Add your diploma"), "application.info_requested")
    one_row(decide(applications[3], "withdraw", reason="Asked by phone"), "application.withdrawn")
    # Looking at the queue or a confirmation page changes nothing, and writes nothing.
    count = AuditEvent.select().count()
    for path in ("/review/", f"/review/{applications[4].reference}/approve", "/review/?status=approved"):
        assert staff.get(path).status_code == 200
    assert AuditEvent.select().count() == count
    # Nothing that was there before was changed or removed.
    assert {e.id: (e.action, e.details) for e in AuditEvent.select().where(AuditEvent.id.in_(list(ids_before)))} \
        == ids_before


def test_purge_and_erasure_never_delete_audit_rows(app, inbox, make_user):
    from datetime import timedelta

    from portal.services import retention
    application = submitted_application(app)
    staff = make_user("staff")
    before = AuditEvent.select().count()
    with app.test_request_context("/"):
        status.erase(application, staff)
        Application.update(status="withdrawn", updated_at=now_utc() - timedelta(days=3000)).where(
            Application.id == submitted_application(app, email="old@example.org").id).execute()
        before_purge = AuditEvent.select().count()
        report = retention.purge(now_utc())
    assert report.closed == 1
    assert AuditEvent.select().count() == before_purge + 1 > before


# ---------------------------------------------------------------- no decision without a person

@pytest.mark.parametrize("decision", ["approved", "rejected"])
def test_the_database_refuses_a_decision_without_a_person_or_a_reason(app, ctx, make_user, decision):
    application = make_application(status="in_review")
    staff = make_user("staff")
    for columns in ({"decided_by": None, "decision_reason": "fits"}, {"decided_by": staff.id, "decision_reason": None},
                    {}):
        with pytest.raises(IntegrityError), database.atomic():
            Application.update(status=decision, **columns).where(Application.id == application.id).execute()
    with pytest.raises(IntegrityError), database.atomic():
        database.execute_sql(f"UPDATE application SET status = '{decision}' WHERE id = {int(application.id)}")
    assert Application.get_by_id(application.id).status == "in_review"
    Application.update(status=decision, decided_by=staff.id, decision_reason="fits").where(
        Application.id == application.id).execute()


def test_eligibility_only_advises_a_likely_not_eligible_application_waits_for_a_person(app, client):
    with app.app_context():
        seeded(app)
    fill(client, residence={"residence_basis": "other"}, languages={"danish_level": "A1", "danish_test_passed": "no",
                                                                   "english_level": "A1"})
    assert client.post("/apply/submit").status_code == 302
    application = Application.get()
    assert application.verdict == "likely_not_eligible"
    assert application.status == "submitted" and application.decided_by is None and application.decided_at is None
    assert decisions.available_actions(application, None) == ["take", "withdraw"]
