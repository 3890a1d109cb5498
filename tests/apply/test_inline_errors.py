"""The error shown when a field is left is announced, through the live region that stays in the page."""
from bs4 import BeautifulSoup

import pytest

HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("lang, said", [("en", "Error: Enter your full name"), ("da", "Fejl: ")])
def test_a_field_refused_when_left_carries_its_error_to_announce(client, lang, said):
    response = client.post(f"/apply/about-you?validate=1&lang={lang}", headers=HTMX,
                           data={"full_name": "", "birth_year": "1990"})
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    field = soup.find(id="full_name")
    assert field["data-announce"].startswith(said)
    assert field["data-announce"] == soup.find(id="full_name-error").get_text()   # what is shown is said
    assert not soup.find(id="birth_year").has_attr("data-announce")          # accepted: nothing to say


def test_nothing_is_announced_on_an_ordinary_page(client):
    html = client.post("/apply/about-you?lang=en", data={"full_name": "", "birth_year": "1990"}).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(id="full_name-error") and not soup.select("[data-announce]")


def test_the_region_that_says_it_is_outside_the_swapped_field_group(client):
    soup = BeautifulSoup(client.get("/apply/about-you?lang=en").get_data(as_text=True), "html.parser")
    region = soup.find(id="step-announcement")
    assert region["role"] == "status" and region.find_parent("form") is None
    assert soup.find(id="full_name")["data-hx-target"] == "closest .form-group"
