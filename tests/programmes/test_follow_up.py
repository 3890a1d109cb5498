"""Issue 20, the six-month follow-up: asked at the course's end in each person's language, one-click answers
that need no sign-in (a mail scanner's GET records nothing), staff confirm in one click, a reminder after 7 days
from cron, and the report's count."""
import re
from datetime import date, timedelta

from portal import mail
from portal.clock import now_utc
from portal.models import Application, FollowUpAnswer, Outcome, Pair, Programme
from portal.services import cohorts
from tests.programmes.test_course import active_pair
from tests.programmes.helpers import setup

LINKS = re.compile(r"http://localhost(/follow-up/\S+)")


def _send(app):
    with app.app_context():
        return mail.send_pending()


def _ended(app, inbox, mentee_language="en", mentor_language="da"):
    """An active pair whose programme reached its end date, ended by the daily command; the question is sent."""
    programme = setup(app)
    pair = active_pair(app, programme, name="Amal Hassan", email="amal@example.org", language=mentee_language)
    with app.app_context():
        from portal.models import User
        User.update(language=mentor_language).where(User.id == pair.mentor_id).execute()
        Programme.update(start_date=date.today() - timedelta(days=200)).where(Programme.id == programme.id).execute()
    _send(app)
    inbox.messages.clear()
    assert "Ended the course of 1 pair(s)" in app.test_cli_runner().invoke(args=["end-courses"]).output
    _send(app)
    return programme, pair


def _links(message) -> dict:
    """The answer links of one email: answer -> path."""
    return {re.search(r"/follow-up/[^/]+/(\w+)", path)[1]: path for path in LINKS.findall(message.get_content())}


def _question(inbox, address):
    [question] = [m for m in inbox.to(address) if "One click" in m["Subject"] or "Ét klik" in m["Subject"]]
    return question


def test_at_the_courses_end_the_mentee_and_the_mentor_are_asked_each_in_their_language(app, inbox):
    _programme, pair = _ended(app, inbox, mentee_language="en", mentor_language="da")
    mentee = _question(inbox, "amal@example.org")
    with app.app_context():
        mentor_email = Pair.get_by_id(pair.id).mentor.email
    mentor = _question(inbox, mentor_email)
    assert mentee["Subject"] == "Where are you now? One click is enough"
    assert mentor["Subject"] == "Hvor er Amal Hassan nu? Ét klik er nok"
    assert set(_links(mentee)) == set(_links(mentor)) == {"job", "education", "internship", "self_employed", "none"}
    assert all(p.endswith("?lang=en") for p in _links(mentee).values())
    assert all(p.endswith("?lang=da") for p in _links(mentor).values())


def test_a_course_ended_early_by_staff_asks_too(app, inbox, login_as):
    programme = setup(app)
    pair = active_pair(app, programme, name="Amal Hassan", email="amal@example.org")
    _send(app)
    inbox.messages.clear()
    staff = login_as("staff")
    assert staff.post(f"/programmes/{programme.id}/pairs/{pair.id}/end",
                      data={"end-reason": "Found a job"}).status_code == 302
    _send(app)
    assert _question(inbox, "amal@example.org")


def test_opening_an_answer_link_records_nothing_only_the_button_does_and_only_once(app, inbox):
    _programme, pair = _ended(app, inbox)
    path = _links(_question(inbox, "amal@example.org"))["job"]
    scanner = app.test_client()
    for _ in range(3):                      # a mail scanner opens every link, more than once
        for each in _links(_question(inbox, "amal@example.org")).values():
            page = scanner.get(each)
            assert page.status_code == 200
    with app.app_context():
        assert FollowUpAnswer.select().count() == 0
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Where are you now?" in page and "I am in a job" in page and "Send my answer" in page
    browser = app.test_client()
    browser.get(path)
    done = browser.post(path)                          # a plain form: no JavaScript needed
    assert done.status_code == 200 and "Thank you for your answer" in done.get_data(as_text=True)
    with app.app_context():
        [answer] = FollowUpAnswer.select()
        assert (answer.respondent, answer.kind, answer.confirmed_at) == ("mentee", "job", None)
        assert Outcome.select().count() == 0            # a proposal until staff confirm
    # Used: neither this link nor the person's other answers record again.
    for other in (path, _links(_question(inbox, "amal@example.org"))["none"]):
        assert app.test_client().post(other).status_code == 404
    with app.app_context():
        assert [a.kind for a in FollowUpAnswer.select()] == ["job"]


def test_an_answer_page_is_in_the_persons_language(app, inbox):
    _programme, pair = _ended(app, inbox, mentor_language="da")
    with app.app_context():
        mentor_email = Pair.get_by_id(pair.id).mentor.email
    path = _links(_question(inbox, mentor_email))["education"]
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Hvor er Amal Hassan nu?" in page and "I uddannelse" in page and "Send mit svar" in page


