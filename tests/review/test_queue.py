"""The queue: every filter, the search, sorting, pagination, htmx fragments, and no drafts; always as the
database is now, whoever changed it."""
import sqlite3
from datetime import date, datetime

import pytest
from bs4 import BeautifulSoup

from portal.models import Application, Programme, User
from tests.review.helpers import make_application, seeded


def refs(response):
    """The references in the queue table, in order."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [th.get_text(strip=True) for th in soup.select("table tbody th[scope=row]")]


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def test_the_queue_lists_submitted_applications_with_their_columns_and_never_drafts(staff):
    make_application(reference="MB-AAAA-0001", full_name="Amal Hassan", verdict="needs_review",
                     possible_duplicate=True, source="referral", language="da")
    Application.create(status="draft", full_name="Draft Person")
    response = staff.get("/review/?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and refs(response) == ["MB-AAAA-0001"]
    soup = BeautifulSoup(html, "html.parser")
    row = soup.select_one("table tbody tr")
    cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
    assert cells[1:3] == ["Amal Hassan", "Københavns Kommune"]
    assert "Referred" in cells and "Danish" in cells and "Needs review" in cells
    assert "Possible duplicate" in cells and "Submitted" in cells
    assert "Draft Person" not in html
    assert soup.select_one("table caption").get_text(strip=True)
    assert all(th.get("scope") == "col" for th in soup.select("table thead th"))
    assert soup.select_one("label[for=q]") and soup.select_one("label[for=status]")


@pytest.mark.parametrize("query, expected", [
    ("status=in_review", {"in"}),
    ("verdict=likely_not_eligible", {"verdict"}),
    ("municipality=751", {"aarhus"}),
    ("source=referral", {"referral"}),
    ("language=da", {"danish"}),
    ("duplicate=yes", {"dup"}),
    ("duplicate=no", {"in", "verdict", "aarhus", "referral", "danish", "plain", "old", "programme"}),
    ("from=2025-01-01&to=2025-01-31", {"old"}),
    ("to=2025-12-31", {"old"}),
    ("from=2026-01-01", {"in", "verdict", "aarhus", "referral", "danish", "dup", "plain", "programme"}),
])
def test_each_filter_narrows_the_queue(staff, query, expected):
    other = Programme.create(name="Erhvervsmentor 2030", start_date=datetime(2030, 1, 1))
    rows = {"in": dict(status="in_review"), "verdict": dict(verdict="likely_not_eligible"),
            "aarhus": dict(municipality="751"), "referral": dict(source="referral"),
            "danish": dict(language="da"), "dup": dict(possible_duplicate=True), "plain": {},
            "old": dict(submitted_at=datetime(2025, 1, 15)), "programme": dict(programme=other)}
    made = {key: make_application(full_name=key, **values).reference for key, values in rows.items()}
    assert set(refs(staff.get(f"/review/?{query}"))) == {made[k] for k in expected}
    assert set(refs(staff.get(f"/review/?programme={other.id}"))) == {made["programme"]}


def test_assigned_filter_shows_mine_and_unassigned(staff, make_user):
    colleague = make_user("staff")
    mine = make_application(status="in_review", assigned_to=staff.user)
    theirs = make_application(status="in_review", assigned_to=colleague)
    nobody = make_application()
    assert refs(staff.get("/review/?assigned=me")) == [mine.reference]
    assert refs(staff.get("/review/?assigned=nobody")) == [nobody.reference]
    assert len(refs(staff.get("/review/"))) == 3 and theirs.reference in refs(staff.get("/review/"))


@pytest.mark.parametrize("term", ["hassan", "Amal", "MB-FIND", "mb-find-m", "MB-FIND-ME22", "find-me", "amal.h@",
                                  "AMAL.H@EXAMPLE"])
def test_search_finds_by_name_reference_or_email(staff, term):
    wanted = make_application(full_name="Amal Hassan", reference="MB-FIND-ME22", email="amal.h@example.org")
    make_application(full_name="Yonas Tesfay", email="yonas@example.org")
    assert refs(staff.get("/review/", query_string={"q": term})) == [wanted.reference]


def test_search_treats_wildcards_as_text_and_shows_an_empty_result_calmly(staff):
    make_application(full_name="Amal Hassan")
    for term in ("%", "_", "a%n"):
        response = staff.get("/review/", query_string={"q": term, "lang": "en"})
        assert refs(response) == [] and "No applications match these filters." in response.get_data(as_text=True)


def test_sorting_by_date_and_by_name(staff):
    b = make_application(full_name="Bashir", submitted_at=datetime(2026, 3, 1))
    a = make_application(full_name="Amal", submitted_at=datetime(2026, 1, 1))
    c = make_application(full_name="Clara", submitted_at=datetime(2026, 2, 1))
    assert refs(staff.get("/review/")) == [b.reference, c.reference, a.reference]
    assert refs(staff.get("/review/?sort=oldest")) == [a.reference, c.reference, b.reference]
    assert refs(staff.get("/review/?sort=name")) == [a.reference, b.reference, c.reference]
    assert refs(staff.get("/review/?sort=name_desc")) == [c.reference, b.reference, a.reference]


def test_pagination_edges(staff):
    made = [make_application(submitted_at=datetime(2026, 1, 1, 0, 0) .replace(minute=i % 60, hour=i // 60))
            for i in range(101)]
    newest_first = [m.reference for m in reversed(made)]
    assert refs(staff.get("/review/")) == newest_first[:50]
    assert refs(staff.get("/review/?page=2")) == newest_first[50:100]
    assert refs(staff.get("/review/?page=3")) == newest_first[100:]          # one row on the last page
    assert refs(staff.get("/review/?page=4")) == newest_first[100:]          # past the end: the last page
    assert refs(staff.get("/review/?page=0")) == newest_first[:50]
    assert refs(staff.get("/review/?page=-3")) == newest_first[:50]
    assert refs(staff.get("/review/?page=abc")) == newest_first[:50]
    html = staff.get("/review/?page=2&status=submitted&lang=en").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    links = [a["href"] for a in soup.select("nav.pagination a")]
    assert any("page=3" in link and "status=submitted" in link for link in links)  # the filter is kept
    assert soup.select_one("[aria-current=page]")
    assert "Applications 51–100 of 101" in html


def test_exactly_one_page_has_no_pagination(staff):
    for _ in range(50):
        make_application()
    response = staff.get("/review/")
    assert len(refs(response)) == 50 and "pagination" not in response.get_data(as_text=True)


def test_status_counts_follow_the_other_filters(staff):
    make_application(status="submitted", language="da")
    make_application(status="submitted", language="en")
    make_application(status="rejected", decided_by=staff.user, decision_reason="x", language="da")
    html = staff.get("/review/?language=da&lang=en").get_data(as_text=True)
    assert "All (2)" in html and "Submitted (1)" in html and "Rejected (1)" in html and "Approved (0)" in html
    soup = BeautifulSoup(html, "html.parser")
    tab = soup.find("a", string=lambda s: s and s.startswith("Rejected ("))
    assert "status=rejected" in tab["href"] and "language=da" in tab["href"]


def test_invalid_filter_values_are_ignored(staff):
    made = make_application()
    response = staff.get("/review/?status=bogus&verdict=x&programme=abc&municipality=999&from=notadate&sort=zzz")
    assert response.status_code == 200 and refs(response) == [made.reference]


def test_htmx_gets_only_the_results_and_the_url_is_the_filter(staff):
    make_application(full_name="Amal Hassan", language="da")
    response = staff.get("/review/?language=da", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Amal Hassan" in html
    assert "HX-Request" in response.headers["Vary"]
    page = staff.get("/review/?language=da").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    form = soup.select_one("form[role=search]")
    assert form["method"] == "get" and form["data-hx-get"] == "/review/" and form["data-hx-push-url"] == "true"
    assert form["data-hx-target"] == "#queue-results" and "change" in form["data-hx-trigger"]
    assert "keyup changed delay:400ms" in soup.select_one("#q")["data-hx-trigger"]
    assert soup.select_one("#language option[selected]")["value"] == "da"   # the form shows the filter
    restored = staff.get("/review/?language=da", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restored.get_data(as_text=True)


def test_the_count_fills_the_live_region_that_stays_outside_the_results(staff):
    make_application(full_name="Amal Hassan", language="da")
    make_application(full_name="Bo Berg", language="da")
    html = staff.get("/review/?language=da&lang=en", headers={"HX-Request": "true"}).get_data(as_text=True)
    status = BeautifulSoup(html, "html.parser").find(id="queue-status")
    assert status["data-hx-swap-oob"] == "innerHTML" and status.text == "2 applications"   # its content, not itself
    soup = BeautifulSoup(staff.get("/review/?lang=en").get_data(as_text=True), "html.parser")
    region = soup.find(id="queue-status")
    assert region["role"] == "status" and region.find_parent(id="queue-results") is None
    assert len(soup.find_all(id="queue-status")) == 1


def test_queue_works_in_danish_and_english(app, staff):
    seeded(app)
    make_application(full_name="Amal Hassan")
    assert "Applications" in staff.get("/review/?lang=en").get_data(as_text=True)
    assert staff.get("/review/?lang=da").status_code == 200


@pytest.mark.parametrize("sort", ["newest", "oldest", "name", "name_desc"])
def test_every_page_in_every_sort_reads_the_same_as_one_long_list(staff, monkeypatch, sort):
    """Pages in the far half are read from the other end of the index and turned round: the same rows."""
    from portal.services import review_queue
    monkeypatch.setattr(review_queue, "PAGE_SIZE", 3)
    names = ["Bo", None, "Amal", "Bo", "Carl", None, "Dina", "Amal", "Eva", "Bo", "Fadi"]
    for i, name in enumerate(names):
        make_application(full_name=name, submitted_at=datetime(2026, 1, 1 + i % 3, 12, 0, i))
    whole = review_queue.queue(review_queue.QueueFilter(sort=sort), None, page=1)
    monkeypatch.setattr(review_queue, "PAGE_SIZE", 100)
    expected = [row.reference for row in review_queue.queue(review_queue.QueueFilter(sort=sort), None, page=1).rows]
    monkeypatch.setattr(review_queue, "PAGE_SIZE", 3)
    paged = [row.reference for page in range(1, whole.pages + 1)
             for row in review_queue.queue(review_queue.QueueFilter(sort=sort), None, page=page).rows]
    assert whole.pages == 4 and len(expected) == 11 and paged == expected


# ---------------------------------------------------------------- always as the database is now

def names(response):
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [row.select("td")[0].get_text(strip=True) for row in soup.select("table tbody tr")]


def test_a_change_made_elsewhere_shows_at_the_next_view(app, staff, database_url):
    """Another app instance, the CLI or a script writes straight to the database: the next view shows it."""
    application = make_application(full_name="Amal Hassan")
    assert names(staff.get("/review/")) == ["Amal Hassan"]
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as other:
            other.execute("UPDATE application SET full_name = 'Amal Renamed' WHERE id = ?", (application.id,))
    else:
        Application.update(full_name="Amal Renamed").where(Application.id == application.id).execute()
    assert names(staff.get("/review/")) == ["Amal Renamed"]


def test_a_decision_changes_the_counts_and_a_renamed_reviewer_shows(staff):
    application = make_application(full_name="Amal Hassan")
    html = staff.get("/review/?lang=en").get_data(as_text=True)
    assert "Submitted (1)" in html and "In review (0)" in html
    user = User.get(User.role == "staff")
    Application.update(status="in_review", assigned_to=user.id).where(Application.id == application.id).execute()
    html = staff.get("/review/?lang=en").get_data(as_text=True)
    assert "Submitted (0)" in html and "In review (1)" in html and user.name in html
    User.update(name="Renamed Reviewer").where(User.id == user.id).execute()
    assert "Renamed Reviewer" in staff.get("/review/?lang=en").get_data(as_text=True)


def test_assigned_to_me_is_each_reviewers_own(login_as):
    first, second = login_as("staff"), login_as("staff")
    mine = make_application(full_name="Mine Only")
    Application.update(assigned_to=first.user.id).where(Application.id == mine.id).execute()
    assert names(first.get("/review/?assigned=me")) == ["Mine Only"]
    assert names(second.get("/review/?assigned=me")) == []


def test_a_new_programme_shows_in_the_filter_and_each_person_sees_their_own_page(login_as):
    first, second = login_as("staff"), login_as("staff")
    make_application(full_name="Amal Hassan")
    assert "Forløb 2029" not in first.get("/review/?lang=en").get_data(as_text=True)
    Programme.create(name="Forløb 2029", start_date=date(2029, 1, 1))
    soup = BeautifulSoup(first.get("/review/?lang=en").get_data(as_text=True), "html.parser")
    assert "Forløb 2029" in [o.get_text() for o in soup.select("#programme option")]
    page = second.get("/review/?lang=en").get_data(as_text=True)
    assert second.user.name in page and first.user.name not in page       # their name, their sign-out form
    typed = BeautifulSoup(first.get("/review/?q=%3Cb%3Ehi&lang=en").get_data(as_text=True), "html.parser")
    assert typed.select_one("#q")["value"] == "<b>hi"          # what was typed, escaped, kept in the box
