"""ASVS V5.1: every form survives generated bodies (long text, bad UTF-8, NUL, right-to-left text, missing,
duplicated and extra fields) without a single 5xx; real names in many scripts are kept exactly."""
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.apply.helpers import VALID

from . import world as worlds
from .formvalues import form_values
from .helpers import ROUTE_APP, routes, url_of
from .policy import POLICY

FORMS = sorted(endpoint for endpoint, methods in routes().items() if "POST" in methods)
# Who fills in each form: someone the policy lets in (the applicant's status pages need a status sign-in).
FORM_USER = {"auth.logout": "anonymous", "auth.second_factor": "admin_password_only",
             **{e: "status_applicant" for e in FORMS if e.startswith("status.") and e not in ("status.start",
                                                                                             "status.sign_in")}}
# Fields of POST-only forms (the others are read from their page).
HINTS = {
    "apply.submit": {},
    "review.add_note": {"body": "Checked"},
    "programmes.training": {"t1-trained_on": "2026-01-10"},
    "programmes.start": {},
    "programmes.decide_match": {"a1-mentor": "1", "action": "accept"},
    "programmes.log_meeting": {"held_on": "2026-01-10", "note": "Good"},
    "programmes.milestone": {"kind": "cv_ready", "reached_on": "2026-01-10"},
    "programmes.outcome": {"outcome-kind": "job", "outcome-reached_on": "2026-01-10"},
    "mentor.log_meeting": {"p1-held_on": "2026-01-10", "p1-note": "Good"},
    "mentor.milestone": {"m1-kind": "cv_ready", "m1-reached_on": "2026-01-10"},
    "referrals.continue_together": {}, "referrals.resend": {}, "accounts.resend": {},
    "status.export": {}, "status.sign_out": {}, "auth.logout": {},
}
EXTRA_NAMES = ["status", "role", "municipality", "reference", "csrf_token", "action", "entries-0-level",
               "entries-99-field", "version", "next", "lang"]
RTL = "\u202eevil\u202c مرحبا بالعالم שלום \u200f"
SPECIAL = ["", " ", "\x00", "\x00abc", RTL, "A" * 5000, "'; DROP TABLE application; --", "%00", "../../etc/passwd",
           "\ud7ff\ue000\ufffd", "😀" * 50, "9" * 40, "-1", "1e309", "NaN", "2026-02-30", "0x41", "\r\n\r\n",
           "add", "remove-0", "remove-99", "accept", "reject"]


def _bytes(value):
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def encode(pairs):
    return b"&".join(quote_from_bytes(_bytes(k)).encode() + b"=" + quote_from_bytes(_bytes(v)).encode()
                     for k, v in pairs)


def bodies(valid: dict):
    names = list(valid) or ["field"]
    keys = st.one_of(st.sampled_from(names + EXTRA_NAMES), st.text(max_size=12), st.binary(max_size=6))
    values = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=60), st.binary(max_size=24),
                       st.sampled_from([v for v in valid.values() if isinstance(v, str)] or [""]))
    random_pairs = st.lists(st.tuples(keys, values), max_size=10)

    @st.composite
    def mutated(draw):
        pairs = [(k, x) for k, v in valid.items() for x in (v if isinstance(v, list) else [v])]
        pairs = [p for p in pairs if draw(st.booleans()) or draw(st.booleans())]           # drop about a quarter
        pairs = [(k, draw(values)) if draw(st.integers(0, 4)) == 0 else (k, v) for k, v in pairs]
        pairs += draw(st.lists(st.tuples(keys, values), max_size=3))                      # extra and duplicated
        if pairs and draw(st.booleans()):
            pairs.append(draw(st.sampled_from(pairs)))
        return draw(st.permutations(pairs))
    return st.one_of(random_pairs, mutated())


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_db):
    built = worlds.build(tmp_path_factory.mktemp("fuzz"), migrated_db,
                        extra_actors=("status_applicant", "admin_password_only"))
    yield built
    built.close()


def who_fills(endpoint):
    if endpoint in FORM_USER:
        return FORM_USER[endpoint]
    row = POLICY[endpoint]["POST"]
    return next(actor for actor in ("applicant", "staff", "admin", "caseworker_a", "mentor", "coordinator")
                if row[actor] == "ok")


def valid_body(world, endpoint, client, url):
    if endpoint == "apply.step":
        return VALID["about-you"]
    if endpoint in HINTS:
        return HINTS[endpoint]
    page = client.get(url).get_data(as_text=True)
    return {k: (v if len(v) > 1 else v[0]) for k, v in form_values(page, url.split("?")[0]).items()}


@pytest.mark.parametrize("endpoint", FORMS)
def test_generated_bodies_never_cause_a_server_error(world, endpoint):
    actor = who_fills(endpoint)
    client = world.clients[actor]
    url = url_of(world, endpoint) if endpoint not in ("apply.resume",) else None
    valid = valid_body(world, endpoint, client, url)
    seen = []

    @settings(max_examples=200, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(pairs=bodies(valid))
    def post(pairs):
        target = url_of(world, endpoint) if "token" in ROUTE_APP.url_map._rules_by_endpoint[endpoint][0].arguments else url
        response = client.post(target, data=encode(pairs), content_type="application/x-www-form-urlencoded")
        response.get_data()
        response.close()
        seen.append(response.status_code)
        assert response.status_code < 500, (endpoint, pairs)

    post()
    assert len(seen) >= 200 and max(seen) < 500


NAMES = ["محمد عبد الرحمن", "ዮናስ ሃይለ", "ተስፋይ በርሀ", "فریده احمدی", "مهر\u200cانگیز نوری", "Олександра Шевченко",
         "Mohammed", "Ngũgĩ wa Thiong'o", "Zoë O'Brien-Åkesson", "Đặng Thị Ngọc Thịnh"]


@pytest.mark.parametrize("name", NAMES)
def test_names_in_many_scripts_and_single_names_are_kept_exactly(app, login_as, name):
    from portal.models import Application
    from tests.apply.helpers import fill
    client = app.test_client()
    fill(client, **{"about-you": {"full_name": name}})
    assert form_values(client.get("/apply/about-you").get_data(as_text=True))["full_name"] == [name]
    assert name in text_of(client.get("/apply/check"))
    assert client.post("/apply/submit").status_code == 302
    application = Application.get()
    assert application.full_name == name and application.answers["about-you"]["full_name"] == name
    staff = login_as("staff")
    assert name in text_of(staff.get(f"/review/{application.reference}"))
    assert name in text_of(staff.get("/review/", query_string={"q": name}))


def text_of(response):
    from bs4 import BeautifulSoup
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text()
