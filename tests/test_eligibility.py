import json
import math
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.eligibility import (
    CEFR_LEVELS,
    DANISH_TESTS,
    ENGLISH_TESTS,
    ISCED_LEVELS,
    RESIDENCE_BASES,
    RULES,
    Assessment,
    Facts,
    Outcome,
    RuleResult,
    RuleSet,
    Verdict,
    cefr_from_test,
    evaluate,
)

START = date(2026, 8, 1)
RULESET = RuleSet.default(catchment=("101", "147"))

# Meets every default rule; each case below changes only what it is about.
ELIGIBLE = Facts(
    birth_year=1990,
    residence_basis="7-1",
    education_levels=("bachelor",),
    work_years=(3,),
    danish_level="B1",
    english_level="B2",
    municipality_code="101",
)

PASS, FAIL, UNKNOWN = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN


def check(rule, facts, rules=RULESET, on=START):
    """The one result for `rule` when evaluating `facts`."""
    (result,) = [r for r in evaluate(facts, rules, on).results if r.rule == rule]
    return result


def assert_result(result, outcome, reason, params):
    assert (result.outcome, result.reason) == (outcome, reason), result
    assert params.items() <= result.params.items(), result


# Residence -----------------------------------------------------------------------------------

RESIDENCE_CASES = [
    # (residence_basis, reunified_with_basis, outcome, reason, params)
    ("7-1", None, PASS, "basis_accepted", {"basis": "7-1"}),
    ("7-2", None, PASS, "basis_accepted", {"basis": "7-2"}),
    ("7-3", None, PASS, "basis_accepted", {"basis": "7-3"}),
    ("8", None, PASS, "basis_accepted", {"basis": "8"}),
    ("ukraine", None, PASS, "basis_accepted", {"basis": "ukraine"}),
    ("9b", None, FAIL, "basis_not_accepted", {"basis": "9b"}),
    ("other", None, FAIL, "basis_not_accepted", {"basis": "other"}),
    ("9", "7-1", PASS, "reunified_with_accepted", {"basis": "9", "reunified_with": "7-1"}),
    ("9", "ukraine", PASS, "reunified_with_accepted", {"reunified_with": "ukraine"}),
    ("9", "9b", FAIL, "reunified_with_not_accepted", {"reunified_with": "9b"}),
    ("9", "9", FAIL, "reunified_with_not_accepted", {"reunified_with": "9"}),
    ("9", None, UNKNOWN, "reunified_with_missing", {"basis": "9"}),
    ("9", "", UNKNOWN, "reunified_with_missing", {"basis": "9"}),
    ("9", "refugee", UNKNOWN, "invalid_data", {"field": "reunified_with_basis"}),
    (None, None, UNKNOWN, "basis_missing", {}),
    ("  ", None, UNKNOWN, "basis_missing", {}),
    ("§ 7(1)", None, UNKNOWN, "invalid_data", {"field": "residence_basis"}),
    (8, None, UNKNOWN, "invalid_data", {"field": "residence_basis"}),
    (["7-1"], None, UNKNOWN, "invalid_data", {"field": "residence_basis"}),
]


@pytest.mark.parametrize("basis, partner, outcome, reason, params", RESIDENCE_CASES)
def test_residence_basis(basis, partner, outcome, reason, params):
    facts = replace(ELIGIBLE, residence_basis=basis, reunified_with_basis=partner)
    assert_result(check("residence", facts), outcome, reason, params)


def test_reunification_does_not_count_when_the_programme_turns_it_off():
    rules = replace(RULESET, reunification_counts=False)
    facts = replace(ELIGIBLE, residence_basis="9", reunified_with_basis="7-1")
    assert_result(check("residence", facts, rules), FAIL, "basis_not_accepted", {"basis": "9"})


def test_admin_can_accept_humanitarian_residence():
    rules = replace(RULESET, accepted_residence=frozenset({"9b"}))
    assert check("residence", replace(ELIGIBLE, residence_basis="9b"), rules).outcome == PASS
    assert check("residence", ELIGIBLE, rules).outcome == FAIL


# Qualification -------------------------------------------------------------------------------

