"""Issue 20, the mentor: the mentee's contact details (by consent), meetings against the expected, reminders from
cron, thanks for milestones and outcomes, and the account's language on every page after sign-in."""
import threading
from datetime import date, datetime, timedelta

from portal import mail
from portal.answers import CONSENT_VERSION
from portal.clock import now_utc
from portal.db import database
from portal.models import Application, Meeting, Pair, Programme, User
from portal.services import association, cohorts, pairing, reminders
from tests.conftest import PASSWORD, login
from tests.programmes.helpers import approved, mentor, setup
from tests.status.helpers import sign_in


def _match(app, consent=CONSENT_VERSION, mentor_language="en", **mentee):
    """A mentee (with email and phone) matched with a mentor at morten@example.org; returns the application."""
    programme = setup(app)
    with app.test_request_context("/"):
        Programme.update(start_date=date.today()).where(Programme.id == programme.id).execute()
        programme = Programme.get_by_id(programme.id)
        application = approved(programme, **mentee)
        Application.update(phone="+45 12 34 56 78", consent_version=consent).where(
            Application.id == application.id).execute()
        application = Application.get_by_id(application.id)
        m = mentor(email="morten@example.org", language=mentor_language)
        pairing.accept(programme, application, m, application.decided_by, date.today())
    return application


def _mentor_client(app):
    client = app.test_client()
    assert login(client, "morten@example.org").status_code == 302
    return client


def _send(app):
    with app.app_context():
        return mail.send_pending()


def test_the_mentor_gets_the_mentees_contact_details_on_the_page_and_in_the_match_email(app, inbox):
    _match(app, name="Amal Hassan", email="amal@example.org", mentor_language="da")
    _send(app)
    [match] = inbox.to("morten@example.org")
    body = match.get_content()
    assert "amal@example.org" in body and "+45 12 34 56 78" in body and "Telefon: +45 12 34 56 78" in body
    page = _mentor_client(app).get("/mentor/?lang=en").get_data(as_text=True)
    assert "How to reach Amal Hassan" in page and "amal@example.org" in page and "+45 12 34 56 78" in page


def test_the_mentor_page_and_the_match_email_give_the_associations_contact(app, inbox):
    with app.test_request_context("/"):
        association.save({"name": "Foreningen Mentorbro", "address": "Nørregade 1, 1165 København K",
                          "phone": "+45 70 20 30 40", "email": "kontakt@mentorbro.example"},
                         None)
    _match(app, name="Amal Hassan", email="amal@example.org", mentor_language="da")
    _send(app)
    [match] = inbox.to("morten@example.org")
    body = match.get_content()
    assert "Foreningen Mentorbro" in body and "Telefon: +45 70 20 30 40" in body and "kontakt@mentorbro.example" in body
    page = _mentor_client(app).get("/mentor/?lang=en").get_data(as_text=True)
    assert "Foreningen Mentorbro" in page and "+45 70 20 30 40" in page and "kontakt@mentorbro.example" in page


def test_under_the_old_consent_text_the_mentee_agrees_on_the_status_page_first(app, inbox):
    application = _match(app, consent="2026-11", name="Amal Hassan", email="amal@example.org")
    _send(app)
    assert "amal@example.org" not in inbox.to("morten@example.org")[0].get_content()
    mentor_client = _mentor_client(app)
    page = mentor_client.get("/mentor/?lang=en").get_data(as_text=True)
    assert "+45 12 34 56 78" not in page and "has not yet agreed" in page
    # The mentee, signed in to /status, sees the question and agrees, without JavaScript: a plain form.
    inbox.messages.clear()
    mentee = app.test_client()
    with app.app_context():
        sign_in(mentee, inbox, Application.get_by_id(application.id))
    status_page = mentee.get("/status/application?lang=da").get_data(as_text=True)
    assert "Ja, min mentor må få min e-mailadresse og mit telefonnummer" in status_page
    assert mentee.post("/status/share-with-mentor").status_code == 302
    assert "min mentor må få" not in mentee.get("/status/application?lang=da").get_data(as_text=True)
    _send(app)
    [told] = [m for m in inbox.to("morten@example.org") if "How to reach" in m["Subject"]]
    assert "+45 12 34 56 78" in told.get_content()
    assert "+45 12 34 56 78" in mentor_client.get("/mentor/?lang=en").get_data(as_text=True)


def test_the_status_page_does_not_ask_when_the_consent_already_said_so(app, inbox):
    application = _match(app, email="amal@example.org")
    mentee = app.test_client()
    with app.app_context():
        sign_in(mentee, inbox, Application.get_by_id(application.id))
    assert "share-with-mentor" not in mentee.get("/status/application?lang=en").get_data(as_text=True)


def _active(app, application, started_days_ago, met_days_ago=None):
    with app.app_context():
        pair = Pair.get(Pair.application == application.id)
        Programme.update(start_date=date.today() - timedelta(days=started_days_ago)).where(
            Programme.id == pair.programme_id).execute()
        cohorts.start(Programme.get_by_id(pair.programme_id), application.decided_by, date.today())
        Pair.update(started_on=date.today() - timedelta(days=started_days_ago)).where(Pair.id == pair.id).execute()
        if met_days_ago is not None:
            Meeting.create(pair=pair, held_on=date.today() - timedelta(days=met_days_ago), logged_by=pair.mentor)
        return Pair.get_by_id(pair.id)


