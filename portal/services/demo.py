"""Demo data: a programme with two company sites, one account per role, mentors, and the completed
2016 cohort (25 mentees, 18 in a job, education or internship within six months)."""
from datetime import date, datetime, timedelta

import pyotp

from ..db import database
from ..models import (Application, Association, Company, Meeting, MentorProfile, Milestone, Outcome, Pair,
                      Programme, ProgrammeSite, ProgrammeStart, RuleSetVersion, Site, SiteCatchment, User)
from . import authentication

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
    ("mentor", "mentor@demo.mentorbro.dk", "Morten Mentor", ()),
]
# (email, name, site index, years, leadership, fields, languages, capacity); the first one can sign in.
MENTORS = [
    ("mentor@demo.mentorbro.dk", "Morten Mentor", 0, 15, True, ["Software development", "IT", "Project management"],
     ["da", "en"], 2),
    ("hanne.mentor@demo.mentorbro.dk", "Hanne Holm", 0, 22, True, ["Finance", "Accounting", "Economics"],
     ["da", "en"], 1),
    ("omar.mentor@demo.mentorbro.dk", "Omar Saleh", 0, 9, False, ["Engineering", "Construction", "Energy"],
     ["da", "en", "arabic"], 1),
    ("lise.mentor@demo.mentorbro.dk", "Lise Dahl", 1, 12, True, ["Health", "Nursing", "Pharmacy"],
     ["da", "en"], 1),
    ("jens.mentor@demo.mentorbro.dk", "Jens Kirk", 1, 30, True, ["Sales", "Business administration", "Food"],
     ["da"], 1),
]
# The first cohort (2016): (name, municipality, education field, wished field, outcome).
COHORT_2016 = [
    ("Ahmad Haddad", "101", "Computer science", "IT", "job"), ("Rasha Nasser", "101", "Accounting", "Finance", "job"),
    ("Yonas Haile", "147", "Civil engineering", "Construction", "internship"),
    ("Zahra Ahmadi", "101", "Pharmacy", "Health", "education"), ("Khaled Darwish", "151", "Butchery", "Food",
                                                                   "self_employed"),
    ("Selam Tekle", "157", "Nursing", "Health", "education"), ("Omar Khalil", "101", "Economics", "Finance", "job"),
    ("Lina Sabbagh", "159", "Architecture", "Construction", "internship"),
    ("Hamid Karimi", "163", "Electrical engineering", "Energy", "job"),
    ("Dawit Woldu", "167", "Mechanical engineering", "Manufacturing", "none"),
    ("Nour Hamdan", "175", "Business administration", "Sales", "job"),
    ("Farid Noori", "185", "Agronomy", "Food", "none"), ("Hiba Othman", "101", "Teaching", "Education", "education"),
    ("Samer Qassem", "101", "Software development", "IT", "job"), ("Mina Azizi", "147", "Law", "Public sector", "none"),
    ("Bashar Nasser", "751", "Medicine", "Health", "internship"), ("Helen Kidane", "751", "Nursing", "Health", "job"),
    ("Tesfay Berhane", "706", "Accounting", "Finance", "none"), ("Reem Haddad", "710", "Pharmacy", "Health", "job"),
    ("Jawad Rahimi", "727", "Sales", "Sales", "self_employed"), ("Yara Khalil", "730", "Journalism", "Media", "none"),
    ("Fadi Hassan", "740", "Food technology", "Food", "job"), ("Saba Gebre", "746", "Economics", "Finance", "none"),
    ("Karim Sultani", "751", "Business administration", "Sales", "internship"),
    ("Dima Darwish", "751", "Civil engineering", "Construction", "none"),
]
# The association's contact details (an admin changes them at /admin/settings): made up, like the rest.
ASSOCIATION = {"name": "Foreningen Mangfoldigt Arbejdsliv (demo)", "address": "Nørregade 7, 1165 København K",
               "phone": "+45 33 12 34 56", "email": "kontakt@demo.mentorbro.dk",
               "privacy_contact": "Databeskyttelsesrådgiver Dorte Dam",
               "privacy_email": "persondata@demo.mentorbro.dk"}
MILESTONE_FOR = {"job": "job_offer", "education": "education_started", "internship": "internship_started",
                 "self_employed": "business_started"}


