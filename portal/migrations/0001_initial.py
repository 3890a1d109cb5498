# Generated from a schema diff on 2026-11-29 22:30.
from peewee import *
from portal.models import JSONField


def up(migrator, db):
    class Municipality(Model):
        code = CharField(primary_key=True, max_length=3)
        name = CharField()
        region_code = CharField(max_length=4)
        region_name = CharField()
        class Meta:
            database = db
            table_name = 'municipality'
    db.create_tables([Municipality])

    class Company(Model):
        name = CharField(unique=True)
        class Meta:
            database = db
            table_name = 'company'
    db.create_tables([Company])

    class Programme(Model):
        name = CharField()
        company = ForeignKeyField(Company, null=True)
        start_date = DateField()
        length_months = IntegerField(default=6)
        capacity = IntegerField(default=25)
        retention_days = IntegerField(default=730)
        open_for_applications = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'programme'
    db.create_tables([Programme])

    class User(Model):
        email = CharField(unique=True)
        name = CharField()
        role = CharField()
        password_hash = CharField(null=True)
        active = BooleanField(default=True)
        session_version = IntegerField(default=1)
        language = CharField(max_length=2, default='da')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Application(Model):
        public_id = CharField(unique=True)
        reference = CharField(unique=True, null=True)
        status = CharField(index=True, default='draft')
        source = CharField(default='self')
        language = CharField(max_length=2, default='da')
        answers = JSONField(default=dict)
        completed_steps = JSONField(default=list)
        full_name = CharField(index=True, null=True)
        birth_year = IntegerField(null=True)
        email = CharField(index=True, null=True)
        phone = CharField(null=True)
        municipality = ForeignKeyField(Municipality, null=True)
        programme = ForeignKeyField(Programme, null=True)
        verdict = CharField(index=True, null=True)
        eligibility = JSONField(null=True)
        ruleset_version = IntegerField(null=True)
        possible_duplicate = BooleanField(index=True, default=False)
        assigned_to = ForeignKeyField(User, null=True)
        consent_version = CharField(null=True)
        consent_at = DateTimeField(null=True)
        consent_channel = CharField(null=True)
        decided_by = ForeignKeyField(User, null=True)
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(null=True)
        version = IntegerField(default=1)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        submitted_at = DateTimeField(index=True, null=True)
        class Meta:
            database = db
            table_name = 'application'
    db.create_tables([Application])

    class AuditEvent(Model):
        actor = ForeignKeyField(User, null=True)
        actor_role = CharField()
        action = CharField(index=True)
        object_type = CharField()
        object_id = CharField(index=True, null=True)
        at = DateTimeField(index=True)
        details = JSONField(default=dict)
        class Meta:
            database = db
            table_name = 'audit_event'
    db.create_tables([AuditEvent])

    class LoginAttempt(Model):
        email = CharField(index=True)
        address = CharField(index=True)
        succeeded = BooleanField()
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'login_attempt'
    db.create_tables([LoginAttempt])

    class OneTimeToken(Model):
        purpose = CharField()
        token_hash = CharField(unique=True)
        application = ForeignKeyField(Application, null=True, on_delete='CASCADE')
        user = ForeignKeyField(User, null=True, on_delete='CASCADE')
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'one_time_token'
    db.create_tables([OneTimeToken])

    class Outbox(Model):
        recipient = CharField()
        subject = CharField()
        body = TextField()
        language = CharField(max_length=2)
        created_at = DateTimeField()
        next_attempt_at = DateTimeField(index=True)
        attempts = IntegerField(default=0)
        claimed_by = CharField(null=True)
        claimed_at = DateTimeField(null=True)
        sent_at = DateTimeField(index=True, null=True)
        last_error = TextField(null=True)
        class Meta:
            database = db
            table_name = 'outbox'
    db.create_tables([Outbox])

    class Site(Model):
        company = ForeignKeyField(Company)
        name = CharField()
        address = CharField()
        postcode = CharField(max_length=4)
        town = CharField()
        class Meta:
            database = db
            table_name = 'site'
    db.create_tables([Site])

    class ProgrammeSite(Model):
        programme = ForeignKeyField(Programme, on_delete='CASCADE')
        site = ForeignKeyField(Site)
        class Meta:
            database = db
            table_name = 'programme_site'
            indexes = ((('programme', 'site'), True),)
    db.create_tables([ProgrammeSite])

    class RuleSetVersion(Model):
        programme = ForeignKeyField(Programme)
        version = IntegerField()
        rules = JSONField()
        created_at = DateTimeField()
        created_by = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'rule_set_version'
            indexes = ((('programme', 'version'), True),)
    db.create_tables([RuleSetVersion])

    class SiteCatchment(Model):
        site = ForeignKeyField(Site, on_delete='CASCADE')
        municipality = ForeignKeyField(Municipality)
        class Meta:
            database = db
            table_name = 'site_catchment'
            indexes = ((('site', 'municipality'), True),)
    db.create_tables([SiteCatchment])

    class UserMunicipality(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        municipality = ForeignKeyField(Municipality)
        class Meta:
            database = db
            table_name = 'user_municipality'
            indexes = ((('user', 'municipality'), True),)
    db.create_tables([UserMunicipality])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('user_municipality'))
    migrator.migrate(migrator.drop_table('site_catchment'))
    migrator.migrate(migrator.drop_table('rule_set_version'))
    migrator.migrate(migrator.drop_table('programme_site'))
    migrator.migrate(migrator.drop_table('site'))
    migrator.migrate(migrator.drop_table('outbox'))
    migrator.migrate(migrator.drop_table('one_time_token'))
    migrator.migrate(migrator.drop_table('login_attempt'))
    migrator.migrate(migrator.drop_table('audit_event'))
    migrator.migrate(migrator.drop_table('application'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('programme'))
    migrator.migrate(migrator.drop_table('company'))
    migrator.migrate(migrator.drop_table('municipality'))
