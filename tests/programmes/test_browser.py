"""Real browser: matching -> accept -> start -> the mentor logs a meeting and a milestone -> outcome -> report; axe on every page."""
from datetime import date

import pytest

from portal.models import Application, Programme
from portal.services import authentication
from tests.browser.fixtures import assert_accessible
from tests.conftest import PASSWORD
from tests.programmes.helpers import approved, mentor, setup
from tests.review.test_browser import sign_in, wait_for_email

pytestmark = pytest.mark.browser


def test_from_matching_to_report(live_server, page, browser):
    app, base = live_server.app, live_server.url
    programme = setup(app)
    with app.test_request_context("/"):
        # The course starts today (a course cannot start before its start date).
        Programme.update(start_date=date.today()).where(Programme.id == programme.id).execute()
        authentication.create_user("staff.person@example.org", "Sara Staff", "staff", PASSWORD, ())
        application = approved(programme, name="Amal Hassan", email="amal@example.org")
        mentor("Morten Mentor", email="morten@example.org", fields=("Software development", "IT"))

    sign_in(page, base, "staff.person@example.org")
    page.goto(f"{base}/programmes/?lang=en")
    assert_accessible(page)
    page.goto(f"{base}/programmes/{programme.id}/matching?lang=en")
    assert "Suggested mentor: Morten Mentor" in page.content()
    assert_accessible(page)
    page.locator("main button", has_text="Accept pair").click()
    page.wait_for_load_state()
    assert "now a pair" in page.content()
    wait_for_email(live_server.inbox, "amal@example.org", "business mentor")

    page.goto(f"{base}/programmes/{programme.id}?lang=en")
    assert_accessible(page)
    page.locator("main button", has_text="Start the course").click()
    page.wait_for_load_state()
    assert "The course has started for 1 pair" in page.content()

    mentor_page = browser.new_context(locale="en-GB").new_page()
    from tests.browser.fixtures import AXE
    mentor_page.context.add_init_script(path=str(AXE))
    sign_in(mentor_page, base, "morten@example.org")
    mentor_page.goto(f"{base}/mentor/?lang=en")
    assert_accessible(mentor_page)
    mentor_page.locator("main button", has_text="Log a meeting with Amal Hassan").click()
    mentor_page.wait_for_load_state()
    assert "Meeting with Amal Hassan on" in mentor_page.content()
    mentor_page.select_option("main select", "job_offer")
    mentor_page.locator("main button", has_text="Record milestone").click()
    mentor_page.wait_for_load_state()
    assert "Congratulations to Amal Hassan: Job offer!" in mentor_page.content()
    assert_accessible(mentor_page)
    wait_for_email(live_server.inbox, "amal@example.org", "job offer")

    page.goto(f"{base}/programmes/{programme.id}?lang=en")
    page.locator("main table a", has_text="Amal Hassan").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator("label", has_text="In a job").first.click()
    page.fill("#outcome-reached_on", date.today().isoformat())
    page.locator("main button", has_text="Save outcome").click()
    page.wait_for_load_state()
    assert "Outcome saved" in page.content()

    page.goto(f"{base}/programmes/{programme.id}/report?lang=en")
    assert "So far, 1 of 1 mentees is in a job, education or internship." in page.content()
    assert_accessible(page)
    with app.app_context():
        assert Application.get_by_id(application.id).status == "active"      # an outcome does not end the mentoring
        assert Programme.get_by_id(programme.id).name
