"""Danish by default, English on request, remembered; every Danish entry translated."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "da" / "LC_MESSAGES" / "messages.po"


def lang_of(response):
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_danish_is_the_default(client):
    response = client.get("/")
    assert lang_of(response) == "da"
    assert "Søg om en erhvervsmentor" in response.get_data(as_text=True)


def test_english_from_the_browser(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert lang_of(response) == "en"
    assert "Apply for a business mentor" in response.get_data(as_text=True)


def test_lang_parameter_wins_and_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=en", headers={"Accept-Language": "da"})
    assert lang_of(response) == "en"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert lang_of(client.get("/login", headers={"Accept-Language": "da"})) == "en"
    assert lang_of(client.get("/login?lang=da")) == "da"


def test_an_unknown_language_falls_back_to_danish(client):
    assert lang_of(client.get("/?lang=xx")) == "da"


def test_every_page_offers_the_language_switch_to_the_same_page(client):
    html = client.get("/login?lang=da").get_data(as_text=True)
    assert 'href="/login?lang=en"' in html


def test_the_danish_catalogue_has_no_empty_or_fuzzy_entries():
    catalogue = read_po(PO.open("rb"))
    bad = [m.id for m in catalogue if m.id and (m.fuzzy or not m.string)]
    assert not bad, f"untranslated or fuzzy: {bad[:10]}"


def test_every_string_in_the_code_is_in_the_danish_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    extracted = [m.id for m in read_po(pot.open("rb")) if m.id]
    assert len(extracted) > 500, "the extraction found almost nothing: check babel.cfg"
    have = {m.id for m in read_po(PO.open("rb"))}
    missing = [m for m in extracted if m not in have]
    assert not missing, f"run scripts/translations.sh update, then translate: {missing[:10]}"


def test_the_compiled_catalogue_is_current():
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime, "compile with scripts/bootstrap.sh"


def test_dates_and_times_read_exactly_as_flask_babel_writes_them(app):
    """The kept `datetimeformat` (portal.i18n.format_datetime) against Flask-Babel's, in both languages,
    every standard format, summer and winter time and the hours around both changes."""
    from datetime import datetime, timedelta, timezone

    import flask_babel
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from babel import dates

    from portal.i18n import ENGLISH_DATE_PATTERNS, format_datetime

    def babel_pattern(format):
        """English: British time and joining, the date in words (ENGLISH_DATE_PATTERNS); Danish: as is."""
        if lang == "da" or format not in ENGLISH_DATE_PATTERNS:
            return format
        return (dates.get_datetime_format(format, locale="en_GB").replace("'", "")
                .replace("{0}", dates.get_time_format(format, locale="en_GB").pattern)
                .replace("{1}", ENGLISH_DATE_PATTERNS[format]))
    moments = [datetime(2026, 3, 29, 0, 30) + timedelta(minutes=20 * n) for n in range(9)]      # spring forward
    moments += [datetime(2026, 10, 25, 0, 0) + timedelta(minutes=20 * n) for n in range(9)]     # fall back
    moments += [datetime(2026, 12, 31, 23, 59, 59), datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)]
    for lang in ("da", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            for moment in moments:
                for format in ("short", "medium", "long", "full", None, "yyyy-MM-dd HH:mm"):
                    expected = flask_babel.format_datetime(moment, babel_pattern(format or "medium"))
                    assert format_datetime(moment, format) == expected
                    assert format_datetime(moment, format) == expected

            @settings(max_examples=200, deadline=None)
            @given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)),
                   st.sampled_from(["short", "medium", "long"]))
            def same(moment, format):
                assert format_datetime(moment, format) == flask_babel.format_datetime(moment, babel_pattern(format))
            same()
    with app.test_request_context("/?lang=da"):
        assert app.jinja_env.filters["datetimeformat"] is format_datetime
        assert "29.03.2026" in format_datetime(datetime(2026, 3, 29, 9, 0), "short")


def test_english_dates_are_never_ambiguous(app):
    """"6 December 2026", never the American "12/6/26" (read as 12 June here); Danish as Danes write it."""
    from datetime import date, datetime

    from portal.i18n import format_date, format_datetime
    with app.test_request_context("/?lang=en"):
        assert app.jinja_env.from_string("{{ d|dateformat('long') }}").render(d=date(2026, 12, 6)) == "6 December 2026"
        assert format_date(date(2026, 12, 6), "short") == "6 Dec 2026"
        assert format_datetime(datetime(2026, 12, 6, 12, 0), "short").startswith("6 Dec 2026")
        assert "12/6" not in format_datetime(datetime(2026, 12, 6, 12, 0), None)
    with app.test_request_context("/?lang=da"):
        assert format_date(date(2026, 12, 6), "long") == "6. december 2026"


def test_a_municipality_is_named_wherever_the_eligibility_sentences_are_shown(app):
    """"Bor i 101" read as a code: a page that does not pass its own names still shows the name."""
    from portal.eligibility import RuleResult
    source = ('{% from "macros/eligibility.html" import reason_text %}'
              '{{ reason_text(r) }}')
    result = RuleResult("catchment", "pass", "inside_catchment", {"municipality": "101"})
    with app.test_request_context("/?lang=da"):
        text = app.jinja_env.from_string(source).render(r=result)
    assert "Bor i Københavns Kommune" in text and "101" not in text


def test_the_danish_wording_reads_naturally(client):
    """Wording fixes from issue 21: the old phrasings read as translated, not as Danish."""
    words = {"/login?lang=da": ("Som ansøger behøver du ikke en konto.", "Som ansøger skal du ikke"),
             "/?lang=da": ("cirka to gange om måneden på virksomheden.", "på virksomhedens lokation."),
             "/status/?lang=da": ("Det ser for eksempel sådan ud: MB-7K3F-9Q2X", "Det ser sådan her ud")}
    for path, (new, old) in words.items():
        page = client.get(path).get_data(as_text=True)
        assert new in page and old not in page, path
