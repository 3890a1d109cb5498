"""Real browser: take -> ask for more information -> the applicant edits and resends -> approve; axe on every page."""
import re
import time

import pytest
from playwright.sync_api import expect

from portal.models import Application
from portal.services import authentication
from tests.browser.fixtures import AXE, assert_accessible
from tests.conftest import PASSWORD
from tests.review.helpers import seeded, submitted

pytestmark = pytest.mark.browser


def wait_for_email(inbox, address, subject_part, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in inbox.to(address) if subject_part in m["Subject"]]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no email to {address} about {subject_part!r}: {[m['Subject'] for m in inbox.messages]}")


def wait_until(page, condition, timeout=10):
    """Poll while letting Playwright process events (time.sleep would freeze page.url)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(50)


def sign_in(page, base, email):
    page.goto(f"{base}/login?lang=en")
    page.fill("[name=email]", email)
    page.fill("[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def confirm(page, button_text):
    assert_accessible(page)
    page.locator("main form button.button-primary", has_text=button_text).click()
    page.wait_for_load_state()


def test_take_ask_applicant_edits_then_approve(live_server, page, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        seeded()
        authentication.create_user("reviewer@example.org", "Rita Reviewer", "staff", PASSWORD, ())
    application = submitted(app, email="amal@example.org", language="en")

    sign_in(page, base, "reviewer@example.org")
    page.goto(f"{base}/review/?lang=en")
    assert_accessible(page)
    page.locator("#q").press_sequentially("Hassan")                  # htmx: the results follow the typing
    wait_until(page, lambda: "q=Hassan" in page.url)                       # and the address bar follows
    page.locator("#queue-results a", has_text=application.reference).wait_for()
    assert page.locator("#queue-results tbody tr").count() == 1
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/review/?" in request.url else None)
    page.locator("#q").blur()                       # leaving the box does not ask again (a click would be lost)
    page.wait_for_timeout(300)
    assert asked == []
    page.evaluate("document.getElementById('queue-status').keptInPage = true")
    page.select_option("#status", "submitted")      # a filter changed: the results follow
    wait_until(page, lambda: "status=submitted" in page.url and "q=Hassan" in page.url)
    assert len(asked) == 1
    # The count's live region stays (a screen reader announces a change in it); only its text is new.
    wait_until(page, lambda: page.locator("#queue-status").text_content() == "1 application")
    assert page.evaluate("document.getElementById('queue-status').keptInPage === true")
    page.locator("#queue-results a", has_text=application.reference).click()
    page.wait_for_load_state()
    assert_accessible(page)

    page.fill("#body", "Called her; she can start in March.")       # a note, added in place
    page.locator("#notes button").click()
    page.locator("#notes li", has_text="she can start in March").wait_for()
    assert page.locator("#body").input_value() == ""
    # Focus moves to the new note and a status region that stayed in the page says so.
    expect(page.locator("#notes li", has_text="she can start in March")).to_be_focused()
    expect(page.locator("#notes-announcement")).to_have_text("Note added.")

    with page.expect_navigation():
        page.locator("a.button", has_text="Take this application").click()
    confirm(page, "Yes, take it")
    assert "assigned to you" in page.content()
    assert_accessible(page)

    page.locator("a.button", has_text="Ask for more information").click()
    page.fill("#message", "Please add how many years you worked in Denmark.")
    confirm(page, "Send the question")
    assert "Waiting for the applicant" in page.content()

    email = wait_for_email(live_server.inbox, "amal@example.org", "more information")
    body = email.get_content()
    assert "how many years you worked in Denmark" in body and "Called her" not in body
    link = re.search(r"http://\S+/apply/resume/\S+", body).group(0)
    applicant_context = browser.new_context(locale="en-GB")
    applicant_context.add_init_script(path=str(AXE))
    applicant = applicant_context.new_page()
    try:
        applicant.goto(link.replace("http://127.0.0.1:5000", base).replace("http://localhost", base))
        applicant.wait_for_load_state()
        assert "/apply/check" in applicant.url
        assert_accessible(applicant)
        applicant.locator("a", has_text="Change").filter(has_text="Site engineer").first.click()
        applicant.wait_for_load_state()
        applicant.fill("[name=entries-0-years]", "6")
        applicant.locator("#step-form button.button-primary").click()
        applicant.wait_for_load_state()
        assert "/apply/check" in applicant.url
        applicant.locator("main form button.button-primary").click()
        applicant.wait_for_load_state()
        assert application.reference in applicant.content()
    finally:
        applicant_context.close()
    with app.app_context():
        assert Application.get_by_id(application.id).status == "submitted"

    page.goto(f"{base}/review/?status=submitted&lang=en")
    page.locator("#queue-results a", has_text=application.reference).click()
    page.wait_for_load_state()
    assert "Sent again by the applicant" in page.content()
    with page.expect_navigation():
        page.locator("a.button", has_text="Take this application").click()
    confirm(page, "Yes, take it")
    page.locator("a.button", has_text="Approve").click()
    # Staff choose the cohort: none is chosen for them (issue 22).
    assert page.locator("#programme option:checked").inner_text() == "Choose a programme"
    page.locator("#programme").select_option(label="Erhvervsmentor 2027")
    confirm(page, "Yes, approve")
    assert "The application is approved" in page.content()
    assert_accessible(page)
    page.locator("a", has_text="Who has opened this application").click()
    page.wait_for_load_state()
    assert "Rita Reviewer" in page.locator("main tbody").inner_text()
    assert_accessible(page)
    with app.app_context():
        after = Application.get_by_id(application.id)
        assert after.status == "approved" and after.decided_by.name == "Rita Reviewer"
    assert "approved" in wait_for_email(live_server.inbox, "amal@example.org", "approved")["Subject"]


def test_queue_filters_and_notes_work_without_javascript(live_server, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        seeded()
        authentication.create_user("nojs@example.org", "No Script", "staff", PASSWORD, ())
    application = submitted(app, email="yonas@example.org", name="Yonas Tesfay", language="da")
    submitted(app, email="amal@example.org", name="Amal Hassan", language="en")
    # axe needs JavaScript, so it runs on these pages in the test above.
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, base, "nojs@example.org")
        page.goto(f"{base}/review/?lang=en")
        page.locator("summary", has_text="More filters").click()
        page.select_option("#language", "da")
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_load_state()
        assert "language=da" in page.url and page.locator("tbody tr").count() == 1
        page.locator("tbody a", has_text=application.reference).click()
        page.wait_for_load_state()
        page.fill("#body", "A note without JavaScript")
        page.locator("#notes button").click()
        page.wait_for_load_state()
        assert "A note without JavaScript" in page.content() and "Note added." in page.content()
    finally:
        context.close()
