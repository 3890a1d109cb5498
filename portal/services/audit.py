"""The audit log: one row per thing that happened, written inside the caller's transaction."""
from ..clock import now_utc
from ..models import AuditEvent


def record(actor, action: str, obj=None, object_type: str | None = None, **details) -> AuditEvent:
    """Write an audit row; `actor` is a User, or None for the applicant/system (then give actor_role)."""
    actor_role = details.pop("actor_role", None) or (actor.role if actor is not None else "system")
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = str(getattr(obj, "public_id", None) or obj.get_id())
    else:
        object_id = details.pop("object_id", None)
    return AuditEvent.create(actor=actor, actor_role=actor_role, action=action, object_type=object_type or "-",
                             object_id=object_id, at=now_utc(), details=details)
