"""ASVS V4 with CSRF on, as in production: every route x actor x method x (valid token, no token, a foreign
Origin) answers as tests/security/policy.py says, and no refused or out-of-scope request shows anyone's data.

The route's policy (sign-in, second factor, idle timeout, role) is decided before any view code runs, so a
form sent without its token is refused like any other request by a person the policy refuses; only a person
the policy allows gets a view that keeps what was typed ("the form had expired")."""
from datetime import timedelta

import pytest

from portal.access import PUBLIC as PUBLIC_POLICY
from portal.clock import now_utc
from portal.models import AuditEvent, Outbox
from portal.services import authentication
from tests.conftest import PASSWORD, login
from tests.review.helpers import submitted

from . import world as worlds
from .formvalues import csrf_token
from .helpers import ROUTE_APP, classify, routes, url_of
from .policy import POLICY

ENDPOINTS = sorted(set(routes()) | set(POLICY))
FOREIGN_ORIGIN = "https://attacker.example"
EXPIRED = ("The form had expired", "Formularen var udløbet")      # the page keeps what was typed, in both languages
MODES = ("no_token", "foreign_origin", "valid_token")   # the valid one last: it is the one that changes things
CSRF_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Extra actors: an admin who gave only the password, a staff member whose session has been idle too long,
# and an applicant signed in to /status with an emailed link.
EXTRA_ACTORS = ("admin_password_only", "status_applicant")
AS_ACTOR = {"admin_password_only": "admin", "staff_idle": "anonymous", "status_applicant": "applicant"}

# People in the world, by what of them could be shown. Every one of them is in municipality A.
CANARY = {"name": "Zuzanna Kowalczyk-Canary", "email": "zuzanna.canary@example.org"}
APPLICANT_WORLD = ("Referred Person", "referred@example.org", "Waiting Mentee", "Paired Mentee")


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_db, module_database_url):
    built = worlds.build(tmp_path_factory.mktemp("gate"), migrated_db, extra_actors=EXTRA_ACTORS,
                         database_url=module_database_url)
    app = built.app
    canary = submitted(app, email=CANARY["email"], name=CANARY["name"])
    built.ids["canary_reference"] = canary.reference
    with app.test_request_context("/"):
        authentication.create_user("idle@example.org", "Idle Staff", "staff", PASSWORD, ())
    idle = app.test_client()
    assert login(idle, "idle@example.org").status_code == 302
    built.idle_token = csrf_token(idle.get("/status/").get_data(as_text=True))   # valid for this session
    with idle.session_transaction() as session:
        session["seen"] = (now_utc() - app.config["IDLE_TIMEOUT"] - timedelta(minutes=1)).timestamp()
    built.idle_cookie = idle.get_cookie("session").value
    built.clients["staff_idle"] = idle
    app.config["WTF_CSRF_ENABLED"] = True          # as in production, from here on
    yield built
    built.close()


def sign_in_again(world, actor):
    """Logging out ends every copy of a session: sign the actor in again (the world signs in without tokens)."""
    if actor == "staff_idle":
        return
    world.app.config["WTF_CSRF_ENABLED"] = False
    try:
        world.sign_in(actor)
    finally:
        world.app.config["WTF_CSRF_ENABLED"] = True


def foreign_data(world, actor):
    """What of other people this actor must never see, on any page."""
    everyone = (CANARY["name"], CANARY["email"], world.ids["canary_reference"], *APPLICANT_WORLD)
    if actor in ("staff", "admin"):
        return ()
    if actor == "mentor":                      # their own mentee is theirs to see
        return tuple(text for text in everyone if text != "Paired Mentee")
    if actor == "caseworker_a":                # their own referral is theirs to see
        return (CANARY["name"], CANARY["email"], world.ids["canary_reference"], "Waiting Mentee", "Paired Mentee")
    return everyone


def expected_for(endpoint, method, actor, mode):
    """The answers allowed: the policy table's, then what the form check adds for a person the policy allows."""
    view = ROUTE_APP.view_functions[endpoint]
    gated = getattr(view, "access", PUBLIC_POLICY) != PUBLIC_POLICY
    if actor == "admin_password_only" and gated:
        return ("second_factor",)
    answer = POLICY[endpoint][method][AS_ACTOR.get(actor, actor)]
    if gated and answer in ("login", "second_factor", 403):
        return (answer,)                 # refused by the gate, before any form is looked at
    if method not in CSRF_METHODS or mode == "valid_token":
        return (answer, "expired") if answer == "ok" else (answer,)
    if mode == "foreign_origin":
        return (400,)
    # No token: a view that keeps what was typed shows it again with a plain message (or answers as it
    # would to this person anyway); any other view refuses. Either way nothing is changed (checked below).
    return ("expired", answer) if getattr(view, "keeps_input", False) else (400,)


def changes(world):
    """What a refused form must not have written: audit rows other than page views, and emails."""
    with world.app.test_request_context("/"):
        return (AuditEvent.select().where(~AuditEvent.action.endswith(".viewed")).count(), Outbox.select().count())


def send(world, actor, client, endpoint, method, mode):
    url = url_of(world, endpoint)
    data, headers = {}, {}
    if method in CSRF_METHODS and mode != "no_token":
        token = world.idle_token if actor == "staff_idle" else \
            csrf_token(client.get("/status/").get_data(as_text=True))
        assert token, "the status page's form holds a token"
        data["csrf_token"] = token
    if mode == "foreign_origin":
        headers["Origin"] = FOREIGN_ORIGIN
    if actor == "staff_idle":
        client.set_cookie("session", world.idle_cookie)       # the same idle session every time
    response = client.open(url, method=method, data=data, headers=headers)
    body = response.get_data(as_text=True)
    response.close()      # a streamed export keeps its request context until it is closed
    return url, response, body


def answer_of(response, body):
    got = classify(response)
    if got == "ok" and response.status_code == 200 and any(words in body for words in EXPIRED):
        return "expired"
    return got


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_actor_method_and_token_gets_the_policy_answer_and_no_one_elses_data(world, endpoint):
    assert endpoint in POLICY, f"{endpoint} is not in tests/security/policy.py: say who may use it"
    wrong = []
    for method in sorted(POLICY[endpoint]):
        for mode in MODES if method in CSRF_METHODS else ("valid_token",):
            for actor, client in list(world.clients.items()):
                before = changes(world) if mode != "valid_token" else None
                url, response, body = send(world, actor, client, endpoint, method, mode)
                got, want = answer_of(response, body), expected_for(endpoint, method, actor, mode)
                where = f"{method} {url} as {actor} ({mode})"
                if got not in want:
                    wrong.append(f"{where}: got {got} ({response.status_code}), expected one of {want}")
                if before is not None and changes(world) != before:
                    wrong.append(f"{where}: wrote audit rows or emails")
                if response.status_code >= 500:
                    wrong.append(f"{where}: server error {response.status_code}")
                shown = [text for text in foreign_data(world, actor) if text in body]
                if shown:
                    wrong.append(f"{where}: shows {shown}")
                if endpoint == "auth.logout" and mode == "valid_token":
                    sign_in_again(world, actor)
    assert not wrong, "\n".join(wrong)
