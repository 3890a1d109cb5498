"""The queue's search on SQLite reads an FTS5 trigram index (migrations/0007): it finds the same applications
as `LIKE '%term%'`, takes any input, never finds a changed or erased name, and keeps no trigram of one."""
import math
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import SqliteDatabase
from playhouse.migrations import Runner

from portal.cli import MIGRATIONS
from portal.clock import now_utc
from portal.db import database
from portal.models import ALL_MODELS, SQLITE_ONLY_TABLES, SQLITE_ONLY_TRIGGERS, Application
from portal.services import retention, review_queue, status
from tests.review.helpers import make_application
from tests.review.test_queue import refs

MIGRATION = "0007_sqlite_trigram_search"
FOLDED = "0019_folded_names"
# Only in the canary's name, so its trigram ("ŋŋŋ", the only one it has) is spelled out in full in the index.
CANARY = "ŋŋŋŋŋŋ"
CANARY_BYTES = "ŋŋŋ".encode()


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def found(term: str, like: bool = False) -> set[int]:
    """The ids the queue's search gives; with `like`, as it was before the index (LIKE only)."""
    with pytest.MonkeyPatch.context() as patch:
        if like:
            patch.setattr(review_queue, "TRIGRAM", math.inf)
        conditions = review_queue.conditions(review_queue.QueueFilter(search=term), None)
        return {i for (i,) in Application.select(Application.id).where(*conditions).tuples()}


def index_data() -> bytes:
    return b"".join(block or b"" for (block,) in database.execute_sql("SELECT block FROM application_search_data"))


def sqlite_objects(kind: str) -> set[str]:
    return {name for (name,) in database.execute_sql("SELECT name FROM sqlite_master WHERE type = ?", (kind,))}


# ---------------------------------------------------------------- the migration

def test_only_sqlite_has_the_search_index_and_the_schema_knows_its_tables_and_triggers(app, ctx):
    extra = set(database.get_tables()) - {model._meta.table_name for model in ALL_MODELS} - {"schema_migration"}
    if isinstance(database.obj, SqliteDatabase):
        assert extra == SQLITE_ONLY_TABLES
        assert {t for t in sqlite_objects("trigger") if t.startswith("application_search")} == SQLITE_ONLY_TRIGGERS
    else:
        assert extra == set()


@pytest.mark.sqlite_only
def test_the_migration_indexes_the_rows_already_there_and_down_removes_everything(app, ctx):
    before = make_application(full_name="Amal Hassan", email="amal@example.org")
    draft = Application.create(full_name="Draft Hassan")
    runner = Runner(database.obj, str(MIGRATIONS))
    assert MIGRATION in runner.down(target=MIGRATION)
    assert not SQLITE_ONLY_TABLES & set(database.get_tables())
    assert not {t for t in sqlite_objects("trigger") if t.startswith("application_search")}
    # A name changed while no folded name was kept: 0019 folds the names as they are.
    database.execute_sql("UPDATE application SET full_name = 'Amal Østergaard' WHERE id = ?", (draft.id,))

    assert MIGRATION in runner.up()
    assert found("hassan") == {before.id}             # indexed by 'rebuild' (the draft too, but never shown)
    assert database.execute_sql("SELECT rowid FROM application_search WHERE application_search MATCH 'hasan'"
                                " ORDER BY rowid").fetchall() == [(before.id,)]
    assert database.execute_sql("SELECT rowid FROM application_search WHERE application_search MATCH 'ostergard'"
                                " ORDER BY rowid").fetchall() == [(draft.id,)]
    after = make_application(full_name="Yonas Hassan")
    assert found("hassan") == {before.id, after.id}   # and the triggers keep it in step
    database.execute_sql("INSERT INTO application_search (application_search, rank) VALUES ('integrity-check', 1)")


def test_the_folded_names_migration_folds_the_names_already_there_on_either_database(app, ctx):
    wanted = make_application(full_name="Amal Hassan")
    runner = Runner(database.obj, str(MIGRATIONS))
    assert FOLDED in runner.down(target=FOLDED)
    assert "folded_name" not in {column.name for column in database.get_columns("application")}
    database.execute_sql(f"UPDATE application SET full_name = 'Ülkü Østergaard' WHERE id = {database.param}",
                         (wanted.id,))
    assert FOLDED in runner.up()
    for term in ("ulku", "Oestergaard", "ostergaard ülkü", "ØSTERGAARD"):
        assert found(term) == {wanted.id}, term


# ---------------------------------------------------------------- the same rows as LIKE

NAMES = ["Amal Hassan", "Jean-Paul Sartre", "Mary O'Brien", "Ana Maria de la Cruz", "Mohammed Al-Amin",
         "Yonas Tesfay", "Li Na", "Anna \"Nana\" Berg", "100% Sure_Person", "Abdi*Rahman", "Hassan Hassan",
         "Nour (Noor) Haddad", "Back\\slash Bo", "NEAR AND OR NOT", "x", "AAA aaa AaA", "Ole  Olsen"]


