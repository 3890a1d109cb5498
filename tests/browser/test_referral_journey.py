"""Real browser: a caseworker invites a citizen, who then completes the form in English."""
import re
from datetime import date

import pytest

from portal.models import Application, Referral
from portal.services import authentication
from tests.browser.fixtures import AXE, assert_accessible
from tests.browser.test_apply_journey import fill_steps

pytestmark = pytest.mark.browser


def test_a_caseworker_invites_a_citizen_who_completes_the_form_in_english(page, browser, live_server):
    with live_server.app.test_request_context("/"):
        authentication.create_user("cw@kk.dk", "Camilla Caseworker", "caseworker", "a-long-password-1", ["101"])
    page.goto(live_server.url + "/login?lang=en")
    page.fill("[name=email]", "cw@kk.dk")
    page.fill("[name=password]", "a-long-password-1")
    page.locator("form button.button-primary").click()
    page.wait_for_url("**/referrals/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Refer a citizen").click()
    assert_accessible(page)
    page.fill("[name=full_name]", "Amal Hassan")
    page.fill("[name=email]", "amal@example.org")
    page.locator("input[name=language][value=en]").check(force=True)
    page.fill("[name=note]", "Pharmacist from Syria, good English, wants to work in a pharmacy.")
    page.locator("input[name=consent_how][value=in_person]").check(force=True)
    page.fill("[name=consent_at]", date.today().isoformat())
    page.locator("[name=agreed]").check(force=True)
    page.locator("button[value=invite]").click()
    page.wait_for_url("**/referrals/*")
    assert page.get_by_text("Invited").first.is_visible()
    assert_accessible(page)

    with live_server.app.app_context():
        from portal import mail
        mail.send_pending()
    [invitation] = live_server.inbox.to("amal@example.org")
    link = re.search(r"http://\S+/apply/resume/\S+", invitation.get_content()).group(0)
    path = link.split("/apply/resume/", 1)[1]

    context = browser.new_context(locale="en-GB")
    context.add_init_script(path=str(AXE))
    citizen = context.new_page()
    citizen.goto(f"{live_server.url}/apply/resume/{path}")
    assert citizen.locator("[name=full_name]").input_value() == "Amal Hassan"
    reference = fill_steps(citizen, "en", resumed=True)
    application = Application.get(Application.reference == reference)
    assert application.source == "referral" and application.status == "submitted"

    page.goto(f"{live_server.url}/referrals/{Referral.get().public_id}?lang=en")
    assert page.get_by_text("Submitted").first.is_visible() and page.get_by_text(reference).is_visible()
    assert_accessible(page)
    context.close()


def test_a_caseworker_is_warned_that_the_citizen_may_be_known_and_sends_anyway(page, live_server):
    from tests.review.helpers import make_application
    with live_server.app.test_request_context("/"):
        authentication.create_user("cw@kk.dk", "Camilla Caseworker", "caseworker", "a-long-password-1", ["101"])
        make_application(full_name="Amal Østergaard", birth_year=1988, municipality="851")
    page.goto(live_server.url + "/login?lang=en")
    page.fill("[name=email]", "cw@kk.dk")
    page.fill("[name=password]", "a-long-password-1")
    page.locator("form button.button-primary").click()
    page.wait_for_url("**/referrals/")
    page.goto(live_server.url + "/referrals/new?lang=en")
    page.fill("[name=full_name]", "Amal Oestergaard")
    page.fill("[name=birth_year]", "1988")
    page.fill("[name=phone]", "12 34 56 78")
    page.locator("input[name=language][value=en]").check(force=True)
    page.fill("[name=note]", "Civil engineer, wants to work in construction.")
    page.locator("input[name=consent_how][value=in_person]").check(force=True)
    page.fill("[name=consent_at]", date.today().isoformat())
    page.locator("[name=agreed]").check(force=True)
    with page.expect_navigation():
        page.locator("button[value=together]").click()
    assert page.get_by_role("heading", name="The citizen may already have applied").is_visible()
    assert page.locator("[name=note]").input_value() == "Civil engineer, wants to work in construction."
    assert_accessible(page)
    page.get_by_label("Send the referral anyway").check(force=True)
    page.locator("button[value=together]").click()
    page.wait_for_url("**/apply/about-you")
    assert page.locator("[name=birth_year]").input_value() == "1988"
