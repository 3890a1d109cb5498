"""Cohorts across companies: a programme holds several companies' sites, matching names the company and site of
each suggestion and explains its fit in points, a rejection can be undone, staff choose the cohort when they
approve, and the report counts by company."""
import re
from datetime import date

import pytest
from bs4 import BeautifulSoup

from portal import matching
from portal.models import Company, MatchRejection, Programme, Site, SiteCatchment
from portal.services import pairing
from tests.programmes.helpers import approved, copenhagen, mentor
from tests.review.helpers import seeded


@pytest.fixture
def two_company_programme(app):
    """The demo programme (Demo IT A/S) with a site of a second company added by an admin's edit."""
    with app.test_request_context("/"):
        programme = seeded()
        other = Company.create(name="Nordic Build A/S", cvr="30000005")
        odense = Site.create(company=other, name="Odense office", address="Vestergade 1", postcode="5000",
                             town="Odense C", municipality="461")
        SiteCatchment.create(site=odense, municipality="461")
        return programme.id, odense.id


def test_an_admin_makes_a_cohort_of_several_companies_sites(app, login_as, two_company_programme):
    programme_id, odense_id = two_company_programme
    with app.app_context():
        programme = Programme.get_by_id(programme_id)
        sites = [str(s.id) for s in programme.sites()] + [str(odense_id)]
    admin = login_as("admin")
    from tests.conftest import pass_second_factor
    from portal.models import User
    with app.app_context():
        pass_second_factor(admin, User.get(User.role == "admin"))
    response = admin.post(f"/admin/programmes/{programme_id}/edit?lang=en", data={
        "name": "Erhvervsmentor 2027", "company": "0", "sites": sites, "start_date": "2027-03-01",
        "length_months": "6", "capacity": "25", "open_for_applications": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        programme = Programme.get_by_id(programme_id)
        assert programme.company_id is None
        assert {s.company.name for s in programme.sites()} == {"Demo IT A/S", "Nordic Build A/S"}


def test_matching_considers_every_site_and_names_company_and_site_with_the_fit_in_points(
        app, login_as, two_company_programme):
    programme_id, odense_id = two_company_programme
    with app.test_request_context("/"):
        from portal.models import ProgrammeSite
        programme = Programme.get_by_id(programme_id)
        ProgrammeSite.create(programme=programme, site=odense_id)
        mentor(name="Cph Mentor", site=copenhagen())
        mentor(name="Odense Mentor", site=Site.get_by_id(odense_id), fields=("Construction",), leadership=True)
        approved(programme, name="Fynbo Mentee", municipality="461", field="Construction engineering",
                 wished="Project leader")
    page = login_as("staff").get(f"/programmes/{programme_id}/matching?lang=en").get_data(as_text=True)
    text = " ".join(BeautifulSoup(page, "html.parser").get_text().split())
    assert "Suggested mentor: Odense Mentor, Nordic Build A/S, Odense office." in text
    fit = matching.NEAR + matching.FIELD + matching.LANGUAGE + matching.LEADERSHIP
    assert f"Fit {fit}, the sum of:" in text
    for words, points in (("Lives near the mentor’s site", matching.NEAR), ("Shared fields: Construction", matching.FIELD),
                          ("Shared language", matching.LANGUAGE), ("leadership experience", matching.LEADERSHIP)):
        assert re.search(re.escape(words) + r"[^+]*: \+" + str(points), text), words


def test_a_rejected_suggestion_can_be_undone(app, login_as):
    with app.test_request_context("/"):
        programme = seeded()
        cph = mentor(name="Cph Mentor", site=copenhagen())
        mentee = approved(programme, name="Amal Hassan")
        public_id, mentor_id = mentee.public_id, cph.id
    staff = login_as("staff")
    staff.post(f"/programmes/{programme.id}/matching/{public_id}",
               data={f"a{mentee.id}-mentor": str(mentor_id), "action": "reject"})
    page = staff.get(f"/programmes/{programme.id}/matching?lang=en").get_data(as_text=True)
    assert "Undo the rejection of Cph Mentor" in page and "Suggested mentor: Cph Mentor" not in page
    response = staff.post(f"/programmes/{programme.id}/matching/{public_id}/undo/{mentor_id}", data={})
    assert response.status_code == 302
    page = staff.get(f"/programmes/{programme.id}/matching?lang=en").get_data(as_text=True)
    assert "Suggested mentor: Cph Mentor" in page
    with app.app_context():
        assert not MatchRejection.select().exists()


def test_staff_choose_the_cohort_when_approving_none_is_chosen_for_them(app, login_as):
    from tests.review.helpers import submitted
    with app.test_request_context("/"):
        seeded()
    application = submitted(app)
    staff = login_as("staff")
    staff.post(f"/review/{application.reference}/take", data={"version": application.version})
    page = staff.get(f"/review/{application.reference}/approve?lang=en").get_data(as_text=True)
    chosen = BeautifulSoup(page, "html.parser").select("#programme option[selected]")
    assert [option.get_text() for option in chosen] in ([], ["Choose a programme"])
    form = BeautifulSoup(page, "html.parser").select_one("input[name=version]")["value"]
    refused = staff.post(f"/review/{application.reference}/approve?lang=en", data={"version": form, "programme": ""})
    assert "Choose the programme" in refused.get_data(as_text=True)


def test_the_report_counts_by_company(app, login_as, two_company_programme):
    programme_id, odense_id = two_company_programme
    with app.test_request_context("/"):
        from portal.models import ProgrammeSite
        programme = Programme.get_by_id(programme_id)
        ProgrammeSite.create(programme=programme, site=odense_id)
        for name, site, home in (("Cph Mentor", copenhagen(), "101"), ("Odense Mentor", Site.get_by_id(odense_id), "461")):
            person = mentor(name=name, site=site)
            mentee = approved(programme, name=f"Mentee of {name}", municipality=home)
            pairing.accept(programme, mentee, person, mentee.decided_by, date.today())
    page = login_as("staff").get(f"/programmes/{programme_id}/report?lang=en").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    heading = soup.find("h2", string="By company")
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in heading.find_next("table").select("tbody tr")]
    assert [row[:2] for row in rows] == [["Demo IT A/S", "1"], ["Nordic Build A/S", "1"]]