QUALIFICATION_CASES = [
    # (education_levels, work_years, outcome, reason, params)
    (("short_cycle_tertiary",), (), PASS, "education_meets", {"level": "short_cycle_tertiary", "isced": 5}),
    (("doctoral",), (0.5,), PASS, "education_meets", {"isced": 8}),
    (("upper_secondary", "master"), (), PASS, "education_meets", {"level": "master", "isced": 7}),
    (("upper_secondary",), (2.0,), PASS, "work_meets", {"years": 2, "min_work_years": 2}),
    (("upper_secondary",), (2,), PASS, "work_meets", {"years": 2}),
    (("upper_secondary",), (1, 1), PASS, "work_meets", {"years": 2}),
    (("upper_secondary",), (0.7, 0.7, 0.6), PASS, "work_meets", {"years": 2}),
    ((), (12.5,), PASS, "work_meets", {"years": 12.5}),
    (("upper_secondary",), ("2", 3), PASS, "work_meets", {"years": 3}),
    (("phd", "bachelor"), (), PASS, "education_meets", {"level": "bachelor"}),
    (("upper_secondary",), (1.9,), FAIL, "education_and_work_below",
     {"level": "upper_secondary", "isced": 3, "years": 1.9, "min_isced": 5, "min_work_years": 2}),
    (("upper_secondary",), (1.5, 0.4), FAIL, "education_and_work_below", {"years": 1.9}),
    (("upper_secondary",), (0,), FAIL, "education_and_work_below", {"years": 0}),
    ((), (), UNKNOWN, "qualification_missing", {"min_isced": 5, "min_work_years": 2}),
    (None, None, UNKNOWN, "qualification_missing", {}),
    (("upper_secondary",), (), UNKNOWN, "education_below_work_missing", {"level": "upper_secondary"}),
    ((), (1.0,), UNKNOWN, "work_below_education_missing", {"years": 1}),
    (("upper_secondary",), ("2",), UNKNOWN, "invalid_data", {"field": "work_years"}),
    (("upper_secondary",), (1, None), UNKNOWN, "invalid_data", {"field": "work_years"}),
    (("upper_secondary",), (-3, 1), UNKNOWN, "invalid_data", {"field": "work_years"}),
    (("upper_secondary",), (math.nan,), UNKNOWN, "invalid_data", {"field": "work_years"}),
    (("upper_secondary",), (math.inf,), UNKNOWN, "invalid_data", {"field": "work_years"}),
    (("upper_secondary",), (True, True), UNKNOWN, "invalid_data", {"field": "work_years"}),
    (("upper_secondary",), (10**400,), UNKNOWN, "invalid_data", {"field": "work_years"}),
    (("upper_secondary",), 5, UNKNOWN, "invalid_data", {"field": "work_years"}),
    (("phd",), (1,), UNKNOWN, "invalid_data", {"field": "education_levels"}),
    (("upper_secondary", None), (1,), UNKNOWN, "invalid_data", {"field": "education_levels"}),
    ("bachelor", (1,), UNKNOWN, "invalid_data", {"field": "education_levels"}),
]


@pytest.mark.parametrize("education, work, outcome, reason, params", QUALIFICATION_CASES)
def test_education_or_work_experience(education, work, outcome, reason, params):
    facts = replace(ELIGIBLE, education_levels=education, work_years=work)
    assert_result(check("qualification", facts), outcome, reason, params)


def test_admin_thresholds_move_the_qualification_boundary():
    rules = replace(RULESET, min_isced=6, min_work_years=5.0)
    facts = replace(ELIGIBLE, education_levels=("short_cycle_tertiary",), work_years=(4.5,))
    assert_result(check("qualification", facts, rules), FAIL, "education_and_work_below",
                  {"min_isced": 6, "min_work_years": 5})


# Language ------------------------------------------------------------------------------------

