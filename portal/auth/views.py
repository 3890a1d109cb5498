"""/login and /logout."""
import math
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from ..access import public
from ..security import keeps_input
from ..clock import now_utc
from ..i18n import ACCOUNT_LANGUAGES
from ..services import authentication
from . import devices, totp
from .forms import LoginForm, SecondFactorForm

bp = Blueprint("auth", __name__)
# GET/POST /login       sign in
# GET/POST /login/totp  an admin's second step: a code from an authenticator app (enrol on first use)
# POST     /logout      sign out everywhere

HOME_BY_ROLE = {"staff": "/review/", "admin": "/admin/", "caseworker": "/referrals/", "mentor": "/mentor/",
                "coordinator": "/company/"}


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and "\\" not in target else None


def wait_message(wait) -> str:
    """'Too many failed attempts. Wait N seconds/minutes…', rounded up, in the reader's language."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        how_long = ngettext("%(num)d second", "%(num)d seconds", seconds)
    else:
        how_long = ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60))
    return _("Too many failed attempts. Wait %(how_long)s and try again.", how_long=how_long)


def refused(template: str, wait, **context):
    """A 429 page that says how long to wait (and tells programs in Retry-After)."""
    response = current_app.make_response((render_template(template, **context), 429))
    response.headers["Retry-After"] = str(max(1, math.ceil(wait.total_seconds())))
    return response


def home_for(user) -> str:
    """Where a user lands after login: their area if it exists yet, else the start page."""
    path = HOME_BY_ROLE.get(user.role, "/")
    adapter = current_app.url_map.bind("localhost")
    return path if adapter.test(path, method="GET") else "/"


@bp.route("/login", methods=["GET", "POST"])
@public
@keeps_input
def login():
    """Sign in with email and password."""
    form = LoginForm(next=request.args.get("next", ""), lang=request.args.get("lang", ""))
    if form.validate_on_submit():
        try:
            user = authentication.authenticate(form.email.data, form.password.data, request.remote_addr or "-",
                                      devices=devices.known())
        except authentication.Throttled as throttled:
            form.password.errors.append(wait_message(throttled.wait))
            return refused("auth/login.html", throttled.wait, form=form)
        if user is None:
            form.password.errors.append(_("The email or password is not correct."))
        else:
            session.clear()                       # a fresh session at login
            login_user(user)
            session["started"] = session["seen"] = now_utc().timestamp()
            if form.lang.data in ACCOUNT_LANGUAGES and form.lang.data != user.language:
                authentication.set_language(user, form.lang.data)
            if totp.required_for(user):
                return redirect(url_for("auth.second_factor", next=safe_next(form.next.data)))
            response = redirect(safe_next(form.next.data) or home_for(user))
            devices.remember(response, user)
            return response
    return render_template("auth/login.html", form=form)


@bp.route("/login/totp", methods=["GET", "POST"])
@public
@keeps_input
def second_factor():
    """An admin's second step after the password: a one-time code (on first use, set up the app)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    user = current_user._get_current_object()
    if not totp.required_for(user) or totp.passed(user):
        return redirect(safe_next(request.values.get("next")) or home_for(user))
    enrolling = not totp.enrolled(user)
    if enrolling:
        totp.secret_for_enrolment(user)
    form = SecondFactorForm(next=request.args.get("next", ""))
    uri = totp.provisioning_uri(user) if enrolling else None
    context = dict(form=form, enrolling=enrolling, secret=user.totp_secret if enrolling else None, uri=uri,
                   qr_code=totp.qr_code(uri, _("QR code that adds Mentorbro to your authenticator app"))
                   if enrolling else None)
    if form.validate_on_submit():
        try:
            if totp.verify(user, form.code.data, request.remote_addr or "-", device=devices.known().get(user.id)):
                totp.mark_passed(user)
                response = redirect(safe_next(form.next.data) or home_for(user))
                devices.remember(response, user)
                return response
            form.code.errors.append(_("The code is not correct. Enter the newest code from your app."))
        except totp.Throttled as throttled:
            form.code.errors.append(wait_message(throttled.wait))
            return refused("auth/second_factor.html", throttled.wait, **context)
    return render_template("auth/second_factor.html", **context)


@bp.post("/logout")
@public
def logout():
    """Sign out: this session and any copy of its cookie stop working."""
    if current_user.is_authenticated:
        authentication.logout(current_user)
        logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.index"))
