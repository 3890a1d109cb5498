"""After the match (issue 20): the mentor reaches the mentee, is reminded when the pair stops meeting, and the
six-month follow-up asks both where the mentee is now.

`application.contact_shared_at`: the mentee agreed on the status page to give the mentor their contact
details (applications under a consent text before 2026-12, which did not say so). `pair.reminded_at`: the
mentor was last emailed that the pair has not met for a month (`send-reminders`, at most once a fortnight).
`pair.follow_up_asked_at` / `follow_up_reminded_at`: the six-month question was emailed / reminded (each taken
by one conditional update, so several machines running the commands send it once). `follow_up_answer`: one
answer per pair and person (mentee or mentor), a proposed outcome until staff confirm it."""
from peewee import AutoField, CharField, Check, DateTimeField, ForeignKeyField, Model


def _models(db):
    class User(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "user"

    class Pair(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "pair"

    class FollowUpAnswer(Model):
        pair = ForeignKeyField(Pair, on_delete="CASCADE", index=False)      # the unique index leads with it
        respondent = CharField()
        kind = CharField()
        answered_at = DateTimeField()
        confirmed_at = DateTimeField(null=True)
        confirmed_by = ForeignKeyField(User, null=True)

        class Meta:
            database = db
            table_name = "follow_up_answer"
            indexes = ((("pair", "respondent"), True),)
            constraints = [
                Check("respondent IN ('mentee', 'mentor')"),
                Check("kind IN ('job', 'education', 'internship', 'self_employed', 'none')"),
            ]
    return FollowUpAnswer


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("application", "contact_shared_at", DateTimeField(null=True)),
        migrator.add_column("pair", "reminded_at", DateTimeField(null=True)),
        migrator.add_column("pair", "follow_up_asked_at", DateTimeField(null=True)),
        migrator.add_column("pair", "follow_up_reminded_at", DateTimeField(null=True)),
    )
    db.create_tables([_models(db)])


def down(migrator, db):
    db.drop_tables([_models(db)])
    migrator.migrate(
        migrator.drop_column("pair", "follow_up_reminded_at"),
        migrator.drop_column("pair", "follow_up_asked_at"),
        migrator.drop_column("pair", "reminded_at"),
        migrator.drop_column("application", "contact_shared_at"),
    )
