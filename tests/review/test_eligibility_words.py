"""Promise 7 of issue 19, the eligibility explanation: it names the municipality and the programme's site by
name, and "I do not speak it" is read as an answer (a level below A1), never as a missing answer."""
from bs4 import BeautifulSoup

from tests.apply.helpers import fill
from tests.review.helpers import seeded, submitted


def eligibility_text(html) -> str:
    page = BeautifulSoup(html, "html.parser")
    heading = next(h for h in page.find_all("h2") if h.get_text(strip=True) in ("Eligibility check", "Vurdering"))
    return " ".join(heading.find_next("table").get_text(" ", strip=True).split())


def test_the_staff_page_names_the_municipality_and_the_site(app, login_as):
    with app.app_context():
        seeded()
    application = submitted(app)                       # lives in Københavns Kommune (101)
    text = eligibility_text(login_as("staff").get(f"/review/{application.reference}?lang=en").get_data(as_text=True))
    assert "Lives in Københavns Kommune, which is inside the catchment of the site Copenhagen office." in text


def test_outside_the_catchment_staff_and_applicant_read_which_sites(app, login_as):
    with app.app_context():
        seeded()
    applicant = app.test_client()
    fill(applicant, contact={"postcode": "5000", "municipality": "461"})          # Odense
    check = " ".join(BeautifulSoup(applicant.get("/apply/check?lang=en").get_data(as_text=True), "html.parser")
                     .get_text(" ", strip=True).split())
    assert ("Mentor and mentee meet at one of the company’s sites: Aarhus office, Copenhagen office. "
            "You live in Odense Kommune") in check
    assert applicant.post("/apply/submit").status_code == 302
    from portal.models import Application
    with app.app_context():
        reference = Application.get(Application.municipality == "461").reference
    page = login_as("staff").get(f"/review/{reference}?lang=da").get_data(as_text=True)
    assert ("Bor i Odense Kommune, som ligger uden for optageområdet for forløbets arbejdssteder "
            "Aarhus office, Copenhagen office.") in eligibility_text(page)


def test_i_do_not_speak_it_is_read_as_a_level_on_the_staff_page(app, login_as):
    with app.app_context():
        seeded()
    application = submitted(app, languages={"danish_level": "none", "danish_test_passed": "no", "danish_test": "",
                                            "english_level": "A2"})
    page = login_as("staff").get(f"/review/{application.reference}?lang=en").get_data(as_text=True)
    text = eligibility_text(page)
    assert "Does not speak Danish, and English at A2. Both are below the minimum of B1." in text
    assert "gives no Danish level" not in text
    assert "Likely not eligible" in page
