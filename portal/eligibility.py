"""Advisory eligibility rules for the mentor programme (DESIGN §4): pure, standard library only.

Every rule answers pass / fail / unknown with a reason code and the params a template needs
to write the sentence. Nothing here decides: a person reads every application (GDPR art. 22).
When data is missing or malformed a rule says UNKNOWN rather than FAIL, because the cost of a
wrong "likely not eligible" is higher than the cost of a human look.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from numbers import Integral, Real


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class Verdict(StrEnum):
    LIKELY_ELIGIBLE = "likely_eligible"
    LIKELY_NOT_ELIGIBLE = "likely_not_eligible"
    NEEDS_REVIEW = "needs_review"


CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# "I do not speak it": an answer, ranked below A1, never the same as no answer.
NO_LEVEL = "none"

ISCED_LEVELS = {"upper_secondary": 3, "short_cycle_tertiary": 5, "bachelor": 6, "master": 7, "doctoral": 8}

# § 7(1) refugee, § 7(2) protection, § 7(3) temporary protection, § 8 quota, § 9 family
# reunification, § 9 b humanitarian, the Ukraine special act of 2022, other.
RESIDENCE_BASES = ("7-1", "7-2", "7-3", "8", "9", "9b", "ukraine", "other")

# Prøve i Dansk 1-3 and Studieprøven, at the levels DESIGN §3 gives (≈ the Ministry's own description).
DANISH_TESTS = {"pd1": "A2", "pd2": "B1", "pd3": "B2", "studieproven": "C1"}

ENGLISH_TESTS = (
    "ielts",
    "toefl_ibt",
    "cambridge_b1_preliminary",
    "cambridge_b2_first",
    "cambridge_c1_advanced",
    "cambridge_c2_proficiency",
)

RULES = ("residence", "qualification", "language", "catchment", "age")

# Published test-to-CEFR mappings, as (lowest score, level) from the top down.
# IELTS overall band: the IELTS / Cambridge English "IELTS and the CEFR" comparison (ielts.org,
#   cambridgeenglish.org): 8.5-9.0 C2, 7.0-8.0 C1, 5.5-6.5 B2, 4.0-5.0 B1. That table stops at
#   4.0; placing 3.0-3.5 at A2 and giving no level below 3.0 is the programme's reading of its
#   lower end (the project brief), not a published cut.
# TOEFL iBT total score 0-120: ETS's published CEFR mapping (ets.org, "TOEFL iBT scores and the
#   CEFR", from ETS Research Memorandum RM-15-06): 114 C2, 95 C1, 72 B2, 42 B1. ETS publishes no
#   total-score cut below B1, so lower totals give no level. ETS has announced a 1-6 band scale
#   from 2026; a band typed here reads as a total under 42, so it gives no level (never a wrong
#   pass): ask for the 0-120 comparable total.
# Cambridge English Qualifications: at a passing grade (A-C) the certificate is at the exam's
#   own level (Cambridge English Scale tables). A grade A can certify the level above; we do
#   not claim that without the scale score, so any score given with a Cambridge exam is ignored.
_IELTS_CUTS = tuple((Decimal(cut), level) for cut, level in
                    (("8.5", "C2"), ("7.0", "C1"), ("5.5", "B2"), ("4.0", "B1"), ("3.0", "A2")))
_TOEFL_IBT_CUTS = tuple((Decimal(cut), level) for cut, level in
                        ((114, "C2"), (95, "C1"), (72, "B2"), (42, "B1")))
_CAMBRIDGE_LEVELS = {
    "cambridge_b1_preliminary": "B1",
    "cambridge_b2_first": "B2",
    "cambridge_c1_advanced": "C1",
    "cambridge_c2_proficiency": "C2",
}

# Plausibility limits: beyond them a value is a typo or garbage, not a fact about a person.
_MAX_AGE = 120
_MAX_WORK_YEARS_PER_ENTRY = 80
_MUNICIPALITY_CODE = re.compile(r"[0-9]{3}")


@dataclass(frozen=True)
class Facts:
    """What the rules look at, built by the app from an application's answers."""

    birth_year: int | None = None
    residence_basis: str | None = None
    reunified_with_basis: str | None = None
    education_levels: tuple = ()
    work_years: tuple = ()
    danish_level: str | None = None
    danish_test: str | None = None
    english_level: str | None = None
    english_test: str | None = None
    english_test_score: float | None = None
    municipality_code: str | None = None


