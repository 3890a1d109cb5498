"""flask --app wsgi init-db | seed-demo | create-user | send-mail"""
import secrets
from pathlib import Path

import click
from flask import current_app

from . import mail
from .db import database
from .services import demo, users
from .services.users import UserError

MIGRATIONS = Path(__file__).parent / "migrations"


def migrate() -> list[str]:
    """Create or upgrade the schema; applies only the migrations not yet applied."""
    from playhouse.migrations import Runner
    with database.connection_context():
        return Runner(database.obj, str(MIGRATIONS)).up()


def init_app(app):
    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the database (idempotent)."""
        applied = migrate()
        click.echo(f"Applied {len(applied)} migration(s): {', '.join(applied)}" if applied
                   else "The database is up to date.")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load demo data into an empty database and print the demo logins."""
        migrate()
        logins_file = Path(current_app.instance_path) / "demo-logins.txt"
        with database.connection_context():
            created = demo.seed(lambda: secrets.token_urlsafe(9))
        if created:
            logins_file.write_text("".join(f"{role}\t{email}\t{password}\n" for role, email, password in created))
            logins_file.chmod(0o600)
            click.echo("Loaded demo data.")
        else:
            click.echo("The database already holds data; nothing loaded.")
        if logins_file.exists():
            click.echo("Demo logins (role, email, password):")
            click.echo(logins_file.read_text().rstrip())

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--role", required=True, type=click.Choice(["staff", "admin", "caseworker", "mentor"]))
    @click.option("--name", default=None, help="Full name (default: the part of the email before @).")
    @click.option("--municipality", "municipalities", multiple=True, help="3-digit code; repeat for several.")
    @click.option("--password", default=None, help="Prompted for when not given.")
    def create_user(email, role, name, municipalities, password):
        """Create a user account."""
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 12:
            raise click.UsageError("Choose a password of at least 12 characters.")
        with database.connection_context():
            try:
                user = users.create_user(email, name or email.split("@")[0], role, password, municipalities)
            except UserError as error:
                raise click.UsageError(str(error)) from None
        click.echo(f"Created {user.role} {user.email}.")

    @app.cli.command("send-mail")
    def send_mail():
        """Send queued emails that are due (safe to run from cron in several places)."""
        with database.connection_context():
            click.echo(f"Sent {mail.send_pending(limit=1000)} email(s).")