LANGUAGE_CASES = [
    # (Facts changes, outcome, reason, params)
    ({"danish_level": "B1", "english_level": None}, PASS, "language_meets",
     {"language": "da", "level": "B1", "used": "self", "min_cefr": "B1"}),
    ({"danish_level": None, "english_level": "B1"}, PASS, "language_meets",
     {"language": "en", "level": "B1", "used": "self"}),
    ({"danish_level": "A2", "english_level": "A2"}, FAIL, "language_below",
     {"danish_level": "A2", "english_level": "A2", "min_cefr": "B1"}),
    ({"danish_level": "A2", "english_level": "C2"}, PASS, "language_meets",
     {"language": "en", "level": "C2"}),
    ({"danish_level": "B2", "english_level": "B1"}, PASS, "language_meets",
     {"language": "da", "level": "B2"}),
    ({"danish_level": "B2", "english_level": "B2"}, PASS, "language_meets", {"language": "da"}),
    # test higher than self-assessment
    ({"danish_level": "A2", "danish_test": "pd2", "english_level": "A1"}, PASS, "language_meets",
     {"language": "da", "level": "B1", "used": "test"}),
    ({"danish_level": "A2", "english_level": "A2", "english_test": "ielts", "english_test_score": 5.5},
     PASS, "language_meets", {"language": "en", "level": "B2", "used": "test"}),
    ({"danish_level": None, "english_level": None, "english_test": "cambridge_c1_advanced"},
     PASS, "language_meets", {"language": "en", "level": "C1", "used": "test"}),
    # self-assessment higher than test
    ({"danish_level": "B2", "danish_test": "pd1", "english_level": None}, PASS, "language_meets",
     {"language": "da", "level": "B2", "used": "self"}),
    ({"danish_level": "A1", "english_level": "C1", "english_test": "toefl_ibt", "english_test_score": 80},
     PASS, "language_meets", {"language": "en", "level": "C1", "used": "self"}),
    # a passed test at the same level as the self-assessment is named as the evidence
    ({"danish_level": "B1", "danish_test": "pd2", "english_level": None}, PASS, "language_meets",
     {"used": "test"}),
    ({"danish_level": "A2", "danish_test": "pd1", "english_level": "A2", "english_test": "ielts",
      "english_test_score": 3.5}, FAIL, "language_below",
     {"danish_level": "A2", "danish_used": "test", "english_level": "A2", "english_used": "test"}),
    ({"danish_level": "A1", "english_level": "A2", "english_test": "toefl_ibt", "english_test_score": 41},
     FAIL, "language_below", {"english_level": "A2", "english_used": "self"}),
    ({"danish_level": None, "english_level": None}, UNKNOWN, "language_missing", {"min_cefr": "B1"}),
    ({"danish_level": "", "english_level": " "}, UNKNOWN, "language_missing", {}),
    ({"danish_level": "A2", "english_level": None}, UNKNOWN, "language_below_other_missing",
     {"language": "da", "level": "A2", "used": "self", "missing": "en"}),
    ({"danish_level": None, "english_level": "A1"}, UNKNOWN, "language_below_other_missing",
     {"language": "en", "missing": "da"}),
    ({"danish_level": "A2", "english_level": "A2", "english_test": "ielts"}, UNKNOWN,
     "test_score_missing", {"test": "ielts", "language": "en"}),
    ({"danish_level": "b1", "english_level": "A2"}, UNKNOWN, "invalid_data", {"field": "danish_level"}),
    ({"danish_level": "A2", "english_level": 3}, UNKNOWN, "invalid_data", {"field": "english_level"}),
    ({"danish_level": "A2", "danish_test": "pd9", "english_level": "A2"}, UNKNOWN, "invalid_data",
     {"field": "danish_test"}),
    ({"danish_level": "A2", "english_level": "A2", "english_test": "pd3"}, UNKNOWN, "invalid_data",
     {"field": "english_test"}),
    ({"danish_level": "A2", "english_level": "A2", "english_test": "toefl_ibt", "english_test_score": 200},
     UNKNOWN, "invalid_data", {"field": "english_test_score"}),
    ({"danish_level": "A2", "english_level": "A2", "english_test": "ielts", "english_test_score": "7"},
     UNKNOWN, "invalid_data", {"field": "english_test_score"}),
    # known data that passes is enough, whatever else is broken
    ({"danish_level": "B1", "danish_test": "pd9", "english_level": "Z9"}, PASS, "language_meets",
     {"language": "da", "used": "self"}),
]


@pytest.mark.parametrize("changes, outcome, reason, params", LANGUAGE_CASES)
def test_danish_or_english(changes, outcome, reason, params):
    assert_result(check("language", replace(ELIGIBLE, **changes)), outcome, reason, params)


def test_a_higher_minimum_level_turns_b1_into_a_fail():
    rules = replace(RULESET, min_cefr="B2")
    facts = replace(ELIGIBLE, danish_level="B1", english_level="B1")
    assert_result(check("language", facts, rules), FAIL, "language_below", {"min_cefr": "B2"})


# Test scores to CEFR -------------------------------------------------------------------------

