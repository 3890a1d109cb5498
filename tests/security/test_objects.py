"""ASVS V4.2 (object level): a caseworker of municipality B never reaches municipality A's citizens, whatever
id, partial, download or hidden field they try; public identifiers are random, not sequences."""
import re
from datetime import date

import pytest

from portal.models import Application, Referral
from portal.services import pairing

from . import world as worlds
from .helpers import ROUTE_APP, classify, routes, url_of
from .policy import POLICY

# The link secret is the capability.
TOKEN_ROUTES = {"apply.resume", "status.sign_in", "accounts.set_password", "follow_up.answer"}
WITH_AN_ID = sorted(endpoint for endpoint in routes() if endpoint not in TOKEN_ROUTES | {"static", "apply.step"}
                    and any(r.arguments for r in ROUTE_APP.url_map.iter_rules() if r.endpoint == endpoint))
HEADERS = [{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Target": "results"}]


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_db):
    built = worlds.build(tmp_path_factory.mktemp("objects"), migrated_db)
    yield built
    built.close()


def test_the_sweep_covers_the_referral_routes():
    assert {"referrals.show", "referrals.continue_together", "referrals.resend"} <= set(WITH_AN_ID)


@pytest.mark.parametrize("endpoint", WITH_AN_ID)
def test_a_caseworker_of_b_gets_nothing_of_a(world, endpoint):
    client = world.clients["caseworker_b"]
    for method in sorted(POLICY[endpoint]):
        for headers in HEADERS:
            url = url_of(world, endpoint)
            response = client.open(url, method=method, data={"csrf_token": "x"}, headers=headers)
            body = response.get_data(as_text=True)
            response.close()
            # the caseworker area answers 404 (nothing there for you); other areas 403 (not your role)
            expected = 404 if POLICY[endpoint][method]["caseworker_a"] == "ok" else 403
            assert classify(response) == expected, (method, url, headers, response.status_code)
            for secret in ("Referred Person", "referred@example.org", "Amal Hassan", "amal@example.org"):
                assert secret not in body, (method, url, secret)


def test_the_referral_list_search_and_partials_hold_only_their_own(world):
    for query in ("", "?q=Referred", f"?q={world.ids['reference']}", "?q=%25"):
        for headers in HEADERS:
            own = world.clients["caseworker_a"].get(f"/referrals/{query}", headers=headers).get_data(as_text=True)
            other = world.clients["caseworker_b"].get(f"/referrals/{query}", headers=headers).get_data(as_text=True)
            if query in ("", "?q=Referred", "?q=%25"):
                assert "Referred Person" in own
            assert "Referred Person" not in other and world.ids["referral_public_id"] not in other


def test_continuing_someone_elses_referral_opens_nothing_in_the_form(world):
    client = world.app.test_client()
    from tests.conftest import login
    login(client, world.users["caseworker_b"].email)
    assert client.post(f"/referrals/{world.ids['referral_public_id']}/continue").status_code == 404
    with client.session_transaction() as session:
        assert "application" not in session
    page = client.get("/apply/about-you").get_data(as_text=True)
    assert "Referred Person" not in page
    assert client.get("/apply/check").status_code == 302


def test_a_swapped_municipality_field_creates_no_referral_in_a(world):
    client = world.clients["caseworker_b"]
    before = Referral.select().count()
    response = client.post("/referrals/new", data={
        "full_name": "Swapped Field", "email": "swap@example.org", "municipality": worlds.MUNICIPALITY_A,
        "language": "en", "note": "x", "consent_how": "in_person", "consent_at": date.today().isoformat(),
        "agreed": "y", "mode": "invite"})
    assert response.status_code == 200
    assert Referral.select().count() == before
    assert not Application.select().where(Application.full_name == "Swapped Field").exists()


def test_a_mentor_reaches_only_their_own_pairs(world):
    from tests.conftest import login
    from tests.programmes.helpers import approved, mentor
    with world.app.test_request_context("/"):
        other = mentor(email="other-mentor@example.org", capacity=2)
        programme_id = world.ids["programme_id"]
        from portal.models import Programme
        programme = Programme.get_by_id(programme_id)
        theirs = approved(programme, name="Their Mentee")
        their_pair = pairing.accept(programme, theirs, other, theirs.decided_by, date.today())
        from portal.models import Meeting
        theirs_met = Meeting.create(pair=their_pair, held_on=date.today(), logged_by=other)
    client = world.clients["mentor"]
    for path in (f"/mentor/pairs/{their_pair.id}/meetings", f"/mentor/pairs/{their_pair.id}/milestones",
                 f"/mentor/pairs/{their_pair.id}/meetings/undo"):
        assert client.post(path, data={"kind": "cv_ready", "reached_on": "2026-01-01"}).status_code == 404
    # Staff delete a meeting only through its own pair's address.
    staff = world.clients["staff"]
    wrong = f"/programmes/{programme_id}/pairs/{world.ids['pair_id']}/meetings/{theirs_met.id}/delete"
    assert staff.post(wrong, data={"confirm": "yes"}).status_code == 404
    with world.app.test_request_context("/"):
        assert Meeting.get_or_none(Meeting.id == theirs_met.id) is not None
    assert "Their Mentee" not in client.get("/mentor/").get_data(as_text=True)
    other_client = world.app.test_client()
    login(other_client, other.email)
    assert "Paired Mentee" not in other_client.get("/mentor/").get_data(as_text=True)


def test_public_identifiers_are_random_not_sequences(world):
    with world.app.app_context():
        ids = [a.public_id for a in Application.select()] + [r.public_id for r in Referral.select()]
        references = [a.reference for a in Application.select() if a.reference and not a.reference.startswith("MB-P")]
    assert len(ids) == len(set(ids)) and all(len(i) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    # 128 bits each: no two share a long common prefix, as counters would
    assert max(len(__import__("os").path.commonprefix([a, b])) for a in ids for b in ids if a != b) < 8
    assert all(re.fullmatch(r"MB-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", r) for r in references)
    from portal.services.registration import _new_reference
    drawn = {_new_reference() for _ in range(2000)}
    assert len(drawn) == 2000                               # 31^8 ≈ 8.5e11 possibilities


INT_ROUTES = sorted({r.endpoint for r in ROUTE_APP.url_map.iter_rules()
                     if any(type(c).__name__ == "DatabaseIdConverter" for c in r._converters.values())})


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_ids_beyond_the_database_range_are_not_found_not_a_server_error(world, number):
    assert INT_ROUTES
    for endpoint in INT_ROUTES:
        actor = next(a for a in ("staff", "admin", "mentor", "coordinator")
                     if POLICY[endpoint][sorted(POLICY[endpoint])[0]][a] == "ok")
        rule = next(r for r in ROUTE_APP.url_map.iter_rules() if r.endpoint == endpoint)
        path = rule.rule
        for name in rule.arguments:
            value = str(number) if type(rule._converters[name]).__name__ == "DatabaseIdConverter" else \
                url_of(world, endpoint).split("/")[rule.rule.split("/").index(f"<{name}>")] if f"<{name}>" in rule.rule \
                else None
            path = path.replace(f"<int:{name}>", str(number))
            if value is not None:
                path = path.replace(f"<{name}>", value)
        path = re.sub(r"<any\([^)]*\):action>", "deactivate", path)
        for method in POLICY[endpoint]:
            response = world.clients[actor].open(path, method=method, data={})
            assert response.status_code == 404, (endpoint, path, response.status_code)
