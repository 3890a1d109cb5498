"""Real browser: the admin pages pass axe (WCAG 2.1 AA) and work without JavaScript."""
import pyotp
import pytest
from playwright.sync_api import expect

from portal.models import Programme
from portal.services import demo, rules_in_force, authentication
from tests.browser.fixtures import AXE, assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in_as_admin(live_server, page, check=None):
    with live_server.app.test_request_context("/"):
        demo.seed(lambda: "a-demo-password-123")
        admin = authentication.create_user("browser-admin@example.org", "Browser Admin", "admin", PASSWORD, ())
        # An English account: after the password, every page follows the account's language (issue 20).
        authentication.set_language(admin, "en")
    page.goto(f"{live_server.url}/login?lang=en")
    page.fill("[name=email]", "browser-admin@example.org")
    page.fill("[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    # The second factor: the first login enrols, showing the key an authenticator app would take.
    secret = page.locator("#totp-secret").inner_text().strip()
    if check:                                       # and its QR code, named for screen readers, CSP-clean
        expect(page.get_by_role("img", name="QR code that adds Mentorbro to your authenticator app")).to_be_visible()
        check(page)
    page.fill("[name=code]", pyotp.TOTP(secret).now())
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def admin_browser(browser, javascript):
    """A fresh English browser context, with or without JavaScript, with axe (its console errors fail the test: tests/browser/page_checks.py)."""
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.parametrize("javascript", [True, False])
def test_admin_pages_are_accessible_and_saving_works(live_server, browser, javascript):
    context, page = admin_browser(browser, javascript)
    # axe runs in the page, so only where JavaScript runs; without it, the flow itself is the test.
    check = assert_accessible if javascript else (lambda page: None)
    try:
        sign_in_as_admin(live_server, page, check)
        assert page.url.endswith("/admin/")
        check(page)
        page.get_by_role("link", name="Erhvervsmentor 2027", exact=True).click()
        page.wait_for_load_state()
        check(page)

        page.fill("[name=min_age]", "abc")
        page.locator("form button.button-primary").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1
        check(page)                       # the error state too (summary, nested fieldsets open)

        page.fill("[name=min_age]", "20")
        page.select_option("[name=min_cefr]", "B2")
        page.locator("summary", has_text="Aarhus office").click()
        page.locator("label", has_text="Skanderborg Kommune").first.click()
        page.locator("form button.button-primary").click()
        page.wait_for_load_state()
        assert "Saved as version 2" in page.content()
        with live_server.app.app_context():
            ruleset = rules_in_force.ruleset_for(Programme.get())
        assert (ruleset.version, ruleset.min_age, ruleset.min_cefr) == (2, 20, "B2")
        assert "746" not in ruleset.catchment           # Skanderborg was ticked, so this un-ticks it

        page.locator("a", has_text="Re-check open applications").click()
        page.wait_for_load_state()
        check(page)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        assert "0 of 0 verdicts changed" in page.content()
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_an_admin_creates_and_edits_a_programme(live_server, browser, check_as_without_js, javascript):
    context, page = admin_browser(browser, javascript)
    check = assert_accessible if javascript else check_as_without_js
    try:
        sign_in_as_admin(live_server, page)
        page.get_by_role("link", name="Create a programme").click()
        page.wait_for_load_state()
        check(page)

        page.locator("form button.button-primary").click()          # nothing filled in
        page.wait_for_load_state()
        assert page.locator(".error-summary li").count() >= 2          # the name and the start date
        check(page)                                                  # the error state too

        page.fill("[name=name]", "Erhvervsmentor 2028")
        page.select_option("[name=company]", label="Demo IT A/S")
        if javascript:                                               # htmx narrows the sites to the company's
            expect(page.locator("#sites-hint")).to_contain_text("These are the sites of Demo IT A/S")
        page.get_by_label("Copenhagen office (Ballerup)").check()
        page.fill("[name=start_date]", "2028-03-01")
        page.fill("[name=capacity]", "20")
        page.get_by_label("Copy the rules in force for another programme").check()
        page.select_option("[name=copy_from]", label="Erhvervsmentor 2027")
        check(page)
        page.locator("form button.button-primary").click()
        page.wait_for_load_state()
        assert "Erhvervsmentor 2028 is created." in page.content()
        with live_server.app.app_context():
            created = Programme.get(Programme.name == "Erhvervsmentor 2028")
            assert (created.capacity, created.length_months, rules_in_force.ruleset_for(created).version) == (20, 6, 1)
            assert [site.name for site in created.sites()] == ["Copenhagen office"]

        page.goto(f"{live_server.url}/admin/?lang=en")
        page.get_by_role("link", name="Edit Erhvervsmentor 2028").click()
        page.wait_for_load_state()
        check(page)
        page.fill("[name=length_months]", "0")
        page.locator("form button.button-primary").click()
        page.wait_for_load_state()
        assert "Enter a length from 1 to 36 months" in page.locator(".error-summary").inner_text()
        check(page)
        page.fill("[name=length_months]", "9")
        page.locator("form button.button-primary").click()
        page.wait_for_load_state()
        assert "Saved the changes to Erhvervsmentor 2028." in page.content()
        with live_server.app.app_context():
            assert Programme.get(Programme.name == "Erhvervsmentor 2028").length_months == 9
    finally:
        context.close()
