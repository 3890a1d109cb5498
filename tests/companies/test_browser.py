"""Real browser, the issue's whole story: a company signs up on the public page, staff approve it, the coordinator
sets a password from the invitation, adds a site and invites a mentor, the mentor fills in the profile, staff
record the training, and the mentor is suggested for an approved applicant who lives near that site, in a cohort
that also holds another company's sites. In Danish without JavaScript and in English with it; axe on every page."""
import re
from datetime import date

import pytest

from portal import mail
from portal.models import Programme, Site, User
from portal.services import authentication, cohorts, demo
from tests.browser.fixtures import AXE, assert_accessible
from tests.companies.helpers import VALID_CVR
from tests.conftest import PASSWORD
from tests.programmes.helpers import approved
from tests.review.test_browser import wait_for_email

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"subject_approved": "is a mentor company", "subject_mentor": "business mentor",
           "suggested": "Suggested mentor: Mette Mentor, Nordic Build A/S, Odense office.", "fit": "Fit "},
    "da": {"subject_approved": "er mentorvirksomhed", "subject_mentor": "erhvervsmentor",
           "suggested": "Foreslået mentor: Mette Mentor, Nordic Build A/S, Odense office.", "fit": "Match "},
}


def _context(browser, lang, javascript):
    context = browser.new_context(locale="da-DK" if lang == "da" else "en-GB", java_script_enabled=javascript)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _submit(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def _sign_in(page, base, email, lang):
    page.goto(f"{base}/login?lang={lang}")
    page.fill("[name=email]", email)
    page.fill("[name=password]", PASSWORD)
    _submit(page)


def _set_password(page, message, base):
    path = re.search(r"http://\S+?(/account/set-password/\S+)", message.get_content())[1]
    page.goto(base + path)
    page.fill("[name=password]", PASSWORD)
    page.fill("[name=repeat]", PASSWORD)
    _submit(page)


@pytest.mark.parametrize("lang, javascript", [("en", True), ("da", False)])
def test_a_company_signs_up_and_its_mentor_is_suggested_in_a_cohort_of_two_companies(
        live_server, browser, check_as_without_js, lang, javascript):
    check = assert_accessible if javascript else check_as_without_js
    base, words = live_server.url, WORDS[lang]
    with live_server.app.test_request_context("/"):
        demo.seed(lambda: "a-demo-password-123")          # Erhvervsmentor 2027 at Demo IT A/S's sites
        authentication.create_user("sara@association.dk", "Sara Staff", "staff", PASSWORD, ())
        programme = Programme.get(Programme.name == "Erhvervsmentor 2027")
        approved(programme, name="Fatima Fynbo", municipality="461", field="Construction engineering",
                 wished="Construction", email="fatima@example.org")
        programme_id = programme.id

    # 1. The company signs up on the public page, found from the start page.
    company, page = _context(browser, lang, javascript)
    page.goto(f"{base}/?lang={lang}")
    with page.expect_navigation():
        page.locator("main a[href='/companies']").click()
    check(page)
    _submit(page)                                          # nothing filled in: the errors, the page still valid
    assert page.locator(".error-summary li").count() >= 5
    check(page)
    for name, value in (("company", "Nordic Build A/S"), ("cvr", f"DK {VALID_CVR}"), ("contact_name", "Kim Koordinator"),
                        ("contact_email", "kim@nordicbuild.dk"), ("expected_mentors", "2"),
                        ("sites-0-name", "Aarhus office"), ("sites-0-address", "Åboulevarden 1"),
                        ("sites-0-postcode", "8000"), ("sites-0-town", "Aarhus C")):
        page.fill(f"[name='{name}']", value)
    _submit(page)
    assert page.url.endswith("/companies/thanks")
    check(page)

    # 2. Staff approve it with a message; the contact person is invited as its coordinator.
    staff_context, staff = _context(browser, lang, javascript)
    _sign_in(staff, base, "sara@association.dk", lang)
    staff.goto(f"{base}/review/companies/?lang={lang}")
    check(staff)
    with staff.expect_navigation():
        staff.get_by_role("link", name="Nordic Build A/S").click()
    check(staff)
    staff.fill("[name=message]", "Welcome, we look forward to working with you")
    with staff.expect_navigation():
        staff.locator("button[value=approve]").click()
    with live_server.app.app_context():
        mail.send_pending()
    invitation = wait_for_email(live_server.inbox, "kim@nordicbuild.dk", words["subject_approved"])
    assert "Welcome, we look forward" in invitation.get_content()

    # 3. The coordinator sets a password from the invitation, adds a site and invites a mentor.
    _set_password(page, invitation, base)
    _sign_in(page, base, "kim@nordicbuild.dk", lang)
    page.goto(f"{base}/company/?lang={lang}")
    assert "Nordic Build A/S" in page.content() and "Aarhus office" in page.content()
    check(page)
    page.goto(f"{base}/company/sites/new?lang={lang}")
    for name, value in (("name", "Odense office"), ("address", "Vestergade 1"), ("postcode", "5000"), ("town", "Odense C")):
        page.fill(f"[name='{name}']", value)
    _submit(page)
    assert "Odense office" in page.content()
    check(page)
    page.goto(f"{base}/company/mentors/invite?lang={lang}")
    check(page)
    page.fill("[name=name]", "Mette Mentor")
    page.fill("[name=email]", "mette@nordicbuild.dk")
    page.select_option("[name=site]", label="Odense office (Odense C)")
    page.check(f"[name=language][value={lang}]")
    _submit(page)
    assert "Mette Mentor" in page.content()
    check(page)
    company.close()

    # The cohort holds Demo IT A/S's sites and, now, Nordic Build's Odense office (an admin's edit).
    with live_server.app.test_request_context("/"):
        odense = Site.get(Site.name == "Odense office")
        programme = Programme.get_by_id(programme_id)
        details = cohorts.details_of(programme)
        cohorts.update_programme(programme, {**details, "company_id": None,
                                             "site_ids": details["site_ids"] | {odense.id}},
                                 User.get(User.email == "sara@association.dk"))
        assert {s.company.name for s in programme.sites()} == {"Demo IT A/S", "Nordic Build A/S"}
        mail.send_pending()

    # 4. The mentor sets a password, fills in the profile.
    mentor_context, mentor = _context(browser, lang, javascript)
    _set_password(mentor, wait_for_email(live_server.inbox, "mette@nordicbuild.dk", words["subject_mentor"]), base)
    _sign_in(mentor, base, "mette@nordicbuild.dk", lang)
    mentor.goto(f"{base}/mentor/profile?lang={lang}")
    check(mentor)
    mentor.fill("[name=work_years]", "15")
    mentor.check("[name=leadership][value=yes]")
    mentor.fill("[name=fields]", "Construction, Project management")
    mentor.check("[name=languages][value=da]")
    mentor.check("[name=languages][value=en]")
    _submit(mentor)
    check(mentor)
    mentor_context.close()

    # 5. Staff record the training; the mentor is suggested for the applicant near the Odense site.
    with live_server.app.app_context():
        mette = User.get(User.email == "mette@nordicbuild.dk")
    staff.goto(f"{base}/programmes/mentors?lang={lang}")
    staff.fill(f"[name='t{mette.id}-trained_on']", date.today().isoformat())
    with staff.expect_navigation():
        staff.locator(f"form[action='/programmes/mentors/{mette.id}/training'] button").click()
    check(staff)
    staff.goto(f"{base}/programmes/{programme_id}/matching?lang={lang}")
    text = " ".join(staff.locator("main").inner_text().split())
    assert words["suggested"] in text
    assert words["fit"] in text and "+3" in text          # the fit in words and points beside it
    check(staff)

    # And the coordinator can reach nothing of Demo IT A/S's sites.
    with live_server.app.app_context():
        foreign = Site.get(Site.name == "Copenhagen office")
    coordinator_context, coordinator = _context(browser, lang, javascript)
    _sign_in(coordinator, base, "kim@nordicbuild.dk", lang)
    assert coordinator_context.request.get(f"{base}/company/sites/{foreign.id}").status == 404
    coordinator_context.close()
    staff_context.close()
