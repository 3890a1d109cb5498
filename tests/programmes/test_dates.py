"""Issue 19, promise 4: dates make sense. A meeting lies within the course and not in the future, the same day
twice asks first, a mentor can undo their last meeting and staff delete one (audited), an outcome is not dated
before the course, the report speaks in the right tense, and "Start the course" waits for the start date."""
from datetime import date, timedelta

import pytest

from portal.models import AuditEvent, Meeting, Outcome, Pair, Programme
from portal.services import cohorts, course, outcomes, pairing
from tests.conftest import login
from tests.programmes.helpers import approved, mentor, setup
from tests.programmes.test_course import active_pair

TODAY = date.today()


def _meetings(app, pair):
    with app.app_context():
        return sorted(m.held_on for m in Meeting.select().where(Meeting.pair == pair.id))


def _ended_programme(app, programme):
    """The programme began eight months ago, so its six months ended about two months ago."""
    with app.app_context():
        start = TODAY - timedelta(days=240)
        Programme.update(start_date=start).where(Programme.id == programme.id).execute()
        return start, cohorts.end_date(Programme.get_by_id(programme.id))


def _mentor_client(app, pair):
    client = app.test_client()
    with app.app_context():
        email = Pair.get_by_id(pair.id).mentor.email
    assert login(client, email).status_code == 302
    return client


# ---------------------------------------------------------------- 1. a meeting's date lies within the course

def test_staff_cannot_log_a_meeting_before_the_course_began_and_what_they_typed_is_kept(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme, started_days_ago=20)
    url = f"/programmes/{programme.id}/pairs/{pair.id}/meetings?lang=en"
    before = (TODAY - timedelta(days=21)).isoformat()
    page = login_as("staff").post(url, data={"held_on": before, "note": "Coffee at the site"}).get_data(as_text=True)
    began = TODAY - timedelta(days=20)
    assert f"Enter a date on or after the start of the course, {began.strftime('%-d %B %Y')}" in page
    assert f'value="{before}"' in page and 'value="Coffee at the site"' in page
    assert _meetings(app, pair) == []


def test_staff_cannot_log_a_meeting_after_the_programme_ended(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme, started_days_ago=240)
    _start, end = _ended_programme(app, programme)
    client = login_as("staff")
    url = f"/programmes/{programme.id}/pairs/{pair.id}/meetings?lang=da"
    page = client.post(url, data={"held_on": (end + timedelta(days=1)).isoformat()}).get_data(as_text=True)
    assert "Angiv en dato senest ved forløbets afslutning" in page
    assert _meetings(app, pair) == []
    assert client.post(url, data={"held_on": end.isoformat()}).status_code == 302
    assert _meetings(app, pair) == [end]


def test_the_mentor_cannot_log_a_meeting_before_the_course_nor_in_the_future(app):
    programme = setup(app)
    pair = active_pair(app, programme, started_days_ago=10)
    client = _mentor_client(app, pair)
    field = f"p{pair.id}-held_on"
    page = client.post(f"/mentor/pairs/{pair.id}/meetings?lang=da",
                       data={field: (TODAY - timedelta(days=30)).isoformat()}).get_data(as_text=True)
    assert "Angiv en dato fra forløbets start" in page
    page = client.post(f"/mentor/pairs/{pair.id}/meetings?lang=en",
                       data={field: (TODAY + timedelta(days=1)).isoformat()}).get_data(as_text=True)
    assert "Enter a date that is today or in the past" in page
    assert _meetings(app, pair) == []


def test_the_service_itself_refuses_a_date_outside_the_course(app):
    programme = setup(app)
    pair = active_pair(app, programme, started_days_ago=10)
    with app.app_context():
        pair = Pair.get_by_id(pair.id)
        for day, code in ((TODAY + timedelta(days=1), "future"), (TODAY - timedelta(days=11), "before_course")):
            with pytest.raises(course.DateRefused) as refused:
                course.log_meeting(pair, pair.mentor, day, None, TODAY)
            assert refused.value.code == code
        assert Meeting.select().count() == 0


