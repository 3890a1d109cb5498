"""What every template may use: the navigation for the signed-in user's role, and the association's contact."""
from dataclasses import dataclass

from babel import Locale

from flask import current_app, g, has_request_context, request, url_for
from flask_login import current_user
from peewee import DatabaseError
from werkzeug.local import LocalProxy

from . import lifecycle
from .i18n import current_lang, translate
from .i18n import lazy_gettext as _l

NAV_BY_ROLE = {
    "staff": [("review.queue", _l("Applications")), ("review.deletions", _l("Deletion requests")),
              ("programmes.index", _l("Programmes")), ("signups.index", _l("Company sign-ups"))],
    "admin": [("review.queue", _l("Applications")), ("review.deletions", _l("Deletion requests")),
              ("programmes.index", _l("Programmes")), ("signups.index", _l("Company sign-ups")),
              ("admin.index", _l("Administration")), ("accounts.users", _l("Users"))],
    "caseworker": [("referrals.index", _l("Referrals"))],
    "mentor": [("mentor.index", _l("My mentees"))],
    "coordinator": [("coordinator.index", _l("Your company"))],
}


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    active: bool


def nav_links() -> list[NavLink]:
    if not has_request_context() or not current_user.is_authenticated:
        return []
    items = [(url_for(endpoint), str(label)) for endpoint, label in NAV_BY_ROLE.get(current_user.role, [])
             if endpoint in current_app.view_functions]
    # One item is the current one: the longest whose address starts the path (/admin/users is "Users",
    # not also "Administration" at /admin/).
    current = max((url for url, _ in items if request.path.startswith(url)), key=len, default=None)
    return [NavLink(url, label, url == current) for url, label in items]


def municipality_name(code: str | None) -> str:
    """A municipality's name for its code ("101" -> "Københavns Kommune"); a code not known stays a code."""
    from .models import Municipality
    return dict(Municipality.names()).get(code, code or "")


def country_name(code: str | None) -> str:
    """A country's name in the page's language ("SY" -> "Syrien" or "Syria"), from CLDR via Babel; also
    the answers that are not a country ("stateless" -> "Statsløs"); "" for no answer."""
    from .answers import NO_COUNTRY
    if not code:
        return ""
    if code in NO_COUNTRY:
        return str(NO_COUNTRY[code])
    return Locale.parse(current_lang()).territories.get(code, code)


def current_association():
    """The association's contact details (services/association.py), read once per request or app context."""
    if "association" not in g:
        from .models import Association
        from .services import association
        try:
            g.association = association.current()
        except DatabaseError:
            # The error page for a database that does not answer has a footer too: without the contact.
            g.association = Association()
    return g.association


# `association` in every template, macro and email: name, address, phone, email, privacy_contact,
# privacy_email, `is_set` (name and email given) and `privacy_address` (where to write about personal data).
association = LocalProxy(current_association)


def _words(table: dict, code: str | None, missing: str | None = None) -> str:
    """`code`'s words from one of the life cycle's tables, translated; when it has none, `missing` (or the code)."""
    label = table.get(code)
    if label:
        return translate(label)
    return (code or "") if missing is None else missing


class LifecycleWords:
    """The life cycle's words for templates (`lifecycle.status_text(code)`), translated when shown."""
    Status = lifecycle.Status
    QUEUE = lifecycle.QUEUE
    MEETING = lifecycle.MEETING

    @staticmethod
    def status_text(status: str | None) -> str:
        return _words(lifecycle.STATUS_LABELS, status)

    @staticmethod
    def applicant_text(status: str | None) -> str:
        return _words(lifecycle.APPLICANT_TEXT, status, missing="")

    @staticmethod
    def referral_text(stage: str | None) -> str:
        return _words(lifecycle.REFERRAL_STAGE_TEXT, stage)

    @staticmethod
    def outcome_text(kind: str | None) -> str:
        return _words(lifecycle.OUTCOME_TEXT, kind)

    @staticmethod
    def milestone_text(kind: str | None) -> str:
        return _words(lifecycle.MILESTONE_TEXT, kind)

    @staticmethod
    def event_text(action: str) -> str:
        return _words(lifecycle.EVENT_LABELS, action)

    @staticmethod
    def badge(status: str | None) -> str | None:
        return lifecycle.STATUS_BADGES.get(status)


def init_app(app):
    # Names where a page would otherwise show a code: every template and macro (imported with or without
    # context) may call them.
    app.jinja_env.globals.update(municipality_name=municipality_name, country_name=country_name,
                                 lifecycle=LifecycleWords, association=association)
    @app.context_processor
    def _navigation():
        return {"nav_links": nav_links(), "view_endpoints": app.view_functions}
