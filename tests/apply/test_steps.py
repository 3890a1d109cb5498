"""The applicant's steps: validation, order, conditional questions, save and resume."""
import re

import pytest

from portal.models import Application, OneTimeToken
from tests.apply.helpers import VALID, fill


def text(response):
    return response.get_data(as_text=True)


def errors(response):
    """The messages in the page's error summary."""
    summary = re.search(r'data-error-summary.*?</ul>', text(response), re.S)
    return re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", summary.group(0)) if summary else []


def current(client) -> Application:
    with client.session_transaction() as session:
        return Application.by_public_id(session["application"])


def test_the_start_page_explains_the_programme_and_links_to_the_form(client):
    html = text(client.get("/?lang=en"))
    for words in ("six months", "twice a month", "B1", "15 minutes", "CPR number", 'href="/apply/"'):
        assert words in html


def test_a_new_applicant_starts_at_the_first_step(client):
    response = client.get("/apply/")
    assert response.headers["Location"].endswith("/apply/about-you")


def test_each_step_shows_the_step_indicator_and_a_back_link(client):
    html = text(client.get("/apply/about-you?lang=en"))
    assert "Step 1 of 9" in html and 'class="back-link"' in html
    fill(client, until="residence")
    html = text(client.get("/apply/residence?lang=en"))
    assert "Step 3 of 9" in html and 'href="/apply/contact"' in html


def test_a_whole_application_walks_through_to_the_check_page(client):
    fill(client)
    application = current(client)
    assert application.status == "draft"
    assert application.completed_steps == list(VALID)
    assert client.get("/apply/").headers["Location"].endswith("/apply/check")


def test_answers_are_saved_on_the_server_not_in_the_cookie(client):
    fill(client, until="residence")
    with client.session_transaction() as session:
        assert "Amal" not in str(dict(session))
    assert current(client).full_name == "Amal Hassan"
    assert current(client).municipality_id == "101"


@pytest.mark.parametrize("step, data, message", [
    ("about-you", {"full_name": ""}, "Enter your full name"),
    ("about-you", {"full_name": "x" * 201}, "at most 200 characters"),
    ("about-you", {"birth_year": "nineteen"}, "Enter the year as 4 digits"),
    ("about-you", {"birth_year": "1850"}, "Enter a year between 1920 and"),
    ("about-you", {"birth_year": "99999999999999999999"}, "Enter the year as 4 digits"),
    ("about-you", {"language": "fr"}, "Not a valid choice"),
    ("contact", {"email": "", "phone": ""}, "Enter an email address or a phone number"),
    ("contact", {"email": "not-an-email"}, "Enter an email address like"),
    ("contact", {"postcode": "SW1A"}, "Enter a Danish postcode of 4 digits"),
    ("contact", {"postcode": "0800"}, "from 1000"),
    ("contact", {"municipality": "999"}, "Not a valid choice"),
    ("residence", {"residence_basis": "9", "reunified_with_basis": ""}, "Choose the residence permit of the person"),
    ("residence", {"arrival_year": "2999"}, "Enter a year between 1950 and"),
    ("residence", {"residence_basis": "§ 99"}, "Not a valid choice"),
    ("education", {"entries-0-level": ""}, "Choose the level of this education"),
    ("education", {"entries-0-field": ""}, "Enter the subject of this education"),
    ("work", {"entries-0-years": "lots"}, "Enter a number, for example 2.5"),
    ("work", {"entries-0-years": "61"}, "between 0.1 and 60"),
    ("work", {"entries-0-years": "nan"}, "Enter a number"),
    ("work", {"entries-0-role": ""}, "Enter the job title"),
    ("languages", {"danish_test_passed": "yes", "danish_test": ""}, "Choose the Danish test you passed"),
    ("languages", {"english_test_passed": "yes", "english_test": "ielts", "english_test_score": ""}, "Enter your score, a number from 0 to 9"),
    ("languages", {"english_test_passed": "yes", "english_test": "toefl_ibt", "english_test_score": "121"}, "from 0 to 120"),
    ("languages", {"danish_level": ""}, "Choose how well you speak Danish"),
    ("goals", {"goals": []}, "Choose at least one goal"),
    ("goals", {"more": "x" * 2001}, "Write at most 2000 characters"),
    ("consent", {"consent": ""}, "Tick the box to agree"),
])
def test_a_wrong_answer_gets_a_clear_message_and_keeps_the_input(client, step, data, message):
    fill(client, until=step)
    posted = {**VALID[step], **data}
    response = client.post(f"/apply/{step}?lang=en", data=posted)
    assert response.status_code == 200
    assert any(message in m for m in errors(response)), errors(response)
    assert step not in (current(client).completed_steps if step != "about-you" else [])
    typed = ("full_name", "birth_year", "email", "postcode", "arrival_year", "entries-0-field", "entries-0-years",
             "english_test_score", "wished_fields")
    for name in typed:
        if posted.get(name) and len(posted[name]) < 100:
            assert f'value="{posted[name]}"' in text(response), name


