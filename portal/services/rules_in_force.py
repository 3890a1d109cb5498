"""A programme's current eligibility rule set, built from its stored version and its sites' catchment."""
from dataclasses import replace
from datetime import date

from .. import eligibility
from ..models import ProgrammeSite, RuleSetVersion, Site, SiteCatchment


def catchment_of(programme) -> frozenset:
    query = (SiteCatchment.select(SiteCatchment.municipality)
             .join(ProgrammeSite, on=(ProgrammeSite.site == SiteCatchment.site))
             .where(ProgrammeSite.programme == programme))
    return frozenset(row.municipality_id for row in query)


def sites_of(programme) -> tuple:
    """The programme's sites by name, each with its catchment's municipality codes, for the reasons' words."""
    sites = {row.id: (row.name, set()) for row in
             Site.select(Site.id, Site.name).join(ProgrammeSite, on=(ProgrammeSite.site == Site.id))
             .where(ProgrammeSite.programme == programme).order_by(Site.name, Site.id)}
    for row in SiteCatchment.select().where(SiteCatchment.site.in_(list(sites))):
        sites[row.site_id][1].add(row.municipality_id)
    return tuple((name, frozenset(codes)) for name, codes in sites.values())


def current_version(programme) -> RuleSetVersion | None:
    return (RuleSetVersion.select().where(RuleSetVersion.programme == programme)
            .order_by(RuleSetVersion.version.desc()).first())


def ruleset_for(programme) -> eligibility.RuleSet:
    """The rule set new assessments of this programme use (DESIGN §4 defaults when none is stored).

    The defaults carry version 0, as nothing was saved: the first version an admin saves is 1."""
    if programme is None:
        return replace(eligibility.RuleSet.default(), version=0)
    stored = current_version(programme)
    catchment = catchment_of(programme)
    sites = sites_of(programme)
    if stored is None:
        return replace(eligibility.RuleSet.default(catchment), version=0, sites=sites)
    rules = dict(stored.rules)
    rules["accepted_residence"] = frozenset(rules.get("accepted_residence", ()))
    known = {name for name in eligibility.RuleSet.__dataclass_fields__} - {"version", "catchment", "sites"}
    return eligibility.RuleSet(version=stored.version, catchment=catchment, sites=sites,
                               **{k: v for k, v in rules.items() if k in known})


def assessment_date(programme) -> date:
    return programme.start_date if programme is not None else date.today()
