"""Realistic synthetic applications for demos and load tests (`seed-demo --applications N`).

Every value is made up: names from several origins, addresses at example.org/.net/.com, Danish
phone numbers in a range never issued to people. Answers have the shape the applicant's form
saves, so every page (answers, eligibility, history) works on them as on real ones."""
import csv
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from .. import eligibility, names
from ..answers import CONSENT_VERSION
from ..clock import now_utc
from ..db import database
from ..models import (Application, AuditEvent, JSONField, Meeting, MentorProfile, Milestone, Municipality, Outcome,
                      Pair, Programme, ProgrammeSite, ProgrammeStart, Referral, SiteCatchment, User)
from . import registration, rules_in_force
from .cohorts import add_months, end_date

BATCH = 5000
DATA = Path(__file__).resolve().parent.parent / "data"

# (country code, first names (women), first names (men), family names)
ORIGINS = [
    ("SY", ["Amal", "Rasha", "Lina", "Nour", "Hiba", "Yara", "Dima", "Rana", "Reem", "Salma"],
     ["Ahmad", "Mohammad", "Omar", "Khaled", "Yousef", "Fadi", "Bashar", "Samer", "Tarek", "Hassan"],
     ["Hassan", "Al-Khatib", "Haddad", "Darwish", "Nasser", "Khalil", "Sabbagh", "Hamdan", "Qassem", "Othman"]),
    ("AF", ["Zahra", "Fatima", "Maryam", "Shabnam", "Farzana", "Nazanin", "Parwana", "Mina", "Laila", "Sima"],
     ["Ahmad", "Ali", "Mustafa", "Hamid", "Jawad", "Farid", "Najib", "Karim", "Rahim", "Sayed"],
     ["Ahmadi", "Rahimi", "Hosseini", "Karimi", "Sultani", "Noori", "Haidari", "Azizi", "Sharifi", "Popal"]),
    ("ER", ["Selam", "Helen", "Saba", "Yordanos", "Senait", "Mebrat", "Luwam", "Winta", "Eden", "Ruth"],
     ["Yonas", "Dawit", "Samuel", "Filmon", "Tesfay", "Mehari", "Biniam", "Robel", "Aron", "Henok"],
     ["Tesfamariam", "Ghebremedhin", "Haile", "Kidane", "Woldu", "Berhane", "Tekle", "Gebre", "Asmerom", "Yohannes"]),
    ("UA", ["Olena", "Iryna", "Natalia", "Oksana", "Tetiana", "Yulia", "Kateryna", "Svitlana", "Anastasiia", "Mariia"],
     ["Oleksandr", "Andrii", "Serhii", "Dmytro", "Mykola", "Volodymyr", "Ivan", "Yurii", "Taras", "Bohdan"],
     ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Oliinyk", "Boiko", "Koval", "Savchenko"]),
    ("SO", ["Hodan", "Ayaan", "Faduma", "Khadra", "Sahra", "Ifrah", "Hibaaq", "Nimco", "Sucaad", "Ubah"],
     ["Abdi", "Mohamed", "Abdirahman", "Hassan", "Ahmed", "Yusuf", "Mahad", "Liban", "Bashir", "Guled"],
     ["Warsame", "Farah", "Jama", "Ali", "Osman", "Hirsi", "Abdullahi", "Egal", "Nur", "Dualeh"]),
    ("IR", ["Maryam", "Sara", "Leila", "Shirin", "Negar", "Parisa", "Roya", "Azadeh", "Mahsa", "Niloufar"],
     ["Reza", "Amir", "Hossein", "Mehdi", "Babak", "Kaveh", "Arash", "Navid", "Behnam", "Saeed"],
     ["Rahimi", "Moradi", "Tehrani", "Jafari", "Karimi", "Ahmadi", "Rezaei", "Hashemi", "Sadeghi", "Ghorbani"]),
    ("IQ", ["Zainab", "Noor", "Shahad", "Huda", "Rusul", "Sura", "Marwa", "Dunya", "Ban", "Hadeel"],
     ["Ali", "Hussein", "Mustafa", "Haider", "Karwan", "Rebwar", "Azad", "Ammar", "Saif", "Zaid"],
     ["Al-Jaburi", "Barzani", "Talabani", "Al-Saadi", "Kareem", "Mahmoud", "Rashid", "Aziz", "Ibrahim", "Salih"]),
    ("CD", ["Grace", "Esther", "Rachel", "Merveille", "Divine", "Chantal", "Aline", "Nadine", "Josiane", "Furaha"],
     ["Jean", "Patrick", "Emmanuel", "Christian", "Didier", "Olivier", "Joseph", "Fiston", "Blaise", "Heritier"],
     ["Mukendi", "Kabila", "Ilunga", "Tshibanda", "Mbuyi", "Kalonji", "Lukusa", "Ngoy", "Kasongo", "Mwamba"]),
    ("SD", ["Amna", "Sara", "Hind", "Samah", "Tasneem", "Rania", "Manal", "Eman", "Nafisa", "Awadia"],
     ["Mohamed", "Osman", "Abdelrahman", "Elfatih", "Hamza", "Mujtaba", "Ibrahim", "Adil", "Tariq", "Khalid"],
     ["Elamin", "Abdalla", "Mustafa", "Babiker", "Elhassan", "Ahmed", "Idris", "Suliman", "Yousif", "Hamid"]),
    ("ET", ["Hana", "Meron", "Bethlehem", "Tigist", "Liya", "Selamawit", "Kidist", "Mahlet", "Hiwot", "Rahel"],
     ["Abebe", "Dawit", "Yared", "Tewodros", "Mulugeta", "Bereket", "Kaleb", "Henok", "Solomon", "Girma"],
     ["Tadesse", "Bekele", "Alemu", "Getachew", "Mekonnen", "Wondimu", "Assefa", "Gebeyehu", "Tesfaye", "Lemma"]),
]
ORIGIN_WEIGHTS = [24, 14, 12, 18, 6, 6, 8, 4, 4, 4]

FIELDS = [("Civil engineering", "Site engineer", "Construction"), ("Accounting", "Accountant", "Finance"),
          ("Computer science", "Software developer", "IT"), ("Medicine", "Doctor", "Health"),
          ("Nursing", "Nurse", "Health"), ("Pharmacy", "Pharmacist", "Health"),
          ("Business administration", "Sales manager", "Retail"), ("Law", "Legal adviser", "Public sector"),
          ("Teaching", "Teacher", "Education"), ("Architecture", "Architect", "Construction"),
          ("Electrical engineering", "Electrician", "Energy"), ("Agronomy", "Farm manager", "Agriculture"),
          ("Journalism", "Journalist", "Media"), ("Economics", "Bank officer", "Finance"),
          ("Mechanical engineering", "Mechanic", "Manufacturing"), ("Butchery", "Butcher", "Food")]
LEVELS = ["upper_secondary", "short_cycle_tertiary", "bachelor", "master", "doctoral"]
LEVEL_WEIGHTS = [20, 12, 38, 24, 6]
CEFR = ["none", "A1", "A2", "B1", "B2", "C1", "C2"]
DANISH_WEIGHTS = [8, 20, 25, 22, 15, 8, 2]
ENGLISH_WEIGHTS = [6, 8, 12, 22, 28, 18, 6]
BASES = ["7-1", "7-2", "7-3", "8", "9", "9b", "other"]
BASE_WEIGHTS = [30, 18, 10, 8, 22, 4, 8]
REVIEW_NOTES = ["Strong profile; mentor in the same trade is available.",
                "Talked with the applicant by phone: motivated, can start in the spring."]


@dataclass
class _Context:
    programmes: list          # [(programme, ruleset, assessment date)], oldest first
    reviewers: list           # user ids
    caseworkers: dict         # municipality code -> user id
    municipalities: list      # codes, weighted toward the programme sites
    postcodes: dict           # municipality code -> [postcode]
    now: datetime
    backgrounds: dict         # country -> [(birth year, answers)]
    assessed: dict            # ((country, index), programme id) -> Assessment
    catchment: dict           # (municipality, programme id) -> RuleResult


def _postcodes() -> dict:
    table = {}
    with (DATA / "postcodes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["postcode"] >= "1000":
                table.setdefault(row["municipality_code"], []).append(row["postcode"])
    return table


def _ensure_cohorts(current: Programme | None) -> list:
    """Three earlier cohorts before the current one, back to back (each starts as the one before it ends),
    so the programme filter has something to choose and, with the demo's dates, one course is running
    today, one ended and the current one is planned."""
    programmes = list(Programme.select().order_by(Programme.start_date))
    if current is None or len(programmes) >= 3:
        return programmes
    sites = [ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme == current)]
    for months_back in (18, 12, 6):
        start = add_months(current.start_date.replace(day=1), -months_back)
        name = f"Erhvervsmentor {'forår' if start.month < 7 else 'efterår'} {start.year}"
        if Programme.get_or_none(Programme.name == name) is None:
            cohort = Programme.create(name=name, company=current.company, start_date=start,
                                      open_for_applications=False)
            for site in sites:
                ProgrammeSite.create(programme=cohort, site=site)
    return list(Programme.select().order_by(Programme.start_date))


def _reviewers(rng) -> list:
    ids = [u.id for u in User.select(User.id).where(User.role.in_(("staff", "admin")))]
    if len(ids) < 4:
        # Reviewers without a password: they appear in histories but cannot sign in.
        for first, last in (("Mette", "Nielsen"), ("Jonas", "Larsen"), ("Aisha", "Khan"), ("Lars", "Holm")):
            email = f"{first.lower()}.{last.lower()}@synthetic.example.org"
            user = User.get_or_none(User.email == email) or User.create(
                email=email, name=f"{first} {last}", role="staff", password_hash=None)
            ids.append(user.id)
    return ids


def _context(rng) -> _Context:
    current = Programme.current()
    programmes = [(p, rules_in_force.ruleset_for(p), rules_in_force.assessment_date(p)) for p in _ensure_cohorts(current)]
    catchment = {row.municipality_id for row in SiteCatchment.select(SiteCatchment.municipality)}
    codes = [m.code for m in Municipality.select(Municipality.code)]
    weighted = codes + [c for c in codes if c in catchment] * 12 + ["101"] * 30 + ["751"] * 12
    caseworkers = {}
    for user in User.select().where(User.role == "caseworker"):
        for code in user.municipality_codes():
            caseworkers.setdefault(code, user.id)
    return _Context(programmes=programmes, reviewers=_reviewers(rng), caseworkers=caseworkers,
                    municipalities=weighted, postcodes=_postcodes(), now=now_utc(),
                    backgrounds={origin[0]: [_background(rng, origin[0]) for _ in range(BACKGROUNDS_PER_ORIGIN)]
                                 for origin in ORIGINS},
                    assessed={}, catchment={})


def _ascii(text: str) -> str:
    return "".join(ch for ch in text.lower().replace(" ", ".") if ch.isalnum() or ch in ".-")


def _person(rng):
    country, women, men, families = rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
    first = rng.choice(women if rng.random() < 0.45 else men)
    name = f"{first} {rng.choice(families)}"
    if rng.random() < 0.15:
        name = f"{first} {rng.choice(families)} {rng.choice(families)}"
    return country, name


OTHER_LANGUAGES = {"SY": "Arabic", "AF": "Dari", "ER": "Tigrinya", "UA": "Ukrainian, Russian", "SO": "Somali",
                   "IR": "Persian", "IQ": "Arabic, Kurdish", "CD": "French, Lingala", "SD": "Arabic", "ET": "Amharic"}
BACKGROUNDS_PER_ORIGIN = 400


def _background(rng, country):
    """A birth year and the answers about residence, education, work, languages and goals."""
    birth_year = rng.randint(1962, 2006)
    basis = "ukraine" if country == "UA" else rng.choices(BASES, weights=BASE_WEIGHTS)[0]
    reunified = rng.choice(["7-1", "7-2", "8", "other"]) if basis == "9" else None
    field_, role, sector = rng.choice(FIELDS)
    education = []
    if rng.random() < 0.9:
        level = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        education.append({"level": level, "field": field_, "country": country,
                          "year_finished": rng.randint(min(birth_year + 19, 2024), min(birth_year + 35, 2024)),
                          "danish_assessment": rng.choice(["yes", "no", "unknown"])})
    work = [{"role": role, "sector": sector, "years": rng.choice([0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 6.0, 10.0]),
             "country": rng.choice([country, country, "DK", "TR"])}
            for _ in range(rng.choices([0, 1, 2], weights=[12, 60, 28])[0])]
    danish = rng.choices(CEFR, weights=DANISH_WEIGHTS)[0]
    english = rng.choices(CEFR, weights=ENGLISH_WEIGHTS)[0]
    danish_test = rng.choice(["pd1", "pd2", "pd3"]) if danish in ("A2", "B1", "B2") and rng.random() < 0.4 else None
    english_test = "ielts" if english in ("B2", "C1") and rng.random() < 0.2 else None
    return birth_year, {
        "residence": {"country_of_origin": country,
                      "arrival_year": rng.randint(2022, 2025) if basis == "ukraine" else rng.randint(2014, 2025),
                      "residence_basis": basis, "reunified_with_basis": reunified},
        "education": {"entries": education},
        "work": {"entries": work},
        "languages": {"danish_level": danish, "danish_test_passed": "yes" if danish_test else "no",
                      "danish_test": danish_test, "danish_course": rng.choice(["", "du2", "du3"]),
                      "danish_module": str(rng.randint(1, 6)), "english_level": english,
                      "english_test_passed": "yes" if english_test else "no", "english_test": english_test,
                      "english_test_score": rng.choice([6.0, 6.5, 7.0]) if english_test else None,
                      "other_languages": OTHER_LANGUAGES[country]},
        "goals": {"goals": rng.sample(["job", "education", "internship", "self_employment"], rng.randint(1, 2)),
                  "wished_fields": sector, "more": ""},
    }


def _contact(rng, ctx, name, municipality):
    email = None if rng.random() < 0.04 else \
        f"{_ascii(name)}{rng.randint(1, 999)}@{rng.choice(('example.org', 'example.net', 'example.com'))}"
    street = rng.choice(("Vestergade", "Østergade", "Skolevej", "Parkvej", "Kirkevej", "Nørregade"))
    return {"email": email, "phone": f"+45 7{rng.randint(0, 9)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "address": f"{street} {rng.randint(1, 120)}",
            "postcode": rng.choice(ctx.postcodes.get(municipality) or ["1000"]), "municipality": municipality}


def _assessment(ctx, key, birth_year, background, municipality, entry):
    """Evaluated once per background and programme; only the catchment result differs by municipality."""
    programme, ruleset, on = entry
    base = ctx.assessed.get((key, programme.id))
    if base is None:
        facts = registration.facts_for(Application(answers=background, birth_year=birth_year, municipality=None))
        base = ctx.assessed[(key, programme.id)] = eligibility.evaluate(facts, ruleset, on)
    catchment = ctx.catchment.get((municipality, programme.id))
    if catchment is None:
        results = eligibility.evaluate(eligibility.Facts(municipality_code=municipality), ruleset, on).results
        catchment = ctx.catchment[(municipality, programme.id)] = next(r for r in results if r.rule == "catchment")
    return eligibility.Assessment(tuple(catchment if r.rule == "catchment" else r for r in base.results),
                                  base.ruleset_version)


def _status(rng, verdict, age_days):
    """A plausible status for an application this old with this verdict."""
    if age_days < 3:
        return rng.choices(["submitted", "in_review", "withdrawn"], weights=[85, 14, 1])[0]
    if age_days < 45:
        return rng.choices(["submitted", "in_review", "needs_info", "approved", "rejected", "withdrawn"],
                           weights=[30, 30, 12, 14, 10, 4])[0]
    if rng.random() < 0.03:
        return rng.choice(["submitted", "in_review", "needs_info"])      # a backlog that slipped
    if verdict == "likely_not_eligible":
        return rng.choices(["rejected", "approved", "withdrawn"], weights=[82, 8, 10])[0]
    # Approved ones are matched with mentors afterwards (_pairs), as far as the programmes have places.
    if verdict == "likely_eligible":
        return rng.choices(["approved", "rejected", "withdrawn"], weights=[80, 12, 8])[0]
    return rng.choices(["approved", "rejected", "withdrawn"], weights=[50, 38, 12])[0]


def _reference(rng, used):
    while True:
        code = "".join(rng.choice(registration.REFERENCE_ALPHABET) for _ in range(8))
        reference = f"MB-{code[:4]}-{code[4:]}"
        if reference not in used:
            used.add(reference)
            return reference


def generate(count: int, seed: int | None = None) -> int:
    """Insert `count` applications (with referrals and history), in batches; returns how many."""
    rng = random.Random(seed if seed is not None else secrets.randbits(64))
    sqlite = database.obj.__class__.__name__.startswith("Sqlite")
    if sqlite:
        # Index pages stay in memory while the batches go in; only the last batch may be lost to a
        # power cut (WAL keeps the file consistent), which is fine for generated data.
        database.execute_sql("PRAGMA cache_size = -262144")
        database.execute_sql("PRAGMA synchronous = NORMAL")
    with database.atomic():
        ctx = _context(rng)
    used = {r for (r,) in Application.select(Application.reference).where(Application.reference.is_null(False)).tuples()}
    next_id = (Application.select(Application.id).order_by(Application.id.desc()).scalar() or 0) + 1
    previous = []            # some earlier submitted applications: (email, name, country, background, id)
    originals = set()        # ids of applications someone applied again after
    made = 0
    # Many rows at once on SQLite: build the plain indexes once at the end instead of row by row
    # (several times faster). Unique indexes stay, so references and public ids are still checked.
    deferred = _drop_plain_indexes() if sqlite and count >= 10_000 else []
    try:
        made = _insert_batches(rng, ctx, count, used, next_id, previous, originals)
    finally:
        for sql in deferred:
            database.execute_sql(sql)
    with database.atomic():
        ids = sorted(originals)
        for start in range(0, len(ids), BATCH):
            Application.update(possible_duplicate=True).where(Application.id.in_(ids[start:start + BATCH])).execute()
    with database.atomic():
        _pairs(rng, ctx)
    if sqlite:
        database.execute_sql("ANALYZE")          # the query planner picks the queue's indexes by these
        database.execute_sql("PRAGMA synchronous = FULL")
    return made


def _drop_plain_indexes() -> list[str]:
    rows = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('application', 'audit_event') AND sql NOT LIKE 'CREATE UNIQUE%'").fetchall()
    for name, _ in rows:
        database.execute_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def _insert_batches(rng, ctx, count, used, next_id, previous, originals) -> int:
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        apps, events, referrals = [], [], []
        for offset in range(size):
            row, row_events, referral = _one(rng, ctx, next_id + offset, used, previous, originals)
            apps.append(row)
            events.extend(row_events)
            if referral:
                referrals.append(referral)
        with database.atomic():
            _insert(Application, apps)
            _insert(AuditEvent, events)
            _insert(Referral, referrals)
        next_id += size
        made += size
    return made


def _insert(model, rows):
    """A plain executemany: building one big INSERT per batch in peewee costs more than SQLite's work."""
    if not rows:
        return
    fields = [model._meta.fields[name] for name in rows[0]]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([database.param] * len(fields))
    convert = [f.db_value if isinstance(f, JSONField) else None for f in fields]
    values = [[c(row[f.name]) if c else row[f.name] for f, c in zip(fields, convert)] for row in rows]
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'  # nosec B608 - names from our models
    database.cursor().executemany(sql, values)


def _one(rng, ctx, app_id, used, previous, originals):
    original = None
    if previous and rng.random() < 0.01:
        email, name, country, index, original = rng.choice(previous)     # the same person again
    else:
        country, name = _person(rng)
        index, email = rng.randrange(BACKGROUNDS_PER_ORIGIN), None
    birth_year, background = ctx.backgrounds[country][index]
    language = "da" if rng.random() < 0.35 else "en"
    municipality = rng.choice(ctx.municipalities)
    contact = _contact(rng, ctx, name, municipality)
    if email:
        contact["email"] = email
    email = contact["email"]
    answers = {"about-you": {"full_name": name, "birth_year": birth_year, "language": language},
               "contact": contact, **background,
               "consent": {"consent": True, "consent_version": CONSENT_VERSION}}
    age_days = rng.uniform(0, 1000) if rng.random() < 0.97 else None       # None: still a draft
    created = ctx.now - timedelta(days=(age_days or rng.uniform(0, 60)) + rng.uniform(0.01, 3))
    submitted = ctx.now - timedelta(days=age_days) if age_days is not None else None
    entry = ctx.programmes[-1]
    if submitted is not None:
        for candidate in ctx.programmes:
            if submitted.date() < candidate[2]:
                entry = candidate
                break
    assessment = _assessment(ctx, (country, index), birth_year, background, municipality, entry) if submitted else None
    verdict = str(assessment.verdict) if assessment else None
    status = _status(rng, verdict, age_days) if submitted else "draft"
    source = "referral" if rng.random() < 0.3 else "self"
    public = secrets.token_urlsafe(16)
    reviewer = rng.choice(ctx.reviewers)
    row = {
        "id": app_id, "public_id": public, "status": status, "source": source, "language": language,
        "answers": answers, "full_name": name, "folded_name": names.fold(name) or None,
        "birth_year": birth_year, "email": email,
        "phone": contact["phone"], "municipality": municipality,
        "completed_steps": list(answers) if submitted else list(answers)[:rng.randint(1, 7)],
        "created_at": created, "updated_at": submitted or created, "version": 2,
        "reference": None, "submitted_at": submitted, "programme": None, "verdict": None,
        "eligibility": None, "ruleset_version": None, "possible_duplicate": False, "assigned_to": None,
        "consent_version": CONSENT_VERSION if submitted else None, "consent_at": submitted,
        "consent_channel": "caseworker" if source == "referral" and rng.random() < 0.5 else "self" if submitted else None,
        "decided_by": None, "decided_at": None, "decision_code": None, "decision_reason": None,
    }
    if not submitted:
        row["answers"] = {k: v for k, v in answers.items() if k in row["completed_steps"]}
        return row, [], None
    row.update(reference=_reference(rng, used), programme=entry[0].id, verdict=verdict,
               eligibility=assessment.as_dict(), ruleset_version=assessment.ruleset_version,
               possible_duplicate=original is not None)
    if original is not None:
        originals.add(original)
    elif len(previous) < 5000 and rng.random() < 0.05:
        previous.append((email, name, country, index, app_id))
    events = [_event(None, "applicant", "application.submitted", public, submitted,
                     from_status="draft", to_status="submitted", verdict=verdict)]
    at = submitted
    if status != "submitted" and not (status == "withdrawn" and rng.random() < 0.5):
        at = at + timedelta(hours=rng.uniform(2, 24 * 6))
        row["assigned_to"] = reviewer
        events.append(_event(reviewer, "staff", "application.taken", public, at,
                             from_status="submitted", to_status="in_review", previous_assignee=None))
    if status in ("approved", "rejected"):
        at = at + timedelta(hours=rng.uniform(1, 24 * 10))
        decided = "rejected" if status == "rejected" else "approved"
        failed = [r.rule for r in assessment.failed()]
        code = (failed[0] if failed else rng.choice(["capacity", "other"])) if decided == "rejected" else None
        row.update(decided_by=reviewer, decided_at=at, decision_code=code,
                   decision_reason=code if decided == "rejected" else "approved")
        details = {"code": code, "message": None} if code else {"programme": entry[0].id}
        events.append(_event(reviewer, "staff", f"application.{decided}", public, at,
                             from_status="in_review", to_status=decided, **details))
    elif status == "needs_info":
        at = at + timedelta(hours=rng.uniform(1, 48))
        events.append(_event(reviewer, "staff", "application.info_requested", public, at, from_status="in_review",
                             to_status="needs_info", message="Please add the year you finished your education."))
    elif status == "withdrawn":
        at = at + timedelta(hours=rng.uniform(1, 24 * 20))
        events.append(_event(reviewer, "staff", "application.withdrawn", public, at,
                             from_status="in_review" if row["assigned_to"] else "submitted",
                             to_status="withdrawn", reason="The applicant found a job."))
    row["updated_at"] = min(at, ctx.now)
    row["version"] = 1 + len(events)
    referral = None
    caseworker = ctx.caseworkers.get(municipality)
    if source == "referral" and caseworker:
        referral = {"public_id": secrets.token_urlsafe(16), "caseworker": caseworker, "municipality": municipality,
                    "full_name": name, "email": email, "phone": row["phone"], "language": language,
                    "note": "Referred after a meeting at the job centre.", "consent_how": "in_person",
                    "consent_at": created.date(), "mode": rng.choice(["together", "invite"]),
                    "application": app_id, "created_at": created, "invited_at": None}
    return row, events, referral


def _event(actor, role, action, public, at, **details):
    return {"actor": actor, "actor_role": role, "action": action, "object_type": "application",
            "object_id": public, "at": at, "details": details}


# ---------------------------------------------------------------- mentors, pairs and the course

MENTOR_FIRST = ["Anne", "Mette", "Hanne", "Susanne", "Camilla", "Louise", "Maria", "Sofie", "Peter", "Jens", "Lars",
                "Henrik", "Søren", "Thomas", "Martin", "Rasmus", "Mikkel", "Anders", "Karin", "Birgitte"]
MENTOR_LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
               "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen"]
