"""The association's contact details: an admin edits them at /admin/settings; applicants, caseworkers and
mentors read them in the footer (introduced for who they are), and a rejected applicant in the email."""
import pytest
from bs4 import BeautifulSoup

from portal import mail
from portal.models import AuditEvent
from tests.admin.conftest import errors, text
from tests.review.helpers import make_application, reload
from tests.security.formvalues import form_values, lost
from tests.status.helpers import sign_in, submitted_application

SETTINGS = "/admin/settings?lang=en"
DETAILS = {"name": "Foreningen Broen", "address": "Vestergade 12, 8000 Aarhus C", "phone": "+45 86 12 34 56",
           "email": "hej@broen.example", "privacy_contact": "Dina Dahl, databeskyttelsesrådgiver",
           "privacy_email": "persondata@broen.example"}


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def saved(admin, **changes):
    response = admin.post(SETTINGS, data={**DETAILS, **changes})
    assert response.status_code == 302 and response.location.endswith("/admin/settings")
    return response


def visible(response, selector="body") -> str:
    """The text a reader sees in the part of the page `selector` picks, spaces folded."""
    return " ".join(BeautifulSoup(text(response), "html.parser").select_one(selector).get_text(" ").split())


def footer(response) -> str:
    return visible(response, "footer")


def test_an_admin_saves_the_contact_details_and_sees_them_again(admin):
    assert form_values(text(admin.get(SETTINGS)), "/admin/settings").get("name") == [""]   # nothing set yet
    saved(admin)
    page = admin.get(SETTINGS)
    assert "Saved the association's contact details." in visible(page)
    values = form_values(text(page), "/admin/settings")
    assert {name: values[name] for name in DETAILS} == {name: [value] for name, value in DETAILS.items()}
    [event] = AuditEvent.select().where(AuditEvent.action == "association.updated")
    assert event.actor_id == admin.user.id and set(event.details["fields"]) == set(DETAILS)
    # The same again changes nothing, and says so.
    saved(admin)
    assert "Nothing was changed." in visible(admin.get(SETTINGS))
    assert AuditEvent.select().where(AuditEvent.action == "association.updated").count() == 1
    saved(admin, phone="", privacy_contact="")           # the optional ones can be emptied
    values = form_values(text(admin.get(SETTINGS)), "/admin/settings")
    assert values["phone"] == [""] and values["privacy_contact"] == [""] and values["name"] == [DETAILS["name"]]


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Enter the association's name"),
    ({"address": "  "}, "Enter the association's address"),
    ({"email": "not an address"}, "Enter an email address like name@example.com"),
    ({"email": ""}, "Enter the association's email address"),
    ({"phone": "call us"}, "Enter a phone number, like 12 34 56 78 or +45 12 34 56 78"),
    ({"privacy_email": "dpo@"}, "Enter an email address like name@example.com"),
    ({"name": "F" * 201}, "The name can be at most 200 characters"),
])
def test_a_refused_form_says_why_and_keeps_what_was_typed(admin, changes, message):
    posted = {**DETAILS, **changes}
    response = admin.post(SETTINGS, data=posted)
    assert response.status_code == 200
    assert message in errors(response)
    assert not lost({k: v for k, v in posted.items() if v.strip()}, text(response), "/admin/settings")
    assert "Foreningen Broen" not in footer(admin.get("/?lang=en"))         # nothing was saved


@pytest.mark.parametrize("odd", [{"name": "Broen\x00\x07"}, {"email": ["a@b.example", "c@d.example"]},
                                 {"phone": "+" * 5000}, {"address": "\ufffe"}, {}])
def test_odd_input_is_refused_or_cleaned_never_a_server_error(admin, odd):
    response = admin.post(SETTINGS, data={**DETAILS, **odd} if odd else {"name": ["a", "b"]})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "\x00" not in text(admin.get(SETTINGS))


def test_the_footer_gives_an_applicant_the_association_contact_not_only_their_caseworker(app, admin, inbox):
    application = submitted_application(app)
    before = footer(app.test_client().get("/?lang=en"))
    assert "Ask your caseworker" in before and "hej@broen.example" not in before
    saved(admin)
    applicant = app.test_client()
    sign_in(applicant, inbox, application)
    for page in ("/?lang=en", "/apply/about-you?lang=en", "/status/application?lang=en", "/privacy?lang=en"):
        shown = footer(applicant.get(page))
        assert "Questions about the programme or your application? Contact us:" in shown, page
        assert all(DETAILS[name] in shown for name in ("name", "address", "phone", "email")), (page, shown)
        assert "Ask your caseworker" not in shown
    danish = footer(applicant.get("/status/application?lang=da"))
    assert "Kontakt os" in danish and "hej@broen.example" in danish
    page = BeautifulSoup(text(applicant.get("/?lang=en")), "html.parser")
    assert page.select_one('footer a[href="mailto:hej@broen.example"]')
    assert page.select_one('footer a[href="tel:+4586123456"]')


def test_caseworkers_and_mentors_are_told_to_call_the_association(admin, login_as):
    saved(admin)
    caseworker = footer(login_as("caseworker").get("/referrals/?lang=en"))
    mentor = footer(login_as("mentor").get("/mentor/?lang=en"))
    assert "Questions about a referral or the programme? Contact the association" in caseworker
    assert "Questions about your mentee or the programme? Contact the association" in mentor
    assert all(DETAILS["phone"] in shown and DETAILS["email"] in shown for shown in (caseworker, mentor))
    # Only an admin is offered the way to change them.
    assert "Edit the association’s contact details" in footer(admin.get("/admin/?lang=en"))
    assert "Edit the association" not in caseworker + mentor


@pytest.mark.parametrize("language, line", [
    ("en", "reply to this email or call us on +45 86 12 34 56."),
    ("da", "svar på denne e-mail, eller ring til os på +45 86 12 34 56.")])
def test_a_rejected_applicant_is_given_the_association_phone(app, admin, login_as, inbox, language, line):
    saved(admin)
    staff = login_as("staff")
    application = make_application(language=language, email="yonas@example.org")
    for action, data in (("take", {}), ("reject", {"code": "catchment", "message": ""})):
        response = staff.post(f"/review/{application.reference}/{action}",
                              data={"version": reload(application).version, **data})
        assert response.status_code == 302
    with app.app_context():
        mail.send_pending()
    [message] = inbox.to("yonas@example.org")
    body = message.get_content()
    assert line in body and "caseworker" not in body and "sagsbehandler" not in body
