"""The mentor's page: the 5-year rule, their mentees (never the residence basis), one-click meetings, milestones."""
import re
from datetime import date

from portal import mail
from portal.models import Application, Meeting, MentorProfile, Programme
from portal.services import pairing
from tests.programmes.helpers import approved, mentor, setup

PROFILE = {"work_years": "12", "leadership": "yes", "fields": "IT, Project management", "languages": ["da", "en"],
           "other_languages": "Arabic", "capacity": "1"}


def test_fewer_than_five_years_of_work_experience_is_refused_with_a_clear_message(app, login_as):
    client = login_as("mentor")
    page = client.post("/mentor/profile?lang=en", data={**PROFILE, "work_years": "4"}).get_data(as_text=True)
    assert "Mentors need at least 5 years of work experience" in page
    assert 'value="IT, Project management"' in page                       # what they typed is kept
    with app.app_context():
        assert MentorProfile.select().count() == 0
    assert client.post("/mentor/profile", data=PROFILE).status_code == 302
    with app.app_context():
        profile = MentorProfile.get()
        assert (profile.work_years, profile.leadership, profile.fields, profile.languages) == \
            (12, True, ["IT", "Project management"], ["da", "en", "arabic"])
        assert profile.trained_on is None                                # only staff set the training


def test_staff_record_the_training_that_makes_a_mentor_matchable(app, login_as):
    mentor_client = login_as("mentor")
    mentor_client.post("/mentor/profile", data=PROFILE)
    staff = login_as("staff")
    uid = mentor_client.user.id
    assert staff.post(f"/programmes/mentors/{uid}/training", data={f"t{uid}-trained_on": "2026-02-01"}).status_code == 302
    with app.app_context():
        assert MentorProfile.get().trained_on == date(2026, 2, 1)


def _paired(app, login_as, **mentee):
    programme = setup(app)
    with app.test_request_context("/"):
        # The programme starts today: a meeting may be logged from today on (not yet started: still matched).
        Programme.update(start_date=date.today()).where(Programme.id == programme.id).execute()
        programme = Programme.get_by_id(programme.id)
        application = approved(programme, **mentee)
        m = mentor(email="morten@example.org")
        pairing.accept(programme, application, m, application.decided_by, date.today())
    client = app.test_client()
    client.post("/login", data={"email": "morten@example.org", "password": "correct horse battery staple"})
    return client, application


def test_the_mentor_sees_their_mentee_but_never_the_residence_basis(app, login_as):
    client, application = _paired(app, login_as, name="Amal Hassan", basis="9b")
    page = client.get("/mentor/?lang=en").get_data(as_text=True)
    assert "Amal Hassan" in page and "Computer science" in page and "Developer" in page
    # Random CSRF tokens ("…O9bE…") and static files' content hashes may hold any two characters: they are
    # left out of the check.
    page = re.sub(r'(name="csrf_token" (?:type="hidden" )?value="|"X-CSRFToken": "|/static/)[^"#]+', r"\1", page)
    assert "9b" not in page and "residence" not in page.lower()
    assert "Amal Hassan" not in login_as("mentor").get("/mentor/?lang=en").get_data(as_text=True)


def test_a_meeting_is_logged_in_one_click_for_today(app, login_as):
    client, application = _paired(app, login_as)
    with app.app_context():
        pair_id = application.pairs.get().id
    # the one click: the form as rendered, date already today
    assert client.post(f"/mentor/pairs/{pair_id}/meetings",
                       data={f"p{pair_id}-held_on": date.today().isoformat()}).status_code == 302
    with app.app_context():
        assert [m.held_on for m in Meeting.select()] == [date.today()]
    # another mentor cannot log a meeting for this pair
    assert login_as("mentor").post(f"/mentor/pairs/{pair_id}/meetings",
                                   data={f"p{pair_id}-held_on": date.today().isoformat()}).status_code == 404


def test_the_mentor_records_a_milestone_and_the_mentee_is_congratulated(app, login_as, inbox):
    client, application = _paired(app, login_as, email="amal@example.org")
    with app.app_context():
        pair_id = application.pairs.get().id
        mail.send_pending()
    page = client.post(f"/mentor/pairs/{pair_id}/milestones?lang=en", follow_redirects=True,
                       data={f"m{pair_id}-kind": "job_offer", f"m{pair_id}-reached_on": date.today().isoformat()})
    assert "Congratulations to" in page.get_data(as_text=True)
    with app.app_context():
        mail.send_pending()
        assert Application.get_by_id(application.id).status == "matched"
    assert any("you have a job offer" in m["Subject"] for m in inbox.to("amal@example.org"))


def test_numbers_and_dates_on_the_mentor_pages_read_the_way_the_language_writes_them(app, login_as):
    """Danish: "6,5 år" and "den 6. december 2026"; English: "6.5 years" and "6 December 2026"."""
    from flask_babel import force_locale, format_date
    client, application = _paired(app, login_as)
    with app.app_context():
        answers = {**application.answers, "work": {"entries": [{"role": "Developer", "sector": "IT", "years": 6.5}]}}
        Application.update(answers=answers).where(Application.id == application.id).execute()
        pair_id = application.pairs.get().id
    assert "(6,5 år)" in client.get("/mentor/?lang=da").get_data(as_text=True)
    assert "(6.5 years)" in client.get("/mentor/?lang=en").get_data(as_text=True)
    today = date.today()
    with app.test_request_context("/"), force_locale("da"):
        danish_date = format_date(today, "long")          # "6. december 2026"
    page = client.post(f"/mentor/pairs/{pair_id}/meetings?lang=da", follow_redirects=True,
                       data={f"p{pair_id}-held_on": today.isoformat()}).get_data(as_text=True)
    assert f"den {danish_date} er registreret" in page and today.isoformat() not in page.split("alert-text")[1][:200]
    page = client.post(f"/mentor/pairs/{pair_id}/meetings?lang=en", follow_redirects=True,     # a second one today
                       data={f"p{pair_id}-held_on": today.isoformat(), f"p{pair_id}-confirm": today.isoformat()}
                       ).get_data(as_text=True)
    assert f"on {today.day} {today:%B} {today.year}" in page and today.isoformat() not in page.split("alert-text")[1][:200]


def test_countries_are_named_in_the_page_language_never_shown_as_codes(app, login_as):
    client, application = _paired(app, login_as)
    with app.app_context():
        answers = {**application.answers,
                   "education": {"entries": [{"level": "bachelor", "field": "Computer science", "country": "SY"}]}}
        Application.update(answers=answers).where(Application.id == application.id).execute()
    danish = client.get("/mentor/?lang=da").get_data(as_text=True)
    english = client.get("/mentor/?lang=en").get_data(as_text=True)
    assert "Computer science (Syrien)" in danish and "Computer science (Syria)" in english
    assert "(SY)" not in danish + english
