"""Real browser, issue 20: one mentee from approval through a match, two meetings and a milestone to the
six-month follow-up's answer and the report's count; the mentor sees how to reach the mentee and is thanked."""
import re
from datetime import date

import pytest

from portal.models import Programme
from portal.services import authentication
from tests.browser.fixtures import AXE, assert_accessible
from tests.conftest import PASSWORD
from tests.programmes.helpers import mentor
from tests.review.helpers import seeded, submitted
from tests.review.test_browser import confirm, sign_in, wait_for_email

pytestmark = pytest.mark.browser


def _new_page(browser, locale):
    context = browser.new_context(locale=locale)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _click(page, text, where="main button"):
    page.locator(where, has_text=text).first.click()
    page.wait_for_load_state()


def test_one_mentee_from_approval_to_the_follow_up_count(live_server, page, browser):
    app, base = live_server.app, live_server.url
    with app.test_request_context("/"):
        programme = seeded()
        # The course starts today: meetings can be logged from today, and staff can start it now.
        Programme.update(start_date=date.today()).where(Programme.id == programme.id).execute()
        authentication.create_user("sara@example.org", "Sara Staff", "staff", PASSWORD, ())
        mentor("Morten Mentor", email="morten@example.org", language="da")
    application = submitted(app, email="amal@example.org", language="en", name="Amal Hassan")

    # Staff approve the application.
    sign_in(page, base, "sara@example.org")
    page.goto(f"{base}/review/{application.reference}?lang=en")
    with page.expect_navigation():
        page.locator("a.button", has_text="Take this application").click()
    confirm(page, "Yes, take it")
    page.locator("a.button", has_text="Approve").click()
    page.locator("#programme").select_option(value=str(programme.id))      # staff always choose the programme
    confirm(page, "Yes, approve")
    assert "The application is approved" in page.content()

    # … match her with Morten, and start the course.
    page.goto(f"{base}/programmes/{programme.id}/matching?lang=en")
    _click(page, "Accept pair")
    assert "now a pair" in page.content()
    match = wait_for_email(live_server.inbox, "morten@example.org", "Amal Hassan")
    assert "amal@example.org" in match.get_content()                   # the mentor can reach her
    page.goto(f"{base}/programmes/{programme.id}?lang=en")
    _click(page, "Start the course")

    # The mentor (Danish account, English browser) logs two meetings and a milestone.
    morten = _new_page(browser, "en-GB")
    morten.goto(f"{base}/login")                      # the login page in the browser's English, not chosen
    assert '<html lang="en"' in morten.content()
    morten.fill("[name=email]", "morten@example.org")
    morten.fill("[name=password]", PASSWORD)
    with morten.expect_navigation():
        morten.locator("main button[type=submit]").click()
    morten.goto(f"{base}/mentor/")
    assert '<html lang="da"' in morten.content()                       # the account's language
    assert "Sådan kontakter du Amal Hassan" in morten.content() and "amal@example.org" in morten.content()
    assert "0 møder indtil nu" in morten.content()
    assert_accessible(morten)
    _click(morten, "Registrér et møde med Amal Hassan")
    assert "1 møde indtil nu" in morten.content()
    _click(morten, "Registrér et møde med Amal Hassan")              # a second today: it asks first
    _click(morten, "Ja, registrér et møde til")
    assert "2 møder indtil nu" in morten.content()
    morten.select_option("main select", "job_offer")
    _click(morten, "Registrér milepæl")
    assert "Tillykke til Amal Hassan" in morten.content()
    assert_accessible(morten)
    thanks = wait_for_email(live_server.inbox, "morten@example.org", "Tak")
    assert thanks["Subject"] == "Tak: Amal Hassan har fået et jobtilbud"

    # Staff end the course (she found a job); both are asked where she is now.
    page.goto(f"{base}/programmes/{programme.id}?lang=en")
    page.locator("main table a", has_text="Amal Hassan").first.click()
    page.wait_for_load_state()
    page.fill("#end-reason", "She starts her new job next week")
    _click(page, "End the course")
    question = wait_for_email(live_server.inbox, "amal@example.org", "Where are you now?")
    link = re.search(r"http://\S+/follow-up/\S+/job\?lang=en", question.get_content()).group(0)

    # The mentee answers from the email, without signing in: the page asks, one button records.
    amal = _new_page(browser, "da-DK")
    amal.goto(link.replace("http://127.0.0.1:5000", base))
    assert "Where are you now?" in amal.content() and "I am in a job" in amal.content()
    assert_accessible(amal)
    _click(amal, "Send my answer")
    assert "Thank you for your answer" in amal.content()
    assert_accessible(amal)

    # Staff see it, and that Morten has not answered; they confirm it in one click; the report counts it.
    page.goto(f"{base}/programmes/{programme.id}?lang=en#follow-up")
    section = page.locator("main table", has_text="Not answered yet")
    assert "Mentor" in section.inner_text()
    assert_accessible(page)
    _click(page, "Confirm “In a job” for Amal Hassan")
    assert "Outcome saved for Amal Hassan" in page.content()
    page.goto(f"{base}/programmes/{programme.id}/report?lang=en")
    assert "1 outcome came from the six-month follow-up; staff have confirmed 1." in page.content()
    assert "So far, 1 of 1 mentees is in a job, education or internship." in page.content()
    assert_accessible(page)
    page.goto(f"{base}/programmes/{programme.id}/report?lang=da")
    assert "1 resultat kom fra opfølgningen efter seks måneder; medarbejderne har bekræftet 1." in page.content()
