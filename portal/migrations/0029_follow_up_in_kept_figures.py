"""A past cohort's report still says how many outcomes the six-month follow-up proposed, and how many staff
confirmed, after its people are deleted (issue 20's follow-up, DESIGN §5).

`cohort_figures.follow_up_answered` / `follow_up_confirmed`: of a deleted application's pairs, those whose
mentee or mentor answered the follow-up, and those whose answer staff confirmed. Both are counts, as the rest
of the table; rows kept before this migration count 0 (their answers were deleted unkept)."""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("cohort_figures", "follow_up_answered", IntegerField(default=0)),
                     migrator.add_column("cohort_figures", "follow_up_confirmed", IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("cohort_figures", "follow_up_answered"),
                     migrator.drop_column("cohort_figures", "follow_up_confirmed"))
