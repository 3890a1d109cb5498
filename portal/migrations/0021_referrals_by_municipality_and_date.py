"""A caseworker's referrals list reads their municipalities' referrals newest first, a page at a time: an
index on (municipality, created_at) gives them in that order without sorting every referral of a large
municipality (issue 18: København's 3,654 in the 100,000-application bench database were read and sorted
for each view of the list). It replaces the index on municipality alone, which it makes redundant."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("referral", ("municipality_id", "created_at"), False),
                     migrator.drop_index("referral", "referral_municipality_id"))


def down(migrator, db):
    migrator.migrate(migrator.add_index("referral", ("municipality_id",), False, name="referral_municipality_id"),
                     migrator.drop_index("referral", "referral_municipality_id_created_at"))
