"""Mentorbro: the intake portal of a business-mentor programme for refugees."""
import os
import secrets
from pathlib import Path

from flask import Flask


def create_app(overrides=None):
    """Build the app; `overrides` (tests, tools) win over environment and defaults."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    production = os.environ.get("PORTAL_ENV") == "production" or (overrides or {}).get("ENV_NAME") == "production"
    app.config.from_object("portal.config.Production" if production else "portal.config.Default")
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.from_prefixed_env("PORTAL")
    app.config.update(overrides or {})
    _ensure_secret_key(app)
    _ensure_mail_server(app)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'mentorbro.db'}"
    if not app.config.get("BASE_URL"):
        # scripts/serve.sh serves on $PORT: emailed and on-screen links must point there too.
        app.config["BASE_URL"] = f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"

    from . import access, auth, cli, context, db, errors, i18n, mail, security, serving
    from .accounts import views as accounts
    from .admin import views as admin
    from .apply import views as apply
    from .auth import views as auth_views
    from .companies import signups
    from .companies import views as companies
    from .coordinator import views as coordinator
    from .follow_up import views as follow_up
    from .join import views as join
    from .mentor import views as mentor
    from .programmes import views as programmes
    from .public import views as public
    from .referrals import views as referrals
    from .review import views as review
    from .status import views as status
    for part in (db, i18n, security, auth, access, errors, mail, context, cli, serving):
        part.init_app(app)
    for blueprint in (public.bp, apply.bp, status.bp, auth_views.bp, review.bp, referrals.bp, admin.bp, accounts.bp,
                      programmes.bp, mentor.bp, companies.bp, follow_up.bp, join.bp, signups.bp, coordinator.bp):
        app.register_blueprint(blueprint)
    access.check_every_route_has_a_policy(app)
    return app


def _ensure_secret_key(app):
    """Production refuses to start without SECRET_KEY; development keeps a generated one."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("SECRET_KEY must be set in production (environment variable SECRET_KEY).")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _ensure_mail_server(app):
    """Production refuses to start without a mail server: emails (one-time links in them) must never end up
    on the console, which is the server's log."""
    if app.config["ENV_NAME"] == "production" and not app.config.get("MAIL_SERVER"):
        raise RuntimeError("MAIL_SERVER must be set in production (environment variable PORTAL_MAIL_SERVER).")