@pytest.fixture
def sample(app, ctx):
    """ASCII names, emails and references of every shape the search rules tell apart, some left empty."""
    made = []
    for n, name in enumerate(NAMES):
        made.append(make_application(full_name=name, reference=f"MB-{n:04d}-A{n % 7}B{n % 3}",
                                     email=None if n % 5 == 4 else f"{name.split()[0].lower()[:8]}.{n}@ex-ample.org"))
    make_application(full_name=None, email="nameless@example.org")
    Application.create(full_name="Draft Hassan", email="draft@example.org")     # never found: not submitted
    return made


def _substrings(texts):
    return st.sampled_from(texts).flatmap(
        lambda text: st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(
            lambda ends: text[min(ends):max(ends)]))


_TEXTS = [text for n, name in enumerate(NAMES) for text in (name, f"MB-{n:04d}-A{n % 7}B{n % 3}", f"ex-ample.org")]
_ASCII_TERMS = st.one_of(
    _substrings(_TEXTS).flatmap(lambda text: st.sampled_from([text, text.upper(), text.lower(), text.swapcase()])),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
    st.sampled_from(["hassan", "HASSAN", "@ex", ".1@", "mb-00", "0001-A1", "a-p", "'br", '"nana"', "%", "_",
                     "% s", "e_p", "*ra", "(noor)", "\\sl", "near and", "aaa", "aAa a", "  o", "x"]),
)


@pytest.mark.sqlite_only
def test_the_index_finds_exactly_what_like_finds_for_ascii(sample):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_ASCII_TERMS)
    def same(term):
        assert found(term) == found(term, like=True)

    same()
    assert found("hassan") == {sample[0].id, sample[10].id}


@pytest.mark.sqlite_only
def test_beyond_ascii_the_index_finds_what_like_finds_and_folds_case_for_every_letter(app, ctx):
    names = ["Åse Ørnsø", "Zoë Müller", "Şükrü Çelik", "Ахмед Иванов", "محمد علي", "李 小龙", "Emoji 😀😀😀 Person"]
    made = {name: make_application(full_name=name) for name in names}

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.one_of(_substrings(names), st.text(max_size=8)))
    def at_least_like(term):
        assert found(term, like=True) <= found(term)

    at_least_like()
    assert found("åse ørn") == found("ÅSE ØRN") == {made["Åse Ørnsø"].id}       # LIKE folds only ASCII
    assert found("АХМЕД") == {made["Ахмед Иванов"].id}
    assert found("😀😀😀") == {made["Emoji 😀😀😀 Person"].id}


# ---------------------------------------------------------------- odd input

ODD_TERMS = ['"', '""', '"""', 'a"b', '"hassan"', "hassan*", "*", "***", "NEAR", "NEAR(amal hassan)", "AND", "amal AND hassan",
             "OR", "NOT amal", "(", ")", "((()))", "(amal)", "%", "%%%", "_", "___", "a%n", "a_a", "\\", "\\%\\",
             "{full_name}: amal", "full_name:amal", "email : x", "^amal", "-amal", "+amal", "amal:", "'", "';--",
             "'; DROP TABLE application; --", "\x00", "amal\x00hassan", "\x00\x00\x00", "\t\n\r", "😀", "😀😀😀",
             "👩🏽‍💻 dev", "\u202e\u202d", "ﬀ", "İstanbul", "x" * 100, "amal " * 40, "ab", "a", "  ", "hassan" * 30]


@pytest.mark.parametrize("term", ODD_TERMS)
def test_odd_input_never_raises_and_finds_what_like_finds(staff, term, monkeypatch):
    make_application(full_name="Amal Hassan", email="amal@example.org")
    make_application(full_name='Anna "Nana" 100% (Noor) NEAR*', email="anna@example.org")
    assert found(term) == found(term, like=True)
    response = staff.get("/review/", query_string={"q": term, "lang": "en"})
    assert response.status_code == 200
    assert staff.get("/review/export.csv", query_string={"q": term}).status_code == 200
    monkeypatch.setattr(review_queue, "TRIGRAM", math.inf)
    assert refs(response) == refs(staff.get("/review/", query_string={"q": term, "lang": "en"}))


def test_quotes_wildcards_and_operator_words_are_searched_as_text(staff):
    odd = make_application(full_name='Anna "Nana" 100% (Noor) NEAR*')
    make_application(full_name="Anna Nana Noor Near")
    for term in ('"Nana"', "100%", "(Noor)", "NEAR*", 'a "N', "% (n"):
        assert refs(staff.get("/review/", query_string={"q": term})) == [odd.reference], term


# ---------------------------------------------------------------- short terms, the rules, the view

def test_terms_under_three_characters_still_search_with_like(staff):
    wanted = make_application(full_name="Amal Hassan", email="amal@example.org")
    make_application(full_name="Yonas Tesfay", email="yonas@example.org")
    for term in ("am", "AM", "l ", "l H", "al@"):
        assert refs(staff.get("/review/", query_string={"q": term})) == [wanted.reference], term
    assert refs(staff.get("/review/", query_string={"q": "zz"})) == []


