"""The admin's user table: 50 users to a page, search by name or email, filter by role, in both languages."""
import re

from bs4 import BeautifulSoup

from portal.db import database
from portal.models import User

from .helpers import text
from .test_pages import check_page


def add_users(app, count, role="mentor", name="Mentor", domain="company.example"):
    """`count` users at once, named "<name> 001"…, invited (no password): hashing 60 passwords is slow."""
    with app.app_context(), database.atomic():
        User.insert_many([{"email": f"{name.lower()}{n:03}@{domain}", "name": f"{name} {n:03}", "role": role}
                          for n in range(1, count + 1)]).execute()


def names(response) -> list[str]:
    """The names in the user table, top to bottom."""
    soup = BeautifulSoup(text(response), "html.parser")
    table = soup.find("table")
    return [row.find(["td", "th"]).get_text(strip=True) for row in table.tbody.find_all("tr")] if table else []


def page_links(response) -> list[str]:
    soup = BeautifulSoup(text(response), "html.parser")
    nav = soup.find("nav", class_="pagination")
    return [a["href"] for a in nav.find_all("a")] if nav else []


def test_fifty_users_to_a_page_by_name(app, admin):
    add_users(app, 60)
    first = admin.get("/admin/users?lang=en")
    check_page(first)
    shown = names(first)
    assert len(shown) == 50 and shown == sorted(shown)
    assert "61 users." in text(first)                  # the admin too
    assert "Users, by name: page 1 of 2" in text(first)
    assert "/admin/users?page=2" in page_links(first)

    second = admin.get("/admin/users?page=2&lang=en")
    assert len(names(second)) == 11 and not set(names(second)) & set(shown)
    assert "page 2 of 2" in text(second)


def test_odd_page_numbers_give_a_page(app, admin):
    add_users(app, 60)
    last = names(admin.get("/admin/users?page=2"))
    assert names(admin.get("/admin/users?page=99")) == last == names(admin.get("/admin/users?page=" + "9" * 25))
    for odd in ("abc", "-5", "0", ""):
        response = admin.get(f"/admin/users?page={odd}")
        assert response.status_code == 200 and len(names(response)) == 50


def test_search_by_part_of_a_name_or_an_email_in_any_case(app, admin, make_user):
    add_users(app, 60)
    make_user("caseworker", email="lise@aarhus.example", name="Lise Kjær")
    assert names(admin.get("/admin/users?q=lise kj&lang=en")) == ["Lise Kjær"]
    make_user("mentor", email="soren@company.example", name="Søren Østergaard")
    # Danish letters in any case, on SQLite too (its LIKE folds ASCII only)
    for typed, found in (("øster", "Søren Østergaard"), ("SØREN Ø", "Søren Østergaard"), ("KJÆR", "Lise Kjær")):
        assert names(admin.get(f"/admin/users?q={typed}")) == [found], typed
    by_email = admin.get("/admin/users?q=AARHUS.example&lang=en")
    assert names(by_email) == ["Lise Kjær"] and "1 user found." in text(by_email)
    assert names(admin.get("/admin/users?q=mentor 05")) == [f"Mentor 05{n}" for n in range(10)]


def test_search_takes_wildcards_literally(app, admin):
    add_users(app, 3)
    assert names(admin.get("/admin/users?q=%25")) == []
    assert names(admin.get("/admin/users?q=Mentor_0")) == []
    response = admin.get("/admin/users?q=%25&lang=en")
    assert "No users match the search." in text(response) and "Show all users" in text(response)


def test_filter_by_role_and_the_pages_keep_search_and_role(app, admin, make_user):
    add_users(app, 55)
    add_users(app, 5, role="staff", name="Staff", domain="association.example")
    mentors = admin.get("/admin/users?role=mentor&lang=en")
    assert len(names(mentors)) == 50 and all(n.startswith("Mentor") for n in names(mentors))
    assert "55 users found." in text(mentors)
    assert "/admin/users?role=mentor&page=2" in page_links(mentors)
    both = admin.get("/admin/users?q=company&role=mentor&page=2")
    assert len(names(both)) == 5
    assert "/admin/users?q=company&role=mentor&page=1" in page_links(both)
    assert names(admin.get("/admin/users?q=company&role=staff")) == []
    assert len(names(admin.get("/admin/users?role=staff"))) == 5
    # An unknown role is no filter, not an error.
    assert len(names(admin.get("/admin/users?role=owner"))) == 50


def test_the_search_form_is_labelled_and_keeps_what_was_typed(admin):
    response = admin.get("/admin/users?q=Nour&role=caseworker&lang=en")
    soup = check_page(response, csrf=False)
    form = soup.find("form", attrs={"role": "search"})
    assert form["method"] == "get" and form.find("input", attrs={"name": "q"})["value"] == "Nour"
    assert form.find("option", selected=True)["value"] == "caseworker"


def test_a_search_too_long_is_explained_and_everyone_is_listed(app, admin):
    add_users(app, 3)
    response = admin.get("/admin/users?q=" + "x" * 201)
    assert response.status_code == 200
    assert "Skriv højst 200 tegn i søgefeltet" in text(response)
    assert BeautifulSoup(text(response), "html.parser").title.string.startswith("Fejl:")
    assert len(names(response)) == 4


def test_danish_words(app, admin):
    add_users(app, 60)
    page = text(admin.get("/admin/users?lang=da&role=mentor"))
    assert "60 brugere fundet." in page and "Brugere efter navn: side 1 af 2" in page
    assert re.search(r'<label[^>]*for="q"[^>]*>\s*Søg efter navn eller e-mail', page)
    assert "Alle roller" in page and "Vis brugere" in page and "Vis alle brugere" in page


def test_after_an_action_the_admin_is_back_where_they_were_in_the_table(app, admin):
    add_users(app, 60)
    where = "/admin/users?q=mentor&role=mentor&page=2"
    page = BeautifulSoup(text(admin.get(where)), "html.parser")
    deactivate = page.find("a", string="Deactivate") or page.find("a", href=re.compile("/deactivate"))
    assert deactivate["href"].endswith("/deactivate?q=mentor&role=mentor&page=2")

    confirm = BeautifulSoup(text(admin.get(deactivate["href"])), "html.parser")
    assert len(confirm.find_all("a", href=where)) == 2                  # "back to users" and "cancel"
    response = admin.post(deactivate["href"], data={})
    assert response.status_code == 302 and response.location == where
    assert User.select().where(User.active == False).count() == 1          # noqa: E712

    resend = page.find("form", action=re.compile("/resend"))
    assert resend["action"].endswith("/resend?q=mentor&role=mentor&page=2")
    response = admin.post(resend["action"], data={})
    assert response.status_code == 302 and response.location == where
