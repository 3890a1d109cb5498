"""Demo data: a programme with two company sites, and one account per role."""
from datetime import date

from ..db import database
from ..models import Company, Programme, ProgrammeSite, RuleSetVersion, Site, SiteCatchment, User
from . import users

DEFAULT_RULES = {"min_cefr": "B1", "min_isced": 5, "min_work_years": 2.0,
                 "accepted_residence": ["7-1", "7-2", "7-3", "8", "ukraine"],
                 "reunification_counts": True, "min_age": 18}

SITES = [
    ("Copenhagen office", "Lautrupvang 2", "2750", "Ballerup",
     ["101", "147", "151", "157", "159", "163", "167", "175", "185"]),
    ("Aarhus office", "Hack Kampmanns Plads 1", "8000", "Aarhus C",
     ["751", "706", "710", "727", "730", "740", "746"]),
]
ACCOUNTS = [
    ("staff", "staff@demo.mentorbro.dk", "Sara Staff", ()),
    ("admin", "admin@demo.mentorbro.dk", "Anders Admin", ()),
    ("caseworker", "caseworker@demo.mentorbro.dk", "Camilla Caseworker", ("101",)),
]


def seed(make_password) -> list[tuple[str, str, str]]:
    """Load the demo into an empty database; returns (role, email, password) per account created."""
    if User.select().exists():
        return []
    created = []
    with database.atomic():
        company = Company.create(name="Demo IT A/S")
        programme = Programme.create(name="Erhvervsmentor 2027", company=company, start_date=date(2027, 3, 1))
        for name, address, postcode, town, catchment in SITES:
            site = Site.create(company=company, name=name, address=address, postcode=postcode, town=town)
            ProgrammeSite.create(programme=programme, site=site)
            for code in catchment:
                SiteCatchment.create(site=site, municipality=code)
        RuleSetVersion.create(programme=programme, version=1, rules=DEFAULT_RULES)
        for role, email, name, municipalities in ACCOUNTS:
            password = make_password()
            users.create_user(email, name, role, password, municipalities)
            created.append((role, email, password))
    return created
