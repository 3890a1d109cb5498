"""Past cohorts stay reportable (issue 19, promise 6): when the retention purge (or an erasure) deletes a
cohort's people, its anonymous figures are kept, and the report reads the same afterwards."""
import json
from datetime import date, timedelta

from portal.clock import now_utc
from portal.models import Application, CohortFigures, FollowUpAnswer, Pair, Programme, User
from portal.services import cohort_report, course
from portal.services import status
from portal.services.retention import purge
from tests.programmes.test_report import demo_2016


def figures(report):
    return (report.funnel, report.outcomes, report.positive, report.mentees, report.later,
            round(report.meetings_per_pair, 6), [(name, n, pos, round(m, 6)) for name, n, pos, m in report.by_municipality],
            report.from_follow_up, report.follow_up_confirmed)


def answer_follow_ups(app, programme):
    """Four of the cohort's pairs answered the six-month question (one by both people); staff confirmed two."""
    with app.app_context():
        staff = User.get(User.role == "staff")
        pairs = list(Pair.select().where(Pair.programme == programme).order_by(Pair.id).limit(4))
        for number, pair in enumerate(pairs):
            confirmed = {"confirmed_at": now_utc(), "confirmed_by": staff} if number < 2 else {}
            FollowUpAnswer.create(pair=pair, respondent="mentee", kind="job", **confirmed)
        FollowUpAnswer.create(pair=pairs[0], respondent="mentor", kind="job")


def test_after_the_purge_the_2016_cohort_still_reads_18_of_25(app, login_as):
    programme = demo_2016(app)
    answer_follow_ups(app, programme)
    with app.app_context():
        before = cohort_report.report(programme, date.today())
        people = [(a.full_name, a.email, a.reference, a.public_id)
                  for a in Application.select().where(Application.programme == programme)]
    assert (before.positive, before.mentees) == (18, 25) and before.by_municipality
    assert (before.from_follow_up, before.follow_up_confirmed) == (4, 2)

    with app.test_request_context("/"):
        done = purge(now_utc() + timedelta(days=programme.retention_days + 400))
    assert done.closed >= 25
    assert not Pair.select().where(Pair.programme == programme).exists()          # the people are gone

    with app.app_context():
        after = cohort_report.report(programme, date.today())
    assert figures(after) == figures(before)
    page = login_as("staff").get(f"/programmes/{programme.id}/report?lang=en").get_data(as_text=True)
    assert "18 of 25 mentees were in a job, education or internship within six months" in page
    assert "4 outcomes came from the six-month follow-up; staff have confirmed 2." in page

    # What is kept holds counts only: none of the people's names, addresses, references or ids.
    kept = json.dumps(list(CohortFigures.select().dicts()), default=str, ensure_ascii=False)
    for name, email, reference, public_id in people:
        for personal in (name, email, reference, public_id):
            assert not personal or personal not in kept, personal


def test_an_erased_mentee_still_counts_in_the_cohorts_figures(app):
    programme = demo_2016(app)
    answer_follow_ups(app, programme)
    with app.app_context():
        before = cohort_report.report(programme, date.today())
        # The mentee of a pair whose follow-up both people answered and staff confirmed.
        mentee = Pair.select().where(Pair.programme == programme).order_by(Pair.id).first().application
        staff = User.get(User.role == "staff")
    with app.test_request_context("/"):
        status.erase(mentee, staff)
        after = cohort_report.report(programme, date.today())
    assert Application.get_or_none(Application.id == mentee.id) is None
    assert figures(after) == figures(before) and after.from_follow_up == 4
    assert len(after.pairs) == len(before.pairs) - 1          # the per-mentee rows (CSV) no longer hold them


def test_kept_figures_go_with_their_programme_only(app):
    programme = demo_2016(app)
    with app.test_request_context("/"):
        purge(now_utc() + timedelta(days=programme.retention_days + 400))
        others = [p for p in Programme.select() if p.id != programme.id]
        assert all(cohort_report.report(p, date.today()).mentees == len(course.pair_rows(p, date.today())) for p in others)
