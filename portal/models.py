"""The portal's tables. Constraints are the truth; query helpers live here as classmethods."""
import json
import secrets

from peewee import (BooleanField, CharField, Check, DateField, DateTimeField,
                    ForeignKeyField, IntegerField, TextField)

from .clock import now_utc
from .db import BaseModel
from . import lifecycle
from .lifecycle import Status
from .names import fold

ROLES = ("staff", "admin", "caseworker", "mentor", "coordinator")
COMPANY_STATES = ("pending", "approved", "declined")   # a sign-up waits for staff; admins' companies are approved
STATUSES = tuple(Status)          # the states and their moves: lifecycle.py
SOURCES = ("self", "referral")
QUEUE_FILTERS = ("verdict", "programme", "municipality", "source", "language", "possible_duplicate", "assigned_to")


class JSONField(TextField):
    """JSON stored as text, so SQLite and PostgreSQL behave alike."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


def public_id() -> str:
    """A random, unguessable identifier for URLs (128 bits)."""
    return secrets.token_urlsafe(16)


class Municipality(BaseModel):
    code = CharField(primary_key=True, max_length=3)
    name = CharField()
    region_code = CharField(max_length=4)
    region_name = CharField()

    @classmethod
    def by_name(cls):
        return cls.select().order_by(cls.name)

    @classmethod
    def names(cls) -> list[tuple[str, str]]:
        """(code, name) of every municipality, by name: for the lists on the form and the queue.

        Reference data that only a migration changes, so a process reads it once per database
        instead of once per page."""
        key = id(cls._meta.database.obj)
        if key not in _MUNICIPALITY_NAMES:
            _MUNICIPALITY_NAMES[key] = list(cls.by_name().select(cls.code, cls.name).tuples())
        return _MUNICIPALITY_NAMES[key]


_MUNICIPALITY_NAMES: dict[int, list] = {}


class Company(BaseModel):
    """A company that lends mentors: added by an admin, or signed up on /companies and approved by staff."""
    name = CharField(unique=True)
    cvr = CharField(max_length=8, null=True, unique=True)        # the Danish company number, checked (cvr.py)
    sign_up_state = CharField(default="approved")                # COMPANY_STATES
    contact_name = CharField(null=True)                          # the sign-up's contact person
    contact_email = CharField(null=True)
    contact_phone = CharField(null=True)
    contact_language = CharField(max_length=2, default="da")   # the emails about the sign-up are in it
    expected_mentors = IntegerField(null=True)
    signed_up_at = DateTimeField(null=True)
    decided_at = DateTimeField(null=True)                        # staff approved or declined the sign-up
    decision_message = TextField(null=True)                      # what the contact person was told

    @classmethod
    def approved(cls):
        return cls.select().where(cls.sign_up_state == "approved").order_by(cls.name)


class User(BaseModel):
    email = CharField(unique=True)
    name = CharField()
    role = CharField()
    password_hash = CharField(null=True)
    active = BooleanField(default=True)
    session_version = IntegerField(default=1)
    language = CharField(max_length=2, default="da")
    created_at = DateTimeField(default=now_utc)
    totp_secret = CharField(null=True)            # an admin's second factor (base32), set at enrolment
    totp_last_step = IntegerField(null=True)      # the last time step used: a code works once
    company = ForeignKeyField(Company, null=True, backref="coordinators")   # a company coordinator's company

    class Meta:
        constraints = [Check("role IN ('staff', 'admin', 'caseworker', 'mentor', 'coordinator')")]

    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.active

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        # The session version makes a logout or deactivation end every copy of the session cookie.
        return f"{self.id}.{self.session_version}"

    def municipality_codes(self) -> list[str]:
        return [um.municipality_id for um in self.municipalities]


class UserMunicipality(BaseModel):
    user = ForeignKeyField(User, backref="municipalities", on_delete="CASCADE")
    municipality = ForeignKeyField(Municipality)

    class Meta:
        indexes = ((("user", "municipality"), True),)


class LoginAttempt(BaseModel):
    email = CharField(index=True)
    address = CharField(index=True)
    succeeded = BooleanField()
    at = DateTimeField(default=now_utc, index=True)


class LoginThrottle(BaseModel):
    """Sign-in attempts counted before each check, per key: "account:<email>", "address:<ip>",
    "device:<known device>", "totp:<user id>" or "totp-device:<known device>" (services/throttle.py)."""
    key = TextField(unique=True)                 # text: an email of 254 characters and its prefix
    failures = IntegerField(default=0)           # attempts counted since the last success or quiet day
    blocked_until = DateTimeField(null=True)     # no attempt is counted (or checked) before this
    notified = BooleanField(default=False)       # the account's owner was told of this episode
    updated_at = DateTimeField(default=now_utc, index=True)


class Site(BaseModel):
    company = ForeignKeyField(Company, backref="sites")
    name = CharField()
    address = CharField()
    postcode = CharField(max_length=4)
    town = CharField()
    municipality = ForeignKeyField(Municipality, null=True)     # from the postcode (places.py)
    retired_at = DateTimeField(null=True)        # no longer used for new programmes and mentors; kept for history

    @classmethod
    def in_use(cls):
        """Sites of approved companies that are not retired: what new programmes and mentors may choose."""
        return (cls.select(cls, Company).join(Company)
                .where((Company.sign_up_state == "approved") & cls.retired_at.is_null()).order_by(Company.name, cls.name))


class SiteCatchment(BaseModel):
    site = ForeignKeyField(Site, backref="catchment", on_delete="CASCADE")
    municipality = ForeignKeyField(Municipality)

    class Meta:
        indexes = ((("site", "municipality"), True),)


class Programme(BaseModel):
    name = CharField()
    company = ForeignKeyField(Company, backref="programmes", null=True)
    start_date = DateField()
    length_months = IntegerField(default=6)
    capacity = IntegerField(default=25)
    retention_days = IntegerField(default=730)
    open_for_applications = BooleanField(default=True)

    @classmethod
    def current(cls):
        """The programme new applications are assessed against: the newest open one."""
        return (cls.select().where(cls.open_for_applications)
                .order_by(cls.start_date.desc(), cls.id.desc()).first())

    def sites(self):
        return Site.select().join(ProgrammeSite).where(ProgrammeSite.programme == self)


class ProgrammeSite(BaseModel):
    programme = ForeignKeyField(Programme, backref="programme_sites", on_delete="CASCADE")
    site = ForeignKeyField(Site)

    class Meta:
        indexes = ((("programme", "site"), True),)


class RuleSetVersion(BaseModel):
    programme = ForeignKeyField(Programme, backref="rule_sets")
    version = IntegerField()
    rules = JSONField()
    created_at = DateTimeField(default=now_utc)
    created_by = ForeignKeyField(User, null=True)

    class Meta:
        indexes = ((("programme", "version"), True),)


# The consent texts (answers.CONSENT_VERSION) that tell the applicant their mentor receives their name, email and
# phone number: from 2026-12 on (issue 20). Under an earlier text the mentee agrees on the status page first.
CONTACT_SHARING_CONSENTS = frozenset({"2026-12"})

# Only the life cycle's states (migrations/0020 widened it for "waiting" and "closed_duplicate").
STATUS_CHECK = "status IN (" + ", ".join(f"'{s}'" for s in Status) + ")"


class Application(BaseModel):
    """One person's application, from draft to outcome. Answers live in `answers` (JSON by step);
    the columns the queue filters on are copied out of them when a step is saved.

    `folded_name` is always `names.fold(full_name)` (None without a name), for the queue's search: every
    `update`, `insert` and `save` that sets `full_name` sets it too (migrations/0019_folded_names.py)."""
    public_id = CharField(unique=True, default=public_id)
    reference = CharField(unique=True, null=True)          # given at submission
    status = CharField(default="draft")                    # indexed with the queue's indexes below
    source = CharField(default="self")
    language = CharField(max_length=8, default="da")       # any offered language (config LANGUAGES): fa_AF
    answers = JSONField(default=dict)
    completed_steps = JSONField(default=list)
    full_name = CharField(null=True)
    folded_name = CharField(null=True)                     # names.fold(full_name): written with it, below
    birth_year = IntegerField(null=True)
    email = CharField(null=True, index=True)
    phone = CharField(null=True)
    municipality = ForeignKeyField(Municipality, null=True, index=False)
    programme = ForeignKeyField(Programme, null=True, index=False)
    verdict = CharField(null=True)
    eligibility = JSONField(null=True)
    ruleset_version = IntegerField(null=True)
    possible_duplicate = BooleanField(default=False)
    assigned_to = ForeignKeyField(User, null=True, backref="assigned", index=False)
    consent_version = CharField(null=True)
    consent_at = DateTimeField(null=True)
    consent_channel = CharField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="decided")
    decided_at = DateTimeField(null=True)
    decision_code = CharField(null=True)                   # e.g. a rejection reason from the list
    decision_reason = TextField(null=True)
    version = IntegerField(default=1)                      # bumped on every change, for optimistic checks
    created_at = DateTimeField(default=now_utc)
    updated_at = DateTimeField(default=now_utc)
    submitted_at = DateTimeField(null=True)
    erasure_requested_at = DateTimeField(null=True, index=True)   # the applicant asked to be deleted
    duplicate_of = ForeignKeyField("self", null=True, backref="duplicates", on_delete="SET NULL")
    # Staff refused to carry out the request, with the reason the applicant is told (services/erasures.py).
    erasure_refused_at = DateTimeField(null=True)
    erasure_refused_by = ForeignKeyField(User, null=True, backref="erasures_refused", index=False)
    erasure_refusal_reason = TextField(null=True)
    # The mentee agreed on the status page that their mentor gets their contact details (migrations/0024): needed
    # only under a consent text that did not say so (CONTACT_SHARING_CONSENTS).
    contact_shared_at = DateTimeField(null=True)

    class Meta:
        constraints = [
            Check(STATUS_CHECK),
            Check("source IN ('self', 'referral')"),
            # No decision without a person and a reason.
            Check("status NOT IN ('approved', 'rejected') OR "
                  "(decided_by_id IS NOT NULL AND decision_reason IS NOT NULL)"),
        ]
        # The review queue (services/review_queue.py). One index per filter: the filter column, then
        # the sort key and the status, then every other filter column, so that a page, its count
        # and its per-status counts under any mix of filters are read from one index, never from
        # the (wide) rows. Applications are written rarely and read all day.
        indexes = (
            *(((column, "submitted_at", *(c for c in ("status", *QUEUE_FILTERS) if c != column)), False)
              for column in ("status", *QUEUE_FILTERS)),
            (("submitted_at", "status", *QUEUE_FILTERS), False),
            (("full_name", "submitted_at", "status"), False),                         # sort by name
            (("folded_name", "full_name", "email", "reference", "submitted_at", "status"), False),   # search
        )

    @classmethod
    def update(cls, __data=None, **update):
        return super().update(cls.with_folded_name(__data), **cls.with_folded_name(update))

    @classmethod
    def insert(cls, __data=None, **insert):
        return super().insert(cls.with_folded_name(__data), **cls.with_folded_name(insert))

    def save(self, *args, **kwargs):
        if "full_name" in self.__data__:
            self.folded_name = fold(self.full_name) or None
        return super().save(*args, **kwargs)

    @classmethod
    def with_folded_name(cls, data: dict | None) -> dict | None:
        """`data` (column values by name or field) with `folded_name` following `full_name` when it is set."""
        for key, value in (data or {}).items():
            if key is cls.full_name or (isinstance(key, str) and key == "full_name"):
                if value is not None and not isinstance(value, str):
                    raise TypeError("full_name is written as a value, so that folded_name can follow it")
                return {**data, "folded_name": fold(value) or None}
        return data

    @classmethod
    def by_public_id(cls, value):
        return cls.get_or_none(cls.public_id == str(value)[:64])

    def shares_contact_with_mentor(self) -> bool:
        """Whether the mentor may see the mentee's name, email and phone: the consent text said so, or the
        mentee agreed later on the status page."""
        return self.consent_version in CONTACT_SHARING_CONSENTS or self.contact_shared_at is not None


class OneTimeToken(BaseModel):
    """A secret link (resume, status sign-in, invitation, password reset). Only the hash is kept."""
    purpose = CharField()
    token_hash = CharField(unique=True)
    application = ForeignKeyField(Application, null=True, on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, on_delete="CASCADE")
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now_utc)


class Outbox(BaseModel):
    """An email waiting to be sent; written in the transaction of the change that caused it."""
    recipient = CharField()
    subject = CharField()
    body = TextField()
    language = CharField(max_length=8)
    created_at = DateTimeField(default=now_utc)
    next_attempt_at = DateTimeField(default=now_utc, index=True)
    attempts = IntegerField(default=0)
    claimed_by = CharField(null=True)
    claimed_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True, index=True)
    last_error = TextField(null=True)
    link = TextField(null=True)          # the body's one-time link, until sent or given up on (mail.queue)
    # Scrubbed (recipient, subject, body) once sent or given up on: the confirmation of an erasure.
    forget_when_done = BooleanField(default=False)


class EmailCount(BaseModel):
    """How many emails the portal sent, in one hour, to one address nobody has confirmed yet, or at the request
    of one client address: the limit on emails anyone can make it send (services/limits.py). The address
    itself is never kept, only a keyed hash of it."""
    key = CharField()                 # "recipient:" or "client:" and the HMAC-SHA256 of the address
    hour = DateTimeField()            # the start of the hour counted
    sent = IntegerField(default=0)

    class Meta:
        indexes = ((("key", "hour"), True),)


class AuditEvent(BaseModel):
    """Who did what to which object, when. Written in the same transaction as the change."""
    actor = ForeignKeyField(User, null=True, backref="audit_events")
    actor_role = CharField()             # 'applicant', 'system', or the user's role
    action = CharField(index=True)
    object_type = CharField()
    object_id = CharField(null=True)         # indexed first in the (object_id, action, at) index below
    at = DateTimeField(default=now_utc, index=True)
    details = JSONField(default=dict)

    class Meta:
        # An application's history, and who opened it, newest first (migrations/0005).
        indexes = ((("object_id", "action", "at"), False),)


class Note(BaseModel):
    """A staff member's internal note on an application; never shown to the applicant."""
    application = ForeignKeyField(Application, backref="notes", on_delete="CASCADE")
    author = ForeignKeyField(User)
    body = TextField()
    created_at = DateTimeField(default=now_utc)