def test_the_error_summary_links_to_the_field(client):
    response = client.post("/apply/about-you?lang=en", data={"full_name": "", "birth_year": "1990", "language": "da"})
    assert '<a href="#full_name">Enter your full name</a>' in text(response)
    assert "<title>Error:" in text(response)


def test_text_with_control_characters_and_spaces_is_cleaned(client):
    client.post("/apply/about-you", data={**VALID["about-you"], "full_name": "  Amal\x00 Hassan  "})
    assert current(client).full_name == "Amal Hassan"


@pytest.mark.parametrize("name", ["أمل حسن", "ኣማን ተስፋይ", "فرشته احمدی", "Олена Коваленко", "Madonna"])
def test_names_in_any_script_and_single_names_are_accepted_as_typed(client, name):
    client.post("/apply/about-you", data={**VALID["about-you"], "full_name": name})
    assert current(client).full_name == name


def test_jumping_ahead_by_url_leads_back_to_the_first_unfinished_step(client):
    assert client.get("/apply/work").headers["Location"].endswith("/apply/about-you")
    fill(client, until="residence")
    assert client.get("/apply/goals").headers["Location"].endswith("/apply/residence")
    assert client.get("/apply/check").headers["Location"].endswith("/apply/")
    response = client.post("/apply/goals", data=VALID["goals"])
    assert response.headers["Location"].endswith("/apply/residence")
    assert "goals" not in current(client).completed_steps


def test_an_unknown_step_is_a_404(client):
    assert client.get("/apply/../../etc/passwd").status_code == 404
    assert client.get("/apply/nope").status_code == 404


def test_the_postcode_fills_in_the_municipality_when_it_is_the_only_one(client):
    fill(client, until="contact")
    client.post("/apply/contact", data={**VALID["contact"], "postcode": "8000", "municipality": ""})
    assert current(client).municipality_id == "751"


def test_a_postcode_that_reaches_several_municipalities_asks_the_applicant_to_choose(client):
    fill(client, until="contact")
    response = client.post("/apply/contact?lang=en", data={**VALID["contact"], "postcode": "2650", "municipality": ""})
    assert "Choose your municipality" in errors(response)
    assert "covers more than one municipality" in text(response)


def test_a_four_digit_postcode_missing_from_the_list_is_accepted(client):
    fill(client, until="contact")
    response = client.post("/apply/contact", data={**VALID["contact"], "postcode": "9999", "municipality": "851"})
    assert response.status_code == 302


def test_htmx_suggests_the_municipality_from_the_postcode(client):
    response = client.get("/apply/municipalities?postcode=8000&lang=en", headers={"HX-Request": "true"})
    html = text(response)
    assert "<html" not in html and 'id="municipality-field"' in html
    assert 'value="751" selected' in html and "Aarhus Kommune" in html


def test_htmx_checks_a_field_without_saving(client):
    response = client.post("/apply/about-you?validate=1&lang=en", data={"full_name": "", "birth_year": "1990"},
                           headers={"HX-Request": "true"})
    assert "Enter your full name" in text(response) and "<html" not in text(response)
    assert Application.select().count() == 0


def test_family_reunification_asks_with_whom_and_forgets_it_otherwise(client):
    fill(client, until="residence")
    client.post("/apply/residence", data={**VALID["residence"], "residence_basis": "9", "reunified_with_basis": "7-1"})
    assert current(client).answers["residence"]["reunified_with_basis"] == "7-1"
    client.post("/apply/residence", data={**VALID["residence"], "residence_basis": "8", "reunified_with_basis": "7-1"})
    assert current(client).answers["residence"]["reunified_with_basis"] is None


