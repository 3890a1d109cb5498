"""The reader's language and the page's.

The reader chooses any offered language (`LANGUAGES`): ?lang= on any URL, remembered in a cookie, else the
browser's, else Danish. Staff pages and the applicant's form are in Danish or English only
(`FORM_LANGUAGES`): a reader of another language sees them in the form language they chose (?form_lang=,
remembered too; English unless they chose Danish), and the form's steps explain themselves in the reader's
language under each heading (portal/mother_tongue.py). Pages for the applicant to read (the start page,
privacy, the receipt, the status pages: `READING_PAGES`) are wholly in the reader's language.

A translation nobody has checked is kept with gettext's `fuzzy` flag and compiled all the same
(scripts/translations.sh); a page that shows one says so (`shows_unchecked_text`)."""
import functools
from pathlib import Path
from urllib.parse import urlencode

import flask_babel
from babel import Locale, dates
from babel.core import get_global
from babel.messages.pofile import read_po
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, get_timezone, get_translations, gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

LANG_COOKIE = "lang"
FORM_LANG_COOKIE = "form_lang"
ACCOUNT_LANGUAGES = ("da", "en")         # what an account's language (User.language) may be
# Endpoints (or blueprints, ending in ".") whose pages are wholly in any offered language.
READING_PAGES = ("public.", "status.", "apply.done", "apply.resume", "follow_up.")
# Endpoints whose pages are in the form language, with the reader's own language beside it.
FORM_PAGES = ("apply.",)
# The stylesheet that brings the font of a script (unicode-range: downloaded only when a page has its letters).
# Latin pages link none of them, so they transfer nothing extra.
SCRIPT_FONTS = {"Arab": "vendor/fonts/arabic.css", "Ethi": "vendor/fonts/ethiopic.css", "Cyrl": "vendor/fonts/cyrillic.css"}
babel = Babel()


def _endpoint_in(prefixes) -> bool:
    endpoint = request.endpoint or ""
    return any(endpoint == p or (p.endswith(".") and endpoint.startswith(p)) for p in prefixes)


def reader_language() -> str:
    """The language the reader chose: ?lang=, then a signed-in account's language, then the cookie, then the
    browser, then Danish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for candidate in (request.args.get("lang"), account_language(), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return candidate
    return request.accept_languages.best_match(list(languages)) or current_app.config["BABEL_DEFAULT_LOCALE"]


def account_language() -> str | None:
    """The language chosen for a signed-in person's account (User.language), which every page follows."""
    return current_user.language if current_user.is_authenticated else None


def form_language() -> str:
    """Danish or English, for staff pages and the form's labels: the reader's language when it is one of
    them, else the form language chosen (?form_lang=, remembered), else English."""
    form_languages = current_app.config["FORM_LANGUAGES"]
    reader = reader_language()
    if reader in form_languages:
        return reader
    if has_request_context():
        for candidate in (request.args.get("form_lang"), request.cookies.get(FORM_LANG_COOKIE)):
            if candidate in form_languages:
                return candidate
    return "en" if "en" in form_languages else form_languages[0]


def offers_every_language() -> bool:
    """Whether this page offers the reader's own language (wholly, or beside the form's)."""
    return has_request_context() and _endpoint_in(READING_PAGES + FORM_PAGES)


def select_locale() -> str:
    """The page's language: the reader's on reading pages, else Danish or English."""
    reader = reader_language()
    if reader in current_app.config["FORM_LANGUAGES"]:
        return reader
    if has_request_context() and _endpoint_in(READING_PAGES):
        return reader
    return form_language()


def mother_tongue() -> str | None:
    """On the form's pages, the reader's language when the page itself is in Danish or English."""
    reader = reader_language()
    if has_request_context() and _endpoint_in(FORM_PAGES) and not _endpoint_in(READING_PAGES) \
            and reader not in current_app.config["FORM_LANGUAGES"]:
        return reader
    return None


def language_tag(code) -> str:
    """The BCP 47 tag for HTML's lang and hreflang: fa_AF -> fa-AF."""
    return str(code).replace("_", "-")


def text_direction(code) -> str:
    """"rtl" or "ltr", as CLDR (through Babel) knows the language: never guessed from the text."""
    return Locale.parse(str(code)).text_direction


def script_of(code) -> str:
    """The language's usual script (CLDR's likely subtags): "Latn", "Arab", "Cyrl", "Ethi", ..."""
    locale = Locale.parse(str(code))
    if locale.script:
        return locale.script
    likely = get_global("likely_subtags").get(locale.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else "Latn"


def language_name(code, in_language=None) -> str:
    """A language's name: in itself (the chooser's, from the settings), or in another language (CLDR)."""
    if in_language is None:
        return current_app.config["LANGUAGES"].get(code, code)
    name = Locale.parse(code).get_display_name(str(in_language))
    return name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=32)
def _catalogue_flags(directory: str, code: str) -> frozenset:
    path = Path(directory) / code / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return frozenset()
    with path.open("rb") as po:
        return frozenset(message.id if isinstance(message.id, str) else message.id[0]
                         for message in read_po(po) if message.id and message.fuzzy and message.string)


