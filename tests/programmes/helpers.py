"""Programmes, trained mentors and approved applicants, straight into the tables."""
import itertools
from datetime import date, datetime

from portal.models import Application, MentorProfile, Site, User
from portal.services import authentication
from tests.conftest import PASSWORD
from tests.review.helpers import seeded

_numbers = itertools.count(1)


def copenhagen():
    return Site.get(Site.name == "Copenhagen office")


def aarhus():
    return Site.get(Site.name == "Aarhus office")


def mentor(name="Morten Mentor", site=None, fields=("Software development", "IT"), languages=("da", "en"),
           leadership=False, capacity=1, trained=date(2026, 1, 10), email=None, language="en") -> User:
    n = next(_numbers)
    user = authentication.create_user(email or f"mentor{n}@example.org", name, "mentor", PASSWORD, ())
    User.update(language=language).where(User.id == user.id).execute()
    MentorProfile.create(user=user, site=site or copenhagen(), work_years=10, leadership=leadership,
                         fields=list(fields), languages=list(languages), capacity=capacity, trained_on=trained,
                         matchable=trained is not None)
    return User.get_by_id(user.id)


def approved(programme, name="Amal Hassan", municipality="101", field="Computer science", wished="IT",
             goals=("job",), danish="A2", english="B2", email=None, language="en", basis="7-1") -> Application:
    n = next(_numbers)
    staff = User.get_or_none(User.email == "decider@example.org") or authentication.create_user(
        "decider@example.org", "Dina Decider", "staff", PASSWORD, ())
    answers = {"residence": {"residence_basis": basis, "country_of_origin": "SY"},
               "education": {"entries": [{"level": "bachelor", "field": field}]},
               "work": {"entries": [{"role": "Developer", "sector": "IT", "years": 3}]},
               "languages": {"danish_level": danish, "english_level": english, "other_languages": "Arabic"},
               "goals": {"goals": list(goals), "wished_fields": wished}}
    return Application.create(reference=f"MB-P{n:03d}-AAAA", status="approved", language=language, answers=answers,
                              full_name=name, birth_year=1990, email=email or f"mentee{n}@example.org",
                              municipality=municipality, programme=programme, verdict="likely_eligible",
                              submitted_at=datetime(2026, 1, 1, 12, 0), decided_by=staff,
                              decided_at=datetime(2026, 1, 5, 12, 0), decision_reason="approved")


def setup(app):
    """The demo programme, with its sites and catchment."""
    with app.app_context():
        return seeded()