@dataclass(frozen=True)
class RuleSet:
    """A programme's thresholds; admins edit them, and `version` goes with each stored verdict."""

    version: int = 1
    min_cefr: str = "B1"
    min_isced: int = 5
    min_work_years: float = 2.0
    accepted_residence: frozenset = frozenset({"7-1", "7-2", "7-3", "8", "ukraine"})
    reunification_counts: bool = True
    min_age: int = 18
    catchment: frozenset = frozenset()
    # The programme's sites by name, each with its catchment codes: (("Copenhagen office", {"101", ...}), ...),
    # so a reason can say which site a person lives near, or which sites they live far from.
    sites: tuple = ()

    @classmethod
    def default(cls, catchment=()) -> RuleSet:
        """The DESIGN §4 defaults with the given catchment municipality codes."""
        if isinstance(catchment, (str, int)):
            catchment = (catchment,)
        return cls(catchment=frozenset(str(code) for code in catchment))


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: Outcome
    reason: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """This result as plain JSON types."""
        return {"rule": self.rule, "outcome": str(self.outcome), "reason": self.reason,
                "params": dict(self.params)}


@dataclass(frozen=True)
class Assessment:
    results: tuple[RuleResult, ...]
    ruleset_version: int

    @property
    def verdict(self) -> Verdict:
        """Likely not eligible on any fail; likely eligible only when every rule passed."""
        if any(r.outcome == Outcome.FAIL for r in self.results):
            return Verdict.LIKELY_NOT_ELIGIBLE
        passed = {r.rule for r in self.results if r.outcome == Outcome.PASS}
        if passed.issuperset(RULES):
            return Verdict.LIKELY_ELIGIBLE
        return Verdict.NEEDS_REVIEW

    def failed(self) -> tuple[RuleResult, ...]:
        """The results that failed, in RULES order."""
        return tuple(r for r in self.results if r.outcome == Outcome.FAIL)

    def as_dict(self) -> dict:
        """A JSON-serialisable form to store with an application (the verdict is not stored)."""
        return {"ruleset_version": self.ruleset_version,
                "results": [r.as_dict() for r in self.results]}

    @classmethod
    def from_dict(cls, d) -> Assessment:
        """Rebuild from `as_dict`; rules missing from old data come back as UNKNOWN "not_evaluated".

        Raises ValueError when `d` is not the shape `as_dict` writes.
        """
        try:
            version = d["ruleset_version"]
            if not _is_int(version):
                raise TypeError("ruleset_version is not a whole number")
            stored = {}
            for item in d["results"]:
                rule = item["rule"]
                result = RuleResult(rule, Outcome(item["outcome"]), str(item["reason"]),
                                    dict(item.get("params") or {}))
                stored.setdefault(rule, result)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a stored assessment: {exc!r}") from exc
        results = tuple(stored.get(rule) or RuleResult(rule, Outcome.UNKNOWN, "not_evaluated", {})
                        for rule in RULES)
        return cls(results=results, ruleset_version=version)


def evaluate(facts: Facts, rules: RuleSet, on: date) -> Assessment:
    """Check every rule for `facts` on the programme start date `on`; never raises."""
    results = []
    for rule, check in _CHECKS:
        try:
            result = check(facts, rules, on)
        except Exception:  # a last resort so one bad value cannot break a page; tests assert it never fires
            result = RuleResult(rule, Outcome.UNKNOWN, "internal_error", {})
        results.append(result)
    return Assessment(results=tuple(results), ruleset_version=_version(rules))


def cefr_from_test(test, score=None) -> str | None:
    """The CEFR level a passed test shows, or None when the test or score gives no level."""
    level, _problem = _test_level(test, score)
    return level


# Helpers -------------------------------------------------------------------------------------

def _get(obj, name):
    return getattr(obj, name, None)


def _version(rules) -> int:
    version = _get(rules, "version")
    return version if _is_int(version) else 0