class Referral(BaseModel):
    """A caseworker's referral of a citizen: filled in together, or sent as an invitation to finish."""
    public_id = CharField(unique=True, default=public_id)
    caseworker = ForeignKeyField(User, backref="referrals")
    municipality = ForeignKeyField(Municipality, index=False)     # indexed with created_at below
    full_name = CharField(index=True)
    email = CharField(null=True)
    phone = CharField(null=True)
    language = CharField(max_length=2, default="da")
    note = TextField()
    consent_how = CharField()                 # how the citizen agreed to be referred
    consent_at = DateField()                  # when
    mode = CharField(null=True)               # 'together' or 'invite', once chosen
    application = ForeignKeyField(Application, null=True, unique=True, backref="referrals", on_delete="SET NULL")
    created_at = DateTimeField(default=now_utc, index=True)
    invited_at = DateTimeField(null=True)

    @classmethod
    def of_application(cls, application_id):
        """The referral behind an application (there is at most one), with its caseworker."""
        return (cls.select(cls, User.id, User.name, User.email, User.active, User.language)
                .join(User, on=(cls.caseworker == User.id))
                .where(cls.application == application_id).first())

    class Meta:
        # A caseworker's list: their municipalities' referrals, newest first, a page at a time.
        indexes = ((("municipality", "created_at"), False),)


