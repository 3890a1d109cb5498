"""Words, not placeholders or codes, where an answer is shown; and Danish that reads as Danish (issue 21)."""
import pytest
from babel.messages.pofile import read_po

from portal.context import country_name
from tests.apply.helpers import fill

CATALOGUE = "translations/da/LC_MESSAGES/messages.po"


def text(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang, placeholder", [("da", "Vælg et land"), ("en", "Choose a country")])
def test_an_education_without_a_country_shows_no_placeholder_on_the_check_page(client, lang, placeholder):
    fill(client, education={"entries-0-country": ""})
    page = text(client.get(f"/apply/check?lang={lang}"))
    assert placeholder not in page
    assert "Civil engineering, 2010" in page                    # the field and the year, nothing between
    fill(client)                                                # with a country, it is named
    assert "Civil engineering, " + ("Syrien" if lang == "da" else "Syria") + ", 2010" in text(
        client.get(f"/apply/check?lang={lang}"))


def test_the_country_names_know_the_answers_that_are_not_a_country(app):
    for lang, names in {"da": ("Statsløs", "Ukendt", "Syrien"), "en": ("Stateless", "Unknown", "Syria")}.items():
        with app.test_request_context(f"/?lang={lang}"):
            assert (country_name("stateless"), country_name("unknown"), country_name("SY")) == names
            assert country_name(None) == country_name("") == ""


def test_the_mentor_page_says_at_the_company_in_danish(app, login_as):
    from tests.mentor.test_mentor import _paired
    client, _ = _paired(app, login_as)
    page = text(client.get("/mentor/?lang=da"))
    assert "cirka to gange om måneden på virksomheden." in page and "lokation" not in page


def test_no_danish_text_says_lokation():
    """"Site" is "virksomheden" where a mentee or mentor meets, and "arbejdssted" for the place an admin keeps."""
    said = [message.id for message in read_po(open(CATALOGUE, "rb"))
            if message.id and "lokation" in str(message.string).lower()]
    assert said == []


def test_the_admin_calls_a_site_an_arbejdssted(app, login_as):
    page = text(login_as("admin").get("/admin/?lang=da"))
    assert "lokation" not in page.lower()
    assert "Arbejdssted" in page or "arbejdssted" in page
