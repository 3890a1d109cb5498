"""Sign-in for staff, admins, caseworkers and mentors (applicants have no accounts)."""
from flask import current_app, session
from flask_login import LoginManager, current_user, logout_user

from ..clock import now_utc
from ..services.authentication import load_session_user

login_manager = LoginManager()
login_manager.session_protection = None      # the session version does this job, across devices too
# How often the last-seen time is written into the session cookie: writing it at every request would
# sign and send the cookie again each time; the idle timeout is kept to within this many seconds.
SEEN_PRECISION = 60


def init_app(app):
    login_manager.init_app(app)
    login_manager.user_loader(load_session_user)


def end_stale_session():
    """Sign out a session idle for longer than IDLE_TIMEOUT or older than PERMANENT_SESSION_LIFETIME.

    Called by the access gate (portal/access.py) before a route's policy is decided."""
    if not current_user.is_authenticated:
        return
    now = now_utc().timestamp()
    last = session.get("seen", now)
    started = session.get("started", now)
    idle = current_app.config["IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if now - last > idle or now - started > absolute:
        # The form token stays: a form the person filled in is then refused by the route's policy
        # (sign in again) or, on a public page, still taken, instead of failing on its token.
        form_token = session.get(current_app.config["WTF_CSRF_FIELD_NAME"])
        logout_user()
        session.clear()
        if form_token:
            session[current_app.config["WTF_CSRF_FIELD_NAME"]] = form_token
        return
    if now - last >= SEEN_PRECISION or "seen" not in session:
        session["seen"] = now
