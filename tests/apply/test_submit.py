"""Submitting: one transaction, exactly once, with verdict, audit, duplicate flag and a receipt email."""
import re
import threading
from datetime import timedelta

from portal import mail
from portal.clock import now_utc
from portal.models import Application, AuditEvent, OneTimeToken, Outbox
from portal.services import demo
from tests.apply.helpers import VALID, fill


def seeded(app):
    with app.test_request_context("/"):
        demo.seed(lambda: "a-demo-password-123")


def submit(client):
    return client.post("/apply/submit")


def mine(client) -> Application:
    """The application this test client worked on (the demo data holds others)."""
    with client.session_transaction() as session:
        return Application.by_public_id(session["application"])


def test_submitting_gives_a_reference_and_stores_the_verdict_with_its_rule_version(app, client):
    seeded(app)
    fill(client)
    response = submit(client)
    assert response.headers["Location"].endswith("/apply/done")
    application = mine(client)
    assert application.status == "submitted" and application.submitted_at
    assert re.fullmatch(r"MB-[A-Z2-9]{4}-[A-Z2-9]{4}", application.reference)
    assert application.verdict == "likely_eligible"           # B1 from Prøve i Dansk 2, bachelor, § 7(1), Copenhagen
    assert application.ruleset_version == 1 and application.programme.name == "Erhvervsmentor 2027"
    assert len(application.eligibility["results"]) == 5
    event = AuditEvent.get(AuditEvent.action == "application.submitted")
    assert event.object_id == application.public_id and event.actor_role == "applicant"
    assert event.details["to_status"] == "submitted"
    html = client.get("/apply/done?lang=en").get_data(as_text=True)
    assert application.reference in html and "What happens now" in html


def test_the_verdict_is_advisory_and_never_blocks(app, client):
    seeded(app)
    fill(client, residence={"residence_basis": "other"}, contact={"postcode": "9000", "municipality": "851"})
    submit(client)
    application = mine(client)
    assert application.status == "submitted" and application.verdict == "likely_not_eligible"


def test_pressing_submit_twice_or_resubmitting_gives_one_application(client):
    fill(client)
    first, second = submit(client), submit(client)
    assert first.headers["Location"].endswith("/apply/done") and second.headers["Location"].endswith("/apply/done")
    assert Application.select().where(Application.status == "submitted").count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "application.submitted").count() == 1
    assert Outbox.select().count() == 2          # the resume link and one receipt


def test_parallel_submissions_of_the_same_draft_make_one_application(app, client):
    fill(client)
    cookie = client.get_cookie("session").value
    results = []

    def press():
        other = app.test_client()
        other.set_cookie("session", cookie)
        results.append(other.post("/apply/submit").status_code)
    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302] * 8
    assert AuditEvent.select().where(AuditEvent.action == "application.submitted").count() == 1
    assert Outbox.select().where(Outbox.subject.contains("received")).count() == 1


def test_a_submitted_application_can_no_longer_be_changed_through_the_form(client):
    fill(client)
    submit(client)
    response = client.post("/apply/about-you", data={**VALID["about-you"], "full_name": "Someone Else"})
    assert Application.get().full_name == "Amal Hassan"
    assert response.status_code == 302


def test_a_possible_duplicate_is_flagged_for_staff_but_not_blocked(app):
    for name, email in (("Amal Hassan", "amal@example.org"), ("Amal Hassan", "other@example.org")):
        client = app.test_client()
        fill(client, contact={"email": email})
        assert submit(client).headers["Location"].endswith("/apply/done")
    assert [a.possible_duplicate for a in Application.select().order_by(Application.id)] == [True, True]


def test_different_people_are_not_flagged(app):
    for name, email in (("Amal Hassan", "amal@example.org"), ("Yonas Tesfay", "yonas@example.org")):
        client = app.test_client()
        fill(client, **{"about-you": {"full_name": name}, "contact": {"email": email}})
        submit(client)
    assert not any(a.possible_duplicate for a in Application.select())


def test_the_receipt_is_emailed_in_the_applicants_language(app, client, inbox):
    fill(client, **{"about-you": {"language": "da"}})
    submit(client)
    with app.app_context():
        mail.send_pending()
    receipt = next(m for m in inbox.to("amal@example.org") if Application.get().reference in m["Subject"])
    assert "Vi har modtaget din ansøgning" in receipt["Subject"]
    assert "http://localhost/status/" in receipt.get_content()


def test_the_receipt_in_english(app, client, inbox):
    fill(client)
    submit(client)
    with app.app_context():
        mail.send_pending()
    subjects = [m["Subject"] for m in inbox.to("amal@example.org")]
    assert "Continue your application to Mentorbro" in subjects
    assert f"We have received your application ({Application.get().reference})" in subjects


def test_the_resume_link_is_announced_once_stays_on_every_step_and_is_emailed_and_only_its_hash_is_kept(
        app, client, inbox):
    fill(client, until="residence")
    html = client.get("/apply/residence?lang=en").get_data(as_text=True)
    assert "Your answers are saved" in html
    link = re.search(r'class="resume-link">(http://localhost/apply/resume/[^<]+)<', html).group(1)
    token = link.rsplit("/", 1)[1].split("?")[0]
    assert len(token) >= 22 and link.endswith("?lang=en")        # at least 128 bits; in the applicant's language
    again = client.get("/apply/residence?lang=en").get_data(as_text=True)
    assert "Your answers are saved" not in again and link in again   # announced once, then kept in view
    fill(client, until="languages")
    for step in ("work", "languages"):
        assert link in client.get(f"/apply/{step}?lang=en").get_data(as_text=True)
    stored = OneTimeToken.get()
    assert token not in stored.token_hash and stored.expires_at > now_utc() + timedelta(days=29)
    with app.app_context():
        mail.send_pending()
    assert link in inbox.to("amal@example.org")[0].get_content()


def test_the_resume_link_opens_the_draft_in_another_browser_at_the_first_unfinished_step(app, client):
    fill(client, until="residence")
    html = client.get("/apply/residence").get_data(as_text=True)
    path = re.search(r'class="resume-link">http://localhost(/apply/resume/[^<]+)<', html).group(1)
    other_browser = app.test_client()
    response = other_browser.get(path)
    assert response.headers["Location"].endswith("/apply/residence")
    page = other_browser.get("/apply/contact").get_data(as_text=True)
    assert 'value="amal@example.org"' in page


def test_an_expired_or_unknown_resume_link_explains_what_to_do(app, client):
    fill(client, until="residence")
    html = client.get("/apply/residence").get_data(as_text=True)
    path = re.search(r'class="resume-link">http://localhost(/apply/resume/[^<]+)<', html).group(1)
    OneTimeToken.update(expires_at=now_utc() - timedelta(seconds=1)).execute()
    response = app.test_client().get(path)          # the link carries the language (en)
    assert response.status_code == 404 and "The link does not work" in response.get_data(as_text=True)
    assert app.test_client().get("/apply/resume/made-up").status_code == 404


def test_a_resume_link_no_longer_opens_a_submitted_application(app, client):
    fill(client, until="residence")
    html = client.get("/apply/residence").get_data(as_text=True)
    path = re.search(r'class="resume-link">http://localhost(/apply/resume/[^<]+)<', html).group(1)
    fill(client)
    submit(client)
    assert app.test_client().get(path).status_code == 404