@pytest.mark.parametrize("term, expected", [
    ("hassan", {"name"}),                  # a name: the name only, never the email
    ("mail2x", {"email_only"}),            # neither a name nor a reference: every column
    ("mail2x@", {"email_only"}),           # an '@': the email only
    ("a@", {"name"}),
    ("jean-paul", {"hyphen"}),             # looks like a reference: reference and name
    ("MB-FIND", {"reference"}),            # the start of a reference: a GLOB prefix
    ("FIND-ME", {"reference"}),
])
def test_each_search_rule_compares_the_same_columns_as_before(staff, term, expected):
    made = {"name": make_application(full_name="Amal Hassan", email="hassan.a@example.org"),
            "email_only": make_application(full_name="Yonas Tesfay", email="hassan.mail2x@example.org"),
            "hyphen": make_application(full_name="Jean-Paul Sartre", email="jp@other.org"),
            "reference": make_application(full_name="Li Na", reference="MB-FIND-ME22", email="li@other.org")}
    # "hassan" is in the email of "email_only" too: a name-like term is compared with names only.
    assert set(refs(staff.get("/review/", query_string={"q": term}))) == {made[k].reference for k in expected}


def test_the_queue_search_view_uses_the_index_with_filters_counts_and_htmx(staff):
    wanted = make_application(full_name="Amal Hassan", language="da")
    make_application(full_name="Amal Hassan", language="en")
    make_application(full_name="Yonas Tesfay", language="da")
    response = staff.get("/review/", query_string={"q": "hassan", "language": "da", "lang": "en"})
    assert refs(response) == [wanted.reference] and "All (1)" in response.get_data(as_text=True)
    fragment = staff.get("/review/", query_string={"q": "HASSAN"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and len(refs(fragment)) == 2
    export = staff.get("/review/export.csv", query_string={"q": "hassan"}).get_data(as_text=True)
    assert export.count("Amal Hassan") == 2 and "Yonas" not in export


# ---------------------------------------------------------------- changes and erasure

def test_a_changed_name_or_email_is_found_by_the_new_one_only(staff):
    application = make_application(full_name="Wobble Fjordsen", email="wobble@example.org")
    assert refs(staff.get("/review/?q=wobble")) == [application.reference]
    Application.update(full_name="Amal Hassan", email="amal@example.org").where(Application.id == application.id).execute()
    for gone in ("wobble", "Fjordsen", "wobble@"):
        assert refs(staff.get("/review/", query_string={"q": gone})) == [], gone
    assert refs(staff.get("/review/?q=hassan")) == refs(staff.get("/review/?q=amal@")) == [application.reference]
    Application.update(status="in_review").where(Application.id == application.id).execute()   # other columns
    assert refs(staff.get("/review/?q=hassan")) == [application.reference]


def test_an_erased_application_is_not_found_by_its_name_email_or_reference(staff):
    application = make_application(full_name="Wobble Fjordsen", email="wobble@example.org", reference="MB-WOBB-LE22")
    other = make_application(full_name="Wobble Other")
    with staff.application.test_request_context("/"):
        status.erase(application, staff.user)
    for term in ("Fjordsen", "wobble@", "WOBB-LE22", "MB-WOBB"):
        assert refs(staff.get("/review/", query_string={"q": term})) == [], term
    assert refs(staff.get("/review/?q=wobble")) == [other.reference]


@pytest.mark.sqlite_only
def test_without_a_merge_a_deleted_rows_trigrams_stay_in_the_index_and_forgetting_removes_them(app, ctx):
    with database.atomic():                        # few segments: no automatic merge gets to the canary
        for n in range(3):
            make_application(full_name=f"Amal Hassan {n}")
    canary = make_application(full_name=CANARY)
    assert CANARY_BYTES in index_data()
    Application.delete().where(Application.id == canary.id).execute()          # a delete on its own ...
    assert found(CANARY) == set()
    assert CANARY_BYTES in index_data()                                         # ... leaves the trigrams there
    status.forget_deleted_search_terms()
    assert CANARY_BYTES not in index_data()
    assert len(found("hassan")) == 3
    database.execute_sql("INSERT INTO application_search (application_search, rank) VALUES ('integrity-check', 1)")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("how", ["erasure", "retention"])
def test_after_erasure_or_the_retention_purge_no_trigram_of_the_name_is_left_in_the_database_files(
        app, make_user, database_url, how):
    path = Path(database_url.removeprefix("sqlite:///"))
    make_application(full_name="Amal Hassan")
    canary = make_application(full_name=CANARY, status="withdrawn")
    make_application(full_name="Yonas Tesfay")
    Application.update(full_name=CANARY + " Ŋ").where(Application.id == canary.id).execute()   # a change too
    assert CANARY_BYTES in index_data()
    with app.test_request_context("/"):
        if how == "erasure":
            status.erase(canary, make_user("staff"))
        else:
            Application.update(updated_at=now_utc() - timedelta(days=800)).where(Application.id == canary.id).execute()
            assert retention.purge(now_utc()).closed == 1
    database.close()
    database.close_all()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    connection.close()
    raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert CANARY_BYTES not in raw and "ŋŋ".encode() not in raw
    assert len(found("hassan")) == 1
