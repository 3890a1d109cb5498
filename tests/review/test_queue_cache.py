"""The queue's results are reused while nothing changed, and never shown older than the database."""
import sqlite3

import pytest
from bs4 import BeautifulSoup

from portal.models import Application, User
from portal.services import reviews
from tests.review.helpers import make_application


def names(response):
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [row.select("td")[0].get_text(strip=True) for row in soup.select("table tbody tr")]


@pytest.fixture
def counted(monkeypatch):
    """How often the queue was worked out from the database."""
    calls = []
    real = reviews.queue

    def queue(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(reviews, "queue", queue)
    return calls


def test_the_same_view_again_is_served_without_working_it_out_again(login_as, counted):
    staff = login_as("staff")
    make_application(full_name="Amal Hassan")
    first = staff.get("/review/?lang=en").get_data(as_text=True)
    second = staff.get("/review/?lang=en").get_data(as_text=True)
    assert len(counted) == 1 and "Amal Hassan" in second
    assert first.split('id="queue-results"')[1] == second.split('id="queue-results"')[1]
    staff.get("/review/?lang=da")                         # each language has its own
    staff.get("/review/?lang=en", headers={"HX-Request": "true"})   # and the fragment its own
    assert len(counted) == 3


def test_a_change_made_elsewhere_shows_at_the_next_view(app, login_as, database_url):
    """Another app instance, the CLI or a script writes straight to the database: the next view shows it."""
    staff = login_as("staff")
    application = make_application(full_name="Amal Hassan")
    assert names(staff.get("/review/")) == ["Amal Hassan"]
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as other:
            other.execute("UPDATE application SET full_name = 'Amal Renamed' WHERE id = ?", (application.id,))
    else:
        Application.update(full_name="Amal Renamed").where(Application.id == application.id).execute()
    assert names(staff.get("/review/")) == ["Amal Renamed"]


def test_a_decision_changes_the_counts_and_a_renamed_reviewer_shows(login_as):
    staff = login_as("staff")
    application = make_application(full_name="Amal Hassan")
    html = staff.get("/review/?lang=en").get_data(as_text=True)
    assert "Submitted (1)" in html and "In review (0)" in html
    user = User.get(User.role == "staff")
    Application.update(status="in_review", assigned_to=user.id).where(Application.id == application.id).execute()
    html = staff.get("/review/?lang=en").get_data(as_text=True)
    assert "Submitted (0)" in html and "In review (1)" in html and user.name in html
    User.update(name="Renamed Reviewer").where(User.id == user.id).execute()
    assert "Renamed Reviewer" in staff.get("/review/?lang=en").get_data(as_text=True)


def test_assigned_to_me_is_each_reviewers_own(login_as):
    first, second = login_as("staff"), login_as("staff")
    mine = make_application(full_name="Mine Only")
    Application.update(assigned_to=first.user.id).where(Application.id == mine.id).execute()
    assert names(first.get("/review/?assigned=me")) == ["Mine Only"]
    assert names(second.get("/review/?assigned=me")) == []


def test_the_filter_form_and_the_signed_in_person_are_always_current(login_as):
    from datetime import date

    from portal.models import Programme
    first, second = login_as("staff"), login_as("staff")
    make_application(full_name="Amal Hassan")
    assert "Forløb 2029" not in first.get("/review/?lang=en").get_data(as_text=True)
    Programme.create(name="Forløb 2029", start_date=date(2029, 1, 1))
    soup = BeautifulSoup(first.get("/review/?lang=en").get_data(as_text=True), "html.parser")
    assert "Forløb 2029" in [o.get_text() for o in soup.select("#programme option")]
    # The same cached view, but each person's own page around it (their name, their sign-out form).
    page = second.get("/review/?lang=en").get_data(as_text=True)
    assert second.user.name in page and first.user.name not in page
    kept = BeautifulSoup(page, "html.parser").select_one("#main-content")
    assert kept.select_one("form[role=search]") and not kept.select("[name=csrf_token]")   # nobody's token
    typed = BeautifulSoup(first.get("/review/?q=%3Cb%3Ehi&lang=en").get_data(as_text=True), "html.parser")
    assert typed.select_one("#q")["value"] == "<b>hi"          # what was typed, escaped, kept in the box
