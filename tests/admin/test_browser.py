"""Real browser: the admin pages pass axe (WCAG 2.1 AA) and work without JavaScript."""
import pyotp
import pytest

from portal.models import Programme
from portal.services import demo, rules, users
from tests.browser.fixtures import AXE, assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in_as_admin(live_server, page):
    with live_server.app.test_request_context("/"):
        demo.seed(lambda: "a-demo-password-123")
        users.create_user("browser-admin@example.org", "Browser Admin", "admin", PASSWORD, ())
    page.goto(f"{live_server.url}/login?lang=en")
    page.fill("[name=email]", "browser-admin@example.org")
    page.fill("[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    # The second factor: the first login enrols, showing the key an authenticator app would take.
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("[name=code]", pyotp.TOTP(secret).now())
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False])
def test_admin_pages_are_accessible_and_saving_works(live_server, browser, javascript):
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda message: page.csp_errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    # axe runs in the page, so only where JavaScript runs; without it, the flow itself is the test.
    check = assert_accessible if javascript else (lambda page: None)
    page.set_default_timeout(10_000)
    try:
        sign_in_as_admin(live_server, page)
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
            ruleset = rules.ruleset_for(Programme.get())
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