TEST_LEVEL_CASES = [
    # IELTS overall band (Cambridge / British Council table), both edges of every band
    ("ielts", 9.0, "C2"), ("ielts", 8.5, "C2"),
    ("ielts", 8.0, "C1"), ("ielts", 7.5, "C1"), ("ielts", 7.0, "C1"), ("ielts", 7, "C1"),
    ("ielts", 6.5, "B2"), ("ielts", 5.5, "B2"),
    ("ielts", 5.0, "B1"), ("ielts", 4.0, "B1"),
    ("ielts", 3.5, "A2"), ("ielts", 3.0, "A2"),
    ("ielts", 2.5, None), ("ielts", 0, None),
    # not an IELTS band
    ("ielts", 9.5, None), ("ielts", 6.3, None), ("ielts", -1, None), ("ielts", "6.5", None),
    ("ielts", math.nan, None), ("ielts", None, None), ("ielts", True, None),
    # TOEFL iBT total (ETS)
    ("toefl_ibt", 120, "C2"), ("toefl_ibt", 114, "C2"),
    ("toefl_ibt", 113, "C1"), ("toefl_ibt", 95, "C1"),
    ("toefl_ibt", 94, "B2"), ("toefl_ibt", 72, "B2"), ("toefl_ibt", 72.0, "B2"),
    ("toefl_ibt", 71, "B1"), ("toefl_ibt", 42, "B1"),
    ("toefl_ibt", 41, None), ("toefl_ibt", 0, None),
    ("toefl_ibt", 121, None), ("toefl_ibt", 80.5, None), ("toefl_ibt", None, None),
    # Cambridge English at a passing grade: the exam's own level, with or without a score
    ("cambridge_b1_preliminary", None, "B1"),
    ("cambridge_b2_first", None, "B2"),
    ("cambridge_c1_advanced", None, "C1"),
    ("cambridge_c2_proficiency", None, "C2"),
    ("cambridge_b2_first", 185, "B2"),
    # Danish tests
    ("pd1", None, "A2"), ("pd2", None, "B1"), ("pd3", None, "B2"), ("studieproven", None, "C1"),
    # unknown tests
    ("duolingo", 120, None), ("IELTS", 7.0, None), (None, None, None), (7, None, None),
]


@pytest.mark.parametrize("test, score, level", TEST_LEVEL_CASES)
def test_cefr_from_test(test, score, level):
    assert cefr_from_test(test, score) == level


def test_every_listed_test_has_a_mapping():
    for test in (*ENGLISH_TESTS, *DANISH_TESTS):
        top_score = {"ielts": 9.0, "toefl_ibt": 120}.get(test)
        assert cefr_from_test(test, top_score) in CEFR_LEVELS, test


# Catchment -----------------------------------------------------------------------------------

CATCHMENT_CASES = [
    # (municipality_code, catchment, outcome, reason, params)
    ("101", {"101", "147"}, PASS, "inside_catchment", {"municipality": "101"}),
    ("147", {"101", "147"}, PASS, "inside_catchment", {"municipality": "147"}),
    ("851", {"101", "147"}, FAIL, "outside_catchment", {"municipality": "851"}),
    ("101", set(), UNKNOWN, "catchment_not_set", {"municipality": "101"}),
    (None, {"101"}, UNKNOWN, "municipality_missing", {}),
    ("", {"101"}, UNKNOWN, "municipality_missing", {}),
    ("1O1", {"101"}, UNKNOWN, "invalid_data", {"field": "municipality_code"}),
    ("0101", {"101"}, UNKNOWN, "invalid_data", {"field": "municipality_code"}),
    (101, {"101"}, UNKNOWN, "invalid_data", {"field": "municipality_code"}),
    ("101", {101}, PASS, "inside_catchment", {}),
]


@pytest.mark.parametrize("code, catchment, outcome, reason, params", CATCHMENT_CASES)
def test_lives_in_a_catchment_municipality(code, catchment, outcome, reason, params):
    rules = replace(RULESET, catchment=frozenset(catchment))
    facts = replace(ELIGIBLE, municipality_code=code)
    assert_result(check("catchment", facts, rules), outcome, reason, params)


def test_default_ruleset_builds_catchment_from_codes():
    assert RuleSet.default(["101", 147]).catchment == frozenset({"101", "147"})
    assert RuleSet.default("101").catchment == frozenset({"101"})
    assert RuleSet.default().catchment == frozenset()


# Age -----------------------------------------------------------------------------------------

AGE_CASES = [
    # (birth_year, outcome, reason) for a programme starting on 1 August 2026
    (1990, PASS, "old_enough"),
    (2007, PASS, "old_enough"),          # 18 or 19 on the start date
    (2008, UNKNOWN, "birthday_boundary"),  # 17 or 18: depends on the birthday
    (2009, FAIL, "under_min_age"),        # 16 or 17
    (2026, FAIL, "under_min_age"),
    (2007.0, PASS, "old_enough"),
    (1906, PASS, "old_enough"),
    (None, UNKNOWN, "birth_year_missing"),
    ("1990", UNKNOWN, "invalid_data"),
    (2027, UNKNOWN, "invalid_data"),
    (1905, UNKNOWN, "invalid_data"),
    (-5, UNKNOWN, "invalid_data"),
    (10**30, UNKNOWN, "invalid_data"),
    (1990.5, UNKNOWN, "invalid_data"),
    (math.nan, UNKNOWN, "invalid_data"),
    (True, UNKNOWN, "invalid_data"),
]


@pytest.mark.parametrize("birth_year, outcome, reason", AGE_CASES)
def test_age_from_birth_year(birth_year, outcome, reason):
    result = check("age", replace(ELIGIBLE, birth_year=birth_year))
    assert_result(result, outcome, reason, {"min_age": 18})


