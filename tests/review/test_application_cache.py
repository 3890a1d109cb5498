"""An application's page reuses its parts (summary, eligibility check, duplicates, referral, answers, notes,
history) while nothing they come from changed; each opening is still recorded, and the actions are each
person's own. Whoever writes (this app, another instance, a script), the next opening shows it."""
import sqlite3
from datetime import date

import pytest
from bs4 import BeautifulSoup

from portal.models import Application, AuditEvent, Referral, User
from portal.services import reviews
from tests.review.helpers import make_application


@pytest.fixture
def rendered(monkeypatch):
    """How often the cached parts were worked out (the duplicates are read only for them)."""
    calls = []
    real = reviews.possible_duplicates

    def possible_duplicates(application):
        calls.append(application.reference)
        return real(application)
    monkeypatch.setattr(reviews, "possible_duplicates", possible_duplicates)
    return calls


def page(client, application, lang="en"):
    response = client.get(f"/review/{application.reference}?lang={lang}")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def openings(client, application):
    soup = BeautifulSoup(client.get(f"/review/{application.reference}/openings?lang=en").get_data(as_text=True),
                         "html.parser")
    return [row.get_text(" ", strip=True) for row in soup.select("tbody tr")]


def test_each_opening_is_recorded_and_listed_while_the_details_are_reused(login_as, rendered):
    first, second = login_as("staff", name="Fatima First"), login_as("staff", name="Søren Second")
    application = make_application(full_name="Amal Hassan")
    soup = page(first, application)
    assert soup.h1.get_text() == "Amal Hassan"
    assert page(second, application).h1.get_text() == "Amal Hassan"
    assert len(rendered) == 1                                            # an opening does not move the version
    listed = openings(first, application)
    assert len(listed) == 2 and "Søren Second" in listed[0] and "Fatima First" in listed[1]   # newest first
    link = soup.find("a", string="Who has opened this application")
    assert link["href"] == f"/review/{application.reference}/openings"
    page(first, application, lang="da")                                  # each language has its own
    assert len(rendered) == 2


def test_a_change_written_elsewhere_shows_at_the_next_opening(app, login_as, rendered, database_url):
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
    assert len(rendered) == 2


def test_the_reviewer_and_the_actions_are_each_persons_own_and_current(login_as, rendered):
    first, second = login_as("staff"), login_as("staff")
    application = make_application()
    Application.update(status="in_review", assigned_to=first.user.id).where(
        Application.id == application.id).execute()
    mine, theirs = page(first, application), page(second, application)
    assert len(rendered) == 1
    assert first.user.name in mine.select_one("table.structured-list").get_text()
    assert "Take this application" not in mine.get_text() and "Take this application" in theirs.get_text()
    User.update(name="Renamed Reviewer").where(User.id == first.user.id).execute()
    assert "Renamed Reviewer" in page(second, application).select_one("table.structured-list").get_text()


def test_notes_the_referral_and_the_caseworkers_email_show_at_the_next_opening(login_as, rendered, make_user):
    staff = login_as("staff")
    application = make_application()
    page(staff, application)
    reviews.add_note(application, staff.user, "Called the applicant")
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
    assert len(rendered) == 5


def test_history_written_elsewhere_shows_at_the_next_opening(app, login_as, rendered, database_url):
    """A decision's audit row written by another connection moves the version by itself (migration 0011)."""
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
    assert "Taken for review" in history and len(rendered) == 2


def test_opening_many_applications_does_not_push_the_queue_views_out(app, login_as, monkeypatch):
    app.config["CACHE_SIZE"] = 2
    worked_out = []
    real = reviews.queue
    monkeypatch.setattr(reviews, "queue", lambda *a, **k: worked_out.append(1) or real(*a, **k))
    staff = login_as("staff")
    applications = [make_application() for _ in range(3)]
    staff.get("/review/?lang=en")
    for application in applications:
        page(staff, application)                       # in English too
    staff.get("/review/?lang=en")
    assert len(worked_out) == 1


def test_the_openings_page_pages_in_both_languages_and_takes_odd_page_numbers(login_as, make_user, monkeypatch):
    monkeypatch.setattr(reviews, "OPENINGS_PAGE_SIZE", 2)
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
