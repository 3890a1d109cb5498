"""Sign-in throttling counts each attempt before it is checked, in one row per account, address, known
device or second-factor account (portal/services/throttle.py): a conditional write that holds across
workers and instances, where counting the failures after each check let concurrent guesses through."""
from peewee import BooleanField, DateTimeField, IntegerField, Model, TextField


def _model(db):
    class LoginThrottle(Model):
        key = TextField(unique=True)
        failures = IntegerField(default=0)
        blocked_until = DateTimeField(null=True)
        notified = BooleanField(default=False)
        updated_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "login_throttle"
    return LoginThrottle


def up(migrator, db):
    db.create_tables([_model(db)])


def down(migrator, db):
    db.drop_tables([_model(db)])
