"""Real browser: a whole application in Danish with JavaScript, in English without, and on a phone."""
import re

import pytest
from playwright.sync_api import expect

from portal.models import Application
from tests.browser.fixtures import AXE, assert_accessible

pytestmark = pytest.mark.browser


def choose(page, name, value):
    page.locator(f"input[name='{name}'][value='{value}']").check(force=True)


def continue_(page):
    # Wait for the answer to this very submit: waiting for a load state alone can return while the old page
    # is still shown, and the next fill would then type into a page that is about to go away.
    with page.expect_navigation():
        page.locator("#step-form button.button-primary").click()


def complete_application(page, base, language, javascript=True, assert_accessible=assert_accessible):
    """Fill in every step as an applicant would, checking each page with axe."""
    page.goto(f"{base}/?lang={language}")
    assert_accessible(page)
    page.locator("a.button-start").click()
    return fill_steps(page, language, javascript, assert_accessible)


def fill_steps(page, language, javascript=True, assert_accessible=assert_accessible, resumed=False):
    """From the first step to the receipt; returns the reference number."""
    assert_accessible(page)
    page.fill("[name=full_name]", "Amal Hassan")
    page.fill("[name=birth_year]", "1988")
    choose(page, "language", language)
    continue_(page)

    assert_accessible(page)
    page.fill("[name=email]", "amal@example.org")
    page.fill("[name=address]", "Nørrebrogade 1")
    prefilled = page.locator("[name=municipality]").input_value()
    page.fill("[name=postcode]", "8000")
    if javascript and not prefilled:
        page.locator("[name=postcode]").blur()
        # a locator assertion: a string predicate would need eval, which our CSP refuses
        expect(page.locator("[name=municipality]")).to_have_value("751")
    continue_(page)

    # The link to come back is on every step after the contact step: announced to a new applicant, kept in view
    # for one who came by a link (it is theirs).
    assert page.locator(".resume-link").count() == 1
    assert page.get_by_text("Your answers are saved" if language == "en" else "Dine svar er gemt").count() == (
        0 if resumed else 1)
    assert_accessible(page)
    page.select_option("[name=country_of_origin]", "SY")
    page.fill("[name=arrival_year]", "2016")
    choose(page, "residence_basis", "9")
    page.select_option("[name=reunified_with_basis]", "7-1")
    continue_(page)

    assert_accessible(page)
    page.select_option("[name=entries-0-level]", "master")
    page.fill("[name=entries-0-field]", "Pharmacy")
    page.locator("button[value=add]").click()
    page.wait_for_selector("[name=entries-1-level]")
    page.select_option("[name=entries-1-level]", "bachelor")
    page.fill("[name=entries-1-field]", "Chemistry")
    assert page.locator("[name=entries-0-field]").input_value() == "Pharmacy"
    assert_accessible(page)
    continue_(page)

    assert_accessible(page)
    page.fill("[name=entries-0-role]", "Pharmacist")
    page.fill("[name=entries-0-years]", "3,5")
    continue_(page)

    assert_accessible(page)
    choose(page, "danish_level", "B1")
    choose(page, "english_level", "B2")
    choose(page, "english_test_passed", "yes")
    page.select_option("[name=english_test]", "ielts")
    page.fill("[name=english_test_score]", "6,5")
    continue_(page)

    assert_accessible(page)
    choose(page, "goals", "job")
    page.fill("[name=wished_fields]", "Pharmacy")
    continue_(page)

    assert_accessible(page)
    page.locator("[name=consent]").check(force=True)
    continue_(page)

    assert "/apply/check" in page.url
    assert_accessible(page)
    assert page.get_by_text("Pharmacy").first.is_visible()
    page.locator("form[action='/apply/submit'] button").click()
    page.wait_for_url("**/apply/done")
    assert_accessible(page)
    return page.locator(".reference").inner_text()


def test_a_whole_application_in_danish_with_javascript(page, live_server):
    reference = complete_application(page, live_server.url, "da")
    application = Application.get(Application.reference == reference)
    assert application.language == "da" and application.municipality_id == "751"
    assert [e["field"] for e in application.answers["education"]["entries"]] == ["Pharmacy", "Chemistry"]
    assert application.answers["work"]["entries"][0]["years"] == 3.5


def test_a_whole_application_in_english_without_javascript(browser, live_server, check_as_without_js):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    reference = complete_application(page, live_server.url, "en", javascript=False,
                                     assert_accessible=check_as_without_js)
    application = Application.get(Application.reference == reference)
    assert application.language == "en" and application.municipality_id == "751"   # from the postcode
    assert application.answers["residence"]["reunified_with_basis"] == "7-1"
    assert application.answers["languages"]["english_test_score"] == 6.5
    context.close()


