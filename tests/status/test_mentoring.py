"""The status page after the decision: the staff's question, the reason for a rejection, and once matched the
mentor, where they meet, meetings, milestones and the outcome; all of it in the applicant's data export."""
import json
from datetime import date, timedelta

import pytest

from portal.models import Application, Meeting, Milestone, Outcome, Pair
from portal.services import cohorts, decisions, pairing
from tests.programmes.helpers import approved, mentor, setup

from .helpers import sign_in, submitted_application


def matched(app, name="Amal Hassan", email="amal@example.org", language="en"):
    """An approved applicant matched with Morten at the Copenhagen office, two meetings, a milestone, an outcome."""
    with app.test_request_context("/"):
        programme = setup(app)
        application = approved(programme, name=name, email=email, language=language)
        m = mentor(name="Morten Mentorsen", email=f"m{application.id}@example.org")
        pair = pairing.accept(programme, application, m, application.decided_by, date.today())
        cohorts.start(programme, application.decided_by, max(date.today(), programme.start_date))
        Pair.update(started_on=date.today() - timedelta(days=40)).where(Pair.id == pair.id).execute()
        for days, note in ((30, "Worked on the CV"), (14, "Practised an interview")):
            Meeting.create(pair=pair, held_on=date.today() - timedelta(days=days), logged_by=m, note=note)
        Milestone.create(pair=pair, kind="cv_ready", reached_on=date.today() - timedelta(days=20), recorded_by=m)
        Outcome.create(application=application, programme=programme, kind="internship",
                       reached_on=date.today() - timedelta(days=3), recorded_by=application.decided_by)
        return Application.get_by_id(application.id)


@pytest.mark.parametrize("lang, words", [
    ("en", ("Your mentoring", "Your mentor", "Where you meet", "2 meetings", "Next meeting expected",
            "CV ready", "In an internship")),
    ("da", ("Dit mentorforløb", "Din mentor", "Hvor I mødes", "2 møder", "Næste møde forventes",
            "CV klar", "I praktik")),
    # A reading page: the milestone and the outcome in the mentee's own language too, not in English.
    ("ar", ("السيرة الذاتية جاهزة", "في تدريب عملي")),
])
def test_a_matched_mentee_sees_their_mentor_where_they_meet_meetings_milestones_and_outcome(
        app, inbox, client, lang, words):
    application = matched(app)
    sign_in(client, inbox, application)
    page = client.get(f"/status/application?lang={lang}").get_data(as_text=True)
    for word in words:
        assert word in page, word
    assert "Morten Mentorsen" in page and "Demo IT A/S" in page
    assert "Copenhagen office" in page
    assert "Worked on the CV" not in page              # the mentor's notes are in the export, not on the page


def test_the_status_page_shows_only_the_signed_in_applicants_own_mentoring(app, inbox, client):
    matched(app)
    other = submitted_application(app, email="bilal@example.org", name="Bilal Other")
    sign_in(client, inbox, other)
    page = client.get("/status/application?lang=en").get_data(as_text=True)
    assert "Bilal Other" in page and "Morten Mentorsen" not in page and "Your mentoring" not in page


@pytest.mark.parametrize("lang, heading", [("en", "Our question to you"), ("da", "Vores spørgsmål til dig")])
def test_the_staff_question_is_on_the_status_page(app, inbox, client, make_user, lang, heading):
    application = submitted_application(app)
    staff = make_user("staff")
    with app.test_request_context("/"):
        taken = decisions.take(application, application.version, staff)
        decisions.ask_for_info(taken, taken.version, staff, "Which year did you finish your bachelor?")
    sign_in(client, inbox, application)
    page = client.get(f"/status/application?lang={lang}").get_data(as_text=True)
    assert heading in page and "Which year did you finish your bachelor?" in page


@pytest.mark.parametrize("lang, words", [
    ("en", ("Why we could not offer you a mentor", "your level in both is below what the programme needs")),
    ("da", ("Hvorfor vi ikke kunne tilbyde dig en mentor", "Mentor og mentee taler dansk eller engelsk")),
])
def test_the_reason_for_a_rejection_is_on_the_status_page(app, inbox, client, make_user, lang, words):
    application = submitted_application(app)
    staff = make_user("staff")
    with app.test_request_context("/"):
        taken = decisions.take(application, application.version, staff)
        decisions.reject(taken, taken.version, staff, "language", "Your English test is from 2009.")
    sign_in(client, inbox, application)
    page = client.get(f"/status/application?lang={lang}").get_data(as_text=True)
    for word in words:
        assert word in page, word
    assert "Your English test is from 2009." in page


def test_the_data_export_holds_the_mentoring(app, inbox, client):
    application = matched(app)
    sign_in(client, inbox, application)
    exported = json.loads(client.post("/status/export").get_data(as_text=True))
    mentoring = exported["mentoring"]
    assert mentoring["mentor"] == {"name": "Morten Mentorsen"}
    assert mentoring["pair"]["company"] == "Demo IT A/S" and mentoring["pair"]["site"]["name"] == "Copenhagen office"
    assert [m["note"] for m in mentoring["meetings"]] == ["Worked on the CV", "Practised an interview"]
    assert [m["kind"] for m in mentoring["milestones"]] == ["cv_ready"]
    assert mentoring["outcome"]["kind"] == "internship"
    assert "email" not in json.dumps(mentoring["mentor"])        # the mentor's contact details are not the mentee's
