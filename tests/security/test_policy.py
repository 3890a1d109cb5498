"""ASVS V4 (access control): every route x actor x method answers as tests/security/policy.py says."""
import pytest

from portal.access import PUBLIC as PUBLIC_POLICY

from . import world as worlds
from .helpers import ROUTE_APP, classify, routes, url_of
from .policy import POLICY

ENDPOINTS = sorted(set(routes()) | set(POLICY))


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_db):
    built = worlds.build(tmp_path_factory.mktemp("policy"), migrated_db, extra_actors=("admin_password_only",))
    yield built
    built.close()


def expected_for(endpoint, method, actor):
    if actor == "admin_password_only":
        # Until the second factor is passed, an admin opens nothing that needs a role.
        view = ROUTE_APP.view_functions[endpoint]
        return POLICY[endpoint][method]["admin"] if getattr(view, "access", PUBLIC_POLICY) == PUBLIC_POLICY \
            else "second_factor"
    return POLICY[endpoint][method][actor]


def test_the_table_lists_every_route_and_nothing_else():
    assert set(routes()) == set(POLICY), "routes missing from (or stale in) tests/security/policy.py"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_actor_gets_the_answer_the_policy_table_states(world, endpoint):
    assert endpoint in POLICY, f"{endpoint} is not in tests/security/policy.py: say who may use it"
    assert set(POLICY[endpoint]) == routes()[endpoint], f"{endpoint}: the table's methods differ from the route's"
    wrong = []
    for method in sorted(POLICY[endpoint]):
        for actor, client in list(world.clients.items()):
            url = url_of(world, endpoint)
            response = client.open(url, method=method, data={})
            response.get_data()
            response.close()      # a streamed export keeps its request context until it is closed
            got, want = classify(response), expected_for(endpoint, method, actor)
            if got != want:
                wrong.append(f"{method} {url} as {actor}: got {got} ({response.status_code}), expected {want}")
            assert response.status_code < 500, (method, url, actor)
            if endpoint == "auth.logout":
                world.sign_in(actor)       # logging out ends every copy of the session: sign in again
    assert not wrong, "\n".join(wrong)


def test_a_method_a_route_does_not_have_is_refused(world):
    client = world.clients["staff"]
    assert client.delete("/review/").status_code == 405
    assert client.put("/apply/about-you", data={}).status_code == 405
