"""Mentor matching (the issue "Mentors, matching..."): pure, no Flask, no peewee.

The portal only *suggests*: a person accepts, changes or rejects every pair. The suggestion is an
optimal assignment over the whole cohort (it maximises the summed fit), never first-come greedy.

Fit of one mentee with one mentor:
- the mentee lives in a catchment municipality of the mentor's site: required (else no pair);
  it gives NEAR points, so that every possible pair is worth more than no pair;
- each mentor field that matches the mentee's education, work or wished fields: FIELD points,
  counted for at most MAX_FIELDS fields;
- a language both can hold a meeting in: LANGUAGE points;
- the mentor has leadership experience and the mentee aims for it: LEADERSHIP points.
A mentor with capacity c is c columns ("slots") of the assignment, so they can get c mentees.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy.optimize import linear_sum_assignment

NEAR, FIELD, MAX_FIELDS, LANGUAGE, LEADERSHIP = 1, 3, 2, 2, 2

# Words that say nothing about a field, in the two languages people write in.
_STOPWORDS = frozenset("""and or of the in for with a an to at on og eller af i for med en et til på
    other others andet anden general generel""".split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Wished fields or roles that say the mentee aims for leadership (Danish and English stems).
_LEADERSHIP_WORDS = ("lead", "manag", "leder", "ledel", "chef", "direct", "direkt", "head")
SPOKEN_LEVELS = ("B1", "B2", "C1", "C2")      # enough to hold a mentor meeting in the language


class Reason(StrEnum):
    NEAR_SITE = "near_site"
    FIELDS = "fields"
    LANGUAGE = "language"
    LEADERSHIP = "leadership"


def terms(text: str | None) -> frozenset[str]:
    """Comparable stems of a free-text field: lower case, no stop words, long words cut to 5 letters
    (so "developer" meets "development" and "engineer" meets "engineering")."""
    words = (w for w in _WORD.findall((text or "").lower()) if w not in _STOPWORDS and len(w) >= 2)
    return frozenset(w[:5] if len(w) > 5 else w for w in words)


def language_key(name: str) -> str:
    """One spelling per language: 'Dansk', 'danish' and 'da' are the same language."""
    key = name.strip().lower()
    return {"dansk": "da", "danish": "da", "engelsk": "en", "english": "en"}.get(key, key)


def aims_for_leadership(goals: list[str], wished: str | None) -> bool:
    """Self-employment means running a business; a wish that names leading or managing counts too."""
    text = (wished or "").lower()
    return "self_employment" in (goals or []) or any(stem in text for stem in _LEADERSHIP_WORDS)


@dataclass(frozen=True)
class Mentee:
    id: int
    municipality: str | None
    terms: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()     # language keys, see language_key()
    wants_leadership: bool = False


@dataclass(frozen=True)
class Mentor:
    id: int
    catchment: frozenset[str]                  # municipality codes of the mentor's site
    fields: tuple[str, ...] = ()               # as the mentor wrote them; shown in reasons
    languages: frozenset[str] = frozenset()
    leadership: bool = False
    capacity: int = 1                          # free places now

    @property
    def field_terms(self) -> tuple[frozenset[str], ...]:
        return tuple(terms(f) for f in self.fields)


def points(reason: Reason, params: tuple = ()) -> int:
    """What one reason adds to the fit: the one place the weights are applied (fit() sums these; the matching
    page shows them beside the number, so the words and the number cannot differ)."""
    if reason == Reason.NEAR_SITE:
        return NEAR
    if reason == Reason.FIELDS:
        return FIELD * min(len(params), MAX_FIELDS)
    if reason == Reason.LANGUAGE:
        return LANGUAGE
    if reason == Reason.LEADERSHIP:
        return LEADERSHIP
    raise ValueError(reason)


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: tuple[tuple[Reason, tuple[str, ...]], ...] = field(default_factory=tuple)

    def has(self, reason: Reason) -> bool:
        return any(r == reason for r, _ in self.reasons)

    @property
    def explained(self) -> tuple[tuple[Reason, tuple[str, ...], int], ...]:
        """Each reason with the points it adds; they sum to `score`."""
        return tuple((reason, params, points(reason, params)) for reason, params in self.reasons)


@dataclass(frozen=True)
class Suggestion:
    mentee_id: int
    mentor_id: int
    fit: Fit


def fit(mentee: Mentee, mentor: Mentor) -> Fit | None:
    """How well one pair fits, with the reasons; None when the mentee lives outside the site's catchment."""
    if mentee.municipality is None or mentee.municipality not in mentor.catchment:
        return None
    reasons = [(Reason.NEAR_SITE, ())]
    shared = tuple(label for label, stems in zip(mentor.fields, mentor.field_terms) if stems & mentee.terms)
    if shared:
        reasons.append((Reason.FIELDS, shared))
    languages = mentee.languages & mentor.languages
    if languages:
        reasons.append((Reason.LANGUAGE, tuple(sorted(languages))))
    if mentee.wants_leadership and mentor.leadership:
        reasons.append((Reason.LEADERSHIP, ()))
    return Fit(sum(points(reason, params) for reason, params in reasons), tuple(reasons))


def _indicator(sets, vocabulary: dict) -> np.ndarray:
    matrix = np.zeros((len(sets), max(len(vocabulary), 1)), dtype=np.float32)
    for row, items in enumerate(sets):
        for item in items:
            matrix[row, vocabulary[item]] = 1.0
    return matrix


