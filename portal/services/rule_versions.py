"""Admins' work on a programme's eligibility rules: save a new version, re-check open applications."""
from collections import Counter
from dataclasses import dataclass, field

from peewee import JOIN, IntegrityError

from .. import eligibility
from ..db import database
from ..lifecycle import OPEN
from ..models import Application, Municipality, Programme, RuleSetVersion, Site, SiteCatchment, User
from . import audit, registration, rules_in_force

THRESHOLDS = ("min_cefr", "min_isced", "min_work_years", "accepted_residence", "reunification_counts", "min_age")
RECOMPUTE_BATCH = 500


class StaleRules(Exception):
    """Someone saved a newer version after the admin opened the form; nothing was saved."""

    def __init__(self, current: int):
        super().__init__(current)
        self.current = current


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    version: RuleSetVersion | None
    sites: list
    open_applications: int


@dataclass(frozen=True)
class RecomputeResult:
    version: int
    checked: int
    changed: int


def overview() -> list[ProgrammeOverview]:
    """Every programme, newest first, with its current rule-set version, sites and open applications."""
    return [ProgrammeOverview(p, rules_in_force.current_version(p), list(p.sites().order_by(Site.name)),
                              open_applications(p).count())
            for p in Programme.select().order_by(Programme.start_date.desc(), Programme.id.desc())]


def open_applications(programme):
    return Application.select().where((Application.programme == programme)
                                      & Application.status.in_(OPEN))


def current_number(programme) -> int:
    """The current version number; 0 while the programme still runs on the default rules."""
    stored = rules_in_force.current_version(programme)
    return stored.version if stored else 0


def history(programme):
    """Saved versions, newest first, with who saved them."""
    return (RuleSetVersion.select(RuleSetVersion, User).join(User, on=(RuleSetVersion.created_by == User.id),
                                                             join_type=JOIN.LEFT_OUTER)
            .where(RuleSetVersion.programme == programme).order_by(RuleSetVersion.version.desc()))


def thresholds_of(programme) -> dict:
    """The thresholds in force, as plain JSON types (the stored format of RuleSetVersion.rules)."""
    ruleset = rules_in_force.ruleset_for(programme)
    return _normalised({name: getattr(ruleset, name) for name in THRESHOLDS})


def catchments_of(programme) -> dict[int, list[str]]:
    """Each of the programme's sites with the municipality codes of its catchment."""
    sites = {site.id: [] for site in programme.sites()}
    for row in SiteCatchment.select().where(SiteCatchment.site.in_(list(sites))):
        sites[row.site_id].append(row.municipality_id)
    return {site_id: sorted(codes) for site_id, codes in sites.items()}


def municipalities_by_region():
    return Municipality.select().order_by(Municipality.region_code, Municipality.name)


def save(programme, thresholds: dict, catchments: dict, actor, based_on: int) -> RuleSetVersion | None:
    """Save the thresholds as a new version and the sites' catchment, in one transaction with an audit row.

    Returns None when nothing changed. Raises StaleRules when `based_on` is no longer the current
    version, so that one admin does not silently undo another's change."""
    try:
        with database.atomic():
            current = current_number(programme)
            if current != based_on:
                raise StaleRules(current)
            old_thresholds, old_catchments = thresholds_of(programme), catchments_of(programme)
            new_thresholds = _normalised(thresholds)
            new_catchments = {site_id: sorted(set(catchments.get(site_id, codes)))
                              for site_id, codes in old_catchments.items()}
            changes = _threshold_changes(old_thresholds, new_thresholds)
            site_changes = _catchment_changes(old_catchments, new_catchments)
            if not changes and not site_changes:
                return None
            # The catchment is kept with the version too, so a stored verdict's version says all it used.
            snapshot = {**new_thresholds, "site_catchment": {str(k): v for k, v in new_catchments.items()}}
            version = RuleSetVersion.create(programme=programme, version=current + 1, rules=snapshot,
                                            created_by=actor)
            for change in site_changes:
                _apply_catchment_change(change)
            audit.record(actor, "ruleset.saved", programme, version=version.version, previous_version=current,
                         changes=changes, catchment=site_changes)
            return version
    except IntegrityError:
        # Two admins saved the same version number at once; the unique index let only one through.
        raise StaleRules(current_number(programme)) from None


def copy_rules(source, target, actor) -> RuleSetVersion:
    """Give `target` the thresholds in force for `source`, as a new version of target's own, audited.

    Catchment belongs to a site, not to a programme: the snapshot records the target's own sites'.
    Runs inside the caller's transaction when there is one (a new programme is created in the same)."""
    with database.atomic():
        current = current_number(target)
        thresholds = thresholds_of(source)
        snapshot = {**thresholds, "site_catchment": {str(k): v for k, v in catchments_of(target).items()}}
        version = RuleSetVersion.create(programme=target, version=current + 1, rules=snapshot, created_by=actor)
        audit.record(actor, "ruleset.copied", target, version=version.version, previous_version=current,
                     copied_from=source.id, copied_version=current_number(source), thresholds=thresholds)
    return version


