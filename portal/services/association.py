"""The association's contact details (name, address, phone, email, data-protection contact): read by every
page's footer, the privacy page and emails; changed by an admin at /admin/settings."""
from ..clock import now_utc
from ..db import database
from ..models import Association
from . import audit

FIELDS = ("name", "address", "phone", "email", "privacy_contact", "privacy_email")
ROW_ID = 1


def current() -> Association:
    """The contact details as saved; empty ones (not saved, `is_set` false) before an admin's first save."""
    return Association.get_or_none(Association.id == ROW_ID) or Association(id=ROW_ID)


def save(details: dict, actor) -> list[str]:
    """Save the contact details; returns the names of the fields that changed (none: nothing is written)."""
    values = {field: details.get(field) or "" for field in FIELDS}
    with database.atomic():
        before = current()
        changed = [field for field in FIELDS if getattr(before, field) != values[field]]
        if not changed:
            return []
        row = {**values, "updated_at": now_utc()}
        # The first save inserts the one row; two admins' first saves at once end as one row, the later's.
        (Association.insert(id=ROW_ID, **row)
         .on_conflict(conflict_target=[Association.id],
                      preserve=[getattr(Association, name) for name in row]).execute())
        # Which fields, not their values: the data-protection contact may be a person's name, and the audit
        # log keeps what it is given for ever.
        audit.record(actor, "association.updated", object_type="association", object_id=str(ROW_ID),
                     fields=changed)
    return changed
