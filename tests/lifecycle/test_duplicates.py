"""One definition of "possibly the same person" (issue 19, promise 2): the same email, or the same name however
it is spelt (case, spaces, accents: Østergaard = østergaard = Ostergaard = Oestergaard) and the same year of
birth. It flags an application at submission, fills the staff's list and the close-as-duplicate choices, and
warns a caseworker at referral time without telling them anything about the other application."""
import difflib
import re
from datetime import date

import pytest

from portal.lifecycle import Status
from portal.models import Application, AuditEvent, Referral
from tests.apply.helpers import fill
from tests.review.helpers import make_application, reload

SPELLINGS = ["amal østergaard", "AMAL OSTERGAARD", "Amal  Oestergaard", "Amal Østergård"]


def submit_as(app, name, email, birth_year="1988"):
    client = app.test_client()
    fill(client, **{"about-you": {"full_name": name, "birth_year": birth_year}, "contact": {"email": email}})
    assert client.post("/apply/submit").status_code == 302
    return Application.select().order_by(Application.id.desc()).get()


# ---------------------------------------------------------------- at submission

@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_same_name_spelt_another_way_is_flagged_at_submission(app, spelling):
    first = submit_as(app, "Amal Østergaard", "amal@example.org")
    second = submit_as(app, spelling, "a.o@example.net")
    assert reload(first).possible_duplicate and reload(second).possible_duplicate


def test_the_same_name_with_another_birth_year_is_not_flagged(app):
    first = submit_as(app, "Amal Østergaard", "amal@example.org", birth_year="1988")
    second = submit_as(app, "amal oestergaard", "a.o@example.net", birth_year="1989")
    assert not reload(first).possible_duplicate and not reload(second).possible_duplicate


def test_the_same_email_typed_in_capitals_is_flagged(app):
    first = submit_as(app, "Amal Hassan", "amal@example.org")
    second = submit_as(app, "Yonas Tesfay", " AMAL@Example.org ")
    assert reload(first).possible_duplicate and reload(second).possible_duplicate


def test_a_withdrawn_rejected_or_duplicate_application_does_not_flag_a_new_one(app, make_user):
    staff = make_user("staff")
    with app.app_context():
        make_application(full_name="Amal Østergaard", birth_year=1988, status="withdrawn")
        make_application(full_name="Amal Østergaard", birth_year=1988, status=Status.DUPLICATE)
        make_application(full_name="Amal Østergaard", birth_year=1988, status="rejected", decided_by=staff.id,
                         decision_reason="not eligible")
    assert not submit_as(app, "Amal Ostergaard", "amal@example.org").possible_duplicate


# ---------------------------------------------------------------- on the staff's page

def test_staff_see_every_spelling_and_may_close_as_a_duplicate_of_it(app, login_as):
    staff = login_as("staff")
    with app.app_context():
        kept = [make_application(full_name=name, birth_year=1988) for name in SPELLINGS]
        other_year = make_application(full_name="Amal Østergaard", birth_year=1989)
        second = make_application(full_name="Amal Ostergaard", birth_year=1988)
    page = staff.get(f"/review/{second.reference}?lang=en").get_data(as_text=True)
    listed = page.split("Possible duplicates</h2>")[1].split("</table>")[0]
    assert all(k.reference in listed for k in kept) and other_year.reference not in listed
    assert staff.post(f"/review/{second.reference}/take?lang=en",
                      data={"version": reload(second).version}).status_code == 302
    confirm = staff.get(f"/review/{second.reference}/close_duplicate?lang=en").get_data(as_text=True)
    choices = re.findall(r'<option[^>]*value="([^"]+)"', confirm)
    assert set(choices) == {k.reference for k in kept}
    response = staff.post(f"/review/{second.reference}/close_duplicate?lang=en",
                          data={"version": reload(second).version, "kept": kept[2].reference})
    assert response.status_code == 302 and reload(second).duplicate_of_id == kept[2].id


def test_another_birth_year_is_not_a_duplicate_for_staff(app, login_as):
    staff = login_as("staff")
    with app.app_context():
        make_application(full_name="Amal Østergaard", birth_year=1989, email="one@example.org")
        second = make_application(full_name="amal ostergaard", birth_year=1988, email="two@example.org")
    staff.post(f"/review/{second.reference}/take?lang=en", data={"version": reload(second).version})
    page = staff.get(f"/review/{second.reference}?lang=en").get_data(as_text=True)
    assert "No other application has the same email address" in page and "Close as a duplicate" not in page


