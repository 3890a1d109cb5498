"""A company's sites: added (by an admin, at a company's sign-up, or by its coordinator), edited and retired.
A retired site keeps its rows, so pairs and programmes that used it keep their history; every change is in
the audit log with what it was before."""
from dataclasses import asdict, dataclass

from ..clock import now_utc
from ..db import database
from ..models import Company, Site, SiteCatchment
from . import audit


@dataclass(frozen=True)
class SiteDetails:
    name: str
    address: str
    postcode: str
    town: str
    municipality: str | None          # the official code, found from the postcode (places.py)


class SiteRefused(ValueError):
    """The site was not changed: "retired" (it is retired already) or "in_use" (not used: never happens now)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def details_of(site: Site) -> SiteDetails:
    return SiteDetails(site.name, site.address, site.postcode, site.town, site.municipality_id)


def create(company: Company, details: SiteDetails, actor=None, **audit_details) -> Site:
    """A new site; the municipality it is in is its first catchment (admins widen it per programme)."""
    with database.atomic():
        site = Site.create(company=company, name=details.name, address=details.address, postcode=details.postcode,
                           town=details.town, municipality=details.municipality)
        if details.municipality:
            SiteCatchment.create(site=site, municipality=details.municipality)
        audit.record(actor, "site.created", site, company=company.id, name=details.name, **audit_details)
    return site


def update(site: Site, details: SiteDetails, actor) -> dict:
    """Save a site's new details; returns what changed (from, to), as the audit log keeps it."""
    if site.retired_at is not None:
        raise SiteRefused("retired")
    before, after = asdict(details_of(site)), asdict(details)
    changes = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
    if not changes:
        return {}
    with database.atomic():
        Site.update(name=details.name, address=details.address, postcode=details.postcode, town=details.town,
                    municipality=details.municipality).where(Site.id == site.id).execute()
        if details.municipality and not SiteCatchment.select().where(
                (SiteCatchment.site == site) & (SiteCatchment.municipality == details.municipality)).exists():
            SiteCatchment.create(site=site, municipality=details.municipality)
        audit.record(actor, "site.updated", site, changes=changes)
    return changes


def retire(site: Site, actor) -> bool:
    """The site is offered for no new programme or mentor; what used it keeps it. False if already retired."""
    with database.atomic():
        changed = Site.update(retired_at=now_utc()).where((Site.id == site.id) & Site.retired_at.is_null()).execute()
        if changed:
            audit.record(actor, "site.retired", site)
    return bool(changed)
