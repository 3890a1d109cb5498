"""The privacy page tells an applicant what GDPR art. 13 requires, in Danish and in English: who is responsible
and how to reach them (from the association's settings), the data-protection contact, each purpose with its
legal basis, who receives the data, how long it is kept (the periods the retention purge applies), the rights,
and the right to complain to Datatilsynet."""
from datetime import date

import pytest
from bs4 import BeautifulSoup

from portal.models import Company, Programme
from portal.services import association, retention

DETAILS = {"name": "Foreningen Broen", "address": "Vestergade 12, 8000 Aarhus C", "phone": "+45 86 12 34 56",
           "email": "hej@broen.example", "privacy_contact": "Dina Dahl", "privacy_email": "persondata@broen.example"}

# The page's sections (h2), and what each must say, per language.
HEADINGS = {
    "en": ["Who is responsible for your data", "Data-protection contact", "What we use your data for, and our legal basis",
           "Who receives your data", "How long we keep your data", "Your rights", "Complain to Datatilsynet"],
    "da": ["Hvem der har ansvaret for dine oplysninger", "Kontakt om databeskyttelse",
           "Hvad vi bruger dine oplysninger til, og vores retsgrundlag", "Hvem der får dine oplysninger",
           "Hvor længe vi gemmer dine oplysninger", "Dine rettigheder", "Klag til Datatilsynet"],
}
SAYS = {
    "en": {
        "controller": ["Foreningen Broen runs the mentor programme and is the data controller"],
        "purposes": ["Assessing your application", "Your residence basis", "Finding you a mentor",
                     "Referral from your municipality", "Reporting the programme’s results"],
        "legal basis": ["Legal basis: your consent, GDPR article 6(1)(a).", "GDPR article 9(2)(a)",
                        "section 7 of the Danish Data Protection Act (databeskyttelsesloven)", "article 6(1)(e)",
                        "GDPR article 6(1)(f)", "GDPR article 6(1)(c)"],
        "recipients": ["Your mentor, if you get a place", "Never your residence basis",
                       "Your caseworker at the municipality, if you were referred", "not your answers"],
        "retention": [f"deleted {retention.DRAFT_LIFETIME.days} days after your last change",
                      "It is deleted 2 years after it was closed",
                      f"deleted {retention.EMAIL_LIFETIME.days} days after they were sent", "within 30 days"],
        "rights": ["Right of access", "Right to rectification", "Right to erasure", "Right to restriction",
                   "Right to data portability", "Right to object", "You can withdraw your consent at any time"],
        "complaint": ["you can complain to Datatilsynet, the Danish Data Protection Agency",
                      "Carl Jacobsens Vej 35", "2500 Valby"],
    },
    "da": {
        "controller": ["Foreningen Broen driver mentorforløbet og er dataansvarlig"],
        "purposes": ["Vurdering af din ansøgning", "Dit opholdsgrundlag", "At finde en mentor til dig",
                     "Henvisning fra din kommune", "Opgørelse af forløbets resultater"],
        "legal basis": ["Retsgrundlag: dit samtykke, databeskyttelsesforordningens artikel 6, stk. 1, litra a.",
                        "artikel 9, stk. 2, litra a", "databeskyttelseslovens § 7", "artikel 6, stk. 1, litra e",
                        "artikel 6, stk. 1, litra f", "artikel 6, stk. 1, litra c"],
        "recipients": ["Din mentor, hvis du får en plads", "Aldrig dit opholdsgrundlag",
                       "Din sagsbehandler i kommunen, hvis du er henvist", "men ikke dine svar"],
        "retention": [f"slettes {retention.DRAFT_LIFETIME.days} dage efter din seneste ændring",
                      "Den bliver slettet 2 år efter, at den er lukket",
                      f"slettes {retention.EMAIL_LIFETIME.days} dage efter, at de er sendt", "inden for 30 dage"],
        "rights": ["Ret til indsigt", "Ret til berigtigelse", "Ret til sletning", "Ret til begrænsning",
                   "Ret til dataportabilitet", "Ret til indsigelse", "trække dit samtykke tilbage"],
        "complaint": ["kan du klage til Datatilsynet", "Carl Jacobsens Vej 35", "2500 Valby"],
    },
}


def page(client, language):
    response = client.get(f"/privacy?lang={language}")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def main_text(soup) -> str:
    return " ".join(soup.select_one("main").get_text(" ").split())


@pytest.fixture
def association_set(app):
    with app.test_request_context("/"):
        association.save(DETAILS, None)


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_privacy_page_names_every_element_article_13_asks_for(client, association_set, language):
    soup = page(client, language)
    assert [h2.get_text(" ", strip=True) for h2 in soup.select("main h2")] == HEADINGS[language]
    shown = main_text(soup)
    for element, phrases in SAYS[language].items():
        for phrase in phrases:
            assert phrase in shown, (element, phrase)
    # The controller's contact details and the data-protection contact, from the settings.
    assert all(DETAILS[name] in shown for name in ("name", "address", "phone", "email", "privacy_contact"))
    assert soup.select_one('main a[href="mailto:persondata@broen.example"]')
    assert soup.select_one('main a[href="mailto:hej@broen.example"]')
    assert soup.select_one('main a[href="https://www.datatilsynet.dk"]')
    assert soup.select_one('main a[href="/status/"]')          # where to use the rights


def test_without_a_data_protection_contact_people_write_to_the_association(client, app):
    with app.test_request_context("/"):
        association.save({**DETAILS, "privacy_contact": "", "privacy_email": ""}, None)
    soup = page(client, "en")
    assert "Write to us at hej@broen.example" in main_text(soup)


def test_before_the_settings_are_saved_the_page_still_names_the_controller(client):
    shown = main_text(page(client, "da"))
    assert "Foreningen, der driver mentorforløbet, er dataansvarlig" in shown
    assert "Spørg medarbejderne i foreningen." in shown


def test_the_retention_told_is_the_longest_a_programme_keeps_a_closed_application(client, app):
    company = Company.create(name="Demo IT A/S")
    Programme.create(name="Long", company=company, start_date=date(2027, 3, 1), retention_days=1095)
    shown = main_text(page(client, "en"))
    assert "It is deleted 3 years after it was closed" in shown
