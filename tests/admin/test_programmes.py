"""Admins create and edit programmes: company, sites, dates, places, open or not, and the rules it starts from."""
from datetime import date

import pytest
from bs4 import BeautifulSoup

from portal.models import AuditEvent, Company, Programme, ProgrammeSite, RuleSetVersion, Site
from portal.services import cohorts, pairing
from portal.services import rules_in_force as rules_service
from portal.services import rule_versions
from tests.admin.conftest import errors, rules_data, text
from tests.programmes.helpers import approved, mentor
from tests.security.formvalues import csrf_token, form_values, lost

NEW = "/admin/programmes/new?lang=en"


def edit_url(programme):
    return f"/admin/programmes/{programme.id}/edit?lang=en"


def site_ids(programme):
    return sorted(ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme == programme))


def new_data(programme, **changes) -> dict:
    """The create form filled in with the demo company and both its sites, with `changes` applied."""
    data = {"name": "Erhvervsmentor 2028", "company": str(programme.company_id),
            "sites": [str(site_id) for site_id in site_ids(programme)], "start_date": "2028-03-01",
            "length_months": "6", "capacity": "25", "open_for_applications": "yes", "rules": "default",
            "copy_from": "0"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(admin, programme, **changes) -> dict:
    """The edit form as the browser posts it unchanged (read from the page), with `changes` applied."""
    page = text(admin.get(edit_url(programme)))
    data = {key: (value if key == "sites" else value[0])
            for key, value in form_values(page, f"/admin/programmes/{programme.id}/edit").items()}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def refused_edit(admin, programme, **changes) -> list[str]:
    """Post the edit form with `changes`; it must come back with every value kept. Returns its errors."""
    posted = edit_data(admin, programme, **changes)
    response = admin.post(edit_url(programme), data=posted)
    assert response.status_code == 200
    assert not lost(posted, text(response), f"/admin/programmes/{programme.id}/edit")
    return errors(response)


def other_company_site():
    company = Company.create(name="Other Shipping A/S")
    return Site.create(company=company, name="Esbjerg harbour", address="Havnegade 1", postcode="6700",
                       town="Esbjerg")


def pairs(app, programme, count):
    """`count` pairs in the programme, each with its own mentor at the Copenhagen office."""
    with app.test_request_context("/"):
        made = []
        for n in range(count):
            application = approved(programme, name=f"Mentee {n}")
            made.append(pairing.accept(programme, application, mentor(name=f"Mentor {n}"),
                                                 application.decided_by, date.today()))
        return made


def events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


# Creating -----------------------------------------------------------------------------------------

def test_an_admin_creates_a_programme_and_it_appears_in_both_lists(admin, programme, login_as):
    response = admin.post(NEW, data=new_data(programme, capacity="30", length_months="9",
                                             open_for_applications="no"))
    created = Programme.get(Programme.name == "Erhvervsmentor 2028")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/programmes/{created.id}/rules"
    assert "Erhvervsmentor 2028 is created." in text(admin.get(response.headers["Location"]))
    assert (created.company_id, created.start_date, created.length_months, created.capacity,
            created.open_for_applications) == (programme.company_id, date(2028, 3, 1), 9, 30, False)
    assert site_ids(created) == site_ids(programme)

    home = text(admin.get("/admin/?lang=en"))
    assert "Erhvervsmentor 2028" in home and f'href="/admin/programmes/{created.id}/edit"' in home
    staff_list = text(admin.get("/programmes/?lang=en"))
    assert "Erhvervsmentor 2028" in staff_list and f'href="/admin/programmes/{created.id}/edit"' in staff_list
    staff_view = text(login_as("staff").get("/programmes/?lang=en"))
    assert "Erhvervsmentor 2028" in staff_view and "/admin/programmes/" not in staff_view


def test_the_form_suggests_six_months_25_places_and_open(admin, programme):
    values = form_values(text(admin.get(NEW)), "/admin/programmes/new")
    assert values["length_months"] == ["6"] and values["capacity"] == ["25"]
    assert values["open_for_applications"] == ["yes"] and values["rules"] == ["default"]


def test_a_new_programme_on_the_default_rules_has_no_saved_version_and_is_audited(admin, programme):
    admin.post(NEW, data=new_data(programme))
    created = Programme.get(Programme.name == "Erhvervsmentor 2028")
    assert rule_versions.current_number(created) == 0
    assert rules_service.ruleset_for(created).min_cefr == "B1"
    [event] = events("programme.created")
    assert event.actor_id == admin.user.id and event.object_id == str(created.id)
    assert event.details == {"name": "Erhvervsmentor 2028", "company_id": programme.company_id,
                             "site_ids": site_ids(programme), "start_date": "2028-03-01", "length_months": 6,
                             "capacity": 25, "open_for_applications": True, "rules": "default",
                             "copied_from": None}
    assert not events("ruleset.copied")


def test_copied_rules_equal_the_rules_in_force_for_the_other_programme(admin, programme):
    # version 2 of the source differs from the defaults, so a copy of the defaults would not pass
    admin.post(f"/admin/programmes/{programme.id}/rules",
               data=rules_data(programme, min_cefr="B2", min_age="21", min_work_years="3,5",
                               accepted_residence=["7-1", "8"], reunification_counts=None))
    response = admin.post(NEW, data=new_data(programme, rules="copy", copy_from=str(programme.id)))
    assert response.status_code == 302
    created = Programme.get(Programme.name == "Erhvervsmentor 2028")
    assert rule_versions.current_number(created) == 1
    assert rule_versions.thresholds_of(created) == rule_versions.thresholds_of(programme)
    assert rule_versions.thresholds_of(created)["min_cefr"] == "B2"
    assert rule_versions.catchments_of(created) == rule_versions.catchments_of(programme)
    assert rules_service.catchment_of(created) == rules_service.catchment_of(programme)
    version = RuleSetVersion.get(RuleSetVersion.programme == created)
    assert version.created_by_id == admin.user.id
    # the source keeps its own versions
    assert [v.version for v in RuleSetVersion.select().where(RuleSetVersion.programme == programme)] == [1, 2]
    [copied] = events("ruleset.copied")
    assert copied.object_id == str(created.id) and copied.actor_id == admin.user.id
    assert copied.details["copied_from"] == programme.id and copied.details["copied_version"] == 2
    assert copied.details["version"] == 1
    assert events("programme.created")[0].details["copied_from"] == programme.id
    # the rules page of the new programme shows version 1 with the copied thresholds
    page = text(admin.get(f"/admin/programmes/{created.id}/rules?lang=en"))
    assert "The rules in force are version 1." in page


def test_copying_needs_a_programme_to_copy_from(admin, programme):
    response = admin.post(NEW, data=new_data(programme, rules="copy", copy_from="0"))
    assert errors(response) == ["Choose the programme whose rules to copy"]
    assert not Programme.select().where(Programme.name == "Erhvervsmentor 2028").exists()


def test_sites_of_another_company_are_refused_and_the_input_kept(admin, programme):
    foreign = other_company_site()
    posted = new_data(programme, sites=[str(site_ids(programme)[0]), str(foreign.id)], name="Cohort X")
    response = admin.post(NEW, data=posted)
    assert response.status_code == 200
    assert errors(response) == ["Choose only sites of Demo IT A/S, the company chosen above"]
    assert not Programme.select().where(Programme.name == "Cohort X").exists()
    assert not lost(posted, text(response), "/admin/programmes/new")
    assert not events("programme.created")


def test_every_companys_sites_are_listed_in_their_own_group_without_javascript(admin, programme):
    foreign = other_company_site()
    soup = BeautifulSoup(text(admin.get(NEW)), "html.parser")
    groups = {fieldset.legend.get_text(strip=True): [box["value"] for box in fieldset.select("input")]
              for fieldset in soup.select("#sites-field fieldset fieldset")}
    assert groups == {"Demo IT A/S": [str(i) for i in sorted(site_ids(programme), reverse=True)],
                      "Other Shipping A/S": [str(foreign.id)]}
    assert soup.select_one("#sites")["name"] == "sites"             # the error summary's link lands on a box


def test_htmx_narrows_the_sites_to_the_chosen_company(admin, programme):
    foreign = other_company_site()
    response = admin.get(f"/admin/programmes/new?lang=en&company={foreign.company_id}",
                         headers={"HX-Request": "true"})
    html = text(response)
    assert response.status_code == 200 and "<html" not in html and "HX-Request" in response.headers["Vary"]
    assert "Esbjerg harbour" in html and "Copenhagen office" not in html
    for nothing_chosen in ("0", "abc"):                        # every company's sites again
        html = text(admin.get(f"/admin/programmes/new?company={nothing_chosen}", headers={"HX-Request": "true"}))
        assert "Esbjerg harbour" in html and "Copenhagen office" in html
    response = admin.get(f"/admin/programmes/{programme.id}/edit?company={programme.company_id}"
                         f"&sites={site_ids(programme)[0]}", headers={"HX-Request": "true"})
    soup = BeautifulSoup(text(response), "html.parser")
    assert [box["value"] for box in soup.select("input[checked]")] == [str(site_ids(programme)[0])]
    assert "Esbjerg harbour" not in soup.get_text()


def test_a_company_without_sites_says_where_to_add_them(admin, programme):
    empty = Company.create(name="No Sites Yet ApS")
    response = admin.post(NEW, data=new_data(programme, company=str(empty.id), sites=None))
    assert errors(response) == ["No Sites Yet ApS has no sites yet. Add its sites under Companies and sites first"]


def test_at_least_one_site_is_needed(admin, programme):
    response = admin.post(NEW, data=new_data(programme, sites=None))
    assert errors(response) == ["Choose at least one site of Demo IT A/S, where mentor and mentee will meet"]


@pytest.mark.parametrize("name", ["Erhvervsmentor 2027", "erhvervsmentor  2027", " ERHVERVSMENTOR 2027 "])
def test_a_name_another_programme_has_is_refused(admin, programme, name):
    response = admin.post(NEW, data=new_data(programme, name=name))
    assert errors(response) == ["Another programme is already called Erhvervsmentor 2027. Choose a name that "
                                "tells them apart, for example with the year" if name == "Erhvervsmentor 2027" else
                                f"Another programme is already called {name.strip()}. Choose a name that tells "
                                "them apart, for example with the year"]
    assert Programme.select().count() == 2                     # the two demo programmes


ODD = [
    ("name", "", "Enter the name of the programme, for example Erhvervsmentor 2028"),
    ("name", "A" * 201, "Write the name in 200 characters or fewer"),
    ("company", "abc", "Choose a company from the list"),
    ("company", "99999", "Choose a company from the list"),
    ("company", "9" * 40, "Choose a company from the list"),
    ("sites", ["abc"], "Choose sites from the list"),
    ("sites", ["99999"], "Choose sites from the list"),
    ("start_date", "", "Enter the start date, for example 2028-03-01"),
    ("start_date", "2028-02-30", "Enter the start date as year-month-day, for example 2028-03-01"),
    ("start_date", "next spring", "Enter the start date as year-month-day, for example 2028-03-01"),
    ("start_date", "9999-12-31", "Enter a start date between the years 2000 and 2100"),
    ("start_date", "1016-09-01", "Enter a start date between the years 2000 and 2100"),
    ("length_months", "0", "Enter a length from 1 to 36 months"),
    ("length_months", "-6", "Enter a length from 1 to 36 months"),
    ("length_months", "600", "Enter a length from 1 to 36 months"),
    ("length_months", "6,5", "Enter the length as a whole number of months, for example 6"),
    ("length_months", "", "Enter the length in months, for example 6"),
    ("capacity", "0", "Enter a number of places from 1 to 500"),
    ("capacity", "-1", "Enter a number of places from 1 to 500"),
    ("capacity", "9" * 40, "Enter a number of places from 1 to 500"),
    ("capacity", "1e309", "Enter the number of places as a whole number, for example 25"),
    ("open_for_applications", "maybe", "Choose whether the programme is open for applications"),
    ("rules", "mine", "Choose which eligibility rules the programme starts from"),
]


@pytest.mark.parametrize("field, value, message", ODD)
def test_odd_input_is_refused_with_an_instruction_and_kept(admin, programme, field, value, message):
    posted = new_data(programme, **{field: value})
    response = admin.post(NEW, data=posted)
    assert response.status_code == 200
    assert message in errors(response)
    assert Programme.select().count() == 2
    soup = BeautifulSoup(text(response), "html.parser")
    assert soup.title.get_text().startswith("Error:")
    if field not in ("company", "sites", "open_for_applications", "rules"):        # choices show what is valid
        assert not lost(posted, text(response), "/admin/programmes/new")


# Editing ------------------------------------------------------------------------------------------

def test_the_edit_form_shows_the_programme_and_links_to_its_rules(admin, programme):
    edit_page = text(admin.get(edit_url(programme)))
    values = form_values(edit_page, f"/admin/programmes/{programme.id}/edit")
    assert values["name"] == ["Erhvervsmentor 2027"] and values["start_date"] == ["2027-03-01"]
    assert values["capacity"] == ["25"] and values["length_months"] == ["6"]
    assert values["open_for_applications"] == ["yes"] and values["company"] == [str(programme.company_id)]
    assert sorted(values["sites"]) == sorted(str(i) for i in site_ids(programme))
    assert f'href="/admin/programmes/{programme.id}/rules"' in edit_page
    assert "rules" not in values and "copy_from" not in values


def test_an_edit_is_saved_and_audited(admin, programme):
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, name="Erhvervsmentor 2027 (spring)",
                                                              capacity="30", start_date="2027-04-01",
                                                              open_for_applications="no"))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert "Saved the changes to Erhvervsmentor 2027 (spring)." in text(admin.get("/admin/?lang=en"))
    saved = Programme.get_by_id(programme.id)
    assert (saved.name, saved.capacity, saved.start_date, saved.open_for_applications) == (
        "Erhvervsmentor 2027 (spring)", 30, date(2027, 4, 1), False)
    [event] = events("programme.updated")
    assert event.actor_id == admin.user.id and event.object_id == str(programme.id)
    assert event.details["changes"] == {
        "name": {"from": "Erhvervsmentor 2027", "to": "Erhvervsmentor 2027 (spring)"},
        "start_date": {"from": "2027-03-01", "to": "2027-04-01"},
        "capacity": {"from": 25, "to": 30},
        "open_for_applications": {"from": True, "to": False}}


