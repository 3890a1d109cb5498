"""Pages anyone may read: the start page, privacy, and the health check."""
from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from ..access import public
from ..cache import cache_for
from ..db import database

bp = Blueprint("public", __name__)
# GET /          start page
# GET /privacy   what we keep and why
# GET /healthz   {"status": "ok"} when the database answers


@bp.get("/")
@public
def index():
    """The start page: the programme in plain words, the criteria, and 'Start application'."""
    return _same_for_everyone("public/index.html")


@bp.get("/privacy")
@public
def privacy():
    """What data the portal keeps, why, and for how long."""
    return _same_for_everyone("public/privacy.html")


@bp.get("/healthz")
@public
def healthz():
    """Liveness for load balancers: 200 when the database answers, 503 otherwise."""
    try:
        database.execute_sql("SELECT 1").fetchone()
    except Exception:      # any failure to answer means unavailable
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


def _same_for_everyone(template):
    """A page made from its template alone is rendered once per language and address, for visitors
    without a session (the first visit, most visits): nothing on it is theirs. Anyone signed in, or
    with a session (a message waiting to be shown, a draft), gets it rendered for them."""
    if current_user.is_authenticated or current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        return render_template(template)
    return cache_for(None).get((template, str(get_locale()), request.query_string),
                               lambda: render_template(template))
