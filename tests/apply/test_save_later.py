""""Save and come back later" on every step: what was typed is kept, and the page gives the link to come back
with (emailed too once there is an address), with or without JavaScript (a plain button of the step's form)."""
import re

import pytest

from portal import answers as flow
from portal import mail
from portal.models import Application
from tests.apply.helpers import VALID, fill

# A free-text field of each step (the consent step has none).
TEXT_FIELD = {"about-you": "full_name", "contact": "address", "residence": "arrival_year",
              "education": "entries-0-field", "work": "entries-0-role", "languages": "other_languages",
              "goals": "wished_fields"}
LINK = re.compile(r'class="resume-link">http://localhost(/apply/resume/[^<"]+)<')


@pytest.mark.parametrize("step", flow.STEPS)
def test_every_step_saves_what_was_typed_and_gives_the_link_to_come_back(app, client, step):
    fill(client, until=step)
    page = client.get(f"/apply/{step}?lang=en").get_data(as_text=True)
    assert 'name="go" value="later"' in page and "Save and come back later" in page
    typed = {**VALID[step]}
    if step in TEXT_FIELD:
        typed[TEXT_FIELD[step]] = "Half typed"
    response = client.post(f"/apply/{step}", data={**typed, "go": "later"})
    assert response.status_code == 302 and response.location.endswith("/apply/saved")
    saved = client.get("/apply/saved?lang=en").get_data(as_text=True)
    assert "Your answers are saved" in saved
    path = LINK.search(saved).group(1)
    # in another browser, the link opens the draft with what was typed on the step
    other = app.test_client()
    assert other.get(path).status_code == 302
    again = other.get(f"/apply/{step}?lang=en").get_data(as_text=True)
    if step in TEXT_FIELD:
        assert 'value="Half typed"' in again or ">Half typed<" in again
    assert Application.select().count() == 1 and Application.get().status == "draft"


def test_saving_for_later_in_danish_and_the_link_is_emailed_once_there_is_an_address(app, client, inbox):
    fill(client, until="residence", **{"about-you": {"language": "da"}})
    with app.app_context():
        mail.send_pending()
    inbox.messages.clear()
    page = client.get("/apply/residence?lang=da").get_data(as_text=True)
    assert "Gem og fortsæt senere" in page
    assert client.post("/apply/residence?lang=da", data={"go": "later"}).location.endswith("/apply/saved")
    saved = client.get("/apply/saved?lang=da").get_data(as_text=True)
    assert "Dine svar er gemt" in saved and LINK.search(saved)
    with app.app_context():
        mail.send_pending()
    assert not inbox.messages          # the contact step's email had the link already: no second email


def test_the_saved_page_without_a_draft_goes_to_the_form(client):
    assert client.get("/apply/saved").location.endswith("/apply/")


def test_saved_before_the_contact_step_the_link_is_still_emailed_at_the_contact_step(app, client, inbox):
    client.post("/apply/about-you", data={**VALID["about-you"], "go": "later"})
    assert LINK.search(client.get("/apply/saved?lang=en").get_data(as_text=True))
    fill(client, until="residence")
    with app.app_context():
        mail.send_pending()
    assert any("/apply/resume/" in m.get_content() for m in inbox.to("amal@example.org"))