MENTOR_FIELDS = ["IT", "Finance", "Health", "Construction", "Energy", "Retail", "Education", "Manufacturing",
                 "Food", "Media", "Public sector", "Agriculture"]
MENTORS_PER_SITE = 12
DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})       # for email addresses
OUTCOME_WEIGHTS = {"job": 36, "education": 14, "internship": 16, "self_employed": 6, "none": 28}
OUTCOME_MILESTONE = {"job": "job_offer", "education": "education_started", "internship": "internship_started",
                     "self_employed": "business_started"}


def _synthetic_mentors(rng, sites, trained_on):
    """Trained mentors at every site of the programmes (a dozen each beside the demo's), no password."""
    have = {}
    for profile in MentorProfile.select(MentorProfile.site).where(MentorProfile.site.in_(sites)):
        have[profile.site_id] = have.get(profile.site_id, 0) + 1
    for site in sites:
        for n in range(have.get(site, 0), MENTORS_PER_SITE):
            first, last = rng.choice(MENTOR_FIRST), rng.choice(MENTOR_LAST)
            email = f"{_ascii(first + ' ' + last).translate(DANISH_LETTERS)}.{site}-{n}@synthetic.example.org"
            user = User.get_or_none(User.email == email) or User.create(
                email=email, name=f"{first} {last}", role="mentor", password_hash=None)
            if MentorProfile.get_or_none(MentorProfile.user == user) is None:
                MentorProfile.create(user=user, site=site, work_years=rng.randint(5, 30),
                                     leadership=rng.random() < 0.5, fields=rng.sample(MENTOR_FIELDS, 2),
                                     languages=["da", "en"] + (["arabic"] if rng.random() < 0.15 else []),
                                     capacity=rng.choice([1, 2, 2, 3]), trained_on=trained_on)


