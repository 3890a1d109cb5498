"""One application as staff open it: finding it (the opening is audited), its possible duplicates, its
referral, its history, who opened it, and internal notes."""
from peewee import JOIN, SqliteDatabase

from ..db import database
from ..lifecycle import Status
from ..models import Application, AuditEvent, Note, Referral, User
from . import audit, duplicates


def _plausible(reference: str) -> bool:
    return bool(reference) and len(reference) <= 32


def find(reference: str) -> Application | None:
    """A submitted application by its reference (drafts are not staff business)."""
    if not _plausible(reference):
        return None
    found = Application.get_or_none(Application.reference == reference)
    return found if found is not None and found.submitted_at is not None else None


def open_application(reference: str, user) -> Application | None:
    """The application for its page; the view is written to the audit log."""
    application = find(reference)
    if application is not None:          # one INSERT: atomic by itself, and the write lock held only for it
        audit.record(user, "application.viewed", application, status=application.status)
    return application


def possible_duplicates(application: Application) -> list:
    """Other submitted applications that may be the same person (services/duplicates.py)."""
    return duplicates.of(application)


def duplicate_choices(application: Application, found: list | None = None) -> list:
    """The applications this one may be closed as a duplicate of: its possible duplicates (`found`, when the
    caller has read them already) not themselves closed as duplicates."""
    others = duplicates.of(application) if found is None else found
    return [other for other in others if other.status != Status.DUPLICATE]


def referral_of(application: Application) -> Referral | None:
    return Referral.of_application(application.id)


def _events(public_id, *columns):
    return (AuditEvent.select(*columns, User.id, User.name)
            .join(User, JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
            .where((AuditEvent.object_type == "application") & (AuditEvent.object_id == public_id)))


_VIEWED = "application.viewed"
# Everything but the views, without reading the views (a much-opened application has thousands). SQLite:
# the two ranges of actions either side of "viewed" in the (object_id, action, at) index. PostgreSQL,
# whose planner misjudges those ranges: its partial index of the rows that are not views (migration
# 0009), whose condition this is.
def _actions(public_id, condition):
    return list(_events(public_id, AuditEvent).where(condition))


OPENINGS_PAGE_SIZE = 50                  # on the page of who opened an application


def history(application: Application) -> list:
    """The application's audit events but its views, oldest first: changes, notes, resubmissions."""
    public_id = application.public_id
    if isinstance(database.obj, SqliteDatabase):
        changes = [*_actions(public_id, AuditEvent.action < _VIEWED),
                   *_actions(public_id, AuditEvent.action > _VIEWED)]
    else:
        changes = _actions(public_id, AuditEvent.action != _VIEWED)
    return sorted(changes, key=lambda x: (x.at, x.id))


def openings(application: Application, page: int) -> tuple[list, int, int]:
    """Who opened the application and when, newest first: (one page of them, that page's number within
    the pages there are, the number of pages)."""
    counted = (AuditEvent.select().where((AuditEvent.object_type == "application") & (AuditEvent.action == _VIEWED)
                                         & (AuditEvent.object_id == application.public_id)).count())
    pages = max(1, -(-counted // OPENINGS_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = (_events(application.public_id, AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.actor_role,
                    AuditEvent.action)
            .where(AuditEvent.action == _VIEWED).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .paginate(page, OPENINGS_PAGE_SIZE))
    return list(rows), page, pages


def _notes(application_id):
    return list(Note.select(Note, User.id, User.name).join(User, on=(Note.author == User.id))
            .where(Note.application == application_id).order_by(Note.created_at.desc(), Note.id.desc()))


def notes_of(application: Application) -> list:
    return _notes(application.id)


def add_note(application: Application, user, body: str) -> Note:
    """An internal note; the body is kept in the note, the audit row says only that one was added."""
    with database.atomic():
        note = Note.create(application=application.id, author=user, body=body)
        audit.record(user, "application.note_added", application, note_id=note.id)
    return note
