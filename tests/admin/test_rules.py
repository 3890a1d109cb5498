"""The rules page: thresholds and catchment, validation, versioning, history and the audit row."""
from datetime import date

import pytest
from bs4 import BeautifulSoup

from tests.admin.versions import versions
from portal.models import AuditEvent, Company, Programme, RuleSetVersion, SiteCatchment
from portal.services import rules_in_force as rules_service
from tests.admin.conftest import errors, rules_data, text


def url(programme):
    return f"/admin/programmes/{programme.id}/rules?lang=en"


def site_id(programme, name):
    return next(site.id for site in programme.sites() if site.name == name)


def catchment(site):
    return sorted(row.municipality_id for row in SiteCatchment.select().where(SiteCatchment.site == site))


def saved_events():
    return list(AuditEvent.select().where(AuditEvent.action == "ruleset.saved").order_by(AuditEvent.id))


# The page ------------------------------------------------------------------------------------

def test_the_admin_home_lists_programmes_with_start_date_version_and_sites(admin, programme):
    html = text(admin.get("/admin/?lang=en"))
    assert f'href="/admin/programmes/{programme.id}/rules"' in html
    for words in ("Erhvervsmentor 2027", "1 March 2027", "Version 1", "Copenhagen office (Ballerup)",
                  "Aarhus office (Aarhus C)"):
        assert words in html


def test_the_rules_page_shows_the_rules_in_force_and_each_sites_catchment(admin, programme):
    soup = BeautifulSoup(text(admin.get(url(programme))), "html.parser")
    assert soup.select_one("#min_cefr option[selected]")["value"] == "B1"
    assert soup.select_one("#min_isced option[selected]").get_text() == "Short-cycle higher education (ISCED 5)"
    assert soup.select_one("#min_work_years")["value"] == "2"
    assert soup.select_one("#min_age")["value"] == "18"
    assert soup.select_one("#reunification_counts").has_attr("checked")
    checked = {box["value"] for box in soup.select('input[name="accepted_residence"][checked]')}
    assert checked == {"7-1", "7-2", "7-3", "8", "ukraine"}
    copenhagen = f"site_{site_id(programme, 'Copenhagen office')}"
    assert {box["value"] for box in soup.select(f'input[name="{copenhagen}"][checked]')} == set(demo_catchment("Copenhagen office"))
    assert len(soup.select(f'input[name="{copenhagen}"]')) == 98
    assert "Copenhagen office, Ballerup: 9 municipalities chosen" in soup.get_text()


def demo_catchment(name):
    from portal.services.demo import SITES
    return next(codes for site_name, *_rest, codes in SITES if site_name == name)


def test_every_field_has_a_label_and_checkbox_groups_have_a_legend(admin, programme):
    soup = BeautifulSoup(text(admin.get(url(programme))), "html.parser")
    ids = [tag["id"] for tag in soup.select("[id]")]
    assert len(ids) == len(set(ids)), "ids must be unique"
    for field in soup.select("form input:not([type=hidden]), form select"):
        assert soup.select_one(f'label[for="{field["id"]}"]'), field["id"]
    for name in ("accepted_residence", f"site_{site_id(programme, 'Aarhus office')}"):
        fieldset = soup.select_one(f'input[name="{name}"]').find_parent("fieldset")
        assert fieldset.legend.get_text(strip=True)
    # Regions are groups of their own, inside the site's group
    regions = soup.select_one(f'input[name="site_{site_id(programme, "Aarhus office")}"]').find_parent("fieldset")
    assert regions.legend.get_text() == "Region Nordjylland"
    assert regions.find_parent("fieldset").legend.get_text() == "Municipalities in the catchment of Aarhus office"
    assert soup.title.get_text().startswith("Eligibility rules for Erhvervsmentor 2027")
    assert soup.select_one(f'form[action="/admin/programmes/{programme.id}/rules"]')["method"] == "post"


def test_the_page_works_in_danish_too(admin, programme):
    response = admin.get(f"/admin/programmes/{programme.id}/rules?lang=da")
    assert response.status_code == 200 and '<html lang="da" dir="ltr">' in text(response)


# Saving and versions ---------------------------------------------------------------------------

def test_saving_makes_a_new_version_and_keeps_the_old_one_unchanged(admin, programme):
    response = admin.post(url(programme), data=rules_data(programme, min_cefr="C1", min_work_years="2,5"))
    assert response.status_code == 302
    versions = {v.version: v for v in RuleSetVersion.select().where(RuleSetVersion.programme == programme)}
    assert sorted(versions) == [1, 2]
    assert versions[1].rules["min_cefr"] == "B1" and versions[1].rules["min_work_years"] == 2.0
    assert versions[2].rules["min_cefr"] == "C1" and versions[2].rules["min_work_years"] == 2.5
    assert versions[2].created_by_id == admin.user.id
    ruleset = rules_service.ruleset_for(programme)
    assert (ruleset.version, ruleset.min_cefr, ruleset.min_work_years) == (2, "C1", 2.5)
    assert "Saved as version 2." in text(admin.get(response.headers["Location"]))


