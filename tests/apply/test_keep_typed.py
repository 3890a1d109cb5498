"""Nothing typed is lost: the language switch and the back link keep a step's input as it was typed, and
questions that belong to a "Yes" answered "No" are ignored and emptied."""
import re

from bs4 import BeautifulSoup

from portal.models import Application
from tests.apply.helpers import VALID, fill


def page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def value(soup, name):
    field = soup.find(attrs={"name": name})
    if field.name == "select":
        chosen = field.find("option", selected=True)
        return chosen["value"] if chosen else ""
    return field.get("value", field.text.strip())


def current(client) -> Application:
    with client.session_transaction() as session:
        return Application.by_public_id(session["application"])


def test_the_language_switch_and_the_back_link_on_a_step_are_buttons_of_its_form(client):
    soup = page(client.get("/apply/about-you?lang=da"))
    english = soup.select_one(".language-switcher button[lang=en]")
    assert english["form"] == "step-form" and english["name"] == "go" and english["value"] == "language"
    assert english["formaction"] == "/apply/about-you?lang=en"
    back = soup.select_one(".before-main button.back-link")
    assert back["form"] == "step-form" and back["value"] == "back" and "Tilbage" in back.text
    assert soup.find("form", id="step-form") is not None
    # Pages without a form keep plain links.
    assert page(client.get("/?lang=da")).select_one(".language-switcher a[hreflang=en]") is not None


def test_switching_language_keeps_what_was_typed_without_checking_it(client):
    response = client.post("/apply/about-you?lang=en", data={"full_name": "Amal Hassan", "birth_year": "19x8",
                                                              "language": "da", "go": "language"})
    assert response.status_code == 302 and response.headers["Location"] == "/apply/about-you?lang=en"
    soup = page(client.get(response.headers["Location"]))
    assert soup.html["lang"] == "en"
    assert value(soup, "full_name") == "Amal Hassan" and value(soup, "birth_year") == "19x8"
    assert not soup.select(".form-error-message") and not soup.select("[data-error-summary]")
    application = current(client)
    assert application.completed_steps == [] and application.full_name is None    # not an answer yet


def test_going_back_keeps_what_was_typed_and_the_step_shows_it_again(client):
    fill(client, until="contact")
    typed = {"email": "amal@", "phone": "", "address": "Udlændingelovens Allé 7", "postcode": "22", "go": "back"}
    response = client.post("/apply/contact", data=typed)
    assert response.status_code == 302 and response.headers["Location"] == "/apply/about-you"
    soup = page(client.get("/apply/contact?lang=en"))
    assert value(soup, "email") == "amal@" and value(soup, "address") == "Udlændingelovens Allé 7"
    assert value(soup, "postcode") == "22"
    assert current(client).completed_steps == ["about-you"]
    # Saving the step makes the answers the saved ones; what was kept unsaved is gone.
    assert client.post("/apply/contact", data=VALID["contact"]).status_code == 302
    assert value(page(client.get("/apply/contact")), "email") == "amal@example.org"
    assert "contact" not in current(client).answers.get("unsaved", {})


def test_going_back_from_repeated_entries_keeps_every_entry(client):
    fill(client, until="education")
    client.post("/apply/education", data={"entries-0-level": "master", "entries-0-field": "Pharmacy",
                                          "entries-1-level": "", "entries-1-field": "Chemistry",
                                          "entries-1-year_finished": "later", "go": "back"})
    soup = page(client.get("/apply/education"))
    assert value(soup, "entries-0-level") == "master" and value(soup, "entries-0-field") == "Pharmacy"
    assert value(soup, "entries-1-field") == "Chemistry" and value(soup, "entries-1-year_finished") == "later"


def test_a_saved_step_changed_then_left_keeps_the_change_and_its_saved_answer(client):
    fill(client)
    response = client.post("/apply/goals?return=check", data={"goals": ["job"], "wished_fields": "", "go": "back"})
    assert response.headers["Location"] == "/apply/check"
    assert "Construction engineering" in client.get("/apply/check?lang=en").get_data(as_text=True)
    soup = page(client.get("/apply/goals?return=check"))
    assert value(soup, "wished_fields") == ""
    assert [box["value"] for box in soup.select("input[name=goals][checked]")] == ["job"]


def test_sending_the_application_drops_what_was_left_unsaved(client):
    fill(client)
    client.post("/apply/goals", data={"goals": ["job"], "wished_fields": "Something else", "go": "back"})
    assert client.post("/apply/submit", data={}).status_code == 302
    application = Application.get(Application.reference.is_null(False))
    assert "Something else" not in str(application.answers)
    assert application.answers["goals"]["wished_fields"] == "Construction engineering"


def test_leaving_the_first_step_with_nothing_typed_creates_no_application(client):
    response = client.post("/apply/about-you", data={"full_name": "", "birth_year": "", "language": "da",
                                                     "go": "back"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert Application.select().count() == 0


def test_only_the_steps_own_fields_are_kept(client):
    fill(client, until="contact")
    client.post("/apply/contact", data={"email": "x" * 10_000, "entries-0-role": "no", "is_admin": "1",
                                        "go": "back"})
    kept = current(client).answers["unsaved"]["contact"]
    assert set(kept) == {"email"} and len(kept["email"][0]) == 4000


def test_an_english_score_typed_before_answering_no_is_ignored_and_cleared(client):
    fill(client, until="languages")
    data = {**VALID["languages"], "english_test_passed": "no", "english_test": "ielts",
            "english_test_score": "very good"}
    assert client.post("/apply/languages", data=data).status_code == 302
    saved = current(client).answers["languages"]
    assert saved["english_test"] is None and saved["english_test_score"] is None
    # Refused for another reason: the page comes back without the score typed for the "No".
    soup = page(client.post("/apply/languages?lang=en", data={**data, "danish_level": ""}))
    assert [error.text for error in soup.select(".form-error-message")] == ["Error: Choose how well you speak Danish"]
    assert value(soup, "english_test_score") == ""


def test_a_score_for_an_english_test_without_scores_is_ignored(client):
    fill(client, until="languages")
    data = {**VALID["languages"], "english_test_passed": "yes", "english_test": "cambridge_b2_first",
            "english_test_score": "abc"}
    assert client.post("/apply/languages", data=data).status_code == 302
    assert current(client).answers["languages"]["english_test_score"] is None


def test_a_danish_test_and_a_family_members_permit_are_ignored_when_they_do_not_apply(client):
    fill(client, until="residence")
    data = {**VALID["residence"], "residence_basis": "7-1", "reunified_with_basis": "not-a-permit"}
    assert client.post("/apply/residence", data=data).status_code == 302
    fill(client, until="languages")
    data = {**VALID["languages"], "danish_test_passed": "no", "danish_test": "not-a-test"}
    assert client.post("/apply/languages", data=data).status_code == 302
    assert current(client).answers["languages"]["danish_test"] is None


def test_leaving_with_an_expired_form_keeps_nothing_and_shows_what_was_typed(make_app):
    from tests.security.formvalues import csrf_token
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token(client.get("/apply/about-you").get_data(as_text=True))
    assert client.post("/apply/about-you", data={**VALID["about-you"], "csrf_token": token}).status_code == 302
    response = client.post("/apply/contact?lang=en", data={"address": "Nørrebrogade 1", "go": "back",
                                                          "csrf_token": "stale-token-from-yesterday"})
    soup = page(response)
    assert response.status_code == 200 and "The form had expired" in soup.text
    assert value(soup, "address") == "Nørrebrogade 1"
    assert "unsaved" not in current(client).answers