def seed(make_password) -> list[tuple[str, str, str]]:
    """Load the demo into an empty database; returns (role, email, password) per account created."""
    if User.select().exists():
        return []
    created = []
    with database.atomic():
        Association.insert(id=1, **ASSOCIATION).on_conflict_ignore().execute()
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
            user = authentication.create_user(email, name, role, password, municipalities)
            if role == "admin":
                # Pre-enrolled in the second factor: seed-demo prints the key for an authenticator app.
                User.update(totp_secret=pyotp.random_base32(), totp_last_step=0).where(User.id == user.id).execute()
            created.append((role, email, password))
        staff = User.get(User.email == "staff@demo.mentorbro.dk")
        sites = list(programme.sites().order_by(Site.id))
        mentors = _mentors(sites, make_password)
        _cohort_2016(company, sites, mentors, staff)
    return created


def _mentors(sites, make_password) -> list:
    """The demo mentors, trained, placed at the two sites, and with accounts (only the first one's password is
    printed): complete, so they can be matched."""
    result = []
    for email, name, site, years, leadership, fields, languages, capacity in MENTORS:
        user = (User.get_or_none(User.email == email)
                or authentication.create_user(email, name, "mentor", make_password(), ()))
        MentorProfile.create(user=user, site=sites[site], work_years=years, leadership=leadership, fields=fields,
                             languages=languages, capacity=capacity, trained_on=date(2016, 8, 20), matchable=True)
        result.append(user)
    return result


def _cohort_2016(company, sites, mentors, staff):
    """The first cohort, completed: 25 pairs, their meetings, milestones and outcomes (18 of 25)."""
    start = date(2016, 9, 1)
    programme = Programme.create(name="Erhvervsmentor 2016", company=company, start_date=start,
                                 open_for_applications=False)
    for site in sites:
        ProgrammeSite.create(programme=programme, site=site)
    RuleSetVersion.create(programme=programme, version=1, rules=DEFAULT_RULES)
    ProgrammeStart.create(programme=programme, started_on=start, started_by=staff)
    decided = datetime(2016, 8, 15, 10, 0)
    aarhus = {code for code in SITES[1][4]}
    for n, (name, municipality, field, wished, outcome) in enumerate(COHORT_2016, start=1):
        application = _application_2016(n, name, municipality, programme, staff, decided, "completed",
                                        "likely_eligible", field, wished)
        mentor = mentors[3 + n % 2] if municipality in aarhus else mentors[n % 3]
        pair = Pair.create(programme=programme, application=application, mentor=mentor,
                           site=sites[1 if municipality in aarhus else 0], accepted_by=staff,
                           accepted_at=decided + timedelta(days=7), started_on=start,
                           reasons=[["near_site", []]])
        for k in range(9 + n % 4):
            Meeting.create(pair=pair, held_on=start + timedelta(days=14 * k + n % 5), logged_by=mentor)
        if n % 3 == 0:
            Milestone.create(pair=pair, kind="cv_ready", reached_on=start + timedelta(days=30), recorded_by=mentor)
        if outcome in MILESTONE_FOR:
            reached = start + timedelta(days=100 + 3 * n)
            Milestone.create(pair=pair, kind=MILESTONE_FOR[outcome], reached_on=reached, recorded_by=mentor)
        Outcome.create(application=application, programme=programme, kind=outcome,
                       reached_on=start + timedelta(days=100 + 3 * n) if outcome != "none" else None,
                       recorded_by=staff, recorded_at=datetime(2017, 3, 2, 12, 0))
    # Those who applied but were not taken in: the top of the report's funnel.
    for n in range(1, 16):
        verdict = "likely_eligible" if n <= 6 else ("likely_not_eligible" if n <= 12 else "needs_review")
        _application_2016(100 + n, f"Applicant {n} (2016)", "101", programme, staff, decided, "rejected",
                          verdict, "", "")


def _application_2016(n, name, municipality, programme, staff, decided, status, verdict, field, wished):
    answers = {"education": {"entries": [{"level": "bachelor", "field": field}] if field else []},
               "work": {"entries": []}, "languages": {"danish_level": "A2", "english_level": "B2"},
               "goals": {"goals": ["job"], "wished_fields": wished}}
    return Application.create(
        reference=f"MB-2016-{n:04d}", status=status, language="en", answers=answers, full_name=name,
        birth_year=1985, email=None, municipality=municipality, programme=programme, verdict=verdict,
        ruleset_version=1, submitted_at=decided - timedelta(days=30), decided_by=staff, decided_at=decided,
        decision_code=None if status == "completed" else "capacity",
        decision_reason="approved" if status == "completed" else "capacity",
        created_at=decided - timedelta(days=31), updated_at=decided)
