"""The audit log's index on object_id alone goes: 0005's (object_id, action, at) answers every lookup by
object, and that single-column index misled PostgreSQL's planner.

For an application opened 36,000 times (the load bench's), PostgreSQL estimated its history (its rows
that are not views) as 30,000 rows whichever index it used, and chose the object_id index: it read all
36,000 rows to find one (6 ms of the page's 13). Without it, the planner takes 0009's partial index of the
rows that are not views (0.04 ms). Every audit row written also has one index less to update."""


def up(migrator, db):
    migrator.migrate(migrator.drop_index("audit_event", "auditevent_object_id"))


def down(migrator, db):
    migrator.migrate(migrator.add_index("audit_event", ("object_id",), False, name="auditevent_object_id"))