def recompute(programme, actor, batch_size: int = RECOMPUTE_BATCH) -> RecomputeResult:
    """Re-assess every open application of the programme against its current rules.

    Only the advisory verdict, its explanation and the version are written; the status never
    changes (a person decides). Works in batches, each in its own transaction, so a run over many
    thousands of applications never holds the database for long. Each batch that changes anything
    commits with its own audit row ("ruleset.rechecked_batch": which applications, by id range, and what
    changed), and the last one with the run's ("ruleset.recomputed", the counts of the whole run): a run
    stopped part way (a database error, a killed process) leaves no change without its record, and running
    it again finishes the job (what was re-checked already is unchanged, so only counted)."""
    ruleset = rules_in_force.ruleset_for(programme)           # one rule set for the whole run, even if saved meanwhile
    on = rules_in_force.assessment_date(programme)
    checked = changed = 0
    transitions = Counter()
    last_id = 0
    while True:
        with database.atomic():
            batch = list(open_applications(programme).where(Application.id > last_id)
                         .order_by(Application.id).limit(batch_size))
            done = _recheck_batch(batch, ruleset, on)
            if done.written:
                audit.record(actor, "ruleset.rechecked_batch", programme, version=ruleset.version,
                             first_id=batch[0].id, last_id=batch[-1].id, checked=done.checked,
                             written=done.written, changed=done.changed,
                             transitions=dict(sorted(done.transitions.items())))
            checked, changed = checked + done.checked, changed + done.changed
            transitions.update(done.transitions)
            finished = len(batch) < batch_size
            if finished:
                audit.record(actor, "ruleset.recomputed", programme, version=ruleset.version,
                             checked=checked, changed=changed, transitions=dict(sorted(transitions.items())))
        if finished:
            return RecomputeResult(version=ruleset.version, checked=checked, changed=changed)
        last_id = batch[-1].id


@dataclass
class _Batch:
    checked: int = 0
    written: int = 0          # rows updated: a new verdict, explanation or rule-set version
    changed: int = 0          # of those, a new verdict
    transitions: Counter = field(default_factory=Counter)


def _recheck_batch(batch, ruleset, on) -> _Batch:
    """Re-assess one batch of applications; call inside its transaction."""
    done = _Batch()
    for application in batch:
        assessment = eligibility.evaluate(registration.facts_for(application), ruleset, on)
        verdict, stored = str(assessment.verdict), assessment.as_dict()
        if (verdict, stored, assessment.ruleset_version) != (
                application.verdict, application.eligibility, application.ruleset_version):
            written = (Application.update(verdict=verdict, eligibility=stored,
                                          ruleset_version=assessment.ruleset_version)
                       .where((Application.id == application.id) & Application.status.in_(OPEN))
                       .execute())
            if not written:
                continue                    # decided or withdrawn meanwhile: no longer open
            done.written += 1
        done.checked += 1
        if verdict != application.verdict:
            done.changed += 1
            done.transitions[f"{application.verdict}>{verdict}"] += 1
    return done


# Helpers -------------------------------------------------------------------------------------

def _normalised(thresholds: dict) -> dict:
    accepted = set(thresholds["accepted_residence"])
    return {"min_cefr": str(thresholds["min_cefr"]),
            "min_isced": int(thresholds["min_isced"]),
            "min_work_years": float(thresholds["min_work_years"]),
            "accepted_residence": [code for code in eligibility.RESIDENCE_BASES if code in accepted],
            "reunification_counts": bool(thresholds["reunification_counts"]),
            "min_age": int(thresholds["min_age"])}


def _threshold_changes(old: dict, new: dict) -> dict:
    return {name: {"from": old[name], "to": new[name]} for name in THRESHOLDS if old[name] != new[name]}


def _catchment_changes(old: dict, new: dict) -> list[dict]:
    changes = []
    for site_id in sorted(old):
        added = sorted(set(new[site_id]) - set(old[site_id]))
        removed = sorted(set(old[site_id]) - set(new[site_id]))
        if added or removed:
            changes.append({"site": site_id, "added": added, "removed": removed})
    return changes


def _apply_catchment_change(change: dict):
    if change["removed"]:
        (SiteCatchment.delete().where((SiteCatchment.site == change["site"])
                                      & SiteCatchment.municipality.in_(change["removed"])).execute())
    if change["added"]:
        SiteCatchment.insert_many([{"site": change["site"], "municipality": code}
                                   for code in change["added"]]).execute()