def test_staff_see_who_has_not_answered_and_confirm_an_answer_in_one_click(app, inbox, login_as):
    programme, pair = _ended(app, inbox)
    staff = login_as("staff")
    page = staff.get(f"/programmes/{programme.id}?lang=en").get_data(as_text=True)
    section = page.split('id="follow-up"')[1].split("<h2")[0]
    assert "Amal Hassan" in section and "Mentee, Mentor" in section           # neither has answered
    path = _links(_question(inbox, "amal@example.org"))["internship"]
    client = app.test_client()
    client.get(path)
    client.post(path)
    page = staff.get(f"/programmes/{programme.id}?lang=da").get_data(as_text=True)
    section = page.split('id="follow-up"')[1].split("<h2")[0]
    assert "I praktik" in section and "Bekræft »I praktik« for Amal Hassan" in section
    assert re.search(r"Har ikke svaret endnu\">\s*Mentor", section)             # only the mentor is waited for
    with app.app_context():
        answer = FollowUpAnswer.get()
    url = f"/programmes/{programme.id}/follow-up/{answer.id}/confirm"
    assert staff.post(url).status_code == 302
    with app.app_context():
        outcome = Outcome.get(Outcome.application == pair.application_id)
        assert outcome.kind == "internship"
        assert FollowUpAnswer.get().confirmed_at is not None
    assert staff.post(url).status_code == 302                                   # twice: nothing more
    other = login_as("staff")
    assert other.post(f"/programmes/{programme.id + 1000}/follow-up/{answer.id}/confirm").status_code == 404


def test_a_reminder_after_seven_days_when_neither_answered_once(app, inbox):
    _programme, pair = _ended(app, inbox)
    runner = app.test_cli_runner()
    assert "asked 0 pair(s) again" in runner.invoke(args=["send-reminders"]).output        # not a week yet
    with app.app_context():
        Pair.update(follow_up_asked_at=now_utc() - timedelta(days=8)).execute()
    inbox.messages.clear()
    assert "asked 1 pair(s) again" in runner.invoke(args=["send-reminders"]).output
    assert "asked 0 pair(s) again" in runner.invoke(args=["send-reminders"]).output         # once
    _send(app)
    reminder = _question(inbox, "amal@example.org")
    assert "A week ago we asked you one question" in reminder.get_content()
    # The reminder's links work.
    path = _links(reminder)["job"]
    client = app.test_client()
    client.get(path)
    assert client.post(path).status_code == 200


def test_no_reminder_when_one_of_them_answered(app, inbox):
    _programme, pair = _ended(app, inbox)
    path = _links(_question(inbox, "amal@example.org"))["none"]
    client = app.test_client()
    client.get(path)
    client.post(path)
    with app.app_context():
        Pair.update(follow_up_asked_at=now_utc() - timedelta(days=8)).execute()
    assert "asked 0 pair(s) again" in app.test_cli_runner().invoke(args=["send-reminders"]).output


def test_the_report_counts_outcomes_from_the_follow_up_and_those_confirmed(app, inbox, login_as):
    programme, pair = _ended(app, inbox)
    staff = login_as("staff")
    assert "0 outcomes came from the six-month follow-up; staff have confirmed 0." in \
        staff.get(f"/programmes/{programme.id}/report?lang=en").get_data(as_text=True)
    path = _links(_question(inbox, "amal@example.org"))["job"]
    client = app.test_client()
    client.get(path)
    client.post(path)
    assert "1 outcome came from the six-month follow-up; staff have confirmed 0." in \
        staff.get(f"/programmes/{programme.id}/report?lang=en").get_data(as_text=True)
    with app.app_context():
        answer = FollowUpAnswer.get()
    staff.post(f"/programmes/{programme.id}/follow-up/{answer.id}/confirm")
    page = staff.get(f"/programmes/{programme.id}/report?lang=da").get_data(as_text=True)
    assert "1 resultat kom fra opfølgningen efter seks måneder; medarbejderne har bekræftet 1." in page
    with app.app_context():
        assert Application.get_by_id(pair.application_id).outcomes.get().kind == "job"


def test_the_question_is_asked_once_however_many_machines_end_the_courses(app, inbox):
    programme = setup(app)
    pair = active_pair(app, programme, email="amal@example.org")
    with app.app_context():
        from portal.services import follow_up
        assert follow_up.ask(Pair.get_by_id(pair.id), now_utc()) is True
        assert follow_up.ask(Pair.get_by_id(pair.id), now_utc()) is False
        cohorts.end_early(Pair.get_by_id(pair.id), Application.get_by_id(pair.application_id).decided_by, "Moved")
        from portal.models import Outbox
        assert Outbox.select().where(Outbox.recipient == "amal@example.org",
                                     Outbox.subject.contains("One click")).count() == 1
