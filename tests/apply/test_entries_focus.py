"""Adding or removing an education or a job says where focus goes and what a screen reader is told."""
from bs4 import BeautifulSoup

from tests.apply.helpers import VALID, fill

HTMX = {"HX-Request": "true"}


def test_adding_an_entry_points_focus_at_its_first_field_and_announces_it(client):
    fill(client, until="education")
    response = client.post("/apply/education?lang=da", headers=HTMX,
                           data={**VALID["education"], "action": "add"})
    form = BeautifulSoup(response.get_data(as_text=True), "html.parser").find("form", id="step-form")
    assert form["data-focus"] == "entries-1-level" and form["data-announce"] == "Uddannelse 2 er tilføjet"


def test_removing_an_entry_points_focus_at_the_heading_and_announces_it(client):
    fill(client, until="work")
    data = {**VALID["work"], "entries-1-role": "Driver", "entries-1-years": "2", "action": "remove-0"}
    html = client.post("/apply/work?lang=en", headers=HTMX, data=data).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id="step-form")
    assert form["data-focus"] == "step-heading" and form["data-announce"] == "Job 1 removed"
    assert soup.find(id="step-heading")["tabindex"] == "-1"


def test_the_live_region_stays_outside_the_form_htmx_swaps(client):
    fill(client, until="education")
    soup = BeautifulSoup(client.post("/apply/education?lang=en", data={**VALID["education"], "action": "add"})
                         .get_data(as_text=True), "html.parser")
    region = soup.find(id="step-announcement")
    assert region["role"] == "status" and region.text == "Education 2 added"     # without JavaScript too
    assert region.find_parent("form") is None
