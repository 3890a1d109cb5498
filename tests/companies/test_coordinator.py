"""A company coordinator keeps their own company's sites and mentors, follows its pairs, and reaches nothing of
another company (IDOR: the ids of another company's sites answer 404, its names appear nowhere)."""
from datetime import date

import pytest

from portal import mail
from portal.models import AuditEvent, Company, MentorProfile, Pair, Site, User
from portal.services import pairing
from tests.companies.helpers import approved_coordinator, set_password_path
from tests.conftest import PASSWORD, login
from tests.programmes.helpers import approved, mentor
from tests.review.helpers import seeded

pytestmark = pytest.mark.usefixtures("inbox")

SITE = {"name": "Vejle office", "address": "Havnegade 2", "postcode": "7100", "town": "Vejle", "municipality": "630"}


@pytest.fixture
def two_coordinators(app, client, inbox, login_as):
    staff = login_as("staff")
    first = approved_coordinator(app, client, inbox, staff)
    second = approved_coordinator(app, client, inbox, staff, company="Other Works ApS", cvr="30000013",
                                  email="ole@otherworks.dk")
    return first, second


def test_a_coordinator_adds_edits_and_retires_a_site_which_keeps_its_history(app, two_coordinators):
    (coordinator, user), _ = two_coordinators
    assert coordinator.post("/company/sites/new?lang=en", data=SITE).status_code == 302
    with app.app_context():
        site = Site.get(Site.name == "Vejle office")
        assert site.company_id == user.company_id and site.municipality_id == "630"
    moved = {**SITE, "address": "Havnegade 4"}
    assert coordinator.post(f"/company/sites/{site.id}?lang=en", data=moved).status_code == 302
    assert coordinator.post(f"/company/sites/{site.id}/retire", data={}).status_code == 302
    page = coordinator.get("/company/?lang=en").get_data(as_text=True)
    assert "Vejle office" in page and "Retired" in page
    with app.app_context():
        kept = Site.get_by_id(site.id)                        # retired, not deleted
        assert kept.retired_at is not None and kept.address == "Havnegade 4"
        [change] = AuditEvent.select().where(AuditEvent.action == "site.updated")
        assert change.details["changes"]["address"] == {"from": "Havnegade 2", "to": "Havnegade 4"}
    # A retired site takes no new mentor.
    page = coordinator.get("/company/mentors/invite?lang=en").get_data(as_text=True)
    assert "Vejle office" not in page


def test_a_coordinator_reaches_nothing_of_another_company(app, two_coordinators):
    (coordinator, _), (_, other) = two_coordinators
    with app.app_context():
        foreign = Site.get((Site.company == other.company_id))
    for method, path, data in (("GET", f"/company/sites/{foreign.id}", None),
                               ("POST", f"/company/sites/{foreign.id}", {**SITE, "name": "Taken over"}),
                               ("POST", f"/company/sites/{foreign.id}/retire", {})):
        assert coordinator.open(path, method=method, data=data).status_code == 404
    invited = coordinator.post("/company/mentors/invite?lang=en", data={
        "name": "Sneaky", "email": "sneaky@nordicbuild.dk", "site": str(foreign.id), "language": "en"})
    assert invited.status_code == 200 and "Choose a site from the list" in invited.get_data(as_text=True)
    page = coordinator.get("/company/?lang=en").get_data(as_text=True)
    assert "Other Works ApS" not in page
    with app.app_context():
        assert Site.get_by_id(foreign.id).name == "Odense office" and Site.get_by_id(foreign.id).retired_at is None
        assert not User.select().where(User.email == "sneaky@nordicbuild.dk").exists()
    for path in ("/review/companies/", "/programmes/", "/admin/companies/", "/programmes/mentors"):
        assert coordinator.get(path).status_code == 403


def test_an_invited_mentor_fills_in_the_profile_and_is_matchable_once_trained(app, inbox, two_coordinators,
                                                                            login_as):
    (coordinator, user), _ = two_coordinators
    with app.app_context():
        site = Site.get(Site.company == user.company_id)
    assert coordinator.post("/company/mentors/invite?lang=en", data={
        "name": "Mette Mentor", "email": "mette@nordicbuild.dk", "site": str(site.id), "language": "en"}
    ).status_code == 302
    with app.app_context():
        mail.send_pending()
    assert "Kim Koordinator" in inbox.to("mette@nordicbuild.dk")[-1].get_content()
    new_mentor = app.test_client()
    path = set_password_path(inbox, "mette@nordicbuild.dk")
    assert new_mentor.post(path, data={"password": PASSWORD, "repeat": PASSWORD}).status_code == 302
    assert login(new_mentor, "mette@nordicbuild.dk").status_code == 302
    assert new_mentor.post("/mentor/profile", data={"work_years": "12", "leadership": "yes", "fields": "Construction",
                                                    "languages": ["da", "en"], "capacity": "1"}).status_code == 302
    page = coordinator.get("/company/?lang=en").get_data(as_text=True)
    assert "Mette Mentor" in page and "Not completed yet" in page
    with app.app_context():
        mentor_user = User.get(User.email == "mette@nordicbuild.dk")
        assert MentorProfile.of(mentor_user).matchable is False
    staff = login_as("staff")
    assert staff.post(f"/programmes/mentors/{mentor_user.id}/training",
                      data={f"t{mentor_user.id}-trained_on": "2026-01-10"}).status_code == 302
    with app.app_context():
        assert MentorProfile.of(mentor_user).matchable is True
    assert "Completed" in coordinator.get("/company/?lang=en").get_data(as_text=True)


def test_a_coordinator_follows_the_pairs_without_the_mentees_personal_data(app, two_coordinators):
    (coordinator, user), _ = two_coordinators
    with app.test_request_context("/"):
        programme = seeded()
        site = Site.get(Site.company == user.company_id)
        paired = mentor(name="Pia Pairmentor", site=site)
        from portal.models import ProgrammeSite, SiteCatchment
        ProgrammeSite.create(programme=programme, site=site)
        mentee = approved(programme, name="Secret Mentee", municipality="461", email="secret@example.org")
        pairing.accept(programme, mentee, paired, mentee.decided_by, date.today())
    page = coordinator.get("/company/?lang=en").get_data(as_text=True)
    assert "Pia Pairmentor" in page and "Erhvervsmentor 2027" in page and "expected" in page
    for private in ("Secret Mentee", "secret@example.org", "MB-P", "Syria", "7-1"):
        assert private not in page
