"""A company signs up on the public page; staff approve or decline it; its contact becomes its coordinator."""
import pytest

from portal import mail
from portal.models import AuditEvent, Company, Site, User
from tests.companies.helpers import VALID_CVR, approved_coordinator, sign_up_data

pytestmark = pytest.mark.usefixtures("inbox")


@pytest.mark.parametrize("path", ["/companies", "/join", "/become-a-mentor"])
@pytest.mark.parametrize("lang, words", [("da", "Bliv mentorvirksomhed"), ("en", "Become a mentor company")])
def test_the_sign_up_page_answers_in_both_languages_under_the_names_people_try(client, path, lang, words):
    response = client.get(f"{path}?lang={lang}", follow_redirects=True)
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, words", [("da", "Bliv mentorvirksomhed"), ("en", "Become a mentor company")])
def test_the_start_page_links_to_the_sign_up(client, lang, words):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert 'href="/companies"' in page and words in page


@pytest.mark.parametrize("cvr", ["30000006", "1234567", "0000000A", "12345678"])
def test_a_cvr_number_that_fails_the_modulus_11_check_is_refused_and_the_form_kept(client, app, cvr):
    response = client.post("/companies?lang=en", data=sign_up_data(cvr=cvr))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid CVR number" in page and "Nordic Build A/S" in page and "Vestergade 1" in page
    with app.app_context():
        assert not Company.select().where(Company.name == "Nordic Build A/S").exists()


def test_a_sign_up_waits_for_staff_with_its_sites_and_their_municipality(client, app, inbox):
    data = sign_up_data(cvr="DK 30 00 00 05", **{"sites-1-name": "Aarhus office", "sites-1-address": "Åboulevarden 1",
                                                 "sites-1-postcode": "8000", "sites-1-town": "Aarhus C"})
    response = client.post("/companies?lang=en", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/companies/thanks")
    with app.app_context():
        company = Company.get(Company.name == "Nordic Build A/S")
        assert (company.sign_up_state, company.cvr, company.expected_mentors) == ("pending", VALID_CVR, 3)
        assert {(s.name, s.municipality_id) for s in Site.select().where(Site.company == company)} == {
            ("Odense office", "461"), ("Aarhus office", "751")}
        mail.send_pending()
    assert inbox.to("kim@nordicbuild.dk")


def test_a_postcode_in_several_municipalities_asks_which(client, app):
    with app.app_context():
        from portal import places
        shared = next(code for code in ("2000", "2500", "4000", "8600", "6000")
                      if len(places.municipalities_for(code)) > 1)
    page = client.post("/companies?lang=en", data=sign_up_data(**{"sites-0-postcode": shared})).get_data(as_text=True)
    assert "is in several municipalities" in page


def test_the_same_cvr_number_cannot_sign_up_twice(client, app):
    assert client.post("/companies?lang=en", data=sign_up_data()).status_code == 302
    page = client.post("/companies?lang=en", data=sign_up_data(company="Other Name ApS")).get_data(as_text=True)
    assert "already signed up" in page


def test_staff_approve_a_sign_up_and_its_contact_becomes_its_coordinator(app, client, inbox, login_as):
    staff = login_as("staff")
    coordinator, user = approved_coordinator(app, client, inbox, staff)
    assert user.role == "coordinator" and user.company.name == "Nordic Build A/S"
    assert "Welcome aboard" in inbox.to("kim@nordicbuild.dk")[-1].get_content() or any(
        "Welcome aboard" in m.get_content() for m in inbox.to("kim@nordicbuild.dk"))
    page = coordinator.get("/company/?lang=en").get_data(as_text=True)
    assert "Nordic Build A/S" in page and "Odense office" in page
    with app.app_context():
        assert AuditEvent.select().where(AuditEvent.action == "company.approved").count() == 1


def test_staff_decline_a_sign_up_with_a_message_that_is_emailed(app, client, inbox, login_as):
    staff = login_as("staff")
    client.post("/companies?lang=en", data=sign_up_data())
    with app.app_context():
        company = Company.get(Company.name == "Nordic Build A/S")
    assert staff.post(f"/review/companies/{company.id}", data={"message": "Not this year, sorry",
                                                               "action": "decline"}).status_code == 302
    with app.app_context():
        mail.send_pending()
        assert Company.get_by_id(company.id).sign_up_state == "declined"
        assert not User.select().where(User.email == "kim@nordicbuild.dk").exists()
    assert "Not this year, sorry" in inbox.to("kim@nordicbuild.dk")[-1].get_content()


def test_a_sign_up_is_not_approved_without_a_message(app, client, login_as):
    staff = login_as("staff")
    client.post("/companies?lang=en", data=sign_up_data())
    with app.app_context():
        company = Company.get(Company.name == "Nordic Build A/S")
    page = staff.post(f"/review/companies/{company.id}?lang=en", data={"message": "", "action": "approve"})
    assert "Write a message to the contact person" in page.get_data(as_text=True)
    with app.app_context():
        assert Company.get_by_id(company.id).sign_up_state == "pending"