def _pairs(rng, ctx):
    """Match approved applications with trained mentors at the programmes' sites, within the mentors' and
    the programmes' capacity, and give each pair the course its programme has had by now: a planned
    programme's pairs are matched; a running one's are active, with meetings about twice a month, a few
    milestones and an early outcome or two; an ended one's are completed, with their outcomes. Programmes
    that have pairs already (the demo's 2016 cohort, or an earlier run) are left as they are."""
    today = ctx.now.date()
    chosen = [p for p, _, _ in ctx.programmes if not Pair.select().where(Pair.programme == p).exists()]
    if not chosen:
        return
    site_ids = sorted({ps.site_id for ps in ProgrammeSite.select().where(ProgrammeSite.programme.in_(chosen))})
    _synthetic_mentors(rng, site_ids, min(p.start_date for p in chosen) - timedelta(days=60))
    catchment = {}
    for row in SiteCatchment.select().where(SiteCatchment.site.in_(site_ids)):
        catchment.setdefault(row.municipality_id, []).append(row.site_id)
    mentors = {}                 # site -> [[user id, places left now, capacity]], the demo's mentors first
    trained = MentorProfile.site.in_(site_ids) & MentorProfile.trained_on.is_null(False)
    for profile in MentorProfile.select().where(trained).order_by(MentorProfile.user):
        busy = (Pair.select().join(Application).where((Pair.mentor == profile.user_id)
                                                      & Application.status.in_(("matched", "active"))).count())
        mentors.setdefault(profile.site_id, []).append([profile.user_id, profile.capacity - busy, profile.capacity])
    staff = ctx.reviewers[0]
    for programme in sorted(chosen, key=lambda p: p.start_date):
        start, end = programme.start_date, end_date(programme)
        stage = "ended" if today >= end else "running" if today >= start else "planned"
        _course(rng, ctx, programme, stage, start, end, today, catchment, mentors, staff)


