"""Danish by default; English from Accept-Language; ?lang= on any URL, remembered in a cookie."""
import functools
from urllib.parse import urlencode

import flask_babel
from babel import Locale, dates
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, get_locale, get_timezone, get_translations, gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

LANG_COOKIE = "lang"
ACCOUNT_LANGUAGES = ("da", "en")         # what an account's language (User.language) may be
babel = Babel()


def select_locale() -> str:
    """The reader's language: ?lang=, then a signed-in account's language, then the cookie, then the browser,
    then Danish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for candidate in (request.args.get("lang"), account_language(), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return candidate
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def account_language() -> str | None:
    """The language chosen for a signed-in person's account (User.language), which every page follows."""
    return current_user.language if current_user.is_authenticated else None


def current_translations():
    """The request's translations, found once per request and language instead of once per string.

    Flask-Babel looks its catalogue up again for every string a template translates; a page has dozens.
    The pair is kept with the locale object it belongs to (`get_locale`), so `force_locale` (an email in
    the applicant's language) and `refresh` are still obeyed: they give another locale object."""
    locale = get_locale()                 # the first string of a request chooses the locale
    if locale is None:                    # no application context: Flask-Babel's own answer
        return get_translations()
    cached = g.get("portal_translations")
    if cached is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    g.portal_translations = (locale, translations)
    return translations


def _gettext_with(translations):
    """`_()` for templates: translated, Markup when autoescaping, then %-formatted with the keyword
    arguments — as Jinja's newstyle gettext, so "%%" means "%" — in one call instead of the extension's
    alias → wrapper → callable chain. `translations` None: the request's (looked up per call)."""
    @pass_context
    def gettext(context, string, **variables):
        translated = (translations or current_translations()).ugettext(string)
        if context.eval_ctx.autoescape:
            # The text is ours (the catalogue); the variables are escaped by Markup's %.
            translated = Markup(translated)  # nosec B704 - catalogue text, not input
        # Newstyle: "%%" means "%" even without variables; a text without "%" needs no formatting.
        return translated % variables if variables or "%" in translated else translated
    return gettext


def _translate(string, **variables):
    if not has_app_context():
        return gettext(string, **variables)
    translated = current_translations().ugettext(string)
    return translated % variables if variables else translated


def lazy_gettext(string, **variables) -> LazyString:
    """Flask-Babel's `lazy_gettext`, turned into text through the request's catalogue found once
    (`current_translations`): forms and tables turn dozens of these into text on every page."""
    return LazyString(_translate, string, **variables)


def current_lang() -> str:
    return str(get_locale() or "da")


def lang_url(code: str) -> str:
    """The current page in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"


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

    @app.context_processor
    def _language_context():
        return {"current_lang": current_lang(), "lang_url": lang_url if has_request_context() else None,
                "_": _gettext_with(current_translations())}

    @app.after_request
    def _remember_language(response):
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != chosen:
            response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax",
                                httponly=True, secure=app.config["SESSION_COOKIE_SECURE"])
        if chosen in ACCOUNT_LANGUAGES and account_language() not in (None, chosen):
            from .services.authentication import set_language      # a signed-in person's choice is kept
            set_language(current_user, chosen)
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response
