"""Real browser: an admin signs in with the second step, finds users among many and pages through them."""
import pyotp
import pytest

from portal.db import database
from portal.models import User
from portal.services import authentication
from tests.browser.fixtures import assert_accessible

pytestmark = pytest.mark.browser


def test_an_admin_finds_a_user_among_many(page, live_server):
    with live_server.app.test_request_context("/"):
        authentication.create_user("ada@example.org", "Ada Admin", "admin", "a-long-password-1")
        with database.atomic():
            User.insert_many([{"email": f"mentor{n:03}@company.example", "name": f"Mentor {n:03}", "role": "mentor"}
                              for n in range(1, 61)]).execute()
    page.goto(live_server.url + "/login?lang=en")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()
    secret = page.locator("#totp-secret").inner_text()            # first sign-in: the admin enrols
    assert_accessible(page)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    page.goto(live_server.url + "/admin/users?lang=en")
    assert page.get_by_text("61 users.").is_visible()
    assert page.locator("table tbody tr").count() == 50
    assert_accessible(page)
    page.get_by_role("navigation", name="Pages of users").get_by_role("link", name="Next").click()
    page.wait_for_url("**/admin/users?page=2")
    assert page.locator("table tbody tr").count() == 11
    assert_accessible(page)

    page.get_by_label("Search by name or email").fill("mentor05")
    page.get_by_label("Role").select_option("mentor")
    page.get_by_role("button", name="Show users").click()
    page.wait_for_url("**/admin/users?q=mentor05&role=mentor")
    assert page.get_by_text("10 users found.").is_visible()
    assert page.locator("table tbody tr").first.inner_text().startswith("Mentor 050")
    assert_accessible(page)
    page.get_by_role("link", name="Show all users").click()
    page.wait_for_url("**/admin/users")
    assert page.locator("table tbody tr").count() == 50
