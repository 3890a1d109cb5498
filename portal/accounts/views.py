"""/admin/users (admins invite and manage users) and /account/… (set a password from an emailed link)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import admin_only, public
from ..models import User
from ..security import keeps_input
from ..services import account_admin
from .forms import ConfirmForm, InviteForm, ResetForm, SetPasswordForm, UserFilterForm, password_message

bp = Blueprint("accounts", __name__)
# GET       /admin/users                         the users, 50 to a page, with their actions; ?q= &role= &page=
# GET/POST  /admin/users/invite                  invite a user (email with a 7-day link)
# GET/POST  /admin/users/<id>/deactivate         confirm, then deactivate (sessions end at the next request)
# GET/POST  /admin/users/<id>/reactivate         confirm, then reactivate
# POST      /admin/users/<id>/resend             a new invitation link; earlier ones stop working
# GET/POST  /account/reset                       ask for a password reset link (same answer for everyone)
# GET/POST  /account/set-password/<token>        set a password from an invitation or reset link

ERRORS = {
    "email_taken": lambda user: _("A user with this email address already exists"),
    "municipality_required": lambda user: _("Choose at least one municipality for a caseworker"),
    "invalid_choice": lambda user: _("Choose from the lists"),
    "self": lambda user: _("You cannot deactivate yourself. Ask another admin."),
    "password_already_set": lambda user: _("%(name)s has already set a password, so there is no invitation "
                                           "to send.", name=user.name),
    "inactive": lambda user: _("%(name)s is deactivated. Reactivate the user first.", name=user.name),
}


def _user(user_id) -> User:
    return User.get_or_none(User.id == user_id) or abort(404)


def _actor() -> User:
    return current_user._get_current_object()


def _list_args() -> dict:
    """Where in the user table an action was started (its search, role and page): to go back there."""
    return {key: request.args[key] for key in ("q", "role", "page") if request.args.get(key)}


@bp.get("/admin/users")
@admin_only
def users():
    """The users, by name, 50 to a page, with role, municipalities, state and actions; search by name or
    email and filter by role."""
    form = UserFilterForm(request.args)
    form.validate()
    search, role = form.search(), form.chosen_role()
    listing = account_admin.overview(search, role, request.args.get("page", 1, type=int))

    filters = {key: value for key, value in (("q", search), ("role", role)) if value}

    def url_for_page(number):
        return url_for("accounts.users", **filters, page=number)

    # The table's actions come back to this view of it.
    here = {**filters, **({"page": listing.page} if listing.page > 1 else {})}
    return render_template("accounts/users.html", form=form, listing=listing, filtered=bool(filters),
                           url_for_page=url_for_page, list_args=here)


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@admin_only
@keeps_input
def invite():
    """Invite a user: they get an email with a link to set their password."""
    form = InviteForm(account_admin.municipalities())
    if form.validate_on_submit():
        try:
            user = account_admin.invite(form.email.data, form.name.data, form.role.data, form.language.data,
                                   form.municipalities.data, _actor())
        except account_admin.AccountError as error:
            field = form.email if error.code == "email_taken" else form.municipalities
            field.errors = [*field.errors, ERRORS[error.code](None)]
        else:
            flash(_("The invitation has been sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/invite.html", form=form)


@bp.route("/admin/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["GET", "POST"])
@admin_only
@keeps_input
def change_active(user_id, action):
    """Confirm, then deactivate or reactivate a user."""
    user, form = _user(user_id), ConfirmForm()
    if form.validate_on_submit():
        try:
            getattr(account_admin, action)(user, _actor())
        except account_admin.AccountError as error:
            flash(ERRORS[error.code](user), "error")
        else:
            flash(_("%(name)s is deactivated.", name=user.name) if action == "deactivate"
                  else _("%(name)s is active again.", name=user.name), "success")
        return redirect(url_for("accounts.users", **_list_args()))
    return render_template("accounts/confirm.html", user=user, action=action, form=form,
                           is_self=user.id == current_user.id, list_args=_list_args())


@bp.post("/admin/users/<int:user_id>/resend")
@admin_only
@keeps_input
def resend(user_id):
    """Send a new invitation; the earlier unused links stop working."""
    user, form = _user(user_id), ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The page had expired, so nothing was sent. Try again."), "error")
    else:
        try:
            account_admin.resend_invitation(user, _actor())
        except account_admin.AccountError as error:
            flash(ERRORS[error.code](user), "error")
        else:
            flash(_("A new invitation has been sent to %(email)s. Earlier links no longer work.",
                    email=user.email), "success")
    return redirect(url_for("accounts.users", **_list_args()))


@bp.route("/account/reset", methods=["GET", "POST"])
@public
@keeps_input
def reset():
    """Ask for a password reset link; the answer is the same whether or not the account exists."""
    form = ResetForm()
    if form.validate_on_submit():
        account_admin.request_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset.html", form=form)


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
@public
@keeps_input
def set_password(token):
    """Choose a password from an invitation or reset link; the link works once."""
    found = account_admin.link_user(token)
    if found is None:
        return render_template("accounts/link_expired.html"), 404
    link, user = found
    form = SetPasswordForm(user.email, user.name)
    if form.validate_on_submit():
        try:
            account_admin.set_password(token, form.password.data)
        except account_admin.LinkNotValid:
            return render_template("accounts/link_expired.html"), 404
        except account_admin.WeakPassword as weak:      # the form checks the same rules: only if they disagree
            form.password.errors = [password_message(weak.problem)]
        else:
            flash(_("Your password is saved. Log in with your email address and your new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("accounts/set_password.html", form=form, user=user, purpose=link.purpose, token=token)