MILESTONES = tuple(lifecycle.MILESTONE_TEXT)
OUTCOMES = tuple(lifecycle.OUTCOME_TEXT)
POSITIVE_OUTCOMES = lifecycle.POSITIVE_OUTCOMES
MIN_MENTOR_WORK_YEARS = 5


class MentorProfile(BaseModel):
    """A mentor's own profile, their company site (set by an admin) and training (set by staff)."""
    user = ForeignKeyField(User, unique=True, backref="mentor_profiles", on_delete="CASCADE")
    site = ForeignKeyField(Site, null=True, backref="mentors")        # the company follows from the site
    work_years = IntegerField(null=True)
    leadership = BooleanField(default=False)
    fields = JSONField(default=list)           # ["Software development", "IT"]
    languages = JSONField(default=list)        # ["da", "en", "arabic"]
    capacity = IntegerField(default=1)
    trained_on = DateField(null=True)
    updated_at = DateTimeField(default=now_utc)
    # Set by services/mentors.py when the profile is filled and the training recorded; matching looks only at
    # these (and at the account: active, with a password). The CHECK refuses it on an incomplete profile.
    matchable = BooleanField(default=False)

    class Meta:
        constraints = [Check(f"work_years IS NULL OR work_years >= {MIN_MENTOR_WORK_YEARS}"),
                       Check("capacity BETWEEN 1 AND 5"),
                       Check(f"NOT matchable OR (work_years IS NOT NULL AND work_years >= {MIN_MENTOR_WORK_YEARS} "
                             "AND trained_on IS NOT NULL)", name="mentor_profile_matchable_is_complete")]

    @classmethod
    def of(cls, user):
        return cls.get_or_none(cls.user == user)


