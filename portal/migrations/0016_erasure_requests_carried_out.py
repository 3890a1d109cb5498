"""Erasure requests are carried out: staff may refuse one with a reason the applicant is told (who, when, why),
and the confirmation of an erasure is scrubbed from the outbox once sent (issue 19, promise 1).

`application.erasure_refused_*` close a request without deleting; `outbox.forget_when_done` marks the one
email that must outlive the erasure it confirms only until it is sent or given up on."""
from peewee import BooleanField, DateTimeField, ForeignKeyField, Model, TextField, AutoField


def _user(db):
    class User(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "user"
    return User


def up(migrator, db):
    user = _user(db)
    migrator.migrate(
        migrator.add_column("application", "erasure_refused_at", DateTimeField(null=True)),
        migrator.add_column("application", "erasure_refused_by_id",
                            ForeignKeyField(user, field=user.id, null=True, index=False)),
        migrator.add_column("application", "erasure_refusal_reason", TextField(null=True)),
        migrator.add_column("outbox", "forget_when_done", BooleanField(default=False)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("outbox", "forget_when_done"),
        migrator.drop_column("application", "erasure_refusal_reason"),
        migrator.drop_column("application", "erasure_refused_by_id"),
        migrator.drop_column("application", "erasure_refused_at"),
    )
