"""Decisions: each transition allowed and refused, the concurrent-decision conflict, audit and notes; the
application's page, always as the database is now, and who opened it."""
import re
import sqlite3
import threading
from datetime import date

import pytest
from bs4 import BeautifulSoup

from portal import mail
from portal.models import Application, AuditEvent, Note, OneTimeToken, Outbox, Referral, User
from portal.services import application_file
from tests.apply.helpers import fill
from tests.review.helpers import make_application, reload, seeded, submitted


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def decide(client, application, action, version=None, **data):
    return client.post(f"/review/{application.reference}/{action}?lang=en",
                       data={"version": application.version if version is None else version, **data})


def events(application, action=None):
    query = AuditEvent.select().where(AuditEvent.object_id == application.public_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(query.order_by(AuditEvent.id))


def in_review(staff, **columns):
    application = make_application(**columns)
    assert decide(staff, application, "take").status_code == 302
    return reload(application)


def test_take_assigns_to_me_and_is_audited_with_from_and_to(staff):
    application = make_application()
    confirm = staff.get(f"/review/{application.reference}/take?lang=en")
    assert confirm.status_code == 200 and "Take this application?" in confirm.get_data(as_text=True)
    soup = BeautifulSoup(confirm.get_data(as_text=True), "html.parser")
    assert soup.select_one("input[name=version]")["value"] == str(application.version)
    response = decide(staff, application, "take")
    assert response.headers["Location"] == f"/review/{application.reference}"
    after = reload(application)
    assert after.status == "in_review" and after.assigned_to_id == staff.user.id
    assert after.version == application.version + 1
    [event] = events(application, "application.taken")
    assert event.actor_id == staff.user.id and event.details["from_status"] == "submitted"
    assert event.details["to_status"] == "in_review"
    page = staff.get(f"/review/{application.reference}?lang=en").get_data(as_text=True)
    assert "The application is assigned to you" in page


def test_take_from_a_colleague_is_allowed_but_not_from_myself(staff, login_as):
    application = in_review(staff)
    assert decide(staff, application, "take").status_code == 409             # already mine
    colleague = login_as("staff")
    assert decide(colleague, application, "take").status_code == 302
    assert reload(application).assigned_to_id == colleague.user.id


def test_approve_records_who_when_why_and_the_programme(app, staff):
    programme = seeded(app)
    application = in_review(staff, programme=None)
    confirm = staff.get(f"/review/{application.reference}/approve?lang=en").get_data(as_text=True)
    assert "Approve this application?" in confirm and "Erhvervsmentor 2027" in confirm
    assert decide(staff, application, "approve", programme=programme.id).status_code == 302
    after = reload(application)
    assert after.status == "approved" and after.decided_by_id == staff.user.id and after.decided_at
    assert after.decision_reason == "approved" and after.programme_id == programme.id
    [event] = events(application, "application.approved")
    assert event.details == {"from_status": "in_review", "to_status": "approved", "programme": programme.id}
    assert Outbox.select().where(Outbox.recipient == application.email).count() == 1


def test_reject_needs_a_reason_from_the_list_and_other_needs_text(staff):
    application = in_review(staff)
    missing = decide(staff, application, "reject")
    assert missing.status_code == 200 and "Choose a reason" in missing.get_data(as_text=True)
    other = decide(staff, application, "reject", code="other")
    assert "Explain the reason to the applicant" in other.get_data(as_text=True)
    bogus = decide(staff, application, "reject", code="because")
    assert bogus.status_code == 200 and reload(application).status == "in_review"
    assert decide(staff, application, "reject", code="catchment", message="We hope to open in Odense.").status_code == 302
    after = reload(application)
    assert after.status == "rejected" and after.decision_code == "catchment"
    assert after.decision_reason == "We hope to open in Odense." and after.decided_by_id == staff.user.id
    [event] = events(application, "application.rejected")
    assert event.details["code"] == "catchment" and event.details["to_status"] == "rejected"


def test_ask_for_information_needs_a_message_and_sends_an_edit_link(app, inbox, staff):
    application = in_review(staff)
    assert "Write what the applicant should add" in decide(staff, application, "ask").get_data(as_text=True)
    assert decide(staff, application, "ask", message="Which year did you finish?").status_code == 302
    after = reload(application)
    assert after.status == "needs_info"
    token = OneTimeToken.get(OneTimeToken.application == application.id)
    assert token.purpose == "resume"
    with app.app_context():
        assert mail.send_pending() == 1
    [email] = inbox.to(application.email)
    assert "Which year did you finish?" in email.get_content() and "/apply/resume/" in email.get_content()
    [event] = events(application, "application.info_requested")
    assert event.details["message"] == "Which year did you finish?"


def test_withdraw_from_every_open_status_and_not_after_a_decision(staff):
    for status in ("submitted", "in_review", "needs_info"):
        application = make_application(status=status)
        assert decide(staff, application, "withdraw", reason="Found a job").status_code == 302
        assert reload(application).status == "withdrawn"
        assert events(application, "application.withdrawn")[0].details["reason"] == "Found a job"
    decided = make_application(status="approved", decided_by=staff.user, decision_reason="approved")
    assert decide(staff, decided, "withdraw").status_code == 409
    assert reload(decided).status == "approved"


@pytest.mark.parametrize("status, action", [
    ("submitted", "approve"), ("submitted", "reject"), ("submitted", "ask"),
    ("needs_info", "approve"), ("needs_info", "take"), ("needs_info", "ask"),
    ("approved", "take"), ("approved", "reject"), ("rejected", "approve"), ("withdrawn", "take"),
    ("withdrawn", "withdraw"), ("completed", "reject"),
])
def test_invalid_transitions_are_refused_with_a_message_and_change_nothing(app, staff, status, action):
    programme = seeded(app)
    decided = {"decided_by": staff.user, "decision_reason": "x"} if status in ("approved", "rejected") else {}
    application = make_application(status=status, **decided)
    response = decide(staff, application, action, programme=programme.id, code="age", message="m")
    assert response.status_code == 409
    assert "This is not possible while the application is" in response.get_data(as_text=True)
    assert reload(application).status == status and reload(application).version == application.version
    assert events(application) == [] and Outbox.select().count() == 0
    page = staff.get(f"/review/{application.reference}/{action}?lang=en")          # the confirmation step
    assert page.status_code == 302
    assert "This is not possible" in staff.get(page.headers["Location"] + "?lang=en").get_data(as_text=True)


def test_the_page_offers_only_the_actions_that_apply(staff):
    application = make_application()
    soup = BeautifulSoup(staff.get(f"/review/{application.reference}").get_data(as_text=True), "html.parser")
    links = {a["href"].rsplit("/", 1)[1] for a in soup.select("a.button") if "/review/MB-" in a["href"]}
    assert links == {"take", "withdraw"}


def test_second_reviewer_acting_on_a_stale_page_is_told_and_nothing_is_applied_twice(app, login_as):
    programme = seeded(app)
    first, second = login_as("staff"), login_as("staff")
    application = in_review(first)
    seen = reload(application).version                 # both have the confirmation page open
    assert decide(first, application, "approve", version=seen, programme=programme.id).status_code == 302
    response = decide(second, application, "reject", version=seen, code="age")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "This application changed while you were reading it" in html
    assert 'action="/review/' not in html.split("main-content")[1] or "Yes, reject" not in html
    after = reload(application)
    assert after.status == "approved" and after.decided_by_id == first.user.id
    assert len(events(application, "application.approved")) == 1 and not events(application, "application.rejected")
    assert Outbox.select().where(Outbox.recipient == application.email).count() == 1
    # the same decision posted twice (double click) is applied once
    again = decide(first, application, "approve", version=seen, programme=programme.id)
    assert again.status_code == 409 and len(events(application, "application.approved")) == 1


def test_concurrent_decisions_in_parallel_threads_apply_exactly_one(app, login_as):
    programme = seeded(app)
    reviewers = [login_as("staff") for _ in range(4)]
    application = in_review(reviewers[0])
    seen = reload(application).version
    barrier, results = threading.Barrier(len(reviewers)), []

    def act(client, index):
        barrier.wait()
        if index % 2:
            results.append(decide(client, application, "reject", version=seen, code="age").status_code)
        else:
            results.append(decide(client, application, "approve", version=seen, programme=programme.id).status_code)

    threads = [threading.Thread(target=act, args=(c, i)) for i, c in enumerate(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [302, 409, 409, 409]
    decisions = [e for e in events(application) if e.action in ("application.approved", "application.rejected")]
    assert len(decisions) == 1 and Outbox.select().where(Outbox.recipient == application.email).count() == 1


@pytest.mark.postgres        # SQLite takes one writer at a time by design: there is nothing to wait for there
def test_a_decision_does_not_wait_for_another_write_to_a_different_application(staff, database_url):
    """Another instance is in the middle of changing one application: a reviewer's decision on another one
    goes through at once, not after that transaction ends."""
    import psycopg2
    busy, mine = make_application(), make_application()
    other = psycopg2.connect(database_url)
    answers = []
    worker = threading.Thread(target=lambda: answers.append(decide(staff, mine, "take").status_code))
    try:
        with other.cursor() as cursor:           # an open transaction, holding its row
            cursor.execute("UPDATE application SET full_name = 'Being changed' WHERE id = %s", (busy.id,))
        worker.start()
        worker.join(5)
        assert answers == [302], "the decision waited for another application's transaction"
    finally:
        other.commit()
        other.close()
        if worker.is_alive():
            worker.join(10)
    assert reload(mine).status == "in_review"


def test_a_post_without_csrf_token_is_refused_and_keeps_the_typed_text(make_app, make_user):
    from tests.conftest import login
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user("staff")
    client = app.test_client()
    page = client.get("/login")
    token = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("input[name=csrf_token]")["value"]
    assert client.post("/login", data={"email": user.email, "password": "correct horse battery staple",
                                       "csrf_token": token}).status_code == 302
    application = make_application(status="in_review", assigned_to=user)
    response = client.post(f"/review/{application.reference}/ask?lang=en",
                           data={"version": application.version, "message": "Please add your CV"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Please add your CV" in html and "The form had expired" in html
    assert reload(application).status == "in_review"


def test_the_note_form_carries_its_own_csrf_token_on_the_page_and_after_an_htmx_note(make_app, make_user):
    """With CSRF on: a note is added with the token in the note form itself, and the form htmx puts back
    after a note carries one too, so a second note goes through."""
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user("staff")
    client = app.test_client()
    page = client.get("/login")
    token = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("input[name=csrf_token]")["value"]
    assert client.post("/login", data={"email": user.email, "password": "correct horse battery staple",
                                       "csrf_token": token}).status_code == 302
    application = make_application()

    def note_form(html):
        form = BeautifulSoup(html, "html.parser").select_one("#notes form")
        assert form.select_one("label[for=body]") and form.select_one("textarea#body")
        return form.select_one("input[name=csrf_token]")["value"]

    token = note_form(client.get(f"/review/{application.reference}?lang=en").get_data(as_text=True))
    fragment = client.post(f"/review/{application.reference}/notes?lang=en", headers={"HX-Request": "true"},
                           data={"body": "First note", "csrf_token": token})
    assert fragment.status_code == 200 and "First note" in fragment.get_data(as_text=True)
    token = note_form(fragment.get_data(as_text=True))
    second = client.post(f"/review/{application.reference}/notes", data={"body": "Second note", "csrf_token": token})
    assert second.status_code == 302
    assert Note.select().where(Note.application == application.id).count() == 2


def test_unknown_action_reference_or_draft_is_404(staff):
    application = make_application()
    draft = Application.create(status="draft", reference=None)
    assert staff.get(f"/review/{application.reference}/delete").status_code == 404
    assert staff.get("/review/MB-NONE-XXXX").status_code == 404
    assert staff.get(f"/review/{draft.public_id}").status_code == 404


def test_every_view_of_the_page_is_one_audit_event(staff):
    application = make_application()
    staff.get(f"/review/{application.reference}")
    staff.get(f"/review/{application.reference}")
    views = events(application, "application.viewed")
    assert len(views) == 2 and all(v.actor_id == staff.user.id for v in views)
    staff.get(f"/review/{application.reference}/take")              # a confirmation step is not a view
    assert len(events(application, "application.viewed")) == 2


def test_the_page_shows_answers_eligibility_duplicates_referral_and_history(app, staff, make_user):
    seeded(app)
    first = submitted(app, email="amal@example.org")
    again = submitted(app, email="amal@example.org")
    caseworker = make_user("caseworker", name="Camilla Caseworker")
    Referral.create(caseworker=caseworker, municipality="101", full_name="Amal Hassan", note="Met at the job centre",
                    consent_how="In a meeting", consent_at=again.submitted_at.date(), application=again)
    decide(staff, again, "take")
    html = staff.get(f"/review/{again.reference}?lang=en").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert "Civil engineering" in html and "Amal Hassan" in html
    assert "Change" not in [a.get_text(strip=True) for a in soup.select("table.structured-list a")]
    assert soup.find("caption", string=re.compile("Eligibility check")) and "Likely eligible" in html
    assert soup.find("a", href=f"/review/{first.reference}")
    assert "Camilla Caseworker" in html and "Met at the job centre" in html
    history = soup.select_one("#history").find_next("table").get_text(" ", strip=True)
    assert "Sent by the applicant" in history and "Taken for review" in history
    assert "Submitted → In review" in history and staff.user.name in history
    assert all(th.get("scope") for th in soup.select("th"))


def test_notes_are_added_in_place_and_without_javascript_and_never_emailed(app, staff):
    programme = seeded(app)
    application = in_review(staff)
    fragment = staff.post(f"/review/{application.reference}/notes?lang=en", data={"body": "Called her: starts school in May"},
                          headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and "Called her: starts school in May" in html
    assert 'id="notes"' in html
    plain = staff.post(f"/review/{application.reference}/notes", data={"body": "Second note"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith("#notes")
    empty = staff.post(f"/review/{application.reference}/notes?lang=en", data={"body": "  "}, headers={"HX-Request": "true"})
    assert "Write the note" in empty.get_data(as_text=True)
    assert Note.select().count() == 2 and len(events(application, "application.note_added")) == 2
    assert "Second note" in staff.get(f"/review/{application.reference}").get_data(as_text=True)
    decide(staff, application, "approve", programme=programme.id)
    assert Outbox.select().count() == 1
    assert all("Called her" not in m.body and "Second note" not in m.body for m in Outbox.select())


def test_asking_for_information_lets_the_applicant_edit_and_resubmit_into_the_queue(app, inbox, staff):
    seeded(app)
    application = submitted(app)
    decide(staff, application, "take")
    decide(staff, reload(application), "ask", message="Please add your work experience in Denmark.")
    with app.app_context():
        mail.send_pending()
    body = inbox.to(application.email)[-1].get_content()
    link = re.search(r"http://localhost(/apply/resume/\S+)", body).group(1)
    applicant = app.test_client()
    assert applicant.get(link).status_code == 302
    assert applicant.post("/apply/work", data={"entries-0-role": "Site engineer", "entries-0-sector": "Construction",
                                               "entries-0-years": "6", "entries-0-country": "DK"}).status_code == 302
    assert applicant.post("/apply/submit").status_code == 302
    after = reload(application)
    assert after.status == "submitted" and after.reference == application.reference
    assert after.answers["work"]["entries"][0]["country"] == "DK"
    assert events(application, "application.resubmitted")
    assert application.reference in staff.get("/review/?status=submitted").get_data(as_text=True)


def test_the_history_of_a_much_opened_application_shows_every_change_and_no_view(staff):
    """Each opening adds a view; the history (everything but views, in time order) has the actions that
    sort before "viewed" and those after it, and none of the 3,000 views, which are paged on their own
    page. Speed at scale is measured in bench/, not here."""
    from datetime import datetime, timedelta

    from portal.models import AuditEvent
    application, others = make_application(), [make_application() for _ in range(50)]
    decide(staff, application, "take")
    start = datetime(2026, 1, 1)
    AuditEvent.insert_many(
        [{"actor": staff.user.id, "actor_role": "staff", "action": "application.viewed", "object_type": "application",
          "object_id": application.public_id, "at": start + timedelta(seconds=n), "details": {}} for n in range(3000)]
        + [{"actor": staff.user.id, "actor_role": "staff", "action": "application.taken", "object_type": "application",
            "object_id": other.public_id, "at": start, "details": {}} for other in others for _ in range(20)]).execute()
    assert decide(staff, reload(application), "withdraw", reason="Found a job").status_code == 302
    page = BeautifulSoup(staff.get(f"/review/{application.reference}?lang=en").get_data(as_text=True), "html.parser")
    rows = page.find(id="history").find_next("table").select("tbody tr")
    assert [row.select("td")[2].get_text(" ", strip=True).split(" Found")[0] for row in rows] == [
        "Taken for review", "Withdrawn"]
    openings = BeautifulSoup(staff.get(f"/review/{application.reference}/openings?lang=en").get_data(as_text=True),
                             "html.parser")
    assert len(openings.select("tbody tr")) == 50 and "Page 1 of 61" in openings.get_text()   # 3,001 views


def test_only_the_emailed_link_reopens_a_sent_application_not_the_browser_that_sent_it(app, inbox, staff):
    """A shared phone or library computer: the browser that sent the application (its session, and the resume
    link it was shown and emailed) cannot change it when staff ask for more; the new email's link can."""
    seeded(app)
    sender = app.test_client()
    fill(sender)
    with app.app_context():
        mail.send_pending()
    first_link = re.search(r"http://localhost(/apply/resume/\S+)", inbox.to("amal@example.org")[-1].get_content()).group(1)
    assert sender.post("/apply/submit").status_code == 302
    application = Application.get(Application.email == "amal@example.org")
    decide(staff, application, "take")
    decide(staff, reload(application), "ask", message="Please add your work experience in Denmark.")
    assert reload(application).status == "needs_info"

    # The old browser: its form starts afresh, and nothing it posts reaches the application.
    assert sender.get("/apply/check").status_code == 302
    assert "Amal Hassan" not in sender.get("/apply/about-you?lang=en").get_data(as_text=True)
    sender.post("/apply/about-you", data={"full_name": "Someone Else", "birth_year": "1970", "language": "en"})
    assert sender.post("/apply/submit").status_code == 302
    # The draft's resume link (emailed, and shown on the page) no longer opens it either.
    assert sender.get(first_link).status_code == 404
    after = reload(application)
    assert (after.status, after.full_name, after.version) == ("needs_info", "Amal Hassan", application.version + 2)

    # The link in the "needs more information" email signs in for editing, in any browser.
    with app.app_context():
        mail.send_pending()
    body = inbox.to(application.email)[-1].get_content()
    link = re.search(r"http://localhost(/apply/resume/\S+)", body).group(1)
    applicant = app.test_client()
    assert applicant.get(link).status_code == 302
    assert applicant.post("/apply/about-you", data={"full_name": "Amal Hassan", "birth_year": "1988",
                                                    "language": "en"}).status_code == 302
    assert applicant.post("/apply/submit").status_code == 302
    assert reload(application).status == "submitted"
    # Sent again: that link has done its job, and a second request for information brings a new one.
    assert app.test_client().get(link).status_code == 404
    assert applicant.get("/apply/check").status_code == 302


# ---------------------------------------------------------------- the page is always as the database is now

def page(client, application, lang="en"):
    response = client.get(f"/review/{application.reference}?lang={lang}")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def openings(client, application):
    soup = BeautifulSoup(client.get(f"/review/{application.reference}/openings?lang=en").get_data(as_text=True),
                         "html.parser")
    return [row.get_text(" ", strip=True) for row in soup.select("tbody tr")]


def test_each_opening_is_recorded_and_listed_on_a_page_of_its_own(login_as):
    first, second = login_as("staff", name="Fatima First"), login_as("staff", name="Søren Second")
    application = make_application(full_name="Amal Hassan")
    soup = page(first, application)
    assert soup.h1.get_text() == "Amal Hassan"
    assert page(second, application).h1.get_text() == "Amal Hassan"
    listed = openings(first, application)
    assert len(listed) == 2 and "Søren Second" in listed[0] and "Fatima First" in listed[1]   # newest first
    link = soup.find("a", string="Who has opened this application")
    assert link["href"] == f"/review/{application.reference}/openings"


def test_a_change_written_elsewhere_shows_at_the_next_opening(app, login_as, database_url):
    """Another instance, the CLI or a script writes straight to the database: the next opening shows it."""
    staff = login_as("staff")
    application = make_application(full_name="Amal Hassan")
    assert page(staff, application).h1.get_text() == "Amal Hassan"
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as other:
            other.execute("UPDATE application SET full_name = 'Amal Renamed', status = 'withdrawn' WHERE id = ?",
                          (application.id,))
    else:
        Application.update(full_name="Amal Renamed", status="withdrawn").where(
            Application.id == application.id).execute()
    soup = page(staff, application)
    assert soup.h1.get_text() == "Amal Renamed" and "Withdrawn" in soup.select_one(".badge").get_text()


def test_the_reviewer_and_the_actions_are_each_persons_own_and_current(login_as):
    first, second = login_as("staff"), login_as("staff")
    application = make_application()
    Application.update(status="in_review", assigned_to=first.user.id).where(
        Application.id == application.id).execute()
    mine, theirs = page(first, application), page(second, application)
    assert first.user.name in mine.select_one("table.structured-list").get_text()
    assert "Take this application" not in mine.get_text() and "Take this application" in theirs.get_text()
    User.update(name="Renamed Reviewer").where(User.id == first.user.id).execute()
    assert "Renamed Reviewer" in page(second, application).select_one("table.structured-list").get_text()


def test_notes_the_referral_and_the_caseworkers_email_show_at_the_next_opening(login_as, make_user):
    staff = login_as("staff")
    application = make_application()
    page(staff, application)
    application_file.add_note(application, staff.user, "Called the applicant")
    assert "Called the applicant" in page(staff, application).select_one("#notes").get_text()
    caseworker = make_user("caseworker")
    referral = Referral.create(caseworker=caseworker, municipality="101", full_name=application.full_name,
                               note="Wants to work in logistics", consent_how="in_person",
                               consent_at=date(2026, 1, 2), application=application.id)
    text = page(staff, application).get_text()
    assert caseworker.email in text and "Wants to work in logistics" in text
    User.update(email="new-address@example.org").where(User.id == caseworker.id).execute()
    assert "new-address@example.org" in page(staff, application).get_text()
    Referral.update(note="Wants to drive a truck").where(Referral.id == referral.id).execute()
    assert "Wants to drive a truck" in page(staff, application).get_text()


def test_history_written_elsewhere_shows_at_the_next_opening(app, login_as, database_url):
    """A decision's audit row written by another connection shows in the history at once."""
    staff = login_as("staff")
    application = make_application()
    page(staff, application)
    row = ("staff", "application.taken", "application", application.public_id, "2026-03-04 05:06:07", "{}")
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as other:
            other.execute("INSERT INTO audit_event (actor_role, action, object_type, object_id, at, details) "
                          "VALUES (?, ?, ?, ?, ?, ?)", row)
    else:
        AuditEvent.insert(dict(zip(("actor_role", "action", "object_type", "object_id", "at", "details"),
                                   row[:5] + ({},)))).execute()
    history = page(staff, application).select_one("#history").find_next("table").get_text()
    assert "Taken for review" in history


def test_the_openings_page_pages_in_both_languages_and_takes_odd_page_numbers(login_as, monkeypatch):
    monkeypatch.setattr(application_file, "OPENINGS_PAGE_SIZE", 2)
    staff = login_as("staff", name="Rita Reviewer")
    application = make_application()
    for _ in range(5):
        page(staff, application)
    url = f"/review/{application.reference}/openings"
    first = BeautifulSoup(staff.get(url + "?lang=da").get_data(as_text=True), "html.parser")
    assert first.h1.get_text() == f"Hvem har åbnet ansøgning {application.reference}"
    assert len(first.select("tbody tr")) == 2 and "Side 1 af 3" in first.get_text()
    last = BeautifulSoup(staff.get(url + "?lang=en&page=3").get_data(as_text=True), "html.parser")
    assert [row.get_text(" ", strip=True).endswith("Rita Reviewer") for row in last.select("tbody tr")] == [True]
    for odd in ("abc", "-5", "0", "99999999999999999999"):
        response = staff.get(f"{url}?lang=en&page={odd}")
        assert response.status_code == 200 and "Page" in response.get_data(as_text=True)
    assert staff.get("/review/MB-NONE-XXXX/openings").status_code == 404
    viewed = AuditEvent.select().where(AuditEvent.object_id == application.public_id).count()
    assert viewed == 5                                               # looking at them is not an opening
