"""The life cycle's table (portal/lifecycle.py), without Flask or a database."""
import ast
import pathlib

from portal import lifecycle
from portal.lifecycle import MOVES, Role, Status

PORTAL = pathlib.Path(__file__).parent.parent / "portal"


def test_every_state_has_its_words_for_staff_and_for_the_applicant():
    assert set(lifecycle.STATUS_LABELS) == set(Status)
    assert set(lifecycle.APPLICANT_TEXT) == set(Status)


def test_every_stage_of_a_referral_has_its_words_for_the_caseworker():
    """A draft is "being filled in" or "invited"; a referral whose application is gone is "closed"."""
    stages = (set(Status) - {Status.DRAFT}) | {"in_progress", "invited", "closed"}
    assert set(lifecycle.REFERRAL_STAGE_TEXT) == stages


def test_every_move_records_an_event_that_has_words_in_the_history():
    assert {move.records for move in MOVES.values()} <= set(lifecycle.EVENT_LABELS)


def test_every_state_but_a_draft_is_reached_by_a_move_and_every_state_is_left_or_closed():
    targets = {move.target for move in MOVES.values()}
    assert targets == set(Status) - {Status.DRAFT}
    for status in set(Status) - lifecycle.CLOSED:
        assert any(status in move.sources for move in MOVES.values()), status


def test_a_pair_is_matched_then_active_then_ended_and_only_an_application_in_the_programme_has_one():
    assert [lifecycle.pair_state(s) for s in (Status.MATCHED, Status.ACTIVE, Status.COMPLETED)] == [
        lifecycle.PairState.MATCHED, lifecycle.PairState.ACTIVE, lifecycle.PairState.ENDED]
    assert {lifecycle.pair_state(s) for s in set(Status) - lifecycle.IN_PROGRAMME} == {None}


def test_a_closed_application_cannot_move_any_more():
    for status in lifecycle.CLOSED:
        assert [lifecycle.moves_from(status, role) for role in Role] == [[] for _ in Role], status


def test_may_follows_the_table_for_every_state_move_and_role():
    for name, move in MOVES.items():
        for status in Status:
            for role in Role:
                assert lifecycle.may(name, status, role) == (status in move.sources and role in move.roles)


def test_an_outcome_is_no_move_and_the_course_ends_only_by_its_end_or_early_with_a_reason():
    ending = {name for name, move in MOVES.items() if move.target == Status.COMPLETED}
    assert ending == {"end", "end_early"}
    assert "reason" in MOVES["end_early"].requires and "end_date_reached" in MOVES["end"].requires


def test_no_code_but_the_moves_service_writes_a_status():
    """A status is written only by services/moves.py (the seeders of demo data build rows as they are)."""
    allowed = {"services/moves.py", "services/demo.py", "services/synthetic.py"}
    offenders = []
    for path in PORTAL.rglob("*.py"):
        relative = path.relative_to(PORTAL).as_posix()
        if relative in allowed or relative.startswith("migrations/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("update", "create", "insert", "insert_many", "replace"):
                if any(k.arg == "status" for k in node.keywords) or any(
                        isinstance(a, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "status"
                                                        for k in a.keys) for a in node.args):
                    offenders.append(f"{relative}:{node.lineno}")
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "status"
                                                    for t in node.targets):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


def test_the_status_words_live_only_in_the_life_cycle():
    """No template spells out a state's words or compares with a raw status code."""
    templates = pathlib.Path(__file__).parent.parent / "templates"
    codes = [s.value for s in Status]
    offenders = []
    for path in templates.rglob("*.*"):
        text = path.read_text()
        for code in codes:
            for quoted in (f'status == "{code}"', f"status == '{code}'", f'status != "{code}"'):
                if quoted in text:
                    offenders.append(f"{path.name}: {quoted}")
    assert offenders == []
