"""Real browser: the staff's queue filters as they change, and the address bar keeps up with them."""
import pytest
from playwright.sync_api import expect

from portal.services import authentication
from tests.browser.fixtures import assert_accessible
from tests.review.helpers import make_application

pytestmark = pytest.mark.browser


def test_two_filters_changed_then_a_reload_shows_the_same_applications(page, live_server):
    with live_server.app.test_request_context("/"):
        authentication.create_user("sara@example.org", "Sara Staff", "staff", "a-long-password-1")
        make_application(full_name="Amal Danish-Submitted", language="da", status="submitted")
        make_application(full_name="Bilal English-Submitted", language="en", status="submitted")
        make_application(full_name="Dana Danish-Review", language="da", status="in_review")
    page.goto(live_server.url + "/login?lang=en")
    page.get_by_label("Email").fill("sara@example.org")
    page.get_by_label("Password").fill("a-long-password-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/review/?lang=en")
    rows = page.locator("#queue-results table tbody tr")
    expect(rows).to_have_count(3)

    # No button pressed: each dropdown asks for the results itself (htmx), and the address bar follows.
    page.get_by_label("Status", exact=True).select_option("submitted")
    page.wait_for_url("**/review/?*status=submitted*")
    expect(rows).to_have_count(2)
    page.get_by_text("More filters").click()
    page.get_by_label("Language", exact=True).select_option("da")
    page.wait_for_url("**/review/?*language=da*")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Amal Danish-Submitted")
    assert "status=submitted" in page.url
    assert_accessible(page)

    # A reload (or the bookmark of this address) shows the same filters and the same applications.
    page.reload()
    expect(page.get_by_label("Status", exact=True)).to_have_value("submitted")
    expect(page.get_by_label("Language", exact=True)).to_have_value("da")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Amal Danish-Submitted")
    assert_accessible(page)