def test_saving_without_changes_says_so_and_writes_no_audit_row(admin, programme):
    response = admin.post(edit_url(programme), data=edit_data(admin, programme))
    assert "Nothing was changed." in text(admin.get(response.headers["Location"]))
    assert not events("programme.updated")


def test_a_programme_may_keep_its_own_name(admin, programme):
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, name="ERHVERVSMENTOR 2027", capacity="26"))
    assert response.status_code == 302
    assert Programme.get_by_id(programme.id).name == "ERHVERVSMENTOR 2027"


def test_renaming_to_another_programmes_name_is_refused(admin, programme):
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, name="Erhvervsmentor 2016"))
    assert errors(response) == ["Another programme is already called Erhvervsmentor 2016. Choose a name that "
                                "tells them apart, for example with the year"]
    assert Programme.get_by_id(programme.id).name == "Erhvervsmentor 2027"


def test_capacity_below_the_pairs_already_matched_is_refused_and_the_input_kept(app, admin, programme):
    pairs(app, programme, 2)
    page = text(admin.get(edit_url(programme)))
    assert "The programme has 2 pairs now." in page
    assert refused_edit(admin, programme, capacity="1", name="Erhvervsmentor 2027 renamed") == [
        "The programme already has 2 pairs, so enter at least 2 places"]
    saved = Programme.get_by_id(programme.id)
    assert (saved.capacity, saved.name) == (25, "Erhvervsmentor 2027")
    assert not events("programme.updated")
    # exactly as many places as pairs is fine
    assert admin.post(edit_url(programme), data=edit_data(admin, programme, capacity="2")).status_code == 302
    assert Programme.get_by_id(programme.id).capacity == 2