# ---------------------------------------------------------------- at referral time

REFERRAL = {"full_name": "amal oestergaard", "birth_year": "1988", "email": "", "phone": "12345678",
            "municipality": "101", "language": "en", "note": "Civil engineer, wants to work in construction.",
            "consent_how": "in_person", "consent_at": date.today().isoformat(), "agreed": "y", "mode": "together"}
WARNING = "The citizen may already have applied"


@pytest.fixture
def caseworker(login_as):
    return login_as("caseworker", municipalities=("101",))


def refer(client, **changes):
    return client.post("/referrals/new?lang=en", data={**REFERRAL, **changes})


def known_elsewhere(app, make_user, **columns):
    """Another municipality's citizen, already approved."""
    staff = make_user("staff")
    values = dict(full_name="Amal Østergaard", birth_year=1988, email="amal.private@example.org",
                  phone="+45 99 88 77 66", municipality="851", status="approved", decided_by=staff.id,
                  decision_reason="eligible")
    with app.app_context():
        return make_application(**{**values, **columns})


def test_a_caseworker_is_warned_when_the_citizen_looks_known_and_may_send_anyway(app, caseworker, make_user):
    known_elsewhere(app, make_user)
    response = refer(caseworker)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and WARNING in html
    assert "Send the referral anyway" in html
    assert "Civil engineer, wants to work in construction." in html and 'value="1988"' in html   # kept
    assert Referral.select().count() == 0
    response = refer(caseworker, send_anyway="y")
    assert response.status_code == 302 and response.headers["Location"].endswith("/apply/about-you")
    referral = Referral.get()
    application = Application.get_by_id(referral.application_id)
    assert application.birth_year == 1988 and application.answers["about-you"]["birth_year"] == 1988
    assert 'value="1988"' in caseworker.get("/apply/about-you?lang=en").get_data(as_text=True)   # prefilled
    event = AuditEvent.get(AuditEvent.action == "referral.created")
    assert event.details.get("sent_anyway") is True


def test_the_same_email_warns_too(app, caseworker, make_user):
    known_elsewhere(app, make_user)
    html = refer(caseworker, full_name="Someone Else", birth_year="", email="Amal.Private@example.org",
                 mode="invite").get_data(as_text=True)
    assert WARNING in html and Referral.select().count() == 0


@pytest.mark.parametrize("changes", [{"full_name": "Yonas Tesfay"}, {"birth_year": "1989"}, {"birth_year": ""}])
def test_an_unknown_citizen_is_referred_without_a_warning(app, caseworker, make_user, changes):
    known_elsewhere(app, make_user)
    response = refer(caseworker, **changes)
    assert response.status_code == 302 and Referral.select().count() == 1


@pytest.mark.parametrize("status", ["draft", "withdrawn", "closed_duplicate"])
def test_an_application_no_longer_known_gives_no_warning(app, caseworker, make_user, status):
    known_elsewhere(app, make_user, status=status, decided_by=None, decision_reason=None,
                    **({"submitted_at": None, "reference": None} if status == "draft" else {}))
    assert refer(caseworker).status_code == 302


def test_the_warning_tells_another_municipalitys_caseworker_nothing(app, caseworker, make_user):
    known = known_elsewhere(app, make_user)
    html = refer(caseworker).get_data(as_text=True)
    assert WARNING in html
    for secret in (known.reference, "Østergaard", "amal.private", "99 88 77 66", "Aalborg", "Approved"):
        assert secret not in html, secret
    # The page is the same whatever the other application is: its state, municipality or own name.
    with app.app_context():
        Application.update(status="submitted", municipality="101", full_name="AMAL ØSTERGAARD",
                           decided_by=None, decision_reason=None).where(Application.id == known.id).execute()
    again = refer(caseworker).get_data(as_text=True)
    assert again == html, "\n".join(difflib.unified_diff(html.splitlines(), again.splitlines(), lineterm=""))
    # Sent anyway: the referral shows its own application only, never the other one.
    refer(caseworker, send_anyway="y")
    referral = Referral.get()
    for page in (caseworker.get(f"/referrals/{referral.public_id}?lang=en"), caseworker.get("/referrals/?lang=en")):
        text = page.get_data(as_text=True)
        assert known.reference not in text and "amal.private" not in text
