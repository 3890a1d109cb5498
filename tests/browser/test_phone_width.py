"""Real browser at 360 px, the narrowest common phone: no page of the applicant's journey, nor the review
page, is wider than the screen (nothing scrolls sideways), even with a long email address and long Danish
words in the answers."""
import os
import re

import pytest
from playwright.sync_api import expect

from portal.models import Application
from portal.services import authentication
from tests.browser.fixtures import PHONE, assert_accessible
from tests.browser.test_apply_journey import choose, continue_

pytestmark = pytest.mark.browser

EMAIL = "amal.hassan.udlaendingelovensbestemmelser@integrationskonsulentvirksomheden.example.org"
LONG_WORD = "Udlændingelovensbestemmelsesfortolkningsvejledning"
SCREENSHOTS = os.environ.get("PHONE_SCREENSHOTS")       # a folder: keep a picture of every page measured


def measure(page, name):
    """Check the page with axe, and note it when it is wider than the phone."""
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{len(page.too_wide) or ''}{name}.png"), full_page=True)
    if width > PHONE:
        widest = page.evaluate("""(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit)
            .slice(-3).map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
                               PHONE)
        page.too_wide.append(f"{name} ({page.url}): {width} px, e.g. {widest}")


def test_every_page_of_the_journey_fits_a_360_px_phone(phone, live_server):
    page = phone
    page.goto(f"{live_server.url}/?lang=da")
    measure(page, "start")
    with page.expect_navigation():
        page.locator("a.button-start").click()
    continue_(page)                                   # nothing filled in: the error summary
    measure(page, "about-you-errors")
    assert gap(page, "label[for=language-1]", "#step-form button.button-primary") >= 24   # DKFDS spacing
    page.fill("[name=full_name]", f"Amal {LONG_WORD}")
    page.fill("[name=birth_year]", "1988")
    choose(page, "language", "da")
    continue_(page)

    page.fill("[name=email]", EMAIL)
    page.fill("[name=address]", f"{LONG_WORD}gade 100")
    page.fill("[name=postcode]", "22")
    continue_(page)
    measure(page, "contact-errors")
    page.fill("[name=postcode]", "8000")
    page.locator("[name=postcode]").blur()
    expect(page.locator("[name=municipality]")).to_have_value("751")
    continue_(page)
    measure(page, "residence")

    page.select_option("[name=country_of_origin]", "SY")
    page.fill("[name=arrival_year]", "2016")
    choose(page, "residence_basis", "9")
    page.select_option("[name=reunified_with_basis]", "7-1")
    continue_(page)
    measure(page, "education")

    page.select_option("[name=entries-0-level]", "master")
    page.fill("[name=entries-0-field]", LONG_WORD)
    page.locator("button[value=add]").click()
    page.wait_for_selector("[name=entries-1-level]")
    measure(page, "education-two")
    assert gap(page, "label[for=entries-0-danish_assessment-2]", "button[value=remove-0]") >= 24
    page.select_option("[name=entries-1-level]", "bachelor")
    page.fill("[name=entries-1-field]", "Kemi")
    continue_(page)
    measure(page, "work")

    page.fill("[name=entries-0-role]", LONG_WORD)
    page.fill("[name=entries-0-years]", "3,5")
    continue_(page)
    measure(page, "languages")

    choose(page, "danish_level", "B1")
    choose(page, "english_level", "B2")
    page.fill("[name=other_languages]", "Arabisk, tigrinya")
    continue_(page)
    measure(page, "goals")

    choose(page, "goals", "job")
    page.fill("[name=wished_fields]", LONG_WORD)
    page.fill("[name=more]", f"{LONG_WORD} {EMAIL}")
    continue_(page)
    measure(page, "consent")

    page.locator("[name=consent]").check(force=True)
    continue_(page)
    assert "/apply/check" in page.url
    measure(page, "check")
    page.locator("form[action='/apply/submit'] button").click()
    page.wait_for_url("**/apply/done")
    measure(page, "done")
    reference = page.locator(".reference").inner_text()

    # The status pages: ask for a link, open it, see the application.
    page.goto(f"{live_server.url}/status/")
    measure(page, "status")
    page.fill("[name=reference]", reference)
    page.fill("[name=email]", EMAIL)
    with page.expect_navigation():
        page.locator("form button.button-primary").click()
    measure(page, "status-link-sent")
    link = _emailed_link(live_server, r"/status/sign-in/\S+")
    page.goto(live_server.url + link)
    measure(page, "status-sign-in")
    page.locator("form button.button-primary").click()
    page.wait_for_url("**/status/application")
    measure(page, "status-application")

    # The review page, as the association's staff read it.
    with live_server.app.test_request_context("/"):
        authentication.create_user("staff@mentorbro.dk", "Sara Staff", "staff", "a-long-password-1", [])
    page.locator(".header-user form button, form[action$='/sign-out'] button").first.click()
    page.goto(f"{live_server.url}/login")
    page.fill("[name=email]", "staff@mentorbro.dk")
    page.fill("[name=password]", "a-long-password-1")
    with page.expect_navigation():
        page.locator("form button.button-primary").click()
    page.goto(f"{live_server.url}/review/")
    measure(page, "queue")
    caption = page.locator("table.table--responsive-headers caption").bounding_box()
    assert caption["width"] >= 0.8 * PHONE, "the queue's caption is squeezed into a narrow column"
    page.goto(f"{live_server.url}/review/{reference}")
    assert Application.get(Application.reference == reference).email == EMAIL
    measure(page, "review")

    assert not page.too_wide, "wider than a 360 px phone:\n" + "\n".join(page.too_wide)


def gap(page, above, below):
    """Pixels between the bottom of one element and the top of the next one down."""
    return page.locator(below).bounding_box()["y"] - (lambda box: box["y"] + box["height"])(
        page.locator(above).bounding_box())


def _emailed_link(live_server, pattern):
    for message in reversed(live_server.inbox.messages):
        found = re.search(pattern, message.get_body(("plain",)).get_content())
        if found:
            return found.group(0)
    raise AssertionError("no link emailed")
