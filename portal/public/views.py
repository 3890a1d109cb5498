"""Pages anyone may read: the start page, privacy, and the health check."""
from flask import Blueprint, jsonify, render_template

from ..access import public
from ..db import database
from ..services import retention

bp = Blueprint("public", __name__)
# GET /          start page
# GET /privacy   what we keep, why and for how long; who is responsible; your rights
# GET /healthz   {"status": "ok"} when the database answers


@bp.get("/")
@public
def index():
    """The start page: the programme in plain words, the criteria, and 'Start application'."""
    return render_template("public/index.html")


@bp.get("/privacy")
@public
def privacy():
    """What data the portal keeps, why, on what legal basis, for how long, and the reader's rights (GDPR art. 13)."""
    return render_template("public/privacy.html", periods=retention.periods())


@bp.get("/healthz")
@public
def healthz():
    """Liveness for load balancers: 200 when the database answers, 503 otherwise."""
    try:
        database.execute_sql("SELECT 1").fetchone()
    except Exception:      # any failure to answer means unavailable
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")

