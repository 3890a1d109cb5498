"""Real browser: "Save and come back later" without JavaScript, the link opened in another browser in the
applicant's language, and "send me my link again" with JavaScript; each page checked with axe."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import assert_accessible

pytestmark = pytest.mark.browser


def test_save_and_come_back_later_without_javascript_then_in_another_browser(browser, live_server,
                                                                            check_as_without_js):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/apply/about-you?lang=da")
    page.fill("[name=full_name]", "Amal Hassan")
    page.fill("[name=birth_year]", "19")                   # not a valid year yet: kept as typed all the same
    with page.expect_navigation():
        page.locator("button[name=go][value=later]").click()
    page.wait_for_url("**/apply/saved")
    expect(page.locator("h1")).to_have_text("Dine svar er gemt")
    check_as_without_js(page)
    link = page.locator(".resume-link").inner_text()
    path = re.fullmatch(r"http://[^/]+(/apply/resume/\S+\?lang=da)", link).group(1)     # in the language chosen
    context.close()

    other = browser.new_context(locale="en-GB")
    phone = other.new_page()
    phone.goto(live_server.url + path)
    phone.wait_for_url("**/apply/about-you")
    expect(phone.locator("[name=full_name]")).to_have_value("Amal Hassan")
    expect(phone.locator("[name=birth_year]")).to_have_value("19")
    expect(phone.locator("html")).to_have_attribute("lang", "da")
    expect(phone.locator(".resume-link")).to_have_count(1)
    other.close()


def test_send_me_my_link_again(page, live_server):
    page.goto(live_server.url + "/?lang=en")
    page.locator("main a.follow-application").click()
    page.wait_for_url("**/status/")
    assert_accessible(page)
    page.fill("#again-email", "nobody@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Send me my link again").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert_accessible(page)
