"""Applications for review tests: through the real form (slow, complete) or straight into the table (fast)."""
import itertools
from datetime import date, datetime

from portal import mail
from portal.models import (Application, Company, Programme, ProgrammeSite, RuleSetVersion, Site,
                           SiteCatchment)
from portal.services import demo
from tests.apply.helpers import fill

_numbers = itertools.count(1)


def seeded(app=None):
    """The demo's programme, sites, catchment and rules (without its accounts)."""
    found = Programme.get_or_none(Programme.name == "Erhvervsmentor 2027")
    if found:
        return found
    company = Company.create(name="Demo IT A/S")
    programme = Programme.create(name="Erhvervsmentor 2027", company=company, start_date=date(2027, 3, 1))
    for name, address, postcode, town, catchment in demo.SITES:
        site = Site.create(company=company, name=name, address=address, postcode=postcode, town=town)
        ProgrammeSite.create(programme=programme, site=site)
        for code in catchment:
            SiteCatchment.create(site=site, municipality=code)
    RuleSetVersion.create(programme=programme, version=1, rules=demo.DEFAULT_RULES)
    return programme


def submitted(app, email="amal@example.org", language="en", name="Amal Hassan", **changes):
    """An application sent through the applicant's form; its receipt email is already sent."""
    client = app.test_client()
    csrf = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = False            # a live server keeps CSRF on; the form is not under test here
    try:
        fill(client, **{"about-you": {"language": language, "full_name": name},
                        "contact": {"email": email}, **changes})
        assert client.post("/apply/submit").status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = csrf
    with app.app_context():
        mail.send_pending()
    return Application.select().where(Application.email == email).order_by(Application.id.desc()).get()


def make_application(**columns) -> Application:
    """A submitted application row with the columns the queue shows (answers left empty)."""
    n = next(_numbers)
    values = {"status": "submitted", "reference": f"MB-T{n:03d}-AAAA", "full_name": f"Person {n}",
              "email": f"person{n}@example.org", "birth_year": 1990, "municipality": "101",
              "language": "en", "source": "self", "verdict": "likely_eligible",
              "submitted_at": datetime(2026, 1, 1, 12, 0, n % 60), **columns}
    return Application.create(**values)


def reload(application) -> Application:
    return Application.get_by_id(application.id)