def _course(rng, ctx, programme, stage, start, end, today, catchment, mentors, staff):
    latest = datetime.combine(start, datetime.min.time()) - timedelta(days=3) if stage != "planned" else ctx.now
    candidates = list(Application.select(Application.id, Application.public_id, Application.municipality,
                                         Application.decided_at, Application.version)
                      .where((Application.programme == programme) & (Application.status == "approved")
                             & (Application.decided_at < latest) & Application.municipality.in_(list(catchment)))
                      .order_by(Application.id).tuples())
    rng.shuffle(candidates)
    used = {}                    # mentor -> pairs in this programme (an ended course frees its places)
    pairs = []                   # (application id, public id, mentor, site, accepted at, version, its places)
    for app_id, public, municipality, decided_at, version in candidates:
        if len(pairs) >= programme.capacity:
            break
        for site in catchment[municipality]:
            found = next((m for m in mentors.get(site, []) if
                          (used.get(m[0], 0) < m[2] if stage == "ended" else m[1] > 0)), None)
            if found:
                break
        if not found:
            continue
        if stage == "ended":
            used[found[0]] = used.get(found[0], 0) + 1
        else:
            found[1] -= 1
        accepted = decided_at + (latest - decided_at) * rng.uniform(0.1, 0.9)
        pairs.append((app_id, public, found[0], site, accepted, version, found))
    if not pairs:
        return
    if stage != "planned":
        ProgrammeStart.get_or_create(programme=programme, defaults={"started_on": start, "started_by": staff})
    events, meetings, milestones, outcomes = [], [], [], []
    status_of = {}
    for app_id, public, mentor, site, accepted, version, places in pairs:
        pair_id = Pair.insert(programme=programme, application=app_id, mentor=mentor, site=site,
                              reasons=[["near_site", []]], accepted_by=staff, accepted_at=accepted,
                              started_on=start if stage != "planned" else None).execute()
        events.append(_event(staff, "staff", "application.matched", public, accepted, from_status="approved",
                             to_status="matched", programme=programme.id, mentor=mentor))
        status = "matched"
        if stage == "planned":
            status_of[app_id] = (status, version + 1, accepted)
            continue
        begun = datetime.combine(start, datetime.min.time()) + timedelta(hours=9)
        events.append(_event(staff, "staff", "application.activated", public, begun, from_status="matched",
                             to_status="active", programme=programme.id))
        status = "active"
        until = min(today, end)
        lagging = stage == "running" and rng.random() < 0.12          # overdue: not met for over a month
        if lagging:
            until = max(start, until - timedelta(days=rng.randint(35, 60)))
        day = start + timedelta(days=rng.randint(0, 6))
        while day <= until:
            meetings.append({"pair": pair_id, "held_on": day, "note": None, "logged_by": mentor,
                             "created_at": datetime.combine(day, datetime.min.time()) + timedelta(hours=17)})
            day += timedelta(days=rng.randint(11, 19))
        course_days = max((until - start).days, 1)
        for kind, chance, share in (("cv_ready", 0.6, 0.25), ("first_interview", 0.4, 0.55)):
            if rng.random() < chance and course_days * share >= 7:
                reached = start + timedelta(days=int(course_days * share * rng.uniform(0.6, 1.0)))
                milestones.append(_milestone(pair_id, kind, reached, mentor))
        outcome = None
        if stage == "ended":
            outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
        elif rng.random() < 0.08 and (today - start).days > 45:
            outcome = rng.choice(["job", "internship", "education"])     # an early result
        if outcome is None:
            status_of[app_id] = (status, version + 2, begun)
            continue
        span = (end - start).days if stage == "ended" else (today - start).days
        reached = start + timedelta(days=int(span * rng.uniform(0.4, 1.15))) if outcome != "none" else None
        if reached is not None and reached > today:
            reached = today
        if outcome in OUTCOME_MILESTONE:
            milestones.append(_milestone(pair_id, OUTCOME_MILESTONE[outcome], reached, mentor))
        noted = max(reached or end, end) if stage == "ended" else reached      # at six months, or when it came
        recorded = min(ctx.now, datetime.combine(noted, datetime.min.time()) + timedelta(days=rng.randint(1, 10),
                                                                                           hours=11))
        outcomes.append({"application": app_id, "programme": programme.id, "kind": outcome, "reached_on": reached,
                         "recorded_by": staff, "recorded_at": recorded})
        events.append(_event(staff, "staff", "application.completed", public, recorded, from_status="active",
                             to_status="completed", outcome=outcome))
        events.append(_event(staff, "staff", "outcome.recorded", public, recorded, kind=outcome, previous=None,
                             reached_on=reached.isoformat() if reached else None))
        status_of[app_id] = ("completed", version + 3, recorded)
        if stage == "running":
            places[1] += 1                                             # a finished pair frees the place
    _insert(Meeting, meetings)
    _insert(Milestone, milestones)
    _insert(Outcome, outcomes)
    _insert(AuditEvent, events)
    for app_id, (status, version, at) in status_of.items():
        Application.update(status=status, version=version, updated_at=at).where(Application.id == app_id).execute()


def _milestone(pair_id, kind, reached, mentor):
    return {"pair": pair_id, "kind": kind, "reached_on": reached, "recorded_by": mentor,
            "created_at": datetime.combine(reached, datetime.min.time()) + timedelta(hours=18)}