def test_two_saves_give_versions_1_2_3_and_the_history_says_who_and_when(admin, programme):
    admin.post(url(programme), data=rules_data(programme, min_age="21"))
    admin.post(url(programme), data=rules_data(programme, min_isced="6"))
    assert [v.version for v in versions().order_by(RuleSetVersion.version)] == [1, 2, 3]
    assert rules_service.ruleset_for(programme).min_isced == 6
    assert rules_service.ruleset_for(programme).min_age == 21          # kept from version 2
    soup = BeautifulSoup(text(admin.get(url(programme))), "html.parser")
    history = soup.find("caption", string="Saved versions, newest first").find_parent("table")
    rows = [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in history.tbody.find_all("tr")]
    assert [row[0] for row in rows] == ["3", "2", "1"]
    assert rows[0][2] == rows[1][2] == admin.user.name
    assert rows[2][2] == "Not recorded"                                 # the demo data's version 1
    assert all(row[1] for row in rows)
    assert "The rules in force are version 3." in soup.get_text()


def test_the_audit_row_names_the_version_and_what_changed(admin, programme):
    admin.post(url(programme), data=rules_data(programme, min_cefr="C1", reunification_counts=None,
                                               accepted_residence=["7-1", "8"]))
    [event] = saved_events()
    assert event.actor_id == admin.user.id and event.actor_role == "admin"
    assert event.object_type == "programme" and event.object_id == str(programme.id)
    assert event.details["version"] == 2 and event.details["previous_version"] == 1
    assert event.details["changes"] == {
        "min_cefr": {"from": "B1", "to": "C1"},
        "reunification_counts": {"from": True, "to": False},
        "accepted_residence": {"from": ["7-1", "7-2", "7-3", "8", "ukraine"], "to": ["7-1", "8"]},
    }
    assert event.details["catchment"] == []


def test_catchment_changes_update_the_sites_and_are_kept_with_the_version(admin, programme):
    copenhagen = site_id(programme, "Copenhagen office")
    aarhus = site_id(programme, "Aarhus office")
    new_copenhagen = [code for code in demo_catchment("Copenhagen office") if code != "101"] + ["173", "230"]
    admin.post(url(programme), data=rules_data(programme, **{f"site_{copenhagen}": new_copenhagen}))
    assert catchment(copenhagen) == sorted(new_copenhagen)
    assert catchment(aarhus) == sorted(demo_catchment("Aarhus office"))
    assert "101" not in rules_service.catchment_of(programme)
    version = RuleSetVersion.get(RuleSetVersion.version == 2)
    assert version.rules["site_catchment"][str(copenhagen)] == sorted(new_copenhagen)
    [event] = saved_events()
    assert event.details["changes"] == {}
    assert event.details["catchment"] == [{"site": copenhagen, "added": ["173", "230"], "removed": ["101"]}]


def test_a_site_may_be_left_without_municipalities(admin, programme):
    aarhus = site_id(programme, "Aarhus office")
    data = rules_data(programme)
    del data[f"site_{aarhus}"]                      # no box ticked: the browser sends nothing
    assert admin.post(url(programme), data=data).status_code == 302
    assert catchment(aarhus) == []


def test_saving_without_changes_makes_no_new_version(admin, programme):
    response = admin.post(url(programme), data=rules_data(programme))
    assert "Nothing was changed" in text(admin.get(response.headers["Location"]))
    assert versions().count() == 1 and not saved_events()


def test_a_decimal_comma_is_accepted_and_shown_back_in_danish(admin, programme):
    admin.post(url(programme), data=rules_data(programme, min_work_years=" 1,5 "))
    assert rules_service.ruleset_for(programme).min_work_years == 1.5
    soup = BeautifulSoup(text(admin.get(f"/admin/programmes/{programme.id}/rules?lang=da")), "html.parser")
    assert soup.select_one("#min_work_years")["value"] == "1,5"


def test_a_programme_without_saved_rules_uses_the_defaults_as_version_0_and_saves_version_1(admin, programme):
    other = Programme.create(name="Erhvervsmentor 2028", company=Company.get(), start_date=date(2028, 3, 1))
    assert rules_service.ruleset_for(other).version == 0
    assert "Default rules (not saved yet)" in text(admin.get("/admin/?lang=en"))
    html = text(admin.get(url(other)))
    assert "no version has been saved yet" in html and "The programme has no sites yet." in html
    admin.post(url(other), data=rules_data(other, min_age="20"))
    assert [v.version for v in other.rule_sets] == [1]
    assert rules_service.ruleset_for(other).min_age == 20


def test_a_save_based_on_an_old_version_is_refused_and_keeps_what_was_typed(admin, programme):
    stale = rules_data(programme, min_age="30")
    admin.post(url(programme), data=rules_data(programme, min_cefr="B2"))     # another admin's save
    response = admin.post(url(programme), data=stale)
    assert response.status_code == 200
    assert errors(response)[0].startswith("Another admin saved version 2 while you were editing")
    assert versions().count() == 2 and rules_service.ruleset_for(programme).min_age == 18
    soup = BeautifulSoup(text(response), "html.parser")
    assert soup.select_one("#min_age")["value"] == "30"
    assert soup.select_one("#based_on")["value"] == "2"          # a second press saves, knowingly
    stale["based_on"] = "2"
    admin.post(url(programme), data=stale)
    assert rules_service.ruleset_for(programme).version == 3


