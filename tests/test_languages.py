"""Arabic, Dari, Ukrainian and Tigrinya beside Danish and English (issue 23): the page's language and
direction, the chooser, the form in Danish or English with the reader's language beside it, unchecked
translations flagged, the translations' status for admins, letters in any offered language, and nothing
extra for a Danish or English reader to download."""
import re
from email.header import decode_header, make_header

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup
from flask import render_template_string

from portal import mail
from portal.config import Default
from portal.i18n import shows_unchecked_text
from portal.lifecycle import MILESTONE_TEXT
from portal.models import Application
from portal.mother_tongue import ROOT, STEP_EXPLANATIONS, in_scope_messages
from tests.apply.helpers import VALID, fill

MOTHER_TONGUES = [code for code in Default.LANGUAGES if code not in Default.FORM_LANGUAGES]
CATALOGUES = ROOT / "translations"


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def html_attrs(response):
    html = soup(response).html
    return html["lang"], html["dir"]


@pytest.mark.parametrize("code, tag, direction", [("da", "da", "ltr"), ("en", "en", "ltr"), ("ar", "ar", "rtl"),
                                                  ("fa_AF", "fa-AF", "rtl"), ("uk", "uk", "ltr"), ("ti", "ti", "ltr")])
def test_the_page_says_its_language_and_direction(client, code, tag, direction):
    for url in ("/", "/privacy", "/status/"):
        assert html_attrs(client.get(f"{url}?lang={code}")) == (tag, direction)


def test_the_chooser_names_each_language_in_itself_and_the_choice_is_remembered(client):
    page = soup(client.get("/?lang=ar"))
    names = {a.get_text(strip=True): (a["lang"], a["dir"], a["href"]) for a in page.select(".language-switcher a")}
    assert names == {"العربية": ("ar", "rtl", "/?lang=ar"), "دری": ("fa-AF", "rtl", "/?lang=fa_AF"),
                     "Українська": ("uk", "ltr", "/?lang=uk"), "ትግርኛ": ("ti", "ltr", "/?lang=ti"),
                     "Dansk": ("da", "ltr", "/?lang=da"), "English": ("en", "ltr", "/?lang=en")}
    assert page.select_one(".language-switcher [aria-current]").get_text(strip=True) == "العربية"
    assert html_attrs(client.get("/privacy")) == ("ar", "rtl")          # remembered in the cookie
    assert html_attrs(client.get("/privacy", headers={"Accept-Language": "ti"})) == ("ar", "rtl")


def test_the_browsers_language_is_understood(client):
    assert html_attrs(client.get("/", headers={"Accept-Language": "fa-AF,fa;q=0.9"})) == ("fa-AF", "rtl")
    assert html_attrs(client.get("/", headers={"Accept-Language": "uk-UA"})) == ("uk", "ltr")


def test_staff_pages_stay_in_danish_or_english(client):
    client.get("/?lang=ar")
    login = client.get("/login")
    assert html_attrs(login) == ("en", "ltr")                 # the form language: English unless chosen
    assert [a.get_text(strip=True) for a in soup(login).select(".language-switcher a")] == ["English", "Dansk"]
    client.get("/apply/about-you?form_lang=da")
    assert html_attrs(client.get("/login")) == ("da", "ltr")   # the form language chosen is remembered


def test_a_step_shows_danish_or_english_labels_with_the_readers_language_under_its_heading(client):
    page = soup(client.get("/apply/about-you?lang=ar"))
    assert (page.html["lang"], page.html["dir"]) == ("en", "ltr")
    assert page.find("label", attrs={"for": "full_name"}).get_text(strip=True) == "Full name"
    heading = page.find("h1")
    box = heading.find_next_sibling("div", class_="mother-tongue")
    assert box is not None and (box["lang"], box["dir"]) == ("ar", "rtl")
    assert re.search("[\u0600-\u06FF]", box.get_text()), "the explanation is in Arabic"
    danish = soup(client.get("/apply/about-you?form_lang=da"))
    assert danish.find("label", attrs={"for": "full_name"}).get_text(strip=True) == "Fulde navn"
    assert danish.find("div", class_="mother-tongue")["lang"] == "ar"
    # The form language chooser is offered on the step, each named in its own language.
    assert {b.get_text(strip=True) for b in danish.select(".form-language-switcher button")} == {
        "Skemaet på dansk", "The form in English"}