def test_the_mentor_page_shows_meetings_against_the_expected_and_an_overdue_note(app):
    application = _match(app, name="Amal Hassan")
    _active(app, application, started_days_ago=70, met_days_ago=40)
    english = _mentor_client(app).get("/mentor/?lang=en").get_data(as_text=True)
    assert "1 meeting so far – 4 expected by now" in english
    assert "You have not met for over a month" in english
    danish = _mentor_client(app).get("/mentor/?lang=da").get_data(as_text=True)
    assert "1 møde indtil nu – 4 forventet indtil nu" in danish and "I har ikke mødtes i over en måned" in danish


def test_send_reminders_emails_a_mentor_whose_pair_has_not_met_for_a_month_at_most_once_a_fortnight(app, inbox):
    quiet = _match(app, name="Amal Hassan", mentor_language="da")
    _active(app, quiet, started_days_ago=70, met_days_ago=35)
    _send(app)
    inbox.messages.clear()
    runner = app.test_cli_runner()
    assert "Reminded 1 mentor(s)" in runner.invoke(args=["send-reminders"]).output
    assert "Reminded 0 mentor(s)" in runner.invoke(args=["send-reminders"]).output        # not again today
    _send(app)
    [reminder] = inbox.to("morten@example.org")
    assert reminder["Subject"] == "Tid til at mødes med Amal Hassan?"
    assert "/mentor/" in reminder.get_content()
    with app.app_context():          # a fortnight later, still no meeting: reminded again
        Pair.update(reminded_at=now_utc() - timedelta(days=15)).execute()
    assert "Reminded 1 mentor(s)" in runner.invoke(args=["send-reminders"]).output
    with app.app_context():          # they met last week: no reminder, however long since the last
        Pair.update(reminded_at=None).execute()
        Meeting.create(pair=Pair.get(), held_on=date.today() - timedelta(days=7), logged_by=Pair.get().mentor)
    assert "Reminded 0 mentor(s)" in runner.invoke(args=["send-reminders"]).output


def test_two_machines_running_send_reminders_at_once_remind_once(app, inbox):
    quiet = _match(app, name="Amal Hassan")
    _active(app, quiet, started_days_ago=70)
    now = now_utc()
    counts, barrier = [], threading.Barrier(2)

    def run():
        with app.app_context():
            database.connect(reuse_if_open=True)
            barrier.wait()
            counts.append(reminders.remind_mentors(date.today(), now))
            database.close()
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [0, 1]
    with app.app_context():
        from portal.models import Outbox
        assert Outbox.select().where(Outbox.subject.contains("Time to meet")).count() == 1


def test_a_milestone_and_a_positive_outcome_thank_the_mentor_in_their_language(app, inbox, login_as):
    application = _match(app, name="Amal Hassan", mentor_language="da")
    pair = _active(app, application, started_days_ago=30, met_days_ago=3)
    _send(app)
    inbox.messages.clear()
    staff = login_as("staff")
    url = f"/programmes/{pair.programme_id}/pairs/{pair.id}"
    assert staff.post(url + "/milestones", data={"kind": "job_offer",
                                                 "reached_on": date.today().isoformat()}).status_code == 302
    assert staff.post(url + "/outcome", data={"outcome-kind": "job",
                                              "outcome-reached_on": date.today().isoformat()}).status_code == 302
    assert staff.post(url + "/outcome", data={"outcome-kind": "job",          # a correction: no second thanks
                                              "outcome-reached_on": date.today().isoformat()}).status_code == 302
    _send(app)
    subjects = sorted(m["Subject"] for m in inbox.to("morten@example.org"))
    assert subjects == ["Tak: Amal Hassan er i job", "Tak: Amal Hassan har fået et jobtilbud"]


def test_the_accounts_language_is_used_on_every_page_after_sign_in(app, make_user):
    for role, path in (("staff", "/review/"), ("caseworker", "/referrals/"), ("mentor", "/mentor/")):
        user = make_user(role)
        with app.app_context():
            User.update(language="en").where(User.id == user.id).execute()
        client = app.test_client()
        client.set_cookie("lang", "da")                                      # a Danish browser and cookie
        assert login(client, user.email).status_code == 302
        page = client.get(path, headers={"Accept-Language": "da"}).get_data(as_text=True)
        assert '<html lang="en"' in page, role
        # Choosing Danish on a page is kept on the account: the next page, and their emails, follow it.
        client.get(path + "?lang=da")
        assert '<html lang="da"' in client.get(path).get_data(as_text=True)
        with app.app_context():
            assert User.get_by_id(user.id).language == "da"


def test_a_language_chosen_on_the_login_page_becomes_the_accounts(app, make_user):
    """Choosing English on the login page (its language switch, ?lang=en) is a choice for the account; a
    language this browser only remembers is not (the test above)."""
    user = make_user("staff")
    with app.app_context():
        User.update(language="da").where(User.id == user.id).execute()
    client = app.test_client()
    form = client.get("/login?lang=en").get_data(as_text=True)
    assert 'name="lang" type="hidden" value="en"' in form
    assert client.post("/login", data={"email": user.email, "password": PASSWORD, "lang": "en"}).status_code == 302
    assert '<html lang="en"' in client.get("/review/").get_data(as_text=True)
    with app.app_context():
        assert User.get_by_id(user.id).language == "en"
    # Odd values are ignored, not stored.
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD, "lang": "xx"}).status_code == 302
    with app.app_context():
        assert User.get_by_id(user.id).language == "en"