def test_a_pair_whose_course_has_not_begun_counts_from_the_programmes_start(app, login_as):
    programme = setup(app)
    with app.test_request_context("/"):
        Programme.update(start_date=TODAY + timedelta(days=14)).where(Programme.id == programme.id).execute()
        programme = Programme.get_by_id(programme.id)
        application = approved(programme)
        pair = pairing.accept(programme, application, mentor(email="early@example.org"), application.decided_by, TODAY)
    page = login_as("staff").post(f"/programmes/{programme.id}/pairs/{pair.id}/meetings?lang=en",
                                  data={"held_on": TODAY.isoformat()}).get_data(as_text=True)
    assert "Enter a date on or after the start of the course" in page
    assert _meetings(app, pair) == []


# ---------------------------------------------------------------- 2. the same day twice asks first

def test_staff_logging_a_second_meeting_on_one_day_are_asked_first(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme)
    client = login_as("staff")
    url = f"/programmes/{programme.id}/pairs/{pair.id}/meetings?lang=en"
    day = (TODAY - timedelta(days=3)).isoformat()
    assert client.post(url, data={"held_on": day}).status_code == 302
    page = client.post(url, data={"held_on": day, "note": "Second one"}).get_data(as_text=True)
    long_day = (TODAY - timedelta(days=3)).strftime("%-d %B %Y")
    assert f"There is already a meeting on {long_day}. Log another one?" in page
    assert f'name="confirm" type="hidden" value="{day}"' in page or f'value="{day}" name="confirm"' in page \
        or ('name="confirm"' in page and f'value="{day}"' in page)
    assert 'value="Second one"' in page
    assert len(_meetings(app, pair)) == 1
    assert client.post(url, data={"held_on": day, "note": "Second one", "confirm": day}).status_code == 302
    assert len(_meetings(app, pair)) == 2


def test_the_mentor_is_asked_before_a_second_meeting_on_one_day_in_danish(app):
    programme = setup(app)
    pair = active_pair(app, programme)
    client = _mentor_client(app, pair)
    url = f"/mentor/pairs/{pair.id}/meetings?lang=da"
    assert client.post(url, data={}).status_code == 302             # one click: today
    page = client.post(url, data={}).get_data(as_text=True)
    assert "Der er allerede et møde den" in page and "Vil du registrere et til?" in page
    assert len(_meetings(app, pair)) == 1
    confirmed = {f"p{pair.id}-held_on": TODAY.isoformat(), f"p{pair.id}-confirm": TODAY.isoformat()}
    assert client.post(url, data=confirmed).status_code == 302
    assert _meetings(app, pair) == [TODAY, TODAY]


# ---------------------------------------------------------------- 3. undo and delete, audited

def test_a_mentor_undoes_the_last_meeting_they_logged_and_it_is_audited(app):
    programme = setup(app)
    pair = active_pair(app, programme)
    client = _mentor_client(app, pair)
    field = f"p{pair.id}-held_on"
    first, second = TODAY - timedelta(days=8), TODAY - timedelta(days=1)
    for day in (first, second):
        assert client.post(f"/mentor/pairs/{pair.id}/meetings", data={field: day.isoformat()}).status_code == 302
    page = client.get("/mentor/?lang=en").get_data(as_text=True)
    assert f"Undo the meeting on {second.strftime('%-d %b %Y')}" in page
    response = client.post(f"/mentor/pairs/{pair.id}/meetings/undo?lang=en", follow_redirects=True)
    assert "is undone" in response.get_data(as_text=True)
    assert _meetings(app, pair) == [first]
    with app.app_context():
        event = AuditEvent.get(AuditEvent.action == "meeting.undone")
        assert event.details["held_on"] == second.isoformat()


def test_a_mentor_cannot_undo_a_meeting_staff_logged(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme)
    login_as("staff").post(f"/programmes/{programme.id}/pairs/{pair.id}/meetings",
                           data={"held_on": TODAY.isoformat()})
    client = _mentor_client(app, pair)
    assert "Undo the meeting" not in client.get("/mentor/?lang=en").get_data(as_text=True)
    response = client.post(f"/mentor/pairs/{pair.id}/meetings/undo?lang=en", follow_redirects=True)
    assert "There is no meeting you can undo" in response.get_data(as_text=True)
    assert _meetings(app, pair) == [TODAY]