def test_age_uses_the_programme_start_date_not_today():
    facts = replace(ELIGIBLE, birth_year=2008)
    assert check("age", facts, on=date(2027, 1, 1)).outcome == PASS
    assert check("age", facts, on=date(2025, 12, 31)).outcome == FAIL


def test_age_without_a_start_date_is_unknown():
    assert_result(check("age", ELIGIBLE, on=None), UNKNOWN, "start_date_missing", {"min_age": 18})


# Verdict -------------------------------------------------------------------------------------

VERDICT_CASES = [
    ({}, Verdict.LIKELY_ELIGIBLE),
    ({"residence_basis": "9b"}, Verdict.LIKELY_NOT_ELIGIBLE),
    ({"municipality_code": "851"}, Verdict.LIKELY_NOT_ELIGIBLE),
    ({"birth_year": 2010}, Verdict.LIKELY_NOT_ELIGIBLE),
    ({"birth_year": 2010, "municipality_code": None}, Verdict.LIKELY_NOT_ELIGIBLE),
    ({"municipality_code": None}, Verdict.NEEDS_REVIEW),
    ({"birth_year": 2008}, Verdict.NEEDS_REVIEW),
    ({"danish_level": "A2", "english_level": "A2"}, Verdict.LIKELY_NOT_ELIGIBLE),
    ({"work_years": ("lots",), "education_levels": ("upper_secondary",)}, Verdict.NEEDS_REVIEW),
]


@pytest.mark.parametrize("changes, verdict", VERDICT_CASES)
def test_verdict_from_results(changes, verdict):
    assert evaluate(replace(ELIGIBLE, **changes), RULESET, START).verdict == verdict


def test_empty_facts_need_review():
    assessment = evaluate(Facts(), RuleSet.default(), START)
    assert assessment.verdict == Verdict.NEEDS_REVIEW
    assert all(r.outcome == UNKNOWN for r in assessment.results)


def test_failed_lists_the_failed_rules_in_order():
    facts = replace(ELIGIBLE, birth_year=2015, residence_basis="other", municipality_code=None)
    assert [r.rule for r in evaluate(facts, RULESET, START).failed()] == ["residence", "age"]


def test_an_assessment_missing_a_rule_is_never_likely_eligible():
    only_passes = Assessment(results=(RuleResult("age", PASS, "old_enough", {}),), ruleset_version=1)
    assert only_passes.verdict == Verdict.NEEDS_REVIEW
    assert Assessment(results=(), ruleset_version=1).verdict == Verdict.NEEDS_REVIEW


def test_ruleset_version_travels_with_the_assessment():
    assert evaluate(ELIGIBLE, replace(RULESET, version=7), START).ruleset_version == 7


# Storage -------------------------------------------------------------------------------------

@pytest.mark.parametrize("facts", [ELIGIBLE, Facts(), replace(ELIGIBLE, birth_year=2008, work_years=(1.5,),
                                                               education_levels=("upper_secondary",))])
def test_as_dict_round_trips_through_json(facts):
    assessment = evaluate(facts, RULESET, START)
    stored = json.loads(json.dumps(assessment.as_dict()))
    restored = Assessment.from_dict(stored)
    assert restored == assessment
    assert restored.verdict == assessment.verdict
    assert "verdict" not in stored  # derived, never stored beside the results


def test_from_dict_fills_rules_that_old_data_lacks():
    stored = evaluate(ELIGIBLE, RULESET, START).as_dict()
    stored["results"] = [r for r in stored["results"] if r["rule"] != "catchment"]
    restored = Assessment.from_dict(stored)
    assert [r.rule for r in restored.results] == list(RULES)
    assert_result(restored.results[RULES.index("catchment")], UNKNOWN, "not_evaluated", {})
    assert restored.verdict == Verdict.NEEDS_REVIEW


@pytest.mark.parametrize("garbage", [None, [], {}, {"ruleset_version": 1}, {"ruleset_version": "1", "results": []},
                                     {"ruleset_version": 1, "results": [{"rule": "age", "outcome": "maybe",
                                                                         "reason": "x"}]}])
def test_from_dict_refuses_what_as_dict_never_wrote(garbage):
    with pytest.raises(ValueError):
        Assessment.from_dict(garbage)


# Never raises --------------------------------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def codes_or(values):
    return st.one_of(st.sampled_from(values), junk)


entries_or_junk = st.one_of(
    st.tuples(), st.lists(junk, max_size=5).map(tuple), st.lists(junk, max_size=3), junk,
)