def unchecked_messages(code) -> frozenset:
    """The msgids whose translation into `code` nobody has checked yet (gettext's `fuzzy` flag)."""
    if str(code) in current_app.config["FORM_LANGUAGES"]:
        return frozenset()
    return _catalogue_flags(current_app.config["BABEL_TRANSLATION_DIRECTORIES"], str(code))


def _note_if_unchecked(string, unchecked: frozenset) -> None:
    """Remember, for this request, that the page shows a translation nobody has checked (`unchecked`: the
    msgids of the language it was translated into)."""
    if unchecked and string in unchecked and has_request_context():
        g.unchecked_text_shown = True


def shows_unchecked_text() -> bool:
    return bool(has_request_context() and g.get("unchecked_text_shown"))


def current_translations():
    """The request's translations, found once per request and language instead of once per string."""
    return _current_catalogue()[0]


def _current_catalogue() -> tuple:
    """(translations, unchecked msgids) of the language being rendered, found once per request and language.

    Flask-Babel looks its catalogue up again for every string a template translates; a page has hundreds.
    The pair is kept with the locale object it belongs to (`get_locale`), so `force_locale` (an email in
    the applicant's language) and `refresh` are still obeyed: they give another locale object."""
    locale = get_locale()                 # the first string of a request chooses the locale
    if locale is None:                    # no application context: Flask-Babel's own answer
        return get_translations(), frozenset()
    cached = g.get("portal_translations")
    if cached is not None and cached[0] is locale:
        return cached[1]
    catalogue = (get_translations(), unchecked_messages(locale))
    g.portal_translations = (locale, catalogue)
    return catalogue


def _gettext_with(catalogue):
    """`_()` for templates: translated, Markup when autoescaping, then %-formatted with the keyword
    arguments — as Jinja's newstyle gettext, so "%%" means "%" — in one call instead of the extension's
    alias → wrapper → callable chain. `catalogue`: (translations, unchecked msgids) for one render; None:
    the request's, looked up per call (macros imported without the render's context)."""
    @pass_context
    def gettext(context, string, **variables):
        translations, unchecked = catalogue or _current_catalogue()
        translated = translations.ugettext(string)
        _note_if_unchecked(string, unchecked)
        if context.eval_ctx.autoescape:
            # The text is ours (the catalogue); the variables are escaped by Markup's %.
            translated = Markup(translated)  # nosec B704 - catalogue text, not input
        # Newstyle: "%%" means "%" even without variables; a text without "%" needs no formatting.
        return translated % variables if variables or "%" in translated else translated
    return gettext


def translate(string, **variables) -> str:
    """`gettext` through the request's catalogue found once, noting when the translation is unchecked."""
    if not has_app_context():
        return gettext(string, **variables)
    translations, unchecked = _current_catalogue()
    translated = translations.ugettext(string)
    _note_if_unchecked(string, unchecked)
    return translated % variables if variables else translated


def lazy_gettext(string, **variables) -> LazyString:
    """Flask-Babel's `lazy_gettext`, turned into text through the request's catalogue found once
    (`current_translations`): forms and tables turn dozens of these into text on every page."""
    return LazyString(translate, string, **variables)


def current_lang() -> str:
    return str(get_locale() or "da")


def lang_url(code: str, parameter: str = "lang") -> str:
    """The current page in another language (parameter "form_lang": with the form in another language)."""
    args = request.args.to_dict(flat=False)
    args[parameter] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def in_language(code, string, **variables) -> Markup:
    """`string` from the catalogue of `code`, whatever the page's language (the form's explanations and
    consent text in the reader's own language). Marks the page when the translation is unchecked."""
    with force_locale(code):
        translated = get_translations().ugettext(string)
        _note_if_unchecked(string, unchecked_messages(code))
    translated = Markup(translated)  # nosec B704 - catalogue text, not input; variables escaped by %
    return translated % variables if variables or "%" in translated else translated


def render_in_language(code, template, **context) -> Markup:
    """A template rendered wholly in `code` (the consent text in the reader's language, and in Danish)."""
    from flask import render_template
    with force_locale(code):
        return Markup(render_template(template, **context))  # nosec B704 - our template, autoescaped


def is_unchecked(code, string) -> bool:
    return string in unchecked_messages(code)


def chooser_languages() -> list[dict]:
    """The language chooser's entries: every offered language on the applicant's pages, Danish and English
    elsewhere; each named in itself, the current one first."""
    codes = list(current_app.config["LANGUAGES"]) if offers_every_language() \
        else list(current_app.config["FORM_LANGUAGES"])
    current = reader_language() if offers_every_language() else current_lang()
    if current not in codes:
        current = current_lang()
    entries = [{"code": code, "tag": language_tag(code), "name": language_name(code),
                "dir": text_direction(code), "current": code == current} for code in codes]
    return sorted(entries, key=lambda entry: not entry["current"])


def _described(code):
    if not code:
        return None
    return {"code": code, "tag": language_tag(code), "dir": text_direction(code), "name": language_name(code)}


