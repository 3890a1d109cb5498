"""A cohort's anonymous figures outlive the deletion of its people (issue 19, promise 6; DESIGN §5).

Before an erasure or the retention purge deletes an application, its part of the programme report (funnel,
outcome, meetings, by municipality) is added to `cohort_figures`, one row of counts per programme and
municipality code, in the same transaction; the report adds them to what is left in the database."""
from peewee import AutoField, CharField, ForeignKeyField, IntegerField, Model

COUNTS = ("applied", "likely_eligible", "approved", "matched", "completed", "mentees", "meetings", "positive",
          "later", "outcome_job", "outcome_education", "outcome_internship", "outcome_self_employed",
          "outcome_none")


def _models(db):
    class Programme(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "programme"

    attrs = {name: IntegerField(default=0) for name in COUNTS}
    meta = type("Meta", (), {"database": db, "table_name": "cohort_figures",
                             "indexes": ((("programme", "municipality"), True),)})
    figures = type("CohortFigures", (Model,), {
        "programme": ForeignKeyField(Programme, on_delete="CASCADE", index=False),   # the unique index leads with it
        "municipality": CharField(max_length=3, default=""),
        **attrs, "Meta": meta})
    return figures


def up(migrator, db):
    db.create_tables([_models(db)])


def down(migrator, db):
    db.drop_tables([_models(db)])