facts_strategy = st.builds(
    Facts,
    birth_year=st.one_of(st.integers(min_value=1900, max_value=2030), junk),
    residence_basis=codes_or(RESIDENCE_BASES),
    reunified_with_basis=codes_or(RESIDENCE_BASES),
    education_levels=st.one_of(st.lists(codes_or(list(ISCED_LEVELS)), max_size=4).map(tuple), entries_or_junk),
    work_years=st.one_of(
        st.lists(st.one_of(st.floats(min_value=0, max_value=50), st.integers(0, 50), junk), max_size=4).map(tuple),
        entries_or_junk,
    ),
    danish_level=codes_or(CEFR_LEVELS),
    danish_test=codes_or(list(DANISH_TESTS)),
    english_level=codes_or(CEFR_LEVELS),
    english_test=codes_or(ENGLISH_TESTS),
    english_test_score=st.one_of(st.floats(0, 120), st.integers(0, 130), junk),
    municipality_code=st.one_of(st.from_regex(r"[0-9]{3}", fullmatch=True), junk),
)

dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


def assert_well_formed(assessment):
    assert isinstance(assessment, Assessment)
    assert tuple(r.rule for r in assessment.results) == RULES
    assert all(r.reason in REASON_EXAMPLES for r in assessment.results), assessment  # each has a sentence
    assert all(isinstance(r.outcome, Outcome) for r in assessment.results)
    assert all(r.reason != "internal_error" for r in assessment.results), assessment
    assert isinstance(assessment.verdict, Verdict)
    stored = json.loads(json.dumps(assessment.as_dict(), allow_nan=False))
    assert Assessment.from_dict(stored) == assessment


@settings(max_examples=400, deadline=None)
@given(facts=facts_strategy, on=dates, catchment=st.sets(st.from_regex(r"[0-9]{3}", fullmatch=True), max_size=4))
def test_evaluate_never_raises_and_gives_one_result_per_rule(facts, on, catchment):
    assert_well_formed(evaluate(facts, RuleSet.default(catchment), on))


rulesets = st.builds(
    RuleSet,
    version=st.one_of(st.integers(0, 100), junk),
    min_cefr=codes_or(CEFR_LEVELS),
    min_isced=st.one_of(st.sampled_from(sorted(ISCED_LEVELS.values())), junk),
    min_work_years=st.one_of(st.floats(0, 10), junk),
    accepted_residence=st.one_of(st.frozensets(st.sampled_from(RESIDENCE_BASES)), junk),
    reunification_counts=st.one_of(st.booleans(), junk),
    min_age=st.one_of(st.integers(0, 30), junk),
    catchment=st.one_of(st.frozensets(st.from_regex(r"[0-9]{3}", fullmatch=True), max_size=3), junk),
)


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy, rules=rulesets, on=st.one_of(dates, junk))
def test_evaluate_survives_broken_rule_settings_too(facts, rules, on):
    assert_well_formed(evaluate(facts, rules, on))


def test_evaluate_survives_objects_that_are_not_facts_at_all():
    class Exploding:
        def __getattr__(self, name):
            raise RuntimeError(name)

    for facts in (None, "facts", Exploding()):
        assessment = evaluate(facts, RULESET, START)
        assert tuple(r.rule for r in assessment.results) == RULES
        assert assessment.verdict == Verdict.NEEDS_REVIEW
    assert {r.reason for r in evaluate(Exploding(), RULESET, START).results} == {"internal_error"}


