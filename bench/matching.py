"""Time the matching suggestion for a large cohort: 2,000 mentees x 2,000 mentors (target: under 5 s).

    .venv/bin/python bench/matching.py [--mentees 2000] [--mentors 2000] [--repeat 3]

Profiles are synthetic but shaped like the real ones: mentees in a handful of catchment municipalities
(some outside every catchment), one to four field terms from a realistic list, Danish/English and one
other language; mentors with capacity 1 or 2, two or three fields, leadership in about half. It times
portal.matching.suggest, the whole computation behind /programmes/<id>/matching (scores, reasons,
optimal assignment) without the database; then a 200 x 200 cohort capped at 25 pairs.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.matching import Mentee, Mentor, language_key, suggest, terms, total  # noqa: E402

FIELDS = ["Civil engineering", "Accounting", "Computer science", "Software development", "Medicine", "Nursing",
          "Pharmacy", "Business administration", "Sales", "Law", "Teaching", "Architecture", "IT",
          "Electrical engineering", "Agriculture", "Journalism", "Economics", "Finance", "Mechanics",
          "Manufacturing", "Food", "Butchery", "Logistics", "Marketing", "Human resources", "Energy"]
SITES = [["101", "147", "151", "157", "159", "163", "167", "175", "185"],
         ["751", "706", "710", "727", "730", "740", "746"], ["461", "479", "480"], ["851", "813", "820"]]
OTHERS = ["arabic", "dari", "tigrinya", "ukrainian", "somali", "persian", "kurdish", "french", "amharic"]


def cohort(mentee_count: int, mentor_count: int, seed: int = 7):
    rng = random.Random(seed)
    everywhere = [code for site in SITES for code in site] + ["430", "550", "607"]   # the last: no site near
    mentees = []
    for i in range(mentee_count):
        text = " ".join(rng.sample(FIELDS, rng.randint(1, 4)))
        languages = {language_key(rng.choice(["da", "en", "en"])), rng.choice(OTHERS)}
        mentees.append(Mentee(i + 1, rng.choice(everywhere), terms(text), frozenset(languages),
                              rng.random() < 0.3))
    mentors = []
    for j in range(mentor_count):
        mentors.append(Mentor(10_000 + j, frozenset(rng.choice(SITES)), tuple(rng.sample(FIELDS, rng.randint(2, 3))),
                              frozenset({"da", "en"} | ({rng.choice(OTHERS)} if rng.random() < 0.2 else set())),
                              rng.random() < 0.5, rng.choice([1, 1, 1, 2])))
    return mentees, mentors


def timed(mentees, mentors, limit, repeat):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = suggest(mentees, mentors, limit=limit)
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    mentees, mentors = cohort(args.mentees, args.mentors)
    slots = sum(m.capacity for m in mentors)
    print(f"{args.mentees} mentees x {args.mentors} mentors ({slots} places)")
    median, worst, result = timed(mentees, mentors, None, args.repeat)
    print(f"suggestion, no programme cap: median {median:.2f} s, worst {worst:.2f} s "
          f"({len(result)} pairs, total fit {total(result)})")
    # A programme's capacity (25) caps the pairs; that solves a larger square problem, so it is
    # timed at a realistic size (a cohort's approved applicants and the mentors at its sites).
    mentees, mentors = cohort(200, 200)
    median, worst, result = timed(mentees, mentors, 25, args.repeat)
    print(f"200 x 200 with programme capacity 25: median {median:.2f} s, worst {worst:.2f} s "
          f"({len(result)} pairs, total fit {total(result)})")


if __name__ == "__main__":
    main()