class ProgrammeStart(BaseModel):
    """When staff started a programme's course (its matched pairs became active)."""
    programme = ForeignKeyField(Programme, unique=True, backref="starts", on_delete="CASCADE")
    started_on = DateField()
    started_by = ForeignKeyField(User)


class MatchRejection(BaseModel):
    """Staff said no to suggesting this mentor for this mentee; the suggestion then looks elsewhere."""
    application = ForeignKeyField(Application, on_delete="CASCADE")
    mentor = ForeignKeyField(User, on_delete="CASCADE")
    rejected_by = ForeignKeyField(User)
    at = DateTimeField(default=now_utc)

    class Meta:
        indexes = ((("application", "mentor"), True),)


class Pair(BaseModel):
    """A mentee and their mentor in a programme, made only by a staff member's acceptance."""
    programme = ForeignKeyField(Programme, backref="pairs", on_delete="CASCADE")
    application = ForeignKeyField(Application, unique=True, backref="pairs", on_delete="CASCADE")
    mentor = ForeignKeyField(User, backref="pairs")
    site = ForeignKeyField(Site, null=True)
    reasons = JSONField(default=list)              # why it fitted when accepted: [[code, [params]]]
    accepted_by = ForeignKeyField(User)
    accepted_at = DateTimeField(default=now_utc)
    started_on = DateField(null=True)              # when the course began for this pair
    # Each taken by one conditional update, so that the commands run from cron on several machines send once
    # (services/reminders.py, services/follow_up.py; migrations/0024).
    reminded_at = DateTimeField(null=True)             # the mentor was last told the pair has not met for a month
    follow_up_asked_at = DateTimeField(null=True)      # the six-month question was emailed (at the course's end)
    follow_up_reminded_at = DateTimeField(null=True)   # and reminded, when neither answered within 7 days

    @classmethod
    def of_mentor(cls, mentor):
        return (cls.select(cls, Application).join(Application)
                .where((cls.mentor == mentor) & Application.status.in_(lifecycle.MEETING))
                .order_by(Application.full_name))