def test_removing_a_site_where_a_pair_meets_is_refused_but_another_may_go(app, admin, programme):
    pairs(app, programme, 1)                                   # at the Copenhagen office
    copenhagen = Site.get(Site.name == "Copenhagen office").id
    aarhus = Site.get(Site.name == "Aarhus office").id
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, sites=[str(aarhus)]))
    assert errors(response) == ["Copenhagen office cannot be removed: a pair of this programme meets there"]
    assert site_ids(programme) == sorted([copenhagen, aarhus])
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, sites=[str(copenhagen)]))
    assert response.status_code == 302
    assert site_ids(programme) == [copenhagen]
    [event] = events("programme.updated")
    assert event.details["changes"] == {"sites": {"added": [], "removed": [aarhus]}}


def test_a_finished_pair_does_not_hold_its_site(app, admin, programme):
    [pair] = pairs(app, programme, 1)
    with app.test_request_context("/"):
        cohorts.end_early(pair, admin.user, "Moved to Aalborg")       # the course has ended for it
    aarhus = Site.get(Site.name == "Aarhus office").id
    assert admin.post(edit_url(programme), data=edit_data(admin, programme, sites=[str(aarhus)])).status_code == 302


def test_moving_to_another_company_needs_that_companys_sites(admin, programme):
    foreign = other_company_site()
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, company=str(foreign.company_id)))
    assert errors(response) == ["Choose only sites of Other Shipping A/S, the company chosen above"]
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, company=str(foreign.company_id),
                                                              sites=[str(foreign.id)]))
    assert response.status_code == 302
    saved = Programme.get_by_id(programme.id)
    assert saved.company_id == foreign.company_id and site_ids(saved) == [foreign.id]


