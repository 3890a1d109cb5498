"""ASVS V5.1.2 (mass assignment): posted fields a form does not have (status, role, municipality, ...) change nothing."""
from datetime import date

from portal.models import Application, MentorProfile, Note, Referral, User
from tests.apply.helpers import VALID
from tests.programmes.helpers import mentor
from tests.review.helpers import make_application, seeded

EXTRA = {"status": "approved", "role": "admin", "municipality": "751", "reference": "MB-AAAA-AAAA",
         "verdict": "likely_eligible", "programme": "1", "source": "referral", "decided_by": "1",
         "caseworker": "1", "author": "1", "active": "y", "id": "1", "public_id": "chosen", "version": "99",
         "totp_secret": "JBSWY3DPEHPK3PXP", "session_version": "1", "completed_steps": "consent"}


def test_the_applicant_form_takes_only_its_own_fields(client):
    for step, data in VALID.items():
        extra = {k: v for k, v in EXTRA.items() if k not in data}
        assert client.post(f"/apply/{step}", data={**data, **extra}).status_code == 302, step
    application = Application.get()
    assert application.status == "draft" and application.reference is None and application.verdict is None
    assert application.municipality_id == "101" and application.source == "self" and application.public_id != "chosen"
    for step, answers in application.answers.items():
        assert not set(answers) & (set(EXTRA) - set(VALID[step])), step
    assert client.post("/apply/submit", data=EXTRA).status_code == 302
    application = Application.get()
    assert application.status == "submitted" and application.reference != "MB-AAAA-AAAA"
    assert application.decided_by is None and application.municipality_id == "101"


def test_a_referral_cannot_choose_its_caseworker_or_application(app, login_as):
    caseworker = login_as("caseworker")
    other = login_as("caseworker", municipalities=("751",))
    response = caseworker.post("/referrals/new", data={
        "full_name": "Nour Ali", "email": "nour@example.org", "municipality": "101", "language": "en",
        "note": "Engineer", "consent_how": "in_person", "consent_at": date.today().isoformat(), "agreed": "y",
        "mode": "invite", **{**EXTRA, "caseworker": str(other.user.id), "municipality": "101",
                            "application": "1", "status": "approved"}})
    assert response.status_code == 302
    referral = Referral.get()
    assert referral.caseworker_id == caseworker.user.id and referral.municipality_id == "101"
    assert referral.application.status == "draft" and referral.application.reference is None


def test_a_mentor_cannot_set_their_role_site_or_training(app, login_as):
    with app.test_request_context("/"):
        seeded()
        me = mentor(email="me@example.org", trained=None)
    from tests.conftest import login
    client = app.test_client()
    login(client, me.email)
    site_before = MentorProfile.of(me).site_id
    response = client.post("/mentor/profile", data={
        "work_years": "12", "leadership": "yes", "fields": "IT", "languages": ["da"], "capacity": "2",
        **EXTRA, "site": "999", "trained_on": "2020-01-01", "user": "1"})
    assert response.status_code == 302
    profile = MentorProfile.of(me)
    assert profile.site_id == site_before and profile.trained_on is None and profile.work_years == 12
    assert User.get_by_id(me.id).role == "mentor"


def test_a_note_and_a_decision_record_the_signed_in_reviewer_only(app, login_as):
    staff = login_as("staff")
    other = login_as("staff")
    application = make_application()
    response = staff.post(f"/review/{application.reference}/notes",
                          data={"body": "Checked the papers", **EXTRA, "author": str(other.user.id)})
    assert response.status_code == 302
    assert Note.get().author_id == staff.user.id
    staff.post(f"/review/{application.reference}/take",
               data={**EXTRA, "version": str(application.version), "assigned_to": str(other.user.id)})
    fresh = Application.get_by_id(application.id)
    assert fresh.status == "in_review" and fresh.assigned_to_id == staff.user.id and fresh.decided_by is None


def test_a_user_cannot_make_themself_admin_through_any_form(app, login_as):
    for role in ("staff", "caseworker", "mentor"):
        client = login_as(role)
        for path in ("/login", "/account/reset", f"/admin/users/{client.user.id}/reactivate", "/admin/users/invite"):
            client.post(path, data={**EXTRA, "email": client.user.email, "role": "admin"})
        assert User.get_by_id(client.user.id).role == role
        assert User.get_by_id(client.user.id).totp_secret is None
