"""The association's contact details are settings an admin edits at /admin/settings (issue 20): its name,
address, phone and email, and its data-protection contact. One row (id 1), written by the first save; the
footer, the privacy page and emails read it. Until an admin saves it, pages fall back to general words."""
from peewee import CharField, DateTimeField, Model


def _model(db):
    class Association(Model):
        name = CharField(max_length=200, default="")
        address = CharField(max_length=200, default="")
        phone = CharField(max_length=30, default="")
        email = CharField(max_length=254, default="")
        privacy_contact = CharField(max_length=200, default="")
        privacy_email = CharField(max_length=254, default="")
        updated_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "association"
    return Association


def up(migrator, db):
    db.create_tables([_model(db)])


def down(migrator, db):
    db.drop_tables([_model(db)])
