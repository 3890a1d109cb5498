"""Adding a note with htmx says where focus goes and what a screen reader is told, in a region that stays."""
from bs4 import BeautifulSoup

import pytest

from tests.review.helpers import make_application

HTMX = {"HX-Request": "true"}


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.mark.parametrize("lang, said", [("da", "Notatet er tilføjet."), ("en", "Note added.")])
def test_an_added_note_gets_focus_and_is_announced(staff, lang, said):
    application = make_application()
    html = staff.post(f"/review/{application.reference}/notes?lang={lang}", headers=HTMX,
                      data={"body": "Called her"}).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    notes = soup.find(id="notes")
    new = soup.find(id=notes["data-focus"])
    assert new.name == "li" and "Called her" in new.text and new["tabindex"] == "-1"
    assert notes["data-announce"] == said and notes["data-live"] == "notes-announcement"


def test_a_refused_note_moves_nothing(staff):
    application = make_application()
    html = staff.post(f"/review/{application.reference}/notes?lang=en", headers=HTMX,
                      data={"body": "  "}).get_data(as_text=True)
    notes = BeautifulSoup(html, "html.parser").find(id="notes")
    assert not notes.has_attr("data-announce") and not notes.has_attr("data-focus")


def test_the_notes_live_region_stays_outside_what_htmx_swaps(staff):
    application = make_application()
    soup = BeautifulSoup(staff.get(f"/review/{application.reference}?lang=en").get_data(as_text=True), "html.parser")
    region = soup.find(id="notes-announcement")
    assert region["role"] == "status" and region.text == ""
    assert soup.find(id="notes").find(id="notes-announcement") is None
    assert soup.select_one("#notes form")["data-hx-target"] == "#notes"
