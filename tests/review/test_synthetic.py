"""Synthetic applications for demos and load tests: realistic, varied, fast, and usable by every page."""
import re
from collections import Counter
from datetime import date

from portal.models import (Application, AuditEvent, Meeting, MentorProfile, Milestone, Municipality, Outcome, Pair,
                           Programme, ProgrammeSite, ProgrammeStart, SiteCatchment, User)
from portal.services import demo, synthetic
from portal.services.cohorts import PAIRED, add_months, end_date
from tests.conftest import PASSWORD, login
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


def _demo_with_a_current_programme_starting_soon(app):
    """The demo, its current programme starting in about three months (so the synthetic cohorts before it,
    six months apart, are one running today and the others ended, whatever today is)."""
    with app.test_request_context("/"):
        demo.seed(lambda: PASSWORD)
    current = Programme.current()
    current.start_date = add_months(date.today().replace(day=1), 3)
    current.save()
    with app.test_request_context("/"):
        assert synthetic.generate(1500, seed=11) == 1500
    return current


def test_the_synthetic_programmes_have_pairs_within_every_capacity(app):
    current = _demo_with_a_current_programme_starting_soon(app)
    today = date.today()
    stages = {}
    for programme in Programme.select():
        end = end_date(programme)
        stages[programme.id] = "ended" if today >= end else "running" if today >= programme.start_date else "planned"
    assert stages[current.id] == "planned" and sorted(stages.values()).count("running") == 1
    pairs = list(Pair.select(Pair, Application).join(Application))
    # Every matched, active or completed application has its pair, and no other has one.
    paired = Application.select().where(Application.status.in_(PAIRED))
    assert {a.id for a in paired} == {p.application_id for p in pairs}
    by_programme = Counter(p.programme_id for p in pairs)
    assert all(by_programme[pid] > 0 for pid in stages) and all(
        n <= Programme.get_by_id(pid).capacity for pid, n in by_programme.items())
    profiles = {p.user_id: p for p in MentorProfile.select()}
    current_load = Counter(p.mentor_id for p in pairs if p.application.status in ("matched", "active"))
    assert current_load and all(n <= profiles[mentor].capacity for mentor, n in current_load.items())
    for pair in pairs:
        profile = profiles[pair.mentor_id]
        assert profile.trained_on and profile.site_id == pair.site_id
        assert ProgrammeSite.select().where((ProgrammeSite.programme == pair.programme_id)
                                            & (ProgrammeSite.site == pair.site_id)).exists()
        assert SiteCatchment.select().where((SiteCatchment.site == pair.site_id)
                                            & (SiteCatchment.municipality == pair.application.municipality_id)).exists()
        expected = {"planned": {"matched"}, "running": {"active", "completed"}, "ended": {"completed"}}
        assert pair.application.status in expected[stages[pair.programme_id]]
        if stages[pair.programme_id] == "planned":
            assert pair.started_on is None and not pair.meetings.exists()
        else:
            start = Programme.get_by_id(pair.programme_id).start_date
            assert pair.started_on == start and pair.accepted_at.date() < start
            assert all(start <= m.held_on <= today for m in pair.meetings)
    running = next(pid for pid, stage in stages.items() if stage == "running")
    ended = [pid for pid, stage in stages.items() if stage == "ended"]
    assert ProgrammeStart.select().where(ProgrammeStart.programme == running).exists()
    assert Meeting.select().join(Pair).where(Pair.programme == running).count() > by_programme[running]
    assert Milestone.select().join(Pair).where(Pair.programme == running).exists()
    outcomes = Counter(o.kind for o in Outcome.select().where(Outcome.programme.in_(ended)))
    assert sum(outcomes.values()) == sum(by_programme[pid] for pid in ended)        # the 2016 cohort's included
    assert outcomes["none"] and outcomes["job"]


def test_the_demo_mentor_and_the_running_programmes_report_show_the_course(app, login_as):
    _demo_with_a_current_programme_starting_soon(app)
    client = app.test_client()
    assert login(client, "mentor@demo.mentorbro.dk").status_code == 302
    page = client.get("/mentor/?lang=en").get_data(as_text=True)
    mentees = [p.application.full_name for p in Pair.of_mentor(User.get(User.email == "mentor@demo.mentorbro.dk"))]
    assert len(mentees) == 2                                    # the demo mentor's capacity
    assert all(f"Log a meeting with {name}" in page for name in mentees) and "Last meetings:" in page
    running = next(p for p in Programme.select() if ProgrammeStart.select().where(
        (ProgrammeStart.programme == p) & (ProgrammeStart.started_on <= date.today())).exists()
        and end_date(p) > date.today())
    report = login_as("staff").get(f"/programmes/{running.id}/report?lang=en").get_data(as_text=True)
    names = [p.application.full_name for p in Pair.select(Pair, Application).join(Application)
             .where(Pair.programme == running)]
    assert names and re.search(rf"So far, \d+ of {len(names)} mentees (is|are) in a job, education or internship", report)
    assert "No pairs yet." not in report and "meetings per pair on average" in report
    course = login_as("staff").get(f"/programmes/{running.id}?lang=en").get_data(as_text=True)
    assert all(name in course for name in names)
