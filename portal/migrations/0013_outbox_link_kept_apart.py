"""An email's one-time link is kept apart from its body, and only until the email is sent or given up on.

The body stored for 90 days then holds a placeholder instead of the link, so a copy or backup of the
database cannot be used to take over an invitation, a resume or sign-in link, or a password reset. Emails
already in the outbox keep their links in their bodies; those links expire with their tokens."""
from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("outbox", "link", TextField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("outbox", "link"))
