"""Who may use every new URL: /programmes/ (staff, admin), /mentor/ (mentors), /admin/companies/ (admins)."""
from datetime import date

import pytest

from portal.models import Company, Meeting, Programme
from portal.services import pairing
from tests.programmes.helpers import approved, mentor, setup

P = "/programmes/{p}"
PROGRAMMES = [("GET", "/programmes/"), ("GET", "/programmes/mentors"), ("POST", "/programmes/mentors/{m}/training"),
              ("GET", P), ("POST", P + "/start"), ("GET", P + "/matching"), ("POST", P + "/matching/{a}"),
              ("GET", P + "/pairs/{pair}"), ("POST", P + "/pairs/{pair}/meetings"),
              ("POST", P + "/pairs/{pair}/meetings/{meeting}/delete"),
              ("POST", P + "/pairs/{pair}/milestones"), ("POST", P + "/pairs/{pair}/outcome"),
              ("GET", P + "/report"), ("GET", P + "/report.csv")]
MENTOR = [("GET", "/mentor/"), ("GET", "/mentor/profile"), ("POST", "/mentor/profile"),
          ("POST", "/mentor/pairs/{pair}/meetings"), ("POST", "/mentor/pairs/{pair}/meetings/undo"),
          ("POST", "/mentor/pairs/{pair}/milestones")]
COMPANIES = [("GET", "/admin/companies/"), ("POST", "/admin/companies/"), ("GET", "/admin/companies/{c}"),
             ("POST", "/admin/companies/{c}"), ("GET", "/admin/companies/mentors"),
             ("GET", "/admin/companies/mentors/{m}"), ("POST", "/admin/companies/mentors/{m}")]
ALLOWED = {"programmes": {"staff", "admin"}, "mentor": {"mentor"}, "companies": {"admin"}}


def _world(app):
    programme = setup(app)
    with app.test_request_context("/"):
        # The programme starts today: its pairs may log today's meeting.
        Programme.update(start_date=date.today()).where(Programme.id == programme.id).execute()
        programme = Programme.get_by_id(programme.id)
        waiting = approved(programme, name="Waiting One")
        paired = approved(programme, name="Paired Two")
        m = mentor(capacity=2)
        pair = pairing.accept(programme, paired, m, paired.decided_by, date.today())
        meeting = Meeting.create(pair=pair, held_on=date.today(), logged_by=paired.decided_by, note="by staff")
        return {"p": programme.id, "a": waiting.public_id, "m": m.id, "pair": pair.id, "meeting": meeting.id,
                "c": Company.get().id}


@pytest.mark.parametrize("area, method, url", [("programmes", *u) for u in PROGRAMMES] +
                         [("mentor", *u) for u in MENTOR] + [("companies", *u) for u in COMPANIES])
@pytest.mark.parametrize("role", [None, "caseworker", "mentor", "staff", "admin"])
def test_role_matrix(app, login_as, role, area, method, url):
    ids = _world(app)
    client = login_as(role) if role else app.test_client()
    response = client.open(url.format(**ids), method=method, data={})
    if role is None:
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    elif role in ALLOWED[area]:
        # a mentor who is not this pair's mentor gets 404 for it: the pair is not theirs
        assert response.status_code in (200, 302, 404 if "{pair}" in url else 0), (role, method, url)
    else:
        assert response.status_code == 403, (role, method, url, response.status_code)


def test_the_pairs_mentor_gets_their_pages(app):
    ids = _world(app)
    client = app.test_client()
    from portal.models import User
    with app.app_context():
        email = User.get_by_id(ids["m"]).email
    client.post("/login", data={"email": email, "password": "correct horse battery staple"})
    assert client.get("/mentor/").status_code == 200
    page = client.post(f"/mentor/pairs/{ids['pair']}/meetings?lang=en", data={})     # date: today, which has one already
    assert page.status_code == 200 and "There is already a meeting on" in page.get_data(as_text=True)
