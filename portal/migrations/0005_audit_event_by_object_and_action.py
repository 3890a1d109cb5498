"""The application page reads an application's audit events by object and action (its 20 newest views
apart from the rest): one index answers that without reading every view ever recorded."""

COLUMNS = ("object_id", "action", "at")


def up(migrator, db):
    migrator.migrate(migrator.add_index("audit_event", COLUMNS, False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("audit_event", "audit_event_object_id_action_at"))
