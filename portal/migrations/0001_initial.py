"""The initial schema: frozen copies of the models as they were at the first release."""
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
        totp_secret = CharField(null=True)
        totp_last_step = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'user'
            constraints = [SQL("CHECK (role IN ('staff', 'admin', 'caseworker', 'mentor'))")]
    db.create_tables([User])

    class Application(Model):
        public_id = CharField(unique=True)
        reference = CharField(unique=True, null=True)
        status = CharField(default='draft')
        source = CharField(default='self')
        language = CharField(max_length=2, default='da')
        answers = JSONField(default=dict)
        completed_steps = JSONField(default=list)
        full_name = CharField(null=True)
        birth_year = IntegerField(null=True)
        email = CharField(index=True, null=True)
        phone = CharField(null=True)
        municipality = ForeignKeyField(Municipality, null=True, index=False)
        programme = ForeignKeyField(Programme, null=True, index=False)
        verdict = CharField(null=True)
        eligibility = JSONField(null=True)
        ruleset_version = IntegerField(null=True)
        possible_duplicate = BooleanField(default=False)
        assigned_to = ForeignKeyField(User, null=True, index=False)
        consent_version = CharField(null=True)
        consent_at = DateTimeField(null=True)
        consent_channel = CharField(null=True)
        decided_by = ForeignKeyField(User, null=True)
        decided_at = DateTimeField(null=True)
        decision_code = CharField(null=True)
        decision_reason = TextField(null=True)
        version = IntegerField(default=1)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        submitted_at = DateTimeField(null=True)
        erasure_requested_at = DateTimeField(index=True, null=True)
        class Meta:
            database = db
            table_name = 'application'
            constraints = [SQL("CHECK (status IN ('draft', 'submitted', 'in_review', 'needs_info', 'approved', 'rejected', 'withdrawn', 'matched', 'active', 'completed'))"), SQL("CHECK (source IN ('self', 'referral'))"), SQL("CHECK (status NOT IN ('approved', 'rejected') OR (decided_by_id IS NOT NULL AND decision_reason IS NOT NULL))")]
            indexes = ((('status', 'submitted_at', 'verdict', 'programme', 'municipality', 'source', 'language', 'possible_duplicate', 'assigned_to'), False), (('verdict', 'submitted_at', 'status', 'programme', 'municipality', 'source', 'language', 'possible_duplicate', 'assigned_to'), False), (('programme', 'submitted_at', 'status', 'verdict', 'municipality', 'source', 'language', 'possible_duplicate', 'assigned_to'), False), (('municipality', 'submitted_at', 'status', 'verdict', 'programme', 'source', 'language', 'possible_duplicate', 'assigned_to'), False), (('source', 'submitted_at', 'status', 'verdict', 'programme', 'municipality', 'language', 'possible_duplicate', 'assigned_to'), False), (('language', 'submitted_at', 'status', 'verdict', 'programme', 'municipality', 'source', 'possible_duplicate', 'assigned_to'), False), (('possible_duplicate', 'submitted_at', 'status', 'verdict', 'programme', 'municipality', 'source', 'language', 'assigned_to'), False), (('assigned_to', 'submitted_at', 'status', 'verdict', 'programme', 'municipality', 'source', 'language', 'possible_duplicate'), False), (('submitted_at', 'status', 'verdict', 'programme', 'municipality', 'source', 'language', 'possible_duplicate', 'assigned_to'), False), (('full_name', 'submitted_at', 'status'), False), (('full_name', 'email', 'reference', 'submitted_at', 'status'), False))
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

    class MatchRejection(Model):
        application = ForeignKeyField(Application, on_delete='CASCADE')
        mentor = ForeignKeyField(User, on_delete='CASCADE')
        rejected_by = ForeignKeyField(User)
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'match_rejection'
            indexes = ((('application', 'mentor'), True),)
    db.create_tables([MatchRejection])

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

    class Pair(Model):
        programme = ForeignKeyField(Programme, on_delete='CASCADE')
        application = ForeignKeyField(Application, unique=True, on_delete='CASCADE')
        mentor = ForeignKeyField(User)
        site = ForeignKeyField(Site, null=True)
        reasons = JSONField(default=list)
        accepted_by = ForeignKeyField(User)
        accepted_at = DateTimeField()
        started_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'pair'
    db.create_tables([Pair])

    class Meeting(Model):
        pair = ForeignKeyField(Pair, on_delete='CASCADE')
        held_on = DateField(index=True)
        note = CharField(null=True, max_length=200)
        logged_by = ForeignKeyField(User)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting'
    db.create_tables([Meeting])

    class MentorProfile(Model):
        user = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        site = ForeignKeyField(Site, null=True)
        work_years = IntegerField(null=True)
        leadership = BooleanField(default=False)
        fields = JSONField(default=list)
        languages = JSONField(default=list)
        capacity = IntegerField(default=1)
        trained_on = DateField(null=True)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'mentor_profile'
            constraints = [SQL('CHECK (work_years IS NULL OR work_years >= 5)'), SQL('CHECK (capacity BETWEEN 1 AND 5)')]
    db.create_tables([MentorProfile])

    class Milestone(Model):
        pair = ForeignKeyField(Pair, on_delete='CASCADE')
        kind = CharField()
        reached_on = DateField()
        recorded_by = ForeignKeyField(User)
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'milestone'
            constraints = [SQL("CHECK (kind IN ('cv_ready', 'first_interview', 'internship_started', 'job_offer', 'education_started', 'business_started'))")]
            indexes = ((('pair', 'kind'), True),)
    db.create_tables([Milestone])

    class Note(Model):
        application = ForeignKeyField(Application, on_delete='CASCADE')
        author = ForeignKeyField(User)
        body = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'note'
    db.create_tables([Note])

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

    class Outcome(Model):
        application = ForeignKeyField(Application, unique=True, on_delete='CASCADE')
        programme = ForeignKeyField(Programme, on_delete='CASCADE')
        kind = CharField()
        reached_on = DateField(null=True)
        recorded_by = ForeignKeyField(User)
        recorded_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'outcome'
            constraints = [SQL("CHECK (kind IN ('job', 'education', 'internship', 'self_employed', 'none'))")]
    db.create_tables([Outcome])

    class ProgrammeSite(Model):
        programme = ForeignKeyField(Programme, on_delete='CASCADE')
        site = ForeignKeyField(Site)
        class Meta:
            database = db
            table_name = 'programme_site'
            indexes = ((('programme', 'site'), True),)
    db.create_tables([ProgrammeSite])

    class ProgrammeStart(Model):
        programme = ForeignKeyField(Programme, unique=True, on_delete='CASCADE')
        started_on = DateField()
        started_by = ForeignKeyField(User)
        class Meta:
            database = db
            table_name = 'programme_start'
    db.create_tables([ProgrammeStart])

    class Referral(Model):
        public_id = CharField(unique=True)
        caseworker = ForeignKeyField(User)
        municipality = ForeignKeyField(Municipality)
        full_name = CharField(index=True)
        email = CharField(null=True)
        phone = CharField(null=True)
        language = CharField(max_length=2, default='da')
        note = TextField()
        consent_how = CharField()
        consent_at = DateField()
        mode = CharField(null=True)
        application = ForeignKeyField(Application, unique=True, null=True, on_delete='SET NULL')
        created_at = DateTimeField(index=True)
        invited_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'referral'
    db.create_tables([Referral])

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
    migrator.migrate(migrator.drop_table('referral'))
    migrator.migrate(migrator.drop_table('programme_start'))
    migrator.migrate(migrator.drop_table('programme_site'))
    migrator.migrate(migrator.drop_table('outcome'))
    migrator.migrate(migrator.drop_table('outbox'))
    migrator.migrate(migrator.drop_table('one_time_token'))
    migrator.migrate(migrator.drop_table('note'))
    migrator.migrate(migrator.drop_table('milestone'))
    migrator.migrate(migrator.drop_table('mentor_profile'))
    migrator.migrate(migrator.drop_table('meeting'))
    migrator.migrate(migrator.drop_table('pair'))
    migrator.migrate(migrator.drop_table('site'))
    migrator.migrate(migrator.drop_table('match_rejection'))
    migrator.migrate(migrator.drop_table('login_attempt'))
    migrator.migrate(migrator.drop_table('audit_event'))
    migrator.migrate(migrator.drop_table('application'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('programme'))
    migrator.migrate(migrator.drop_table('company'))
    migrator.migrate(migrator.drop_table('municipality'))