class Meeting(BaseModel):
    pair = ForeignKeyField(Pair, backref="meetings", on_delete="CASCADE")
    held_on = DateField(index=True)
    note = CharField(null=True, max_length=200)
    logged_by = ForeignKeyField(User)
    created_at = DateTimeField(default=now_utc)


class Milestone(BaseModel):
    pair = ForeignKeyField(Pair, backref="milestones", on_delete="CASCADE")
    kind = CharField()
    reached_on = DateField()
    recorded_by = ForeignKeyField(User)
    created_at = DateTimeField(default=now_utc, index=True)

    class Meta:
        indexes = ((("pair", "kind"), True),)
        constraints = [Check("kind IN ('cv_ready', 'first_interview', 'internship_started', 'job_offer',"
                             " 'education_started', 'business_started')")]


class Outcome(BaseModel):
    """Where a mentee stands at six months (DESIGN §5); staff can update it later."""
    application = ForeignKeyField(Application, unique=True, backref="outcomes", on_delete="CASCADE")
    programme = ForeignKeyField(Programme, backref="outcomes", on_delete="CASCADE")
    kind = CharField()
    reached_on = DateField(null=True)              # when the job, education ... began, if known
    recorded_by = ForeignKeyField(User)
    recorded_at = DateTimeField(default=now_utc)

    class Meta:
        constraints = [Check("kind IN ('job', 'education', 'internship', 'self_employed', 'none')")]


RESPONDENTS = ("mentee", "mentor")


class FollowUpAnswer(BaseModel):
    """An answer to the six-month question ("Where are you now?"), given through a one-time link by the mentee
    or the mentor: a proposed outcome until a staff member confirms it (which records the Outcome)."""
    pair = ForeignKeyField(Pair, backref="follow_up_answers", on_delete="CASCADE", index=False)
    respondent = CharField()                       # "mentee" or "mentor"
    kind = CharField()                             # as Outcome.kind; "none" is "still looking"
    answered_at = DateTimeField(default=now_utc)
    confirmed_at = DateTimeField(null=True)
    confirmed_by = ForeignKeyField(User, null=True)

    class Meta:
        table_name = "follow_up_answer"
        indexes = ((("pair", "respondent"), True),)
        constraints = [Check("respondent IN ('mentee', 'mentor')"),
                       Check("kind IN ('job', 'education', 'internship', 'self_employed', 'none')")]


