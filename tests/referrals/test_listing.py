"""The caseworker's list of referrals: their municipalities' only, newest first, 50 to a page, in both
languages, and read with the same few statements whatever the number of rows shown."""
import logging
import re
from datetime import date, datetime, timedelta

import pytest

from portal.models import Application, Referral

START = datetime(2026, 11, 1, 12, 0)


@pytest.fixture
def caseworker(login_as):
    return login_as("caseworker", municipalities=("101", "751"))


def add_referrals(caseworker_user, count, municipality="101", prefix="Citizen"):
    """`count` referrals, the first the newest; every third has a submitted application with a reference,
    every fifth lost its application (deleted), the rest are being filled in."""
    for n in range(count):
        application = None
        if n % 5 != 4:
            submitted = n % 3 == 0
            application = Application.create(
                source="referral", full_name=f"{prefix} {n:03d}", municipality=municipality, answers={},
                status="submitted" if submitted else "draft",
                reference=f"MB-{prefix[0]}{municipality}-{n:04d}" if submitted else None)
        Referral.create(caseworker=caseworker_user, municipality=municipality, full_name=f"{prefix} {n:03d}",
                        email=None, phone="12345678", language="da", note="Note", consent_how="in_person",
                        consent_at=date(2026, 10, 1), mode="together", application=application,
                        created_at=START - timedelta(hours=n))


def names_on(html, prefix="Citizen"):
    return re.findall(rf">({prefix} \d{{3}})</a>", html)


def test_the_list_is_paged_newest_first_with_the_right_stage_and_reference(app, caseworker, make_user):
    add_referrals(caseworker.user, 60, "101")
    add_referrals(caseworker.user, 60, "751", prefix="Aarhus")
    elsewhere = make_user("caseworker", municipalities=("851",))
    add_referrals(elsewhere, 30, "851", prefix="Aalborg")

    first = caseworker.get("/referrals/?lang=en").get_data(as_text=True)
    assert "120 referrals." in first and "Page 1 of 3" in first
    assert names_on(first) + names_on(first, "Aarhus") and "Aalborg" not in first
    # Newest first across both municipalities: Citizen 000 and Aarhus 000 were referred at the same hour.
    shown = re.findall(r">((?:Citizen|Aarhus) \d{3})</a>", first)
    assert len(shown) == 50 and shown[:2] in (["Citizen 000", "Aarhus 000"], ["Aarhus 000", "Citizen 000"])
    assert "Københavns Kommune" in first and "Aarhus Kommune" in first
    assert 'href="/referrals/?page=2"' in first

    last = caseworker.get("/referrals/?page=3&lang=en").get_data(as_text=True)
    shown = re.findall(r">((?:Citizen|Aarhus) \d{3})</a>", last)
    assert len(shown) == 20 and {"Citizen 059", "Aarhus 059"} <= set(shown) and "Aalborg" not in last
    row = re.search(r">Citizen 057</a>.*?</tr>", last, re.S).group(0)          # 57 % 3 == 0: submitted
    assert "MB-C101-0057" in row and "Submitted" in row
    assert "Closed" in re.search(r">Citizen 059</a>.*?</tr>", last, re.S).group(0)   # its application is gone
    assert "Being filled in" in re.search(r">Citizen 058</a>.*?</tr>", last, re.S).group(0)

    every = set()
    for page in (1, 2, 3):
        every |= set(re.findall(r">((?:Citizen|Aarhus) \d{3})</a>",
                                caseworker.get(f"/referrals/?page={page}&lang=en").get_data(as_text=True)))
    assert len(every) == 120


@pytest.mark.parametrize("page", ["99", "0", "-4", "two", "99999999999999999999999"])
def test_an_odd_page_number_shows_a_page_that_exists(caseworker, page):
    add_referrals(caseworker.user, 55)
    response = caseworker.get(f"/referrals/?page={page}&lang=en")
    assert response.status_code == 200
    assert len(names_on(response.get_data(as_text=True))) in (50, 5)


def test_a_search_is_paged_and_its_pages_keep_the_search(caseworker):
    add_referrals(caseworker.user, 60, prefix="Citizen")
    add_referrals(caseworker.user, 60, prefix="Olena")
    html = caseworker.get("/referrals/?q=olena&lang=en").get_data(as_text=True)
    assert "60 referrals found." in html and not names_on(html) and len(names_on(html, "Olena")) == 50
    assert 'href="/referrals/?q=olena&amp;page=2"' in html
    second = caseworker.get("/referrals/?q=olena&page=2&lang=en").get_data(as_text=True)
    assert len(names_on(second, "Olena")) == 10 and not names_on(second)
    by_reference = caseworker.get("/referrals/?q=mb-o101-0003&lang=en").get_data(as_text=True)
    assert names_on(by_reference, "Olena") == ["Olena 003"] and not names_on(by_reference)


def test_the_list_in_danish(caseworker):
    add_referrals(caseworker.user, 60)
    html = caseworker.get("/referrals/?lang=da").get_data(as_text=True)
    assert "60 henvisninger." in html and "Sendt" in html and "Bliver udfyldt" in html
    assert "Henvisningerne, nyeste først: side 1 af 2" in html
    assert 'aria-label="Sider med henvisninger"' in html


class _Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _statements_for(client, url) -> int:
    logger, handler = logging.getLogger("peewee"), _Statements()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        assert client.get(url).status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return handler.count


def test_the_number_of_statements_does_not_grow_with_the_rows_shown(caseworker):
    add_referrals(caseworker.user, 5)
    add_referrals(caseworker.user, 50, "751", prefix="Aarhus")
    caseworker.get("/referrals/?lang=en")                      # warm: reference data read once per process
    few = _statements_for(caseworker, "/referrals/?q=Citizen&lang=en")
    many = _statements_for(caseworker, "/referrals/?q=Aarhus&lang=en")
    assert len(names_on(caseworker.get("/referrals/?q=Aarhus&lang=en").get_data(as_text=True), "Aarhus")) == 50
    assert few == many
