"""flask --app wsgi init-db | seed-demo | create-user | send-mail | copy-db | backup"""
import secrets
from pathlib import Path

import click
from flask import current_app

from . import mail
from .db import database
from .models import User
from .services import demo, authentication
from .services.authentication import UserError

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
    @click.option("--applications", "applications", type=click.IntRange(min=0), default=0,
                  help="Also add this many synthetic applications (e.g. 100000 for a load test).")
    def seed_demo(applications):
        """Load demo data into an empty database and print the demo logins."""
        migrate()
        logins_file = Path(current_app.instance_path) / "demo-logins.txt"
        logins_file.parent.mkdir(parents=True, exist_ok=True)   # absent when the database lives elsewhere
        with database.connection_context():
            created = demo.seed(lambda: secrets.token_urlsafe(9))
            if applications:
                from .services import synthetic
                click.echo(f"Added {synthetic.generate(applications)} synthetic application(s).")
        if created:
            with database.connection_context():
                secrets_by_email = {u.email: u.totp_secret for u in User.select().where(User.totp_secret.is_null(False))}
            logins_file.write_text("".join(
                f"{role}\t{email}\t{password}" + (f"\t{secrets_by_email[email]}" if email in secrets_by_email else "")
                + "\n" for role, email, password in created))
            logins_file.chmod(0o600)
            click.echo("Loaded demo data.")
        else:
            click.echo("The database already holds data; nothing loaded.")
        if logins_file.exists():
            click.echo("Demo logins (role, email, password; for the admin also the authenticator app key):")
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
        with database.connection_context():
            try:
                user = authentication.create_user(email, name or email.split("@")[0], role, password, municipalities)
            except UserError as error:
                raise click.UsageError(str(error)) from None
        click.echo(f"Created {user.role} {user.email}.")

    @app.cli.command("purge")
    @click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
    def purge(dry_run):
        """Carry out erasure requests past their due date (30 days) that staff did not refuse; delete stale
        drafts (30 days), closed applications past their programme's retention, expired links, login attempts
        older than 30 days and emails sent or given up on more than 90 days ago."""
        from .clock import now_utc
        from .services import retention
        with database.connection_context():
            report = retention.purge(now_utc(), dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        click.echo(f"{'Would carry out' if dry_run else 'Carried out'} {report.erasures} erasure request(s) "
                   "past their due date.")
        click.echo(f"{verb} {report.drafts} stale draft(s), {report.closed} closed application(s), "
                   f"{report.tokens} expired link(s), {report.login_attempts} old login attempt(s), "
                   f"{report.emails} old email(s).")

    @app.cli.command("end-courses")
    def end_courses():
        """End the course of every pair whose programme has reached its end date (daily from cron; safe
        on several machines at once: each pair is moved once)."""
        from .clock import now_utc
        from .services import cohorts
        with database.connection_context():
            click.echo(f"Ended the course of {cohorts.end_courses(now_utc().date())} pair(s).")

    @app.cli.command("send-reminders")
    def send_reminders():
        """Remind mentors whose pair has not met for a month (at most once a fortnight), and ask the six-month
        question again where neither answered within a week (daily from cron; safe on several machines)."""
        from .clock import now_utc
        from .services import follow_up, reminders
        now = now_utc()
        with database.connection_context():
            mentors = reminders.remind_mentors(now.date(), now)
            pairs = follow_up.remind(now)
        click.echo(f"Reminded {mentors} mentor(s) to meet; asked {pairs} pair(s) again where they are now.")

    @app.cli.command("send-mail")
    def send_mail():
        """Send queued emails that are due (safe to run from cron in several places)."""
        with database.connection_context():
            click.echo(f"Sent {mail.send_pending(limit=1000)} email(s).")

    @app.cli.command("copy-db")
    @click.option("--to", "target_url", required=True, metavar="URL",
                  help="The empty database to fill, e.g. postgresql://user:pw@host/mentorbro")
    def copy_db(target_url):
        """Copy every row (audit log included) into an empty database, e.g. from SQLite to PostgreSQL."""
        from .copy_db import CopyRefused, copy_database
        with database.connection_context():
            try:
                copied = copy_database(target_url, str(MIGRATIONS))
            except CopyRefused as error:
                raise click.ClickException(str(error)) from None
        for table, count in copied.items():
            click.echo(f"{table}: {count}")
        click.echo(f"Copied {sum(copied.values())} row(s) in {len(copied)} table(s).")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    def backup(path):
        """Copy the SQLite database to PATH with SQLite's online backup (safe while the portal runs)."""
        from .backup import BackupRefused, backup_sqlite
        try:
            pages = backup_sqlite(current_app.config["DATABASE_URL"], path)
        except BackupRefused as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Backed up {pages} page(s) to {path}.")