def _is_int(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _finite_number(value):
    """The value as a Decimal when it is a real, finite number (not bool, not text), else None."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    try:
        if isinstance(value, Integral):
            return Decimal(int(value))
        number = float(value)
        if not math.isfinite(number):
            return None
        # repr keeps what was typed: 0.7 stays 0.7, so 0.7 + 0.7 + 0.6 sums to exactly 2.
        return Decimal(repr(number))
    except (OverflowError, ValueError, TypeError, InvalidOperation):
        return None


def _plain(number: Decimal):
    """A Decimal as an int when whole, else a float, for JSON params."""
    return int(number) if number == number.to_integral_value() else float(number)


def _rank(level) -> int | None:
    return CEFR_LEVELS.index(level) if isinstance(level, str) and level in CEFR_LEVELS else None


def _spoken_rank(level) -> int | None:
    """A person's own level: a CEFR level, or "I do not speak it" just below A1."""
    return -1 if level == NO_LEVEL else _rank(level)


def _setting_error(rule: str, setting: str) -> RuleResult:
    return RuleResult(rule, Outcome.UNKNOWN, "invalid_rule_setting", {"setting": setting})


def _invalid(rule: str, field_name: str, **params) -> RuleResult:
    return RuleResult(rule, Outcome.UNKNOWN, "invalid_data", {"field": field_name, **params})


def _code_set(value):
    """A rule setting holding codes, as a frozenset of str, or None when it is not a collection."""
    if isinstance(value, (set, frozenset, list, tuple)):
        # Whole numbers become their text (101 -> "101"), so a catchment typed as numbers still works.
        return frozenset(str(v) for v in value if isinstance(v, str) or _is_int(v))
    return None


def _test_level(test, score):
    """(level, problem) for a passed test; problem is None, "invalid" or "score_missing"."""
    if not isinstance(test, str):
        return None, "invalid"
    if test in DANISH_TESTS:
        return DANISH_TESTS[test], None
    if test in _CAMBRIDGE_LEVELS:
        return _CAMBRIDGE_LEVELS[test], None  # a scale score, if any, is not needed at a pass
    if test == "ielts":
        cuts, low, high, step = _IELTS_CUTS, Decimal(0), Decimal(9), Decimal("0.5")
    elif test == "toefl_ibt":
        cuts, low, high, step = _TOEFL_IBT_CUTS, Decimal(0), Decimal(120), Decimal(1)
    else:
        return None, "invalid"
    if score is None:
        return None, "score_missing"
    number = _finite_number(score)
    # Real results come in half bands (IELTS) or whole points (TOEFL); anything else is a typo.
    if number is None or not low <= number <= high or number % step:
        return None, "invalid"
    return next((level for cut, level in cuts if number >= cut), None), None


# Rules ---------------------------------------------------------------------------------------

def _check_residence(facts, rules, on) -> RuleResult:
    accepted = _code_set(_get(rules, "accepted_residence"))
    if accepted is None:
        return _setting_error("residence", "accepted_residence")
    basis = _get(facts, "residence_basis")
    if _is_missing(basis):
        return RuleResult("residence", Outcome.UNKNOWN, "basis_missing", {})
    if not isinstance(basis, str) or basis not in RESIDENCE_BASES:
        return _invalid("residence", "residence_basis")
    if basis in accepted:
        return RuleResult("residence", Outcome.PASS, "basis_accepted", {"basis": basis})
    if basis != "9" or _get(rules, "reunification_counts") is not True:
        return RuleResult("residence", Outcome.FAIL, "basis_not_accepted", {"basis": basis})
    partner = _get(facts, "reunified_with_basis")
    if _is_missing(partner):
        return RuleResult("residence", Outcome.UNKNOWN, "reunified_with_missing", {"basis": basis})
    if not isinstance(partner, str) or partner not in RESIDENCE_BASES:
        return _invalid("residence", "reunified_with_basis")
    if partner in accepted:
        return RuleResult("residence", Outcome.PASS, "reunified_with_accepted",
                          {"basis": basis, "reunified_with": partner})
    return RuleResult("residence", Outcome.FAIL, "reunified_with_not_accepted",
                      {"basis": basis, "reunified_with": partner})


def _entries(value):
    """(entries, ok): a tuple of the given entries, and False when the container itself is wrong."""
    if value is None:
        return (), True
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(value), True
    return (), False


def _check_qualification(facts, rules, on) -> RuleResult:
    min_isced = _get(rules, "min_isced")
    if not _is_int(min_isced):
        return _setting_error("qualification", "min_isced")
    min_years = _finite_number(_get(rules, "min_work_years"))
    if min_years is None or min_years < 0:
        return _setting_error("qualification", "min_work_years")
    limits = {"min_isced": int(min_isced), "min_work_years": _plain(min_years)}

    educations, education_ok = _entries(_get(facts, "education_levels"))
    best_key, best_isced = None, None
    for entry in educations:
        # An entry without a level (or with one we do not know) might have been the degree that counts.
        if not isinstance(entry, str) or entry not in ISCED_LEVELS:
            education_ok = False
        elif best_isced is None or ISCED_LEVELS[entry] > best_isced:
            best_key, best_isced = entry, ISCED_LEVELS[entry]

    jobs, work_ok = _entries(_get(facts, "work_years"))
    total, counted = Decimal(0), 0
    for entry in jobs:
        years = _finite_number(entry)
        if years is None or years < 0 or years > _MAX_WORK_YEARS_PER_ENTRY:
            work_ok = False
        else:
            total += years
            counted += 1

    education = {"level": best_key, "isced": best_isced} if best_key else {}
    work = {"years": _plain(total)} if counted else {}
    if best_isced is not None and best_isced >= min_isced:
        return RuleResult("qualification", Outcome.PASS, "education_meets", {**limits, **education})
    if counted and total >= min_years:
        return RuleResult("qualification", Outcome.PASS, "work_meets", {**limits, **work})
    # From here nothing known meets a threshold; a bad entry could have been the one that did.
    if not education_ok:
        return _invalid("qualification", "education_levels", **limits)
    if not work_ok:
        return _invalid("qualification", "work_years", **limits)
    if best_key and counted:
        return RuleResult("qualification", Outcome.FAIL, "education_and_work_below",
                          {**limits, **education, **work})
    if best_key:
        return RuleResult("qualification", Outcome.UNKNOWN, "education_below_work_missing",
                          {**limits, **education})
    if counted:
        return RuleResult("qualification", Outcome.UNKNOWN, "work_below_education_missing",
                          {**limits, **work})
    return RuleResult("qualification", Outcome.UNKNOWN, "qualification_missing", limits)


def _language_level(self_level, test, score, tests_allowed):
    """(level, used, problem) for one language: the higher of self-assessment and passed test."""
    problem = None
    self_rank = None
    if not _is_missing(self_level):
        self_rank = _spoken_rank(self_level)
        if self_rank is None:
            problem = "invalid_level"
    test_rank = None
    if not _is_missing(test):
        if not isinstance(test, str) or test not in tests_allowed:
            problem = problem or "invalid_test"
        else:
            level, test_problem = _test_level(test, score)
            test_rank = _rank(level)
            if test_problem == "invalid":
                problem = problem or "invalid_score"
            elif test_problem == "score_missing":
                problem = problem or "score_missing"
    if test_rank is not None and (self_rank is None or test_rank >= self_rank):
        return CEFR_LEVELS[test_rank], "test", problem
    if self_rank is not None:
        return self_level, "self", problem
    return None, None, problem


def _check_language(facts, rules, on) -> RuleResult:
    min_cefr = _get(rules, "min_cefr")
    min_rank = _rank(min_cefr)
    if min_rank is None:
        return _setting_error("language", "min_cefr")
    languages = {
        "da": _language_level(_get(facts, "danish_level"), _get(facts, "danish_test"), None,
                              DANISH_TESTS),
        "en": _language_level(_get(facts, "english_level"), _get(facts, "english_test"),
                              _get(facts, "english_test_score"), ENGLISH_TESTS),
    }
    meeting = [(_rank(level), lang, level, used) for lang, (level, used, _p) in languages.items()
               if level is not None and _spoken_rank(level) >= min_rank]
    if meeting:
        # The strongest language explains the pass; on a tie Danish, listed first, is named.
        _r, lang, level, used = max(meeting, key=lambda m: m[0])
        return RuleResult("language", Outcome.PASS, "language_meets",
                          {"min_cefr": min_cefr, "language": lang, "level": level, "used": used})
    fields = {("da", "invalid_level"): "danish_level", ("da", "invalid_test"): "danish_test",
              ("en", "invalid_level"): "english_level", ("en", "invalid_test"): "english_test",
              ("en", "invalid_score"): "english_test_score"}
    for lang, (_level, _used, problem) in languages.items():
        if (lang, problem) in fields:
            return _invalid("language", fields[lang, problem], min_cefr=min_cefr)
    if languages["en"][2] == "score_missing":
        return RuleResult("language", Outcome.UNKNOWN, "test_score_missing",
                          {"min_cefr": min_cefr, "language": "en",
                           "test": _get(facts, "english_test")})
    (da_level, da_used, _), (en_level, en_used, _) = languages["da"], languages["en"]
    if da_level and en_level:
        return RuleResult("language", Outcome.FAIL, "language_below",
                          {"min_cefr": min_cefr, "danish_level": da_level, "danish_used": da_used,
                           "english_level": en_level, "english_used": en_used})
    if da_level or en_level:
        lang, level, used = ("da", da_level, da_used) if da_level else ("en", en_level, en_used)
        return RuleResult("language", Outcome.UNKNOWN, "language_below_other_missing",
                          {"min_cefr": min_cefr, "language": lang, "level": level, "used": used,
                           "missing": "en" if lang == "da" else "da"})
    return RuleResult("language", Outcome.UNKNOWN, "language_missing", {"min_cefr": min_cefr})


def _check_catchment(facts, rules, on) -> RuleResult:
    catchment = _code_set(_get(rules, "catchment"))
    if catchment is None:
        return _setting_error("catchment", "catchment")
    code = _get(facts, "municipality_code")
    if _is_missing(code):
        return RuleResult("catchment", Outcome.UNKNOWN, "municipality_missing", {})
    if not isinstance(code, str) or not _MUNICIPALITY_CODE.fullmatch(code):
        return _invalid("catchment", "municipality_code")
    if not catchment:
        return RuleResult("catchment", Outcome.UNKNOWN, "catchment_not_set", {"municipality": code})
    sites = _sites(_get(rules, "sites"))
    if code in catchment:
        near = [name for name, codes in sites if code in codes]
        return RuleResult("catchment", Outcome.PASS, "inside_catchment",
                          {"municipality": code, **({"sites": near} if near else {})})
    return RuleResult("catchment", Outcome.FAIL, "outside_catchment",
                      {"municipality": code, **({"sites": [name for name, _codes in sites]} if sites else {})})


def _sites(value) -> list:
    """The rule set's sites as [(name, codes)]; a malformed entry is left out (the names only explain)."""
    if not isinstance(value, (list, tuple)):
        return []
    found = []
    for entry in value:
        if isinstance(entry, (list, tuple)) and len(entry) == 2 and isinstance(entry[0], str):
            codes = _code_set(entry[1])
            if codes is not None:
                found.append((entry[0], codes))
    return found


def _check_age(facts, rules, on) -> RuleResult:
    min_age = _get(rules, "min_age")
    if not _is_int(min_age) or min_age < 0:
        return _setting_error("age", "min_age")
    min_age = int(min_age)
    if not isinstance(on, date):
        return RuleResult("age", Outcome.UNKNOWN, "start_date_missing", {"min_age": min_age})
    year = _get(facts, "birth_year")
    if year is None:
        return RuleResult("age", Outcome.UNKNOWN, "birth_year_missing", {"min_age": min_age})
    if isinstance(year, float) and math.isfinite(year) and year.is_integer():
        year = int(year)
    if not _is_int(year) or not 0 <= on.year - year <= _MAX_AGE:
        return _invalid("age", "birth_year", min_age=min_age)
    year = int(year)
    params = {"min_age": min_age, "birth_year": year}
    # Only the year is known: on `on` the person is on.year - year, or one less before their birthday.
    oldest_possible_age = on.year - year
    if oldest_possible_age - 1 >= min_age:
        return RuleResult("age", Outcome.PASS, "old_enough", params)
    if oldest_possible_age < min_age:
        return RuleResult("age", Outcome.FAIL, "under_min_age", params)
    return RuleResult("age", Outcome.UNKNOWN, "birthday_boundary", params)


_CHECKS = (
    ("residence", _check_residence),
    ("qualification", _check_qualification),
    ("language", _check_language),
    ("catchment", _check_catchment),
    ("age", _check_age),
)
assert tuple(rule for rule, _check in _CHECKS) == RULES