# Sentences (templates/macros/eligibility.html) ------------------------------------------------

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# One result per reason code the module can give, with the params it gives.
REASON_EXAMPLES = {r.reason: r for r in [
    RuleResult("residence", PASS, "basis_accepted", {"basis": "7-1"}),
    RuleResult("residence", FAIL, "basis_not_accepted", {"basis": "9b"}),
    RuleResult("residence", PASS, "reunified_with_accepted", {"basis": "9", "reunified_with": "8"}),
    RuleResult("residence", FAIL, "reunified_with_not_accepted", {"basis": "9", "reunified_with": "other"}),
    RuleResult("residence", UNKNOWN, "reunified_with_missing", {"basis": "9"}),
    RuleResult("residence", UNKNOWN, "basis_missing", {}),
    RuleResult("qualification", PASS, "education_meets",
               {"min_isced": 5, "min_work_years": 2, "level": "master", "isced": 7}),
    RuleResult("qualification", PASS, "work_meets", {"min_isced": 5, "min_work_years": 2, "years": 2.5}),
    RuleResult("qualification", FAIL, "education_and_work_below",
               {"min_isced": 5, "min_work_years": 2, "level": "upper_secondary", "isced": 3, "years": 1.5}),
    RuleResult("qualification", UNKNOWN, "education_below_work_missing",
               {"min_isced": 5, "min_work_years": 2, "level": "upper_secondary", "isced": 3}),
    RuleResult("qualification", UNKNOWN, "work_below_education_missing",
               {"min_isced": 5, "min_work_years": 2, "years": 1}),
    RuleResult("qualification", UNKNOWN, "qualification_missing", {"min_isced": 5, "min_work_years": 2}),
    RuleResult("language", PASS, "language_meets",
               {"min_cefr": "B1", "language": "en", "level": "C1", "used": "test"}),
    RuleResult("language", FAIL, "language_below", {"min_cefr": "B1", "danish_level": "A2", "danish_used": "self",
                                                    "english_level": "A1", "english_used": "self"}),
    RuleResult("language", UNKNOWN, "language_below_other_missing",
               {"min_cefr": "B1", "language": "da", "level": "A2", "used": "self", "missing": "en"}),
    RuleResult("language", UNKNOWN, "language_missing", {"min_cefr": "B1"}),
    RuleResult("language", UNKNOWN, "test_score_missing", {"min_cefr": "B1", "language": "en", "test": "ielts"}),
    RuleResult("catchment", PASS, "inside_catchment", {"municipality": "101"}),
    RuleResult("catchment", FAIL, "outside_catchment", {"municipality": "851"}),
    RuleResult("catchment", UNKNOWN, "catchment_not_set", {"municipality": "101"}),
    RuleResult("catchment", UNKNOWN, "municipality_missing", {}),
    RuleResult("age", PASS, "old_enough", {"min_age": 18, "birth_year": 1990}),
    RuleResult("age", FAIL, "under_min_age", {"min_age": 18, "birth_year": 2010}),
    RuleResult("age", UNKNOWN, "birthday_boundary", {"min_age": 18, "birth_year": 2008}),
    RuleResult("age", UNKNOWN, "birth_year_missing", {"min_age": 18}),
    RuleResult("age", UNKNOWN, "start_date_missing", {"min_age": 18}),
    RuleResult("age", UNKNOWN, "invalid_data", {"field": "birth_year", "min_age": 18}),
    RuleResult("language", UNKNOWN, "invalid_rule_setting", {"setting": "min_cefr"}),
    RuleResult("catchment", UNKNOWN, "not_evaluated", {}),
    RuleResult("age", UNKNOWN, "internal_error", {}),
]}


@pytest.fixture
def render():
    """Render a snippet that imports the eligibility macros, in a bare Flask app with Flask-Babel."""
    from flask import Flask, render_template_string
    from flask_babel import Babel

    def render(source, locale="en", **context):
        app = Flask(__name__, template_folder=str(TEMPLATES))
        app.config["BABEL_DEFAULT_LOCALE"] = locale
        Babel(app)
        header = '{% from "macros/eligibility.html" import rule_name, reason_text, applicant_note, ' \
                 'verdict_badge, results_table with context %}'
        with app.test_request_context():
            return render_template_string(header + source, **context).strip()
    return render


def test_every_reason_code_has_its_own_sentence():
    template = (TEMPLATES / "macros" / "eligibility.html").read_text()
    missing = [code for code in REASON_EXAMPLES if f'reason == "{code}"' not in template]
    assert missing == []


@pytest.mark.parametrize("result", REASON_EXAMPLES.values(), ids=list(REASON_EXAMPLES))
def test_reason_text_reads_as_a_sentence(render, result):
    text = render("{{ reason_text(r) }}", r=result)
    assert text.endswith("."), text
    assert "no explanation" not in text and "%(" not in text and "None" not in text, text


@pytest.mark.parametrize("result, expected", [
    (REASON_EXAMPLES["language_meets"], "English at C1 from a passed test. This meets the minimum of B1."),
    (RuleResult("language", PASS, "language_meets", {"min_cefr": "B1", "language": "da", "level": "B2",
                                                      "used": "self"}),
     "Danish at B2, by their own assessment. This meets the minimum of B1."),
    (REASON_EXAMPLES["reunified_with_accepted"],
     "Family reunification (§ 9) with a person whose residence basis the programme accepts: § 8 quota refugee."),
    (REASON_EXAMPLES["work_below_education_missing"], "Work experience adds up to 1 year, below"),
    (REASON_EXAMPLES["work_meets"], "Work experience adds up to 2.5 years."),
    (REASON_EXAMPLES["birthday_boundary"], "Born in 2008, so 18 or one year younger"),
    (RuleResult("age", UNKNOWN, "some_new_code", {}), "There is no explanation for this result yet (code: some_new_code)."),
])
def test_reason_text_uses_the_params(render, result, expected):
    assert expected in render("{{ reason_text(r) }}", r=result)