# On the edit form a value that is no number leaves the company as it was, so only the list message shows.
EDIT_ODD = [(f, v, "Choose a company from the list" if (f, v) == ("company", "abc") else m)
            for f, v, m in ODD if f != "rules"]


@pytest.mark.parametrize("field, value, message", EDIT_ODD)
def test_odd_input_on_the_edit_form_changes_nothing(admin, programme, field, value, message):
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, **{field: value}))
    assert response.status_code == 200 and message in errors(response)
    assert not events("programme.updated")


def test_an_unknown_programme_is_not_found(admin):
    assert admin.get("/admin/programmes/99999/edit").status_code == 404
    assert admin.post("/admin/programmes/99999/edit", data={"name": "x"}).status_code == 404


# Who may, links, language ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["staff", "caseworker", "mentor"])
def test_other_roles_are_refused(login_as, programme, role):
    client = login_as(role)
    for url in ("/admin/programmes/new", f"/admin/programmes/{programme.id}/edit"):
        assert client.get(url).status_code == 403
        assert client.post(url, data=new_data(programme, name="Sneaky")).status_code == 403
    assert not Programme.select().where(Programme.name == "Sneaky").exists()
    assert Programme.get_by_id(programme.id).name == "Erhvervsmentor 2027"


def test_anonymous_users_are_sent_to_log_in(client, programme):
    for url in ("/admin/programmes/new", f"/admin/programmes/{programme.id}/edit"):
        response = client.post(url, data=new_data(programme, name="Sneaky"))
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert not Programme.select().where(Programme.name == "Sneaky").exists()


