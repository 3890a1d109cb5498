"""Every (state, move, role) through the one service that moves an application (services/moves.py), on the
database: an allowed move happens once, every other is refused and changes nothing."""
import itertools

import pytest

from portal.lifecycle import MOVES, Role, Status, may
from portal.models import Application, AuditEvent, Outbox
from portal.services import moves
from tests.review.helpers import make_application


def snapshot(application):
    row = Application.get_by_id(application.id)
    return (row.status, row.version, AuditEvent.select().where(AuditEvent.object_id == row.public_id).count(),
            Outbox.select().count())


@pytest.mark.parametrize("status", list(Status))
def test_every_move_by_every_role_from_this_state(app, make_user, status):
    staff = make_user("staff")
    with app.test_request_context("/"):
        for name, role in itertools.product(MOVES, Role):
            application = make_application(status=status, decided_by=staff.id, decision_reason="walk")
            before = snapshot(application)
            actor = staff if role == Role.STAFF else None
            if may(name, status, role):
                after = moves.make(application, name, actor, role, seen_version=application.version)
                assert after.status == MOVES[name].target and after.version == application.version + 1
                [event] = (AuditEvent.select().where((AuditEvent.object_id == application.public_id)
                                                     & (AuditEvent.action == MOVES[name].records)))
                assert event.details["from_status"] == status and event.details["to_status"] == after.status
                # Once: the same move, from what the person saw, again (a double click, a second tab).
                moved = snapshot(application)
                with pytest.raises(moves.MoveRefused):
                    moves.make(application, name, actor, role, seen_version=application.version)
                assert snapshot(application) == moved
            else:
                with pytest.raises(moves.MoveRefused) as refused:
                    moves.make(application, name, actor, role, seen_version=application.version)
                assert refused.value.code == "not_allowed", (name, role)
                assert snapshot(application) == before, (name, role)