def test_a_danish_or_english_reader_sees_no_explanation_box(client):
    for lang in ("da", "en"):
        assert soup(client.get(f"/apply/about-you?lang={lang}")).find(class_="mother-tongue") is None


def test_the_consent_step_shows_the_whole_consent_text_in_the_readers_language_and_in_danish(client):
    client.get("/?lang=ti")
    fill(client, until="consent")
    page = soup(client.get("/apply/consent"))
    copies = page.select("section.consent-copy")
    assert [(c["lang"], c["dir"]) for c in copies] == [("ti", "ltr"), ("da", "ltr")]
    assert re.search("[\u1200-\u137F]", copies[0].get_text()), "the consent text is in Tigrinya"
    assert "Hvem ser dine svar" in copies[1].get_text()
    assert "Who sees your answers" in page.find("form").get_text()          # the form's own, in English
    assert len(page.select("input[name=consent]")) == 1                      # one checkbox, not three
    assert client.post("/apply/consent", data=VALID["consent"]).status_code == 302


def test_address_number_and_reference_fields_read_left_to_right(client):
    client.get("/?lang=ar")
    fill(client, until="contact")
    contact = soup(client.get("/apply/contact"))
    for name in ("email", "phone", "postcode"):
        assert contact.find("input", attrs={"name": name})["dir"] == "ltr"
    status = soup(client.get("/status/"))
    for name in ("email", "reference"):
        assert status.find("input", attrs={"name": name})["dir"] == "ltr"


def test_an_unchecked_translation_is_flagged_on_the_page_that_shows_it(client):
    arabic = soup(client.get("/?lang=ar"))
    note = arabic.find(class_="unchecked-translation")
    assert note is not None and re.search("[\u0600-\u06FF]", note.get_text())
    for lang in ("da", "en"):
        assert soup(client.get(f"/?lang={lang}")).find(class_="unchecked-translation") is None


def test_a_life_cycle_word_in_an_unchecked_translation_flags_the_page(make_app, tmp_path):
    """The mentee's status page names milestones through the life cycle's words (lifecycle.py): one whose
    translation nobody has checked marks the page; a checked one does not. (The catalogue here decides only
    which is unchecked: Flask-Babel keeps the translations it loaded for the whole process.)"""
    catalogue = Catalog(locale="ar")
    catalogue.add(MILESTONE_TEXT["cv_ready"], "checked words")
    catalogue.add(MILESTONE_TEXT["job_offer"], "unchecked words", flags=["fuzzy"])
    folder = tmp_path / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as po:
        write_po(po, catalogue)
    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    for kind, flagged in (("cv_ready", False), ("job_offer", True)):
        with app.test_request_context("/status/?lang=ar"):
            assert render_template_string("{{ lifecycle.milestone_text(kind) }}", kind=kind)
            assert shows_unchecked_text() is flagged


def test_an_unchecked_explanation_on_a_step_carries_its_own_note(client):
    box = soup(client.get("/apply/about-you?lang=uk")).find(class_="mother-tongue")
    assert box.find(class_="mother-tongue-note") is not None


def test_danish_and_english_pages_link_no_extra_stylesheet_or_font(client):
    for lang in ("da", "en"):
        for url in ("/", "/privacy", "/status/", "/apply/about-you", "/login"):
            html = client.get(f"{url}?lang={lang}").get_data(as_text=True)
            assert "vendor/fonts/" not in html and "rtl." not in html, (lang, url)
    sheets = [link["href"] for link in soup(client.get("/?lang=ar")).select("link[rel=stylesheet]")]
    assert any("/vendor/fonts/arabic." in s for s in sheets) and any("/css/rtl." in s for s in sheets)
    sheets = [link["href"] for link in soup(client.get("/?lang=ti")).select("link[rel=stylesheet]")]
    assert any("/vendor/fonts/ethiopic." in s for s in sheets) and not any("rtl." in s for s in sheets)