def page_stylesheets() -> list[str]:
    """The extra stylesheets of a page, by the languages it shows: a right-to-left override, and the fonts
    of a script other than Latin. A Danish or English page without another language has none."""
    shown = [current_lang()] + ([mother_tongue()] if mother_tongue() else [])
    sheets = []
    if any(text_direction(code) == "rtl" for code in shown[:1]):
        sheets.append("css/rtl.css")
    for code in shown:
        sheet = SCRIPT_FONTS.get(script_of(code))
        if sheet and sheet not in sheets:
            sheets.append(sheet)
    return sheets


STANDARD_FORMATS = ("short", "medium", "long", "full")
# English dates read day, month, year with the month in words ("6 December 2026"): the American "12/6/26"
# is read as 12 June in Denmark, and so is the British "06/12/2026" by an American reader.
ENGLISH_DATE_PATTERNS = {"short": "d MMM y", "medium": "d MMM y", "long": "d MMMM y", "full": "EEEE d MMMM y"}


def format_date(value, format="medium"):
    """Flask-Babel's `format_date` (the `dateformat` filter), with unambiguous English dates."""
    format = format or "medium"
    if value is not None and format in STANDARD_FORMATS and current_lang() == "en":
        return flask_babel.format_date(value, ENGLISH_DATE_PATTERNS[format])
    return flask_babel.format_date(value, format)



def format_datetime(value, format="medium"):
    """Flask-Babel's `format_datetime` (the `datetimeformat` filter), kept per moment, language and time
    zone: an application's history shows the same few dozen moments at every opening, and babel looks the
    language's patterns up, and converts the time zone, again for every one."""
    format = format or "medium"
    if value is None or format not in STANDARD_FORMATS:
        return flask_babel.format_datetime(value, format)
    return _formatted(value, format, str(get_locale()), str(get_timezone()))


@functools.lru_cache(maxsize=4096)
def _formatted(value, format, locale, timezone):       # locale and time zone: the request's, in the key
    moment, language = flask_babel.to_user_timezone(value), Locale.parse(locale)
    combined, time_pattern, date_pattern = _patterns(locale, format)
    return (combined.replace("{0}", time_pattern.apply(moment.timetz(), language, reference_date=moment.date()))
            .replace("{1}", date_pattern.apply(moment, language)))


@functools.lru_cache(maxsize=32)
def _patterns(locale, format):
    """As babel.dates.format_datetime puts a standard format together: (date and time, time, date).
    English: British patterns (a 24-hour clock, as in Denmark), the date as ENGLISH_DATE_PATTERNS."""
    if locale == "en":
        return (dates.get_datetime_format(format, locale="en_GB").replace("'", ""),
                dates.parse_pattern(dates.get_time_format(format, locale="en_GB")),
                dates.parse_pattern(ENGLISH_DATE_PATTERNS[format]))
    return (dates.get_datetime_format(format, locale=locale).replace("'", ""),
            dates.parse_pattern(dates.get_time_format(format, locale=locale)),
            dates.parse_pattern(dates.get_date_format(format, locale=locale)))


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_()` is by far the most used call in the templates. Macros imported without context use the global;
    # a page gets one bound to the catalogue of the language it is rendered in (force_locale included).
    app.jinja_env.globals["_"] = _gettext_with(None)
    app.jinja_env.filters["datetimeformat"] = format_datetime
    app.jinja_env.filters["dateformat"] = format_date

    app.jinja_env.globals.update(in_language=in_language, is_unchecked=is_unchecked,
                                 render_in_language=render_in_language,
                                 shows_unchecked_text=shows_unchecked_text, N_=lambda string: string)

    @app.context_processor
    def _language_context():
        if not has_request_context():
            return {"current_lang": current_lang(), "lang_url": None, "_": _gettext_with(_current_catalogue())}
        lang = current_lang()
        return {"current_lang": lang, "lang_url": lang_url, "_": _gettext_with(_current_catalogue()),
                "html_lang": language_tag(lang), "text_direction": text_direction(lang),
                "chooser_languages": chooser_languages(), "mother_tongue": _described(mother_tongue()),
                "form_language": form_language(), "page_stylesheets": page_stylesheets()}

    @app.after_request
    def _remember_language(response):
        for parameter, cookie, offered in (("lang", LANG_COOKIE, app.config["LANGUAGES"]),
                                           ("form_lang", FORM_LANG_COOKIE, app.config["FORM_LANGUAGES"])):
            chosen = request.args.get(parameter)
            if chosen in offered and request.cookies.get(cookie) != chosen:
                response.set_cookie(cookie, chosen, max_age=365 * 24 * 3600, samesite="Lax",
                                    httponly=True, secure=app.config["SESSION_COOKIE_SECURE"])
        if request.args.get("lang") in ACCOUNT_LANGUAGES and account_language() not in (None, request.args["lang"]):
            from .services.authentication import set_language      # a signed-in person's choice is kept
            set_language(current_user, request.args["lang"])
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response
