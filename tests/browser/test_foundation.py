"""Real browser: the start page in both languages, the language switch, a staff login."""
import pytest

from portal.services import authentication
from tests.browser.fixtures import assert_accessible

pytestmark = pytest.mark.browser


def test_start_page_in_danish_then_english_via_the_switch(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").inner_text() == "Søg om en erhvervsmentor"
    assert_accessible(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Apply for a business mentor"
    assert_accessible(page)
    page.goto(live_server.url + "/privacy")                 # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)


def test_english_browser_gets_english(browser, live_server):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_staff_login_and_logout(page, live_server):
    with live_server.app.test_request_context("/"):
        authentication.create_user("sara@example.org", "Sara Staff", "staff", "a-long-password-1")
    page.goto(live_server.url + "/login?lang=en")
    assert_accessible(page)
    page.get_by_label("Email").fill("sara@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("The email or password is not correct.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill("a-long-password-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("Sara Staff").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("link", name="Log in").is_visible()
