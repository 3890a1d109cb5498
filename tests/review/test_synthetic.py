"""Synthetic applications for demos and load tests: realistic, varied, fast, and usable by every page."""
from collections import Counter

from portal.models import Application, AuditEvent, Municipality, User
from portal.services import synthetic
from tests.review.helpers import seeded


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_seed_demo_with_applications(app, tmp_path):
    app.instance_path = str(tmp_path)
    assert run(app, "seed-demo").exit_code == 0
    before = Application.select().count()                   # the demo's own applications, if any
    result = run(app, "seed-demo", "--applications", "400")
    assert result.exit_code == 0, result.output
    assert "Added 400 synthetic application(s)." in result.output and "staff@demo.mentorbro.dk" in result.output
    assert Application.select().count() == before + 400


def test_generated_applications_are_varied_and_consistent(app, login_as):
    seeded(app)
    with app.test_request_context("/"):
        assert synthetic.generate(1500, seed=7) == 1500
    apps = list(Application.select())
    statuses = Counter(a.status for a in apps)
    assert set(statuses) == {"draft", "submitted", "in_review", "needs_info", "approved", "rejected",
                             "withdrawn", "matched", "active", "completed"}
    assert {a.language for a in apps} == {"da", "en"} and {a.source for a in apps} == {"self", "referral"}
    assert len({a.municipality_id for a in apps}) > 60
    assert len({a.verdict for a in apps if a.verdict}) == 3
    assert any(a.possible_duplicate for a in apps)
    assert len({a.full_name.split()[-1] for a in apps}) > 50
    assert all(a.reference and a.eligibility and a.programme_id for a in apps if a.status != "draft")
    assert all(a.decided_by_id and a.decision_reason for a in apps if a.status in ("approved", "rejected"))
    assert all(a.email is None or a.email.endswith(("example.org", "example.net", "example.com")) for a in apps)
    decided = next(a for a in apps if a.status == "rejected")
    history = AuditEvent.select().where(AuditEvent.object_id == decided.public_id)
    assert [e.action for e in history.order_by(AuditEvent.at)] == [
        "application.submitted", "application.taken", "application.rejected"]
    assert User.select().where(User.role == "staff").count() >= 4
    staff = login_as("staff")
    assert staff.get(f"/review/{decided.reference}").status_code == 200
    assert staff.get("/review/?status=rejected").status_code == 200
    assert Municipality.select().count() == 98
