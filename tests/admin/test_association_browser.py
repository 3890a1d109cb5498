"""Real browser, with and without JavaScript: an admin sets the association's contact details (axe on the form
and its error state), and the privacy page and its footer then show them; each page is kept for the HTML and
360 px checks (tests/browser/page_checks.py)."""
import pytest

from portal.services import association
from tests.admin.test_browser import admin_browser, sign_in_as_admin
from tests.browser.fixtures import assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False])
def test_an_admin_sets_the_contact_and_the_privacy_page_shows_it(live_server, browser, check_as_without_js,
                                                                  javascript):
    context, page = admin_browser(browser, javascript)
    check = assert_accessible if javascript else check_as_without_js
    try:
        sign_in_as_admin(live_server, page)
        page.get_by_role("link", name="The association’s contact details", exact=True).click()
        page.wait_for_load_state()
        check(page)
        page.fill("[name=name]", "Foreningen Broen")
        page.fill("[name=address]", "Vestergade 12, 8000 Aarhus C")
        page.fill("[name=phone]", "+45 86 12 34 56")
        page.fill("[name=email]", "not an address")
        page.locator("form button.button-primary").click()
        page.wait_for_load_state()
        assert "Enter an email address like name@example.com" in page.locator(".error-summary").inner_text()
        assert page.input_value("[name=address]") == "Vestergade 12, 8000 Aarhus C"
        check(page)                                              # the error state too
        page.fill("[name=email]", "hej@broen.example")
        page.locator("form button.button-primary").click()
        page.wait_for_load_state()
        assert "Saved the association's contact details." in page.locator("main").inner_text()
        with live_server.app.app_context():
            assert association.current().email == "hej@broen.example"

        page.goto(f"{live_server.url}/privacy?lang=da")
        check(page)
        assert "Foreningen Broen driver mentorforløbet og er dataansvarlig" in page.locator("main").inner_text()
        assert "+45 86 12 34 56" in page.locator("footer").inner_text()
    finally:
        context.close()