def test_the_form_on_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="da-DK", is_mobile=True,
                                  has_touch=True)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    reference = complete_application(page, live_server.url, "da")
    assert re.fullmatch(r"MB-\w{4}-\w{4}", reference)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
    context.close()


def test_inline_check_when_a_field_is_left(page, live_server):
    page.goto(live_server.url + "/apply/about-you?lang=en")
    page.evaluate("document.getElementById('step-announcement').keptInPage = true")
    page.fill("[name=birth_year]", "1850")
    page.locator("[name=birth_year]").blur()
    page.wait_for_selector("#birth_year-error")
    assert "Enter a year between 1920" in page.locator("#birth_year-error").inner_text()
    # A screen reader hears it: the live region that stayed in the page now says the error.
    expect(page.locator("#step-announcement")).to_contain_text("Error: Enter a year between 1920")
    assert page.evaluate("document.getElementById('step-announcement').keptInPage === true")
    assert Application.select().count() == 0
    assert_accessible(page)


def test_switching_language_and_going_back_keep_what_was_typed(page, live_server, browser, check_as_without_js):
    # With JavaScript: the language switch in the header sends what was typed along.
    page.goto(live_server.url + "/apply/about-you?lang=da")
    page.fill("[name=full_name]", "Amal Hassan")
    page.fill("[name=birth_year]", "19")
    page.locator(".language-switcher button[lang=en]").click()
    page.wait_for_url("**/apply/about-you?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[name=full_name]")).to_have_value("Amal Hassan")
    expect(page.locator("[name=birth_year]")).to_have_value("19")
    assert_accessible(page)
    # Without JavaScript: the back link does too, and the step shows it again.
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    plain = context.new_page()
    plain.goto(live_server.url + "/apply/about-you?lang=en")
    plain.fill("[name=full_name]", "Amal Hassan")
    plain.fill("[name=birth_year]", "1988")
    continue_(plain)
    plain.fill("[name=email]", "amal.hassan.udlaendingelovens@example.org")
    plain.fill("[name=address]", "Nørrebrogade 1")
    plain.locator("button.back-link").click()
    plain.wait_for_url("**/apply/about-you")
    check_as_without_js(plain)
    continue_(plain)
    expect(plain.locator("[name=email]")).to_have_value("amal.hassan.udlaendingelovens@example.org")
    expect(plain.locator("[name=address]")).to_have_value("Nørrebrogade 1")
    context.close()


def test_adding_and_removing_an_education_moves_focus_and_announces_it(page, live_server):
    page.goto(live_server.url + "/apply/about-you?lang=en")
    page.fill("[name=full_name]", "Amal Hassan")
    page.fill("[name=birth_year]", "1988")
    continue_(page)
    page.fill("[name=address]", "Nørrebrogade 1")
    page.fill("[name=postcode]", "8000")
    page.fill("[name=email]", "amal@example.org")
    continue_(page)
    page.select_option("[name=country_of_origin]", "SY")
    page.fill("[name=arrival_year]", "2016")
    choose(page, "residence_basis", "7-1")
    continue_(page)
    page.locator("button[value=add]").click()
    expect(page.locator("#entries-1-level")).to_be_focused()
    expect(page.locator("#step-announcement")).to_have_text("Education 2 added")
    page.locator("button[value=remove-1]").click()
    expect(page.locator("#step-heading")).to_be_focused()
    expect(page.locator("#step-announcement")).to_have_text("Education 2 removed")
    assert_accessible(page)


def test_the_municipality_live_region_stays_and_only_its_content_changes(page, live_server):
    page.goto(live_server.url + "/apply/about-you?lang=en")
    page.fill("[name=full_name]", "Amal Hassan")
    page.fill("[name=birth_year]", "1988")
    continue_(page)
    page.evaluate("document.getElementById('municipality-field').dataset.original = 'yes'")
    page.fill("[name=postcode]", "8000")
    page.locator("[name=postcode]").blur()
    expect(page.locator("[name=municipality]")).to_have_value("751")
    region = page.locator("#municipality-field")
    expect(region).to_have_attribute("data-original", "yes")       # the same element: screen readers hear it
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_contain_text("Aarhus")
    assert page.locator("#municipality-field #municipality-field").count() == 0
    assert_accessible(page)
