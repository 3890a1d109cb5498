"""The programme's result: funnel, outcomes, the headline ("18 of 25") and its breakdowns, and its CSV."""
from collections import Counter
from dataclasses import dataclass
from datetime import date

from peewee import fn

from .. import spreadsheet
from ..models import OUTCOMES, Application, Company, Municipality, Programme, Site
from . import cohort_figures, follow_up
from .cohorts import end_date, state
from .course import pair_rows


@dataclass
class Report:
    programme: Programme
    end_date: date
    funnel: list                  # [(stage code, count)]
    outcomes: list                # [(outcome code, count)]
    positive: int
    mentees: int
    later: int                    # positive, but reached after the six months
    meetings_per_pair: float
    by_municipality: list         # [(name, mentees, positive, meetings per pair)]
    pairs: list                   # PairRow
    state: str = "ended"          # planned, running or ended on the day asked: the headline's tense
    from_follow_up: int = 0       # mentees whose outcome the six-month follow-up proposed (an answer given)
    follow_up_confirmed: int = 0  # of those, confirmed by staff (recorded as the outcome)
    by_company: list = None       # [(company name or None when not known, mentees, positive, meetings per pair)]


def report(programme: Programme, today: date) -> Report:
    """The programme's result: funnel, outcomes, the headline and the breakdown by municipality.

    Counted from the applications still in the database plus the figures kept for those deleted since
    (erasure, retention purge): a past cohort reads the same after its people are gone."""
    rows = pair_rows(programme, today)
    end = end_date(programme)
    by_code = cohort_figures.kept(programme)
    kept = sum(by_code.values(), Counter())
    answered, confirmed = follow_up.counts(programme)
    # Counted by the database per (municipality, status, verdict): a cohort may have tens of thousands of
    # applications, and one Counter each took over a second (bench/RESULTS.md, the programme report).
    sent = (Application.select(Application.municipality, Application.status, Application.verdict,
                               fn.COUNT(Application.id))
            .where((Application.programme == programme) & Application.submitted_at.is_null(False))
            .group_by(Application.municipality, Application.status, Application.verdict).tuples())
    for code, status, verdict, count in sent:
        part = cohort_figures.funnel_part(status, verdict)
        by_code[code or ""] = by_code.get(code or "", Counter()) + Counter({k: v * count for k, v in part.items()})
    for row in rows:
        code = row.pair.application.municipality_id or ""
        by_code[code] = by_code.get(code, Counter()) + cohort_figures.pair_part(
            row.meetings, row.outcome.kind if row.outcome else None,
            row.outcome.reached_on if row.outcome else None, end)
    total = sum(by_code.values(), Counter())
    funnel = [(stage, total[stage]) for stage in ("applied", "likely_eligible", "approved", "matched", "completed")]
    names = dict(Municipality.select(Municipality.code, Municipality.name).tuples())
    groups = {}
    for code, counts in by_code.items():
        if counts["mentees"]:
            group = groups.setdefault(names.get(code, "–"), Counter())
            group.update(counts)
    by_municipality = [(name, g["mentees"], g["positive"], g["meetings"] / g["mentees"])
                       for name, g in sorted(groups.items())]
    return Report(programme, end, funnel, [(kind, total[f"outcome_{kind}"]) for kind in OUTCOMES], total["positive"],
                  total["mentees"], total["later"], total["meetings"] / total["mentees"] if total["mentees"] else 0.0,
                  by_municipality, rows, state(programme, today), answered + kept["follow_up_answered"],
                  confirmed + kept["follow_up_confirmed"],
                  _by_company(rows, total, end))


def _by_company(rows, total: Counter, end: date) -> list:
    """The pairs by the company of the site where they meet (a cohort may hold several companies' sites). Pairs
    whose people were deleted are kept as anonymous counts per municipality only: they are "not known" here."""
    companies = dict(Site.select(Site.id, Company.name).join(Company)
                     .where(Site.id.in_({row.pair.site_id for row in rows if row.pair.site_id})).tuples())
    groups = {}
    for row in rows:
        name = companies.get(row.pair.site_id)
        groups[name] = groups.get(name, Counter()) + cohort_figures.pair_part(
            row.meetings, row.outcome.kind if row.outcome else None,
            row.outcome.reached_on if row.outcome else None, end)
    known = sum(groups.values(), Counter())
    rest = Counter({key: total[key] - known[key] for key in ("mentees", "positive", "meetings")})
    if rest["mentees"] > 0:
        groups[None] = groups.get(None, Counter()) + rest
    return [(name, g["mentees"], g["positive"], g["meetings"] / g["mentees"])
            for name, g in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))
            if g["mentees"]]


def report_csv(report: Report, labels: dict) -> str:
    """One row per mentee: municipality, mentor, meetings, milestones, outcome (labels in the reader's
    language); the whole file, in the same form as the review export (portal/spreadsheet.py)."""
    names = dict(Municipality.select(Municipality.code, Municipality.name).tuples())
    header = [labels["mentee"], labels["municipality"], labels["mentor"], labels["meetings"],
              labels["milestones"], labels["outcome"], labels["reached_on"]]
    rows = ([row.pair.application.full_name, names.get(row.pair.application.municipality_id, ""),
             row.pair.mentor.name, row.meetings,
             ", ".join(labels["milestone:" + m.kind] for m in row.milestones),
             labels["outcome:" + row.outcome.kind] if row.outcome else "",
             row.outcome.reached_on.isoformat() if row.outcome and row.outcome.reached_on else ""]
            for row in report.pairs)
    return spreadsheet.table(header, rows)
