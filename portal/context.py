"""What every template may use: the navigation for the signed-in user's role."""
from dataclasses import dataclass

from flask import current_app, has_request_context, request, url_for
from flask_login import current_user

from .i18n import lazy_gettext as _l

NAV_BY_ROLE = {
    "staff": [("review.queue", _l("Applications")), ("programmes.index", _l("Programmes"))],
    "admin": [("review.queue", _l("Applications")), ("programmes.index", _l("Programmes")),
              ("admin.index", _l("Administration")), ("accounts.users", _l("Users"))],
    "caseworker": [("referrals.index", _l("Referrals"))],
    "mentor": [("mentor.index", _l("My mentees"))],
}


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    active: bool


def nav_links() -> list[NavLink]:
    if not has_request_context() or not current_user.is_authenticated:
        return []
    links = []
    for endpoint, label in NAV_BY_ROLE.get(current_user.role, []):
        if endpoint in current_app.view_functions:
            url = url_for(endpoint)
            links.append(NavLink(url, str(label), request.path.startswith(url)))
    return links


def init_app(app):
    @app.context_processor
    def _navigation():
        return {"nav_links": nav_links(), "view_endpoints": app.view_functions}
