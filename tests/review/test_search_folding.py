"""The queue's search finds a name however it is typed: accents and Nordic letters both ways, the words
in any order; and a search that is too long says so instead of finding everything (issue 21)."""
import csv
import io

import pytest
from bs4 import BeautifulSoup

from portal.models import Application
from portal.services import review_queue
from tests.review.helpers import make_application
from tests.review.test_queue import refs


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def search(staff, term, **args):
    return refs(staff.get("/review/", query_string={"q": term, **args}))


def test_nordic_letters_and_their_spellings_find_each_other(staff):
    spelt = {name: make_application(full_name=f"Mette {name}").reference
             for name in ("Østergaard", "Oestergaard", "Ostergaard")}
    make_application(full_name="Mette Vestergaard")
    for term in ("ostergaard", "Oestergaard", "Østergaard", "ØSTERGÅRD", "østerg", "Mette Oster"):
        assert set(search(staff, term)) == set(spelt.values()), term


def test_accents_are_found_without_them_and_with_them(staff):
    ulku = make_application(full_name="Ülkü Şahin").reference
    celik = make_application(full_name="Sukru Celik").reference
    make_application(full_name="Ulla Kuhn")
    assert search(staff, "ulku") == search(staff, "ÜLKÜ") == search(staff, "ulku sahin") == [ulku]
    assert search(staff, "Şükrü Çelik") == search(staff, "çelik") == [celik]


def test_a_name_typed_surname_first_is_found(staff):
    wanted = make_application(full_name="Amal Hassan").reference
    make_application(full_name="Amal Yonas")
    make_application(full_name="Yonas Hassan")
    for term in ("Hassan Amal", "hassan, amal", "Amal Hassan", "HASSAN AM", "has amal"):
        assert search(staff, term) == [wanted], term


def test_short_words_narrow_a_search_too(staff):
    wanted = make_application(full_name="Mohammed Al Amin").reference
    make_application(full_name="Mohammed Yusuf")
    assert search(staff, "Al Mohamed") == search(staff, "amin al") == [wanted]
    assert search(staff, "al") == [wanted] and search(staff, "Li") == []


def test_the_export_and_the_counts_follow_the_folded_search(staff):
    make_application(full_name="Jens Østergaard", status="in_review")
    make_application(full_name="Jens Olsen")
    response = staff.get("/review/", query_string={"q": "oestergaard", "lang": "en"})
    assert "All (1)" in response.get_data(as_text=True) and "In review (1)" in response.get_data(as_text=True)
    export = staff.get("/review/export.csv", query_string={"q": "oestergaard"}).get_data(as_text=True)
    assert "Jens Østergaard" in export and "Olsen" not in export


def test_a_changed_name_is_found_by_its_new_spellings_only(staff):
    application = make_application(full_name="Ülkü Şahin")
    Application.update(full_name="Ørnsø Berg").where(Application.id == application.id).execute()
    assert search(staff, "ulku") == [] and search(staff, "ornso") == [application.reference]
    found = Application.get_by_id(application.id)
    found.full_name = "Åse Berg"
    found.save()
    assert search(staff, "ornso") == [] and search(staff, "aase") == [application.reference]


# ---------------------------------------------------------------- too long

TOO_LONG = "Amal Hassan " * 9          # 107 characters: more than review_queue.SEARCH_MAX


@pytest.mark.parametrize("lang, words", [("da", "Søgningen er for lang"), ("en", "The search is too long")])
def test_a_search_that_is_too_long_says_so_and_shows_nothing(staff, lang, words):
    assert len(TOO_LONG.strip()) > review_queue.SEARCH_MAX
    make_application(full_name="Amal Hassan")
    make_application(full_name="Yonas Tesfay")
    response = staff.get("/review/", query_string={"q": TOO_LONG, "lang": lang})
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert response.status_code == 200 and refs(response) == []
    assert words in soup.select_one("#queue-results .alert").get_text()
    assert words in soup.select_one(".form-error").get_text()                      # beside the box, too
    assert soup.select_one("#q")["value"] == TOO_LONG.strip()                        # what was typed is kept
    fragment = staff.get("/review/", query_string={"q": TOO_LONG, "lang": lang}, headers={"HX-Request": "true"})
    fragment_soup = BeautifulSoup(fragment.get_data(as_text=True), "html.parser")
    assert refs(fragment) == [] and words in fragment_soup.select_one(".alert").get_text()
    assert words in fragment_soup.select_one("#queue-status").get_text()            # announced
    export = staff.get("/review/export.csv", query_string={"q": TOO_LONG}).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))) == 1   # the header only


def test_a_search_of_the_longest_length_still_searches(staff):
    wanted = make_application(full_name="Amal Hassan").reference
    term = TOO_LONG[:review_queue.SEARCH_MAX]
    assert len(term.strip()) == review_queue.SEARCH_MAX
    assert search(staff, term) == [wanted]