def test_municipality_is_named_when_the_app_provides_names(render):
    result = REASON_EXAMPLES["inside_catchment"]
    assert "Lives in København," in render("{{ reason_text(r) }}", r=result,
                                            municipality_name={"101": "København"}.get)
    assert "Lives in 101," in render("{{ reason_text(r) }}", r=result)


def test_numbers_follow_the_reader_locale(render):
    result = REASON_EXAMPLES["education_and_work_below"]
    assert "and 1.5 years of work" in render("{{ reason_text(r) }}", r=result)
    assert "and 1,5 years of work" in render("{{ reason_text(r) }}", locale="da", r=result)  # no catalogue here


@pytest.mark.parametrize("rule", RULES)
def test_applicant_note_is_kind_and_only_for_failed_rules(render, rule):
    failed = [r for r in REASON_EXAMPLES.values() if r.rule == rule and r.outcome == FAIL][0]
    note = render("{{ applicant_note(r) }}", r=failed)
    assert note.endswith("You can still apply: a person reads every application."), note
    assert "%(" not in note
    passed = [r for r in REASON_EXAMPLES.values() if r.rule == rule and r.outcome == PASS][0]
    assert render("{{ applicant_note(r) }}", r=passed) == ""


@pytest.mark.parametrize("verdict, css, text", [
    (Verdict.LIKELY_ELIGIBLE, "badge badge-success", "Likely eligible"),
    (Verdict.LIKELY_NOT_ELIGIBLE, "badge badge-error", "Likely not eligible"),
    (Verdict.NEEDS_REVIEW, "badge badge-warning", "Needs review"),
])
def test_verdict_badge(render, verdict, css, text):
    assert render("{{ verdict_badge(v) }}", v=verdict) == f'<span class="{css}">{text}</span>'


def test_results_table_has_one_row_per_rule_and_reads_stored_dicts_alike(render):
    assessment = evaluate(replace(ELIGIBLE, birth_year=2008), RULESET, START)
    html = render("{{ results_table(a) }}", a=assessment)
    assert html.startswith('<table class="table') and "<caption>" in html
    assert re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', html) == [
        "Residence basis", "Education or work experience", "Danish or English",
        "Lives near a programme site", "Age"]
    assert "badge-warning" in html and "Born in 2008" in html
    assert render("{{ results_table(a) }}", a=assessment.as_dict()) == html


# Issue 19, promise 7: "I do not speak it" is an answer; the catchment names the sites -------------

@pytest.mark.parametrize("danish, english, outcome, reason", [
    ("none", "A2", FAIL, "language_below"),             # today's answer, not "gives no Danish level"
    ("A2", "none", FAIL, "language_below"),
    ("none", "none", FAIL, "language_below"),
    ("none", "B2", PASS, "language_meets"),
    ("B1", "none", PASS, "language_meets"),
])
def test_i_do_not_speak_it_is_a_level_below_a1(danish, english, outcome, reason):
    result = check("language", replace(ELIGIBLE, danish_level=danish, english_level=english))
    assert (result.outcome, result.reason) == (outcome, reason), result
    if reason == "language_below":
        assert (result.params["danish_level"], result.params["english_level"]) == (danish, english)


def test_i_do_not_speak_it_never_meets_a_minimum_even_a_wrongly_low_one():
    rules = replace(RULESET, min_cefr="A1")
    assert check("language", replace(ELIGIBLE, danish_level="none", english_level="none"), rules).outcome == FAIL


SITES = (("Copenhagen office", frozenset({"101", "147"})), ("Aarhus office", frozenset({"751"})))


@pytest.mark.parametrize("code, outcome, sites", [
    ("147", PASS, ["Copenhagen office"]),
    ("751", PASS, ["Aarhus office"]),
    ("461", FAIL, ["Copenhagen office", "Aarhus office"]),
])
def test_the_catchment_reason_names_the_sites(code, outcome, sites):
    rules = replace(RULESET, catchment=frozenset({"101", "147", "751"}), sites=SITES)
    result = check("catchment", replace(ELIGIBLE, municipality_code=code), rules)
    assert result.outcome == outcome
    assert result.params == {"municipality": code, "sites": sites}
    assert json.loads(json.dumps(result.as_dict()))["params"]["sites"] == sites       # stored as it is


@pytest.mark.parametrize("sites", [None, "Copenhagen", (("Copenhagen office",),), ((1, {"101"}),)])
def test_malformed_sites_only_leave_the_names_out(sites):
    rules = replace(RULESET, sites=sites)
    result = check("catchment", ELIGIBLE, rules)
    assert (result.outcome, result.params) == (PASS, {"municipality": "101"})
