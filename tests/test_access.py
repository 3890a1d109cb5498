"""Deny by default: every route states a policy, and the policy is enforced."""
import pytest
from flask import Blueprint

from portal import create_app
from portal.access import PUBLIC, check_every_route_has_a_policy, policy_of, roles


def test_every_route_of_the_app_states_who_may_use_it(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert policy_of(app, rule.endpoint) is not None, rule.rule


def test_a_route_without_a_policy_stops_the_app_from_starting(app):
    bp = Blueprint("careless", __name__)

    @bp.get("/careless")
    def careless():
        return "data"
    app.register_blueprint(bp)
    with pytest.raises(RuntimeError, match="careless.careless"):
        check_every_route_has_a_policy(app)
    # and should it slip through anyway, the request is refused
    assert app.test_client().get("/careless").status_code == 403


def _add_area(app):
    @app.get("/area-for-staff")
    @roles("staff", "admin")
    def area():
        return "staff area"


def test_anonymous_users_are_sent_to_login_with_next(app):
    _add_area(app)
    response = app.test_client().get("/area-for-staff")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/area-for-staff")


def test_a_user_without_the_role_gets_403(app, login_as):
    _add_area(app)
    assert login_as("caseworker").get("/area-for-staff").status_code == 403
    assert login_as("mentor").get("/area-for-staff").status_code == 403


def test_a_user_with_the_role_gets_in(app, login_as):
    _add_area(app)
    assert login_as("staff").get("/area-for-staff").get_data(as_text=True) == "staff area"


def test_deactivating_a_user_ends_their_session_at_the_next_request(app, login_as):
    from portal.models import User
    _add_area(app)
    client = login_as("staff")
    assert client.get("/area-for-staff").status_code == 200
    User.update(active=False).where(User.id == client.user.id).execute()
    assert client.get("/area-for-staff").status_code == 302
