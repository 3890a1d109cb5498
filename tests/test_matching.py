"""The matching suggestion: optimal over the whole cohort, never across a catchment, within capacity."""
import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.matching import (FIELD, LANGUAGE, LEADERSHIP, NEAR, Mentee, Mentor, Reason, aims_for_leadership, fit,
                             score_matrix, suggest, terms, total)

CPH = frozenset({"101", "147"})
AAR = frozenset({"751"})


def mentee(i, home="101", text="", languages=(), lead=False):
    return Mentee(i, home, terms(text), frozenset(languages), lead)


def mentor(i, catchment=CPH, fields=(), languages=(), leadership=False, capacity=1):
    return Mentor(i, catchment, tuple(fields), frozenset(languages), leadership, capacity)


def test_fit_adds_up_fields_language_and_leadership_with_reasons():
    me = mentee(1, text="Computer science, software developer", languages={"en", "arabic"}, lead=True)
    mr = mentor(9, fields=("Software development", "IT", "Computer science"), languages={"da", "en"},
                leadership=True)
    result = fit(me, mr)
    assert result.score == NEAR + FIELD * 2 + LANGUAGE + LEADERSHIP       # fields are counted up to two
    assert dict(result.reasons)[Reason.FIELDS] == ("Software development", "Computer science")
    assert dict(result.reasons)[Reason.LANGUAGE] == ("en",)
    assert result.has(Reason.LEADERSHIP) and result.has(Reason.NEAR_SITE)


def test_living_outside_the_sites_catchment_rules_a_pair_out():
    assert fit(mentee(1, home="751", text="IT"), mentor(9, fields=("IT",))) is None
    assert fit(mentee(1, home=None), mentor(9)) is None
    assert suggest([mentee(1, home="751", text="IT")], [mentor(9, fields=("IT",))]) == []


def test_the_suggestion_is_optimal_where_greedy_is_not():
    # First-come greedy lets A take X (6, tied best), leaving B with Y (1): 7. The optimum is A-Y + B-X = 12.
    a = mentee(1, text="Accounting IT", languages={"en"})
    b = mentee(2, text="Accounting", languages={"da"})
    x = mentor(10, fields=("Accounting",), languages={"en", "da"})
    y = mentor(11, fields=("IT",), languages={"en"})
    pairs = {(s.mentee_id, s.mentor_id) for s in suggest([a, b], [x, y])}
    assert pairs == {(1, 11), (2, 10)}
    assert total(suggest([a, b], [x, y])) == 12


def test_catchment_decides_even_against_a_better_field_fit():
    near = mentee(1, home="101", text="IT")
    far = mentee(2, home="751", text="IT")
    cph, aar = mentor(10, CPH, fields=("Nursing",)), mentor(11, AAR, fields=("IT",))
    pairs = {(s.mentee_id, s.mentor_id) for s in suggest([near, far], [cph, aar])}
    assert pairs == {(1, 10), (2, 11)}


def test_a_mentor_with_capacity_two_takes_two_mentees_and_no_more():
    mentees = [mentee(i, text="IT") for i in (1, 2, 3)]
    pairs = suggest(mentees, [mentor(10, fields=("IT",), capacity=2)])
    assert len(pairs) == 2 and {p.mentor_id for p in pairs} == {10}


def test_the_programme_capacity_caps_the_pairs_and_keeps_the_best():
    mentees = [mentee(1, text="Nursing"), mentee(2, text="IT", languages={"en"}), mentee(3, text="Law")]
    mentors = [mentor(10, fields=("IT",), languages={"en"}, capacity=2), mentor(11, fields=("Law",))]
    pairs = suggest(mentees, mentors, limit=1)
    assert [(p.mentee_id, p.mentor_id) for p in pairs] == [(2, 10)]
    assert suggest(mentees, mentors, limit=0) == []


def test_a_rejected_pair_is_not_suggested_again():
    pairs = suggest([mentee(1, text="IT")], [mentor(10, fields=("IT",)), mentor(11)], exclude=frozenset({(1, 10)}))
    assert [(p.mentee_id, p.mentor_id) for p in pairs] == [(1, 11)]


def test_leadership_aim_comes_from_goals_or_wished_fields():
    assert aims_for_leadership(["self_employment"], "")
    assert aims_for_leadership(["job"], "Project management")
    assert not aims_for_leadership(["job"], "Nursing")


def _brute_force(mentees, mentors, limit=None):
    slots = [m for m in mentors for _ in range(m.capacity)]
    best = 0
    for size in range(0, min(len(mentees), len(slots), limit if limit is not None else 99) + 1):
        for chosen in itertools.permutations(range(len(slots)), size):
            for rows in itertools.combinations(range(len(mentees)), size):
                fits = [fit(mentees[r], slots[c]) for r, c in zip(rows, chosen)]
                if all(fits):
                    best = max(best, sum(f.score for f in fits))
    return best


WORDS = ["IT", "Accounting", "Nursing", "Law", "Sales", "Engineering"]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_the_suggestion_matches_brute_force_on_small_cohorts(seed):
    rng = random.Random(seed)
    mentees = [mentee(i, home=rng.choice(["101", "751", "999"]), text=" ".join(rng.sample(WORDS, 2)),
                      languages={rng.choice(["da", "en"])}, lead=rng.random() < 0.4) for i in range(rng.randint(1, 4))]
    mentors = [mentor(10 + j, rng.choice([CPH, AAR]), fields=rng.sample(WORDS, 2), languages={rng.choice(["da", "en"])},
                      leadership=rng.random() < 0.5, capacity=rng.choice([1, 2])) for j in range(rng.randint(1, 3))]
    limit = rng.choice([None, 1, 2])
    result = suggest(mentees, mentors, limit=limit)
    assert total(result) == _brute_force(mentees, mentors, limit)
    assert limit is None or len(result) <= limit
    for m in mentors:
        assert sum(1 for s in result if s.mentor_id == m.id) <= m.capacity


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_the_vectorised_scores_equal_the_one_pair_fit(seed):
    rng = random.Random(seed)
    mentees = [mentee(i, home=rng.choice(["101", "751", None]), text=" ".join(rng.sample(WORDS, rng.randint(0, 3))),
                      languages=set(rng.sample(["da", "en", "arabic"], rng.randint(0, 2))), lead=rng.random() < 0.5)
               for i in range(5)]
    mentors = [mentor(10 + j, rng.choice([CPH, AAR]), fields=rng.sample(WORDS, rng.randint(0, 3)),
                      languages=set(rng.sample(["da", "en", "arabic"], rng.randint(0, 2))),
                      leadership=rng.random() < 0.5) for j in range(4)]
    scores = score_matrix(mentees, mentors)
    for i, me in enumerate(mentees):
        for j, mr in enumerate(mentors):
            f = fit(me, mr)
            assert scores[i, j] == (f.score if f else -1)
