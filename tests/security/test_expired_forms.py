"""ASVS V3 / usability: an expired CSRF token or session on a long form gives the typed values back with a
fresh token; nothing typed is lost, and sending again works."""
import time
from datetime import date

import pytest
from bs4 import BeautifulSoup

from portal.models import Application, Note, Referral
from tests.apply.helpers import VALID
from tests.conftest import PASSWORD

from .formvalues import csrf_token, lost

LONG = {**VALID,
        "education": {**VALID["education"], "entries-1-level": "master", "entries-1-field": "Structural design",
                      "entries-1-country": "DE", "entries-1-year_finished": "2014",
                      "entries-1-danish_assessment": "unknown"},
        "goals": {**VALID["goals"], "more": "I want to work with bridges.\nAnd tunnels – «بالتأكيد»."}}


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def walk_with_tokens(client, until):
    """Post the steps before `until` with real tokens, as a browser would."""
    for step, data in LONG.items():
        if step == until:
            return
        token = csrf_token(client.get(f"/apply/{step}").get_data(as_text=True))
        response = client.post(f"/apply/{step}", data={**data, "csrf_token": token})
        assert response.status_code == 302, step


@pytest.mark.parametrize("step", list(VALID))
def test_a_stale_token_on_a_step_keeps_every_value_and_gives_a_fresh_token(csrf_app, step):
    client = csrf_app.test_client()
    walk_with_tokens(client, step)
    data = LONG[step]
    response = client.post(f"/apply/{step}?lang=en", data={**data, "csrf_token": "stale-token-from-yesterday"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The form had expired" in html
    assert lost(data, html, f"/apply/{step}") == []
    fresh = csrf_token(html)
    assert fresh and fresh != "stale-token-from-yesterday"
    assert client.post(f"/apply/{step}", data={**data, "csrf_token": fresh}).status_code == 302


def test_a_token_past_its_time_limit_keeps_the_values(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    walk_with_tokens(client, "contact")
    token = csrf_token(client.get("/apply/contact").get_data(as_text=True))
    # The limit is read when a token is checked: the steps before were sent in time however slow the machine.
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    time.sleep(2.1)
    response = client.post("/apply/contact?lang=en", data={**VALID["contact"], "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The form had expired" in html
    assert lost(VALID["contact"], html, "/apply/contact") == []


def test_an_expired_session_keeps_the_values_typed_on_a_later_step(csrf_app):
    client = csrf_app.test_client()
    walk_with_tokens(client, "work")
    token = csrf_token(client.get("/apply/work").get_data(as_text=True))
    client.delete_cookie("session")                      # the browser lost its session (expired, cleared)
    response = client.post("/apply/work?lang=en", data={**VALID["work"], "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert lost(VALID["work"], html, "/apply/work") == []
    assert csrf_token(html)
    assert Application.select().count() == 1 and "work" not in Application.get().answers


def _signed_in(app, role, make_user):
    user = make_user(role)
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client


def test_a_stale_token_on_the_referral_form_keeps_every_value(csrf_app, make_user):
    client = _signed_in(csrf_app, "caseworker", make_user)
    data = {"full_name": "Nour Ali", "email": "nour@example.org", "phone": "+45 12 34 56 78", "municipality": "101",
            "language": "en", "note": "Engineer\nwith 10 years in construction", "consent_how": "phone",
            "consent_at": date.today().isoformat(), "agreed": "y", "mode": "invite"}
    response = client.post("/referrals/new?lang=en", data={**data, "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The form had expired" in html
    assert lost({k: v for k, v in data.items() if k != "mode"}, html, "/referrals/new") == []
    assert Referral.select().count() == 0
    assert client.post("/referrals/new", data={**data, "csrf_token": csrf_token(html)}).status_code == 302


def test_a_stale_token_on_the_status_form_keeps_the_values(csrf_app):
    client = csrf_app.test_client()
    data = {"reference": "MB-ABCD-EFGH", "email": "amal@example.org"}
    response = client.post("/status/?lang=en", data={**data, "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The form had expired" in html
    assert lost(data, html, "/status/") == []


def test_the_note_form_keeps_a_note_sent_with_a_stale_token_and_its_tokens_work(csrf_app, make_user):
    """The blank note form is kept with the application's other parts; its CSRF token is each person's own."""
    from tests.review.helpers import make_application
    client = _signed_in(csrf_app, "staff", make_user)
    application = make_application()
    url = f"/review/{application.reference}/notes?lang=en"
    page = client.get(f"/review/{application.reference}?lang=en").get_data(as_text=True)
    response = client.post(url, data={"body": "Called her:\nstarts in May", "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert "The form had expired" in html and lost({"body": "Called her:\nstarts in May"}, html) == []
    added = client.post(url, headers={"HX-Request": "true"},
                        data={"body": "Called her:\nstarts in May", "csrf_token": csrf_token(page)})
    fragment = BeautifulSoup(added.get_data(as_text=True), "html.parser")
    assert "starts in May" in fragment.select_one("#notes ul").get_text()
    assert fragment.select_one("textarea#body").get_text().strip() == ""          # blank again, with a token
    assert client.post(url, data={"body": "Second", "csrf_token": csrf_token(str(fragment))}).status_code == 302
    assert client.post(url, data={"body": "Third", "csrf_token": csrf_token(html)}).status_code == 302
    other = _signed_in(csrf_app, "staff", make_user)                               # another person's own token
    assert csrf_token(other.get(f"/review/{application.reference}").get_data(as_text=True)) != csrf_token(page)
    assert other.post(url, data={"body": "Fourth", "csrf_token": csrf_token(page)}).status_code != 302
    assert Note.select().count() == 3