def test_staff_delete_a_meeting_after_confirming_and_it_is_audited(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme)
    with app.app_context():
        meeting = Meeting.create(pair=pair.id, held_on=TODAY - timedelta(days=2), logged_by=pair.mentor_id)
    client = login_as("staff")
    assert f"/meetings/{meeting.id}/delete" in client.get(
        f"/programmes/{programme.id}/pairs/{pair.id}?lang=en").get_data(as_text=True)
    url = f"/programmes/{programme.id}/pairs/{pair.id}/meetings/{meeting.id}/delete?lang=en"
    page = client.post(url).get_data(as_text=True)
    assert "Delete the meeting?" in page and 'name="confirm" value="yes"' in page
    assert len(_meetings(app, pair)) == 1
    assert client.get(url).status_code == 405                             # POST only
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert _meetings(app, pair) == []
    with app.app_context():
        event = AuditEvent.get(AuditEvent.action == "meeting.deleted")
        assert event.actor_id == client.user.id and event.details["pair"] == pair.id
    assert client.post(url, data={"confirm": "yes"}).status_code == 404   # already gone


# ---------------------------------------------------------------- 4. outcome dates

def test_an_outcome_cannot_be_dated_before_the_course_began(app, login_as):
    programme = setup(app)
    pair = active_pair(app, programme, started_days_ago=30)
    url = f"/programmes/{programme.id}/pairs/{pair.id}/outcome?lang=en"
    client = login_as("staff")
    early = (TODAY - timedelta(days=31)).isoformat()
    page = client.post(url, data={"outcome-kind": "job", "outcome-reached_on": early}).get_data(as_text=True)
    assert "Enter a date on or after the start of the course" in page and f'value="{early}"' in page
    with app.app_context():
        assert Outcome.select().count() == 0
        with pytest.raises(course.DateRefused):
            outcomes.record_outcome(Pair.get_by_id(pair.id), pair.mentor, "job", TODAY + timedelta(days=1), TODAY)
    assert client.post(url, data={"outcome-kind": "job",
                                  "outcome-reached_on": (TODAY - timedelta(days=30)).isoformat()}).status_code == 302


# ---------------------------------------------------------------- 5. the report's tense

def test_the_report_speaks_of_a_planned_a_running_and_an_ended_programme_in_its_own_tense(app, login_as):
    programme = setup(app)
    client = login_as("staff")
    url = f"/programmes/{programme.id}/report"
    with app.app_context():
        Programme.update(start_date=TODAY + timedelta(days=30)).where(Programme.id == programme.id).execute()
    assert "The programme has not started yet." in client.get(url + "?lang=en").get_data(as_text=True)
    assert "Forløbet er ikke begyndt endnu." in client.get(url + "?lang=da").get_data(as_text=True)

    with app.app_context():
        Programme.update(start_date=TODAY - timedelta(days=30)).where(Programme.id == programme.id).execute()
    pair = active_pair(app, programme, started_days_ago=30)
    client.post(f"/programmes/{programme.id}/pairs/{pair.id}/outcome", data={"outcome-kind": "job"})
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert "So far, 1 of 1 mentees is in a job, education or internship." in english
    assert "The programme ends on" in english and "ended on" not in english
    assert "Indtil videre er 1 af 1 mentees i job, uddannelse eller praktik." in client.get(
        url + "?lang=da").get_data(as_text=True)

    _ended_programme(app, programme)
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert "1 of 1 mentees was in a job, education or internship within six months." in english
    assert "The six months ended on" in english
    assert "1 af 1 mentees var i job, uddannelse eller praktik inden for seks måneder." in client.get(
        url + "?lang=da").get_data(as_text=True)


# ---------------------------------------------------------------- 6. "Start the course" from the start date

def test_the_start_button_shows_only_from_the_start_date(app, login_as):
    programme = setup(app)
    with app.test_request_context("/"):
        start = TODAY + timedelta(days=10)
        Programme.update(start_date=start).where(Programme.id == programme.id).execute()
        programme = Programme.get_by_id(programme.id)
        application = approved(programme)
        pairing.accept(programme, application, mentor(email="soon@example.org"), application.decided_by, TODAY)
    client = login_as("staff")
    page = client.get(f"/programmes/{programme.id}?lang=en").get_data(as_text=True)
    assert f"The course can start on {start.strftime('%-d %B %Y')}." in page
    assert "Start the course for the matched pairs" not in page
    assert "Forløbet kan starte den" in client.get(f"/programmes/{programme.id}?lang=da").get_data(as_text=True)
    with app.app_context():
        Programme.update(start_date=TODAY).where(Programme.id == programme.id).execute()
    page = client.get(f"/programmes/{programme.id}?lang=en").get_data(as_text=True)
    assert "Start the course for the matched pairs" in page and "The course can start on" not in page