def test_the_conditional_questions_are_in_the_page_without_javascript(client):
    fill(client, until="languages")
    html = text(client.get("/apply/languages?lang=en"))
    assert 'name="danish_test"' in html and 'name="english_test_score"' in html
    assert 'aria-hidden="true"' not in html.split('name="danish_test"')[0].rsplit("<div", 1)[1]


def test_test_answers_are_dropped_when_no_test_was_passed(client):
    fill(client, until="languages")
    client.post("/apply/languages", data={**VALID["languages"], "danish_test_passed": "no", "danish_test": "pd3",
                                          "english_test_passed": "no", "english_test": "ielts", "english_test_score": "7"})
    saved = current(client).answers["languages"]
    assert saved["danish_test"] is None and saved["english_test"] is None and saved["english_test_score"] is None


def test_entries_can_be_added_and_removed_without_javascript(client):
    fill(client, until="education")
    response = client.post("/apply/education?lang=en", data={**VALID["education"], "action": "add"})
    html = text(response)
    assert 'name="entries-1-level"' in html and "Civil engineering" in html
    assert Application.get().answers.get("education") is None          # adding does not save
    response = client.post("/apply/education?lang=en", data={
        **VALID["education"], "entries-1-level": "master", "entries-1-field": "Structures", "action": "remove-0"})
    html = text(response)
    assert "Structures" in html and "Civil engineering" not in html and 'name="entries-1-level"' not in html


def test_blank_entries_are_dropped_and_no_entries_is_allowed(client):
    fill(client, until="education")
    response = client.post("/apply/education", data={"entries-0-level": "", "entries-0-field": ""})
    assert response.status_code == 302
    assert current(client).answers["education"] == {"entries": []}


def test_work_years_accept_a_decimal_comma(client):
    fill(client, until="goals")
    assert current(client).answers["work"]["entries"][0]["years"] == 4.5


def test_the_check_page_lists_every_answer_with_a_change_link_back_to_it(client):
    fill(client)
    html = text(client.get("/apply/check?lang=en"))
    for answer in ("Amal Hassan", "1988", "amal@example.org", "Københavns Kommune", "Syria", "Civil engineering",
                   "Site engineer", "4.5 years", "Prøve i Dansk 2", "Construction engineering"):
        assert answer in html, answer
    assert 'href="/apply/work?return=check"' in html
    assert '<span class="sr-only"> Full name</span>' in html
    response = client.post("/apply/work?return=check", data=VALID["work"])
    assert response.headers["Location"].endswith("/apply/check")


def test_html_typed_into_a_field_is_shown_as_text(client):
    fill(client, **{"about-you": {"full_name": "<script>alert(1)</script>"}})
    html = text(client.get("/apply/check"))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_applicant_is_told_kindly_about_a_criterion_they_do_not_meet(client):
    fill(client, languages={"danish_level": "A1", "danish_test_passed": "no", "english_level": "A2"})
    html = text(client.get("/apply/check?lang=en"))
    assert "below B1" in html and "You can still apply" in html
    assert 'action="/apply/submit"' in html


def test_a_session_that_expired_mid_form_keeps_what_was_typed(client):
    fill(client, until="residence")
    with client.session_transaction() as session:
        session.clear()
    response = client.post("/apply/residence?lang=en", data=VALID["residence"])
    assert response.status_code == 200
    assert "could not find your application in this browser" in text(response)
    assert 'value="2016"' in text(response)


def test_an_expired_csrf_token_keeps_the_input_and_saves_nothing(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/apply/about-you?lang=en", data={**VALID["about-you"], "csrf_token": "stale"})
    assert response.status_code == 200
    assert "The form had expired" in text(response) and 'value="Amal Hassan"' in text(response)
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]{20,}"', text(response))
    assert Application.select().count() == 0