def test_the_admin_home_links_to_creating_editing_and_the_companies(admin, programme):
    soup = BeautifulSoup(text(admin.get("/admin/?lang=en")), "html.parser")
    links = {a["href"]: a.get_text(" ", strip=True) for a in soup.select("main a")}
    assert links["/admin/programmes/new"] == "Create a programme"
    assert links["/admin/companies/"] == "Companies and sites"
    assert links[f"/admin/programmes/{programme.id}/edit"] == "Edit Erhvervsmentor 2027"
    assert admin.get("/admin/companies/").status_code == 200


def test_the_pages_have_labelled_fields_and_unique_ids(admin, programme):
    for url in (NEW, edit_url(programme)):
        soup = BeautifulSoup(text(admin.get(url)), "html.parser")
        ids = [tag["id"] for tag in soup.select("[id]")]
        assert len(ids) == len(set(ids)), url
        for field in soup.select("form input:not([type=hidden]), form select"):
            assert soup.select_one(f'label[for="{field["id"]}"]'), (url, field["id"])


def test_the_pages_are_in_danish(admin, programme):
    new = text(admin.get("/admin/programmes/new?lang=da"))
    assert '<html lang="da" dir="ltr">' in new and "Opret et forløb" in new and "Create a programme" not in new
    assert "Antal pladser" in new
    edit = text(admin.get(f"/admin/programmes/{programme.id}/edit?lang=da"))
    assert "Ret Erhvervsmentor 2027" in edit and "Save changes" not in edit
    response = admin.post("/admin/programmes/new?lang=da", data=new_data(programme, capacity="0"))
    assert errors(response) == ["Skriv et antal pladser fra 1 til 500"]


