"""The six months: meetings against the expected, the overdue list, milestones (celebrated), outcomes."""
from datetime import date, timedelta

from portal import mail
from portal.models import Application, Meeting, Milestone, Outcome, Pair
from portal.services import cohorts, course, pairing
from tests.programmes.helpers import approved, mentor, setup


def active_pair(app, programme, started_days_ago=70, **mentee):
    with app.test_request_context("/"):
        application = approved(programme, **mentee)
        m = mentor(email=f"m{application.id}@example.org")
        staff = application.decided_by
        pair = pairing.accept(programme, application, m, staff, date.today())
        cohorts.start(programme, staff, max(date.today(), programme.start_date))
        Pair.update(started_on=date.today() - timedelta(days=started_days_ago)).where(Pair.id == pair.id).execute()
        return Pair.get_by_id(pair.id)


def test_meetings_count_against_two_a_month_and_silent_pairs_are_listed(app, login_as):
    programme = setup(app)
    quiet = active_pair(app, programme, name="Quiet Pair")
    busy = active_pair(app, programme, name="Busy Pair")
    with app.app_context():
        for days in (60, 45, 30, 10):
            Meeting.create(pair=busy, held_on=date.today() - timedelta(days=days), logged_by=busy.mentor)
        Meeting.create(pair=quiet, held_on=date.today() - timedelta(days=40), logged_by=quiet.mentor)
        rows = {r.pair.id: r for r in course.pair_rows(programme, date.today())}
    assert rows[busy.id].meetings == 4 and rows[busy.id].expected == 4     # 70 days ≈ 2.3 months → 4 expected
    assert rows[busy.id].last_met == date.today() - timedelta(days=10) and not rows[busy.id].overdue
    assert rows[quiet.id].overdue
    page = login_as("staff").get(f"/programmes/{programme.id}?lang=en").get_data(as_text=True)
    overdue_section = page.split("Pairs that have not met for over a month")[1].split("<h2>")[0]
    assert "Quiet Pair" in overdue_section and "Busy Pair" not in overdue_section


def test_staff_log_meetings_and_a_future_date_is_refused(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme)
    client = login_as("staff")
    url = f"/programmes/{programme.id}/pairs/{pair.id}/meetings"
    assert client.post(url, data={"held_on": date.today().isoformat(), "note": "CV"}).status_code == 302
    page = client.post(url + "?lang=en", data={"held_on": (date.today() + timedelta(days=3)).isoformat()})
    assert "Enter a date that is today or in the past" in page.get_data(as_text=True)
    with app.app_context():
        assert Meeting.select().where(Meeting.pair == pair.id).count() == 1


def test_a_milestone_is_celebrated_by_email_and_in_the_news(app, login_as, inbox):
    programme = setup(app)
    pair = active_pair(app, programme, name="Amal Hassan", email="amal@example.org")
    client = login_as("staff")
    response = client.post(f"/programmes/{programme.id}/pairs/{pair.id}/milestones?lang=en",
                           data={"kind": "first_interview", "reached_on": date.today().isoformat()},
                           follow_redirects=True)
    assert "Congratulations to Amal Hassan: First job interview!" in response.get_data(as_text=True)
    with app.app_context():
        mail.send_pending()
    subjects = [m["Subject"] for m in inbox.to("amal@example.org")]
    assert "Congratulations: your first job interview!" in subjects
    news = client.get(f"/programmes/{programme.id}?lang=en").get_data(as_text=True).split("<h2>News</h2>")[1]
    assert "Amal Hassan reached a milestone: First job interview" in news
    # recording it again celebrates nothing twice
    client.post(f"/programmes/{programme.id}/pairs/{pair.id}/milestones",
                data={"kind": "first_interview", "reached_on": date.today().isoformat()})
    with app.app_context():
        assert Milestone.select().count() == 1


def test_the_outcome_is_recorded_and_updated_while_the_mentoring_goes_on(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme)
    client = login_as("staff")
    url = f"/programmes/{programme.id}/pairs/{pair.id}/outcome"
    assert client.post(url, data={"outcome-kind": "none"}).status_code == 302
    assert client.post(url, data={"outcome-kind": "job", "outcome-reached_on": date.today().isoformat()}).status_code == 302
    with app.app_context():
        assert Application.get_by_id(pair.application_id).status == "active"      # the course ends at its end
        assert Outcome.get(Outcome.application == pair.application_id).kind == "job"