# Validation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, message", [
    ({"min_age": "abc"}, "Enter the minimum age as a whole number, for example 18"),
    ({"min_age": "17.5"}, "Enter the minimum age as a whole number, for example 18"),
    ({"min_age": "14"}, "Enter a minimum age from 15 to 100"),
    ({"min_age": "101"}, "Enter a minimum age from 15 to 100"),
    ({"min_age": ""}, "Enter the minimum age, for example 18"),
    ({"min_isced": "4"}, "Choose a minimum level of education from the list"),
    ({"min_isced": "abc"}, "Choose a minimum level of education from the list"),
    ({"min_cefr": "D1"}, "Choose a minimum language level from A1 to C2"),
    ({"min_work_years": "-1"}, "Enter a number of years from 0 to 80"),
    ({"min_work_years": "two"}, "Enter a number, for example 2.5"),
    ({"min_work_years": ""}, "Enter the minimum years of work experience, for example 2 or 2.5"),
    ({"accepted_residence": None}, "Choose at least one residence basis the programme accepts"),
    ({"accepted_residence": ["7-1", "refugee"]}, "Choose residence bases from the list"),
])
def test_invalid_values_are_explained_and_nothing_is_saved(admin, programme, changes, message):
    before = {site.id: catchment(site) for site in programme.sites()}
    changes.setdefault("min_cefr", "C2")            # a valid change alongside, which must not be saved either
    response = admin.post(url(programme), data=rules_data(programme, **changes))
    assert response.status_code == 200
    assert message in errors(response)
    assert text(response).count(message) == 2        # in the summary, and at the field
    assert "<title>Error:" in text(response)
    assert versions().count() == 1 and rules_service.ruleset_for(programme).min_cefr == "B1"
    assert {site.id: catchment(site) for site in programme.sites()} == before
    assert not saved_events()


def test_a_tampered_version_field_is_refused(admin, programme):
    response = admin.post(url(programme), data=rules_data(programme, based_on="x", min_cefr="C2"))
    assert errors(response) == ["The form was incomplete. Open the page again and save once more."]
    assert versions().count() == 1


def test_an_unknown_municipality_is_refused_at_its_site(admin, programme):
    aarhus = site_id(programme, "Aarhus office")
    response = admin.post(url(programme), data=rules_data(programme, **{f"site_{aarhus}": ["751", "999"]}))
    assert errors(response) == ["Choose municipalities from the list"]
    soup = BeautifulSoup(text(response), "html.parser")
    assert soup.select_one(f"#site_{aarhus}-details").has_attr("open")       # the error is not folded away
    assert soup.select_one(f'.error-summary a[href="#site_{aarhus}"]')
    assert soup.select_one(f"#site_{aarhus}")                                 # the link lands on a checkbox
    assert catchment(aarhus) == sorted(demo_catchment("Aarhus office"))


def test_invalid_input_is_kept_in_the_form(admin, programme):
    response = admin.post(url(programme), data=rules_data(programme, min_age="abc", min_cefr="C1",
                                                            accepted_residence=["7-1"]))
    soup = BeautifulSoup(text(response), "html.parser")
    assert soup.select_one("#min_age")["value"] == "abc"
    assert soup.select_one("#min_age")["aria-invalid"] == "true"
    assert soup.select_one("#min_cefr option[selected]")["value"] == "C1"
    assert {box["value"] for box in soup.select('input[name="accepted_residence"][checked]')} == {"7-1"}


def test_without_a_csrf_token_nothing_is_saved_and_the_input_is_kept(make_app):
    from portal.services import demo, authentication
    from tests.conftest import PASSWORD, pass_second_factor
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.test_request_context("/"):
        demo.seed(lambda: "a-demo-password-123")
        user = authentication.create_user("csrf-admin@example.org", "Csrf Admin", "admin", PASSWORD, ())
    programme = Programme.get()
    client = app.test_client()
    token = BeautifulSoup(text(client.get("/login")), "html.parser").select_one("input[name=csrf_token]")["value"]
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    pass_second_factor(client, user)
    response = client.post(url(programme), data=rules_data(programme, min_age="25"))
    assert response.status_code == 200
    assert any("The form had expired, so nothing was saved" in message for message in errors(response))
    soup = BeautifulSoup(text(response), "html.parser")
    assert soup.select_one("#min_age")["value"] == "25"
    assert versions().count() == 1
    # the re-rendered form carries a fresh token, so sending it again works
    fresh = soup.select_one(f'form[action="/admin/programmes/{programme.id}/rules"] input[name=csrf_token]')["value"]
    assert client.post(url(programme), data=rules_data(programme, min_age="25", csrf_token=fresh)).status_code == 302
    assert rules_service.ruleset_for(programme).min_age == 25