def test_an_expired_form_keeps_what_was_typed(make_app, make_user, programme):
    from tests.conftest import pass_second_factor
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = make_user("admin")
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": user.email, "password": "correct horse battery staple",
                                "csrf_token": csrf_token(page)})
    pass_second_factor(client, user)
    posted = new_data(programme, name="Typed before lunch", csrf_token="stale")
    response = client.post(NEW, data=posted)
    assert response.status_code == 200
    assert "The form had expired" in text(response)
    assert not lost(posted, text(response), "/admin/programmes/new")
    assert not Programme.select().where(Programme.name == "Typed before lunch").exists()


def test_once_the_course_has_started_its_start_date_stays(app, admin, programme):
    pairs(app, programme, 1)
    with app.test_request_context("/"):
        cohorts.start(programme, admin.user, date(2027, 3, 2))
    page = text(admin.get(edit_url(programme)))
    assert "The course started on 2 March 2027: the start date can no longer be changed." in page
    assert BeautifulSoup(page, "html.parser").find("input", attrs={"name": "start_date"}).has_attr("readonly")
    assert refused_edit(admin, programme, start_date="2027-05-01", capacity="30") == [
        "The course started on 2 March 2027, so the start date can no longer be changed"]
    saved = Programme.get_by_id(programme.id)
    assert (saved.start_date, saved.capacity) == (date(2027, 3, 1), 25) and not events("programme.updated")
    # everything else may still change, the length too
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, capacity="30", length_months="7"))
    assert response.status_code == 302
    saved = Programme.get_by_id(programme.id)
    assert (saved.start_date, saved.capacity, saved.length_months) == (date(2027, 3, 1), 30, 7)
    danish = text(admin.post(f"/admin/programmes/{programme.id}/edit?lang=da",
                             data=edit_data(admin, programme, start_date="2027-05-01")))
    assert "Forløbet startede den 2. marts 2027, så startdatoen kan ikke længere ændres" in danish


def test_before_the_course_starts_the_start_date_may_move(app, admin, programme):
    response = admin.post(edit_url(programme), data=edit_data(admin, programme, start_date="2027-04-01"))
    assert response.status_code == 302
    assert Programme.get_by_id(programme.id).start_date == date(2027, 4, 1)
    assert "The day the course begins" in text(admin.get(edit_url(programme)))
