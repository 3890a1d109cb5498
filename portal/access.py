"""Deny by default: every view states who may use it, and a request to one that does not is refused."""
from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from . import auth, security
from .auth import totp

PUBLIC = "public"


def public(view):
    """Anyone may use this view (applicants have no accounts)."""
    view.access = PUBLIC
    return view


def roles(*allowed):
    """Only signed-in users with one of these roles; anonymous users are sent to the login page."""
    def decorate(view):
        view.access = frozenset(allowed)
        return view
    return decorate


staff_only = roles("staff", "admin")
admin_only = roles("admin")
coordinator_only = roles("coordinator")


def policy_of(app, endpoint):
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None) if view else None


def check_every_route_has_a_policy(app):
    """Fail at start-up when a route was added without saying who may use it."""
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint != "static" and policy_of(app, rule.endpoint) is None]
    if missing:
        raise RuntimeError(f"Routes without an access policy: {', '.join(sorted(missing))}")


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` ids up to the largest database integer (PostgreSQL's 32-bit serial): a longer number in a
    URL is no route (404), not a query the database refuses (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app):
    app.url_map.converters["int"] = DatabaseIdConverter      # before the blueprints add their routes
    # CSRF is checked by the gate below, after the access policy, never before it (see _gate).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def _gate():
        """The one way into every view, in this order: who is asking, may they, and did they mean to.

        1. An idle or too old session ends (the person is then anonymous).
        2. The route's policy: sign-in, second factor, role. A refusal here is final, whatever else the
           request holds: no view code runs for a person the policy refuses.
        3. Only then is a form checked: sent from another site (Origin) is refused; a missing or expired
           CSRF token is refused with a plain 400 page, except on a view that keeps what was typed
           (`security.keeps_input`): that view runs as usual for the person the policy allowed, and its
           form fails validation with a plain message and the input kept, so nothing is changed.
        """
        if request.endpoint is None or request.endpoint == "static":
            return None             # no route (404 or 405 follows) or a static file
        auth.end_stale_session()
        refusal = _refusal()
        if refusal is not None:
            return refusal
        security.refuse_cross_site()
        security.check_csrf(keeps_input=getattr(current_app.view_functions[request.endpoint], "keeps_input", False))
        return None


def _refusal():
    """The policy's answer for this request: None when allowed, else a redirect or an abort."""
    policy = policy_of(current_app, request.endpoint)
    if policy == PUBLIC:
        return None
    if policy is None:
        abort(403)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if totp.required_for(current_user) and not totp.passed(current_user):
        # An admin who has only given the password opens nothing until the second factor is passed.
        return redirect(url_for("auth.second_factor", next=request.full_path.rstrip("?")))
    if current_user.role not in policy:
        abort(403)
    return None