class CohortFigures(BaseModel):
    """A cohort's anonymous figures, kept when its people's rows are deleted (erasure or retention purge), so
    its report still adds up afterwards (DESIGN §5). Counts only, one row per programme and municipality: no
    names, no ids of persons. The report adds these to what is still in the database (services/cohort_figures.py)."""
    programme = ForeignKeyField(Programme, backref="kept_figures", on_delete="CASCADE", index=False)
    municipality = CharField(max_length=3, default="")     # the official code; "" when not known
    applied = IntegerField(default=0)
    likely_eligible = IntegerField(default=0)
    approved = IntegerField(default=0)
    matched = IntegerField(default=0)
    completed = IntegerField(default=0)
    mentees = IntegerField(default=0)                      # pairs
    meetings = IntegerField(default=0)
    positive = IntegerField(default=0)                     # a job, education or internship within six months
    later = IntegerField(default=0)                        # one, but reached after the six months
    outcome_job = IntegerField(default=0)
    outcome_education = IntegerField(default=0)
    outcome_internship = IntegerField(default=0)
    outcome_self_employed = IntegerField(default=0)
    outcome_none = IntegerField(default=0)
    follow_up_answered = IntegerField(default=0)           # pairs whose six-month follow-up was answered
    follow_up_confirmed = IntegerField(default=0)          # of those, confirmed by staff

    class Meta:
        table_name = "cohort_figures"
        indexes = ((("programme", "municipality"), True),)


class Association(BaseModel):
    """The association that runs the programme, as an admin sets it at /admin/settings: one row (id 1), written
    by the first save (services/association.py). Not personal data but for the data-protection contact's name."""
    name = CharField(max_length=200, default="")
    address = CharField(max_length=200, default="")        # street, postcode and town on one line
    phone = CharField(max_length=30, default="")
    email = CharField(max_length=254, default="")
    privacy_contact = CharField(max_length=200, default="")   # the data-protection contact (a person or a role)
    privacy_email = CharField(max_length=254, default="")     # where to write about personal data
    updated_at = DateTimeField(null=True)

    class Meta:
        table_name = "association"

    @property
    def is_set(self) -> bool:
        """Whether an admin has given at least the name and an email (what a page needs to name a contact)."""
        return bool(self.name and self.email)

    @property
    def privacy_address(self) -> str:
        """Where to write about personal data: the data-protection contact's email, else the association's."""
        return self.privacy_email or self.email


ALL_MODELS = [Municipality, Company, User, UserMunicipality, LoginAttempt, LoginThrottle, Site, SiteCatchment,
              Programme, ProgrammeSite, RuleSetVersion, Application, OneTimeToken, Outbox,
              EmailCount, AuditEvent, Note, Referral, MentorProfile, ProgrammeStart, MatchRejection, Pair, Meeting,
              Milestone, Outcome, FollowUpAnswer, CohortFigures, Association]

# Indexes that only PostgreSQL has, made by a migration rather than declared on a model (a GIN index with an
# operator class has no SQLite equivalent: migrations/0004_trigram_search.py and 0019; partial indexes SQLite's
# planner would not choose: migrations/0009_audit_event_history.py, 0028_postgres_status_tab_counts.py).
POSTGRES_ONLY_INDEXES = {("application", "application_full_name_trgm"), ("application", "application_email_trgm"),
                         ("application", "application_folded_name_trgm"),
                         ("application", "application_reference_trgm"), ("application", "application_queue_status"),
                         ("audit_event", "audit_event_history")}

# Tables and triggers that only SQLite has, made by a migration rather than declared on a model: the review
# queue's trigram search index (an FTS5 table and the shadow tables FTS5 keeps for it) and the triggers that
# keep it in step with `application`: migrations/0007_sqlite_trigram_search.py, remade with the folded name by
# 0019_folded_names.py. copy-db leaves them out.
SQLITE_ONLY_TABLES = {"application_search", "application_search_data", "application_search_idx",
                      "application_search_docsize", "application_search_config"}
SQLITE_ONLY_TRIGGERS = {"application_search_insert", "application_search_update", "application_search_delete"}

# The triggers the migrations leave on each kind of database, as (table, trigger): part of the schema, which
# tests/test_db.py compares with the migrated database (and the audit log's append-only ones, migrations
# 0003 and 0014, with their SQL). A trigger added by a migration is listed here too.
TRIGGERS = {
    "sqlite": {("audit_event", "audit_event_no_update"), ("audit_event", "audit_event_no_delete"),
               *{("application", name) for name in SQLITE_ONLY_TRIGGERS}},
    "postgresql": {("audit_event", "audit_event_append_only"), ("audit_event", "audit_event_no_truncate")},
}
