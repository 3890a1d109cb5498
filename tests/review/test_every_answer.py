"""Promise 7 of issue 19: staff see every answer. Every field of every step of the applicant's form is
filled in; every answer then appears on the applicant's check page and on the staff page, in the words a
person reads (a country's name, a course's name), never as the code the form stores."""
import re

import pytest
from bs4 import BeautifulSoup

from portal.apply.wiring import FORMS
from portal.models import Application

# Every field of every step, filled (a job and an education abroad, each with all its questions).
EVERY = {
    "about-you": {"full_name": "Amal Hassan", "birth_year": "1988", "language": "en"},
    "contact": {"email": "amal@example.org", "phone": "+45 12 34 56 78", "address": "Nørrebrogade 1",
                "postcode": "2200", "municipality": "101"},
    "residence": {"country_of_origin": "SY", "arrival_year": "2016", "residence_basis": "9",
                  "reunified_with_basis": "7-2"},
    "education": {"entries-0-level": "master", "entries-0-field": "Civil engineering",
                  "entries-0-country": "LB", "entries-0-year_finished": "2010",
                  "entries-0-danish_assessment": "unknown"},
    "work": {"entries-0-role": "Site engineer", "entries-0-sector": "Road construction", "entries-0-years": "4,5",
             "entries-0-country": "JO"},
    "languages": {"danish_level": "A2", "danish_test_passed": "yes", "danish_test": "pd2",
                  "danish_course": "du3", "danish_module": "4", "english_level": "B2",
                  "english_test_passed": "yes", "english_test": "ielts", "english_test_score": "7,5",
                  "other_languages": "Arabic"},
    "goals": {"goals": ["job", "internship"], "wished_fields": "Construction engineering",
              "more": "I built bridges in Aleppo"},
    "consent": {"consent": "y"},
}
# What a reader sees for each field, in its step's section (English pages); codes that must not be shown.
SHOWN = {
    "about-you": {"full_name": ["Amal Hassan"], "birth_year": ["1988"], "language": ["English"]},
    "contact": {"email": ["amal@example.org"], "phone": ["+45 12 34 56 78"], "address": ["Nørrebrogade 1"],
                "postcode": ["2200"], "municipality": ["Københavns Kommune"]},
    "residence": {"country_of_origin": ["Syria"], "arrival_year": ["2016"],
                  "residence_basis": ["Family reunification – section 9"],
                  "reunified_with_basis": ["Protection status – section 7(2)"]},
    "education": {"level": ["Master (5 years in all)"], "field": ["Civil engineering"], "country": ["Lebanon"],
                  "year_finished": ["2010"], "danish_assessment": ["Assessed in Denmark: I do not know"]},
    "work": {"role": ["Site engineer"], "sector": ["Road construction"], "years": ["4.5 years"],
             "country": ["Jordan"]},
    "languages": {"danish_level": ["A2 – I can manage simple everyday situations"],
                  "danish_test_passed": ["Prøve i Dansk 2"], "danish_test": ["Prøve i Dansk 2"],
                  "danish_course": ["Danskuddannelse 3"], "danish_module": ["module 4"],
                  "english_level": ["B2 – I can take part in meetings"],
                  "english_test_passed": ["IELTS"], "english_test": ["IELTS"], "english_test_score": ["7.5"],
                  "other_languages": ["Arabic"]},
    "goals": {"goals": ["A job", "An internship"], "wished_fields": ["Construction engineering"],
              "more": ["I built bridges in Aleppo"]},
    "consent": {"consent": ["Yes"]},
}
CODES = {"residence": ["SY"], "education": ["LB", "master", "unknown"], "work": ["JO"],
         "languages": ["du3", "pd2", "ielts"], "about-you": ["en"], "contact": ["101"]}
TITLES = {"about-you": "About you", "contact": "Contact and address", "residence": "Residence and background",
          "education": "Education", "work": "Work experience", "languages": "Languages", "goals": "Your goals",
          "consent": "Consent"}
# Recorded with the answers but not asked: the version of the consent text the page showed.
NOT_ASKED = {"consent_version"}


def form_fields(step) -> set[str]:
    """The names of a step form's questions; a repeated entry's questions by their own names."""
    form = FORMS[step](formdata=None, meta={"csrf": False})
    names = set()
    for field in form:
        if field.type == "FieldList":
            names |= {sub.short_name for sub in field[0].form}
        else:
            names.add(field.short_name)
    return names - {"csrf_token"} - NOT_ASKED


def test_the_answers_fill_every_question_of_every_step(app):
    """If a question is added to a step, this test asks for it here: its answer, and where staff read it."""
    with app.test_request_context("/"):
        asked_by_step = {step: form_fields(step) for step in FORMS}
    for step in FORMS:
        asked = asked_by_step[step]
        filled = {re.sub(r"^entries-\d+-", "", name) for name in EVERY[step]}
        assert asked == filled, step
        assert asked == set(SHOWN[step]), step


def sections_of(html, titles=tuple(TITLES.values())) -> dict[str, str]:
    """The answers' summary lists (those captioned with one of `titles`, or all when None), as
    section title -> the text of its rows."""
    page = BeautifulSoup(html, "html.parser")
    found = {}
    for table in page.select("table.structured-list"):
        heading = table.find("caption") or table.find_previous("h2")       # the staff page / the check page
        title = heading.get_text(" ", strip=True) if heading else ""
        if titles is None or title in titles:
            found[title] = " | ".join(" ".join(cell.get_text(" ", strip=True).split()) for cell in
                                      table.select("th, td"))
    return found


def assert_every_answer_shown(html):
    sections = sections_of(html)
    for step, fields in SHOWN.items():
        text = sections.get(TITLES[step])
        assert text is not None, f"no section {TITLES[step]}"
        for field, words in fields.items():
            for word in words:
                assert word in text, f"{step}.{field}: {word!r} not in {text!r}"
        for code in CODES.get(step, []):
            assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), f"{step}: code {code!r} shown"


def fill_everything(client):
    for step, data in EVERY.items():
        response = client.post(f"/apply/{step}", data=data)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:3000])


def test_every_answer_is_on_the_check_page_and_the_staff_page(app, login_as):
    applicant = app.test_client()
    fill_everything(applicant)
    check = applicant.get("/apply/check?lang=en")
    assert check.status_code == 200
    assert_every_answer_shown(check.get_data(as_text=True))

    assert applicant.post("/apply/submit").status_code == 302
    with app.app_context():
        reference = Application.get(Application.email == "amal@example.org").reference
    staff = login_as("staff")
    page = staff.get(f"/review/{reference}?lang=en")
    assert page.status_code == 200
    assert_every_answer_shown(page.get_data(as_text=True))


@pytest.mark.parametrize("lang, words", [("da", ["Libanon", "Jordan", "Danskuddannelse 3, modul 4",
                                                  "Vurderet i Danmark: Det ved jeg ikke"])])
def test_the_danish_staff_page_names_them_in_danish(app, login_as, lang, words):
    applicant = app.test_client()
    fill_everything(applicant)
    assert applicant.post("/apply/submit").status_code == 302
    with app.app_context():
        reference = Application.get(Application.email == "amal@example.org").reference
    page = login_as("staff").get(f"/review/{reference}?lang={lang}").get_data(as_text=True)
    text = " ".join(sections_of(page, titles=None).values())
    for word in words:
        assert word in text