def test_two_saves_of_one_draft_at_once_keep_both_steps(app):
    """Two tabs (or devices) post steps of the same draft at the same moment: each request read the row
    before the other wrote it. Both steps are kept, each with its answers, columns and completion, in
    the order of the form."""
    from portal.services import registration
    from tests.reliability.writer import ANSWERS
    with app.test_request_context("/"):
        draft = registration.save_step(registration.new_draft("en"), "about-you", ANSWERS["about-you"])
        tab_one, tab_two = Application.get_by_id(draft.id), Application.get_by_id(draft.id)
        registration.save_step(tab_one, "contact", {**ANSWERS["contact"], "email": "amal@example.org"})
        returned = registration.save_step(tab_two, "residence", ANSWERS["residence"])
        saved = Application.get_by_id(draft.id)
        assert set(saved.answers) == {"about-you", "contact", "residence"}
        assert saved.completed_steps == ["about-you", "contact", "residence"]
        assert (saved.email, saved.municipality_id, saved.full_name) == ("amal@example.org", "101", "Killed Writer")
        assert saved.answers["residence"]["country_of_origin"] == "SY"
        assert saved.version == draft.version + 2
        assert saved.answers["contact"]["email"] == "amal@example.org"
        assert "residence" in returned.answers and "residence" in returned.completed_steps
        # the same step from two tabs: the later save is the answer
        registration.save_step(tab_one, "residence", {**ANSWERS["residence"], "arrival_year": 2019})
        assert Application.get_by_id(draft.id).answers["residence"]["arrival_year"] == 2019


def test_every_step_saved_at_the_same_moment_survives(app):
    """Eight tabs (or devices) each save a different step of one draft at the same moment, many times
    over: the database lets one save at a time read, merge and write the draft, so no step is lost
    and every save counts once."""
    import threading

    from portal.db import database
    from portal.services import registration
    from tests.reliability.writer import ANSWERS
    steps = list(ANSWERS)
    with app.test_request_context("/"):
        drafts = [registration.save_step(registration.new_draft("en"), "about-you", ANSWERS["about-you"])
                  for _ in range(15)]
    errors = []

    def tab(step, barrier):
        with app.test_request_context("/"):
            try:
                for draft in drafts:
                    stale = Application.get_by_id(draft.id)      # read before any of the others wrote
                    database.close()                          # as a request ends: the connection goes back
                    barrier.wait(10)
                    registration.save_step(stale, step, ANSWERS[step])
            except Exception as error:                        # kept for the assertion below
                errors.append(error)
                barrier.abort()
    barrier = threading.Barrier(len(steps))
    tabs = [threading.Thread(target=tab, args=(step, barrier)) for step in steps]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join(60)
    assert errors == []
    with app.test_request_context("/"):
        for draft in drafts:
            saved = Application.get_by_id(draft.id)
            assert list(saved.answers) and set(saved.answers) == set(steps)
            assert saved.completed_steps == steps
            assert saved.version == draft.version + len(steps)


def test_a_save_from_before_submission_changes_nothing_after_it(app):
    """A tab left open on a step posts after the application was sent from another: refused, not saved."""
    from portal.services import registration
    from tests.reliability.writer import ANSWERS
    with app.test_request_context("/"):
        draft = registration.save_step(registration.new_draft("en"), "about-you", ANSWERS["about-you"])
        stale = Application.get_by_id(draft.id)
        Application.update(status="submitted", version=Application.version + 1).where(
            Application.id == draft.id).execute()
        with pytest.raises(registration.NotEditable):
            registration.save_step(stale, "residence", ANSWERS["residence"])
        assert set(Application.get_by_id(draft.id).answers) == {"about-you"}


def test_work_years_accept_both_separators_in_both_languages_and_show_back_in_the_page_language(client):
    fill(client, until="goals")
    for lang, typed, kept in (("da", "2.5", 2.5), ("en", "3,5", 3.5), ("en", "1.5", 1.5), ("da", "6,5", 6.5)):
        response = client.post(f"/apply/work?lang={lang}", data={**VALID["work"], "entries-0-years": typed})
        assert response.status_code == 302, errors(response)
        assert current(client).answers["work"]["entries"][0]["years"] == kept
    assert 'value="6,5"' in text(client.get("/apply/work?lang=da"))
    assert 'value="6.5"' in text(client.get("/apply/work?lang=en"))


def test_the_country_of_origin_may_be_stateless_or_unknown(client):
    fill(client, until="residence")
    page = text(client.get("/apply/residence?lang=da"))
    assert '<option value="stateless">Statsløs</option>' in page and '<option value="unknown">Ukendt</option>' in page
    response = client.post("/apply/residence?lang=en", data={**VALID["residence"], "country_of_origin": "stateless"})
    assert response.status_code == 302, errors(response)
    assert current(client).answers["residence"]["country_of_origin"] == "stateless"
    fill(client, residence={"country_of_origin": "stateless"})
    assert "Stateless" in text(client.get("/apply/check?lang=en"))
    assert "Statsløs" not in text(client.get("/apply/education?lang=da"))     # not a country to study in