def score_matrix(mentees: list[Mentee], mentors: list[Mentor]) -> np.ndarray:
    """fit(mentee, mentor).score for every pair at once (vectorised); -1 where no pair is possible."""
    n, m = len(mentees), len(mentors)
    if not n or not m:
        return np.full((n, m), -1, dtype=np.int32)
    # Catchment: one column per municipality.
    places = {code: i for i, code in enumerate(sorted({c for mr in mentors for c in mr.catchment}))}
    near_site = _indicator([mr.catchment for mr in mentors], places)                       # m x P
    home = np.zeros((n, near_site.shape[1]), dtype=np.float32)
    for row, me in enumerate(mentees):
        if me.municipality in places:
            home[row, places[me.municipality]] = 1.0
    feasible = (home @ near_site.T) > 0                                                    # n x m
    # Fields: each mentor field is a column; a field matches when a stem is shared; then sum per mentor.
    field_sets = [stems for mr in mentors for stems in mr.field_terms]
    vocabulary = {t: i for i, t in enumerate(sorted({t for s in field_sets for t in s}))}
    if field_sets and vocabulary:
        mentee_terms = _indicator([{t for t in me.terms if t in vocabulary} for me in mentees], vocabulary)
        matched = (mentee_terms @ _indicator(field_sets, vocabulary).T) > 0                # n x F
        # Fields are in mentor order: a running count, read at each mentor's first and last field.
        running = np.zeros((n, len(field_sets) + 1), dtype=np.int32)
        np.cumsum(matched, axis=1, out=running[:, 1:])
        ends = np.cumsum([len(mr.fields) for mr in mentors])
        per_mentor = running[:, ends] - running[:, ends - np.array([len(mr.fields) for mr in mentors])]
        field_points = FIELD * np.minimum(per_mentor, MAX_FIELDS)
    else:
        field_points = np.zeros((n, m), dtype=np.int32)
    # Languages.
    spoken = {k: i for i, k in enumerate(sorted({k for p in (*mentees, *mentors) for k in p.languages}))}
    shared = (_indicator([me.languages for me in mentees], spoken)
              @ _indicator([mr.languages for mr in mentors], spoken).T) > 0
    wants = np.array([me.wants_leadership for me in mentees], dtype=bool)
    leads = np.array([mr.leadership for mr in mentors], dtype=bool)
    scores = (NEAR + field_points + LANGUAGE * shared + LEADERSHIP * np.outer(wants, leads)).astype(np.int32)
    return np.where(feasible, scores, -1)


def suggest(mentees: list[Mentee], mentors: list[Mentor], limit: int | None = None,
            exclude: frozenset = frozenset()) -> list[Suggestion]:
    """The pairing with the largest total fit; each mentor takes at most `capacity` mentees, and at
    most `limit` pairs are made (the programme's free places). Mentees nobody fits stay unpaired;
    `exclude` holds (mentee id, mentor id) pairs a person has rejected."""
    slots = [j for j, mr in enumerate(mentors) for _ in range(max(mr.capacity, 0))]
    if not mentees or not slots or (limit is not None and limit <= 0):
        return []
    scores = score_matrix(mentees, mentors)
    if exclude:
        row_of = {me.id: i for i, me in enumerate(mentees)}
        col_of = {mr.id: j for j, mr in enumerate(mentors)}
        for mentee_id, mentor_id in exclude:
            if mentee_id in row_of and mentor_id in col_of:
                scores[row_of[mentee_id], col_of[mentor_id]] = -1
    # Impossible pairs weigh 0, like no pair at all, so the optimum never prefers one.
    weights = np.maximum(scores[:, slots], 0).astype(np.float64)                           # n x s
    row_ids, col_ids = np.arange(weights.shape[0]), np.arange(weights.shape[1])
    if limit is not None and limit < min(weights.shape):
        row_ids, col_ids = _shortlist(weights, limit)
        weights = weights[np.ix_(row_ids, col_ids)]
    n, s = weights.shape
    problem = _capped(weights, limit) if limit is not None and limit < min(n, s) else weights
    result = []
    for row, col in zip(*linear_sum_assignment(problem, maximize=True)):
        if row < n and col < s and weights[row, col] > 0:
            mentee, mentor = mentees[row_ids[row]], mentors[slots[col_ids[col]]]
            result.append(Suggestion(mentee.id, mentor.id, fit(mentee, mentor)))
    return sorted(result, key=lambda x: (x.mentee_id, x.mentor_id))


def _shortlist(weights: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows and slots an optimal pairing of at most `limit` pairs can be found among.

    Exchange argument: if a mentee's pair is not among its `limit` best slots, one of those is free
    (the other pairs use at most limit-1 slots) and at least as good, so swap. The same then holds
    for each slot's `limit` best mentees among those edges. Ties go to the lower index, which keeps
    the shortlist small when many pairs fit equally well."""
    n, s = weights.shape
    best_slots = np.argsort(-weights, axis=1, kind="stable")[:, :min(limit, s)]
    keep = np.zeros(weights.shape, dtype=bool)
    np.put_along_axis(keep, best_slots, True, axis=1)
    keep &= weights > 0
    best_rows = np.argsort(-np.where(keep, weights, 0), axis=0, kind="stable")[:min(limit, n), :]
    kept = np.zeros(weights.shape, dtype=bool)
    np.put_along_axis(kept, best_rows, True, axis=0)
    kept &= keep
    return np.flatnonzero(kept.any(axis=1)), np.flatnonzero(kept.any(axis=0))


def _capped(weights: np.ndarray, limit: int) -> np.ndarray:
    """A square problem whose optimum uses at most `limit` slots: blocker rows take all but `limit`
    slots, and skip columns take the mentees left over (both at weight 0)."""
    n, s = weights.shape
    blockers, skips = s - limit, n - limit
    square = np.full((n + blockers, s + skips), -1e9)
    square[:n, :s] = weights
    square[:n, s:] = 0.0
    square[n:, :s] = 0.0
    return square


def total(suggestions: list[Suggestion]) -> int:
    return sum(x.fit.score for x in suggestions)