def test_the_stylesheets_every_page_loads_declare_no_arabic_ethiopic_or_cyrillic_font(client):
    html = soup(client.get("/?lang=da"))
    for link in html.select("link[rel=stylesheet]"):
        css = client.get(link["href"]).get_data(as_text=True)
        assert not re.search(r"url\([^)]*(arabic|ethiopic|cyrillic)", css, re.I), link["href"]


def test_the_admin_page_counts_checked_unchecked_and_missing_per_language(app, login_as, tmp_path):
    folder = tmp_path / "translations"
    for code in ("da", *MOTHER_TONGUES):
        target = folder / code / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            'msgid "Apply for a business mentor"\nmsgstr "checked"\n\n'
            '#, fuzzy\nmsgid "Who can apply"\nmsgstr "unchecked"\n\n'
            '#, fuzzy\nmsgid "Not in scope at all"\nmsgstr "unchecked"\n\n'
            'msgid "Log in"\nmsgstr ""\n' if code == "ar" else 'msgid ""\nmsgstr ""\n', encoding="utf-8")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(folder)
    client = login_as("admin")
    page = soup(client.get("/admin/translations?lang=en"))
    rows = {r.find(["th", "td"]).get_text(" ", strip=True): [c.get_text(strip=True) for c in r.find_all(["th", "td"])[1:]]
            for r in page.select("table tbody tr")}
    scope = len(in_scope_messages())                 # "Log in" (in the header) is in scope, and empty
    assert rows["العربية (ar)"] == ["1", "1", str(scope - 2), "1", "2", "1"]
    assert rows["Українська (uk)"] == ["0", "0", str(scope), "0", "0", "0"]
    assert "English (en)" not in rows


def test_the_translations_page_is_for_admins_only(login_as):
    assert login_as("staff").get("/admin/translations").status_code == 403


def test_letters_are_written_in_the_language_chosen_for_them(app, client, inbox):
    client.get("/?lang=ar")
    fill(client, **{"about-you": {"language": "ar"}})
    client.post("/apply/submit")
    with app.app_context():
        mail.send_pending()
    application = Application.get()
    assert application.language == "ar"
    receipt = next(m for m in inbox.to("amal@example.org") if application.reference in str(make_header(decode_header(m["Subject"]))))
    assert receipt["Content-Language"] == "ar"
    assert re.search("[\u0600-\u06FF]", receipt.get_content()), "the receipt is in Arabic"
    assert re.search("[\u0600-\u06FF]", str(make_header(decode_header(receipt["Subject"]))))


def test_dari_letters_fit_the_language_column(app, client, inbox):
    fill(client, **{"about-you": {"language": "fa_AF"}})
    client.post("/apply/submit")
    with app.app_context():
        mail.send_pending()
    assert Application.get().language == "fa_AF"
    assert any(m["Content-Language"] == "fa_AF" for m in inbox.to("amal@example.org"))


def test_staff_read_the_letter_language_in_danish_or_english(app, client, login_as):
    fill(client, **{"about-you": {"language": "ti"}})
    client.post("/apply/submit")
    staff = login_as("staff")
    page = staff.get(f"/review/{Application.get().reference}?lang=en").get_data(as_text=True)
    assert "Tigrinya" in page


@pytest.mark.parametrize("code", MOTHER_TONGUES)
def test_every_message_offered_in_every_language_is_translated(code):
    """Fails on any string of the applicant's reading pages, consent text, receipt, status pages, emails and
    step explanations (portal/mother_tongue.py) without a translation: translate it (fuzzy until checked)."""
    with (CATALOGUES / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(po) if m.id}
    missing = [msgid for msgid in in_scope_messages()
               if msgid not in catalogue or not all(catalogue[msgid].string if isinstance(catalogue[msgid].string, tuple)
                                                     else [catalogue[msgid].string])]
    assert not missing, f"{len(missing)} untranslated in {code}: {missing[:5]}"


def test_the_in_scope_set_covers_the_pages_it_names():
    messages = set(in_scope_messages())
    assert "Apply for a business mentor" in messages                 # the start page
    assert "Who sees your answers" in messages                       # the consent text
    assert set(STEP_EXPLANATIONS.values()) <= messages
    assert len(messages) > 150
