"""Friendly error pages in the reader's language, with the request id; never a traceback."""
import logging

from flask import g, render_template
from flask_wtf.csrf import CSRFError
from peewee import OperationalError
from werkzeug.exceptions import HTTPException

from .htmx import is_htmx

log = logging.getLogger("portal.errors")
PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html",
         429: "errors/429.html", 503: "errors/503.html"}


def render_error(status, shown_as=None):
    """The friendly page for `status`; `shown_as` gives another status's words (e.g. 405 reads as 400)."""
    shown = shown_as or status
    template = "errors/_inline.html" if is_htmx() else PAGES.get(shown, "errors/500.html")
    return render_template(template, status=shown, request_id=getattr(g, "request_id", "-")), status


def init_app(app):
    @app.errorhandler(HTTPException)
    def _http_error(error):
        if error.code in (405, 413):
            # A method the page does not take, or too much data: the status says so (405 with its Allow
            # header), the reader gets the plain "something in the request was not right" page.
            body, status = render_error(error.code, shown_as=400)
            return body, status, error.get_headers() if error.code == 405 else {}
        if error.code < 400 or error.code not in PAGES and error.code < 500:
            return error
        return render_error(error.code if error.code in PAGES else 500)

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        # Never calls a view: views that keep what was typed are let through by the access gate instead,
        # after the route's policy has allowed the person (portal/access.py).
        return render_error(400)

    @app.errorhandler(OperationalError)
    def _database_error(error):
        log.error("database error id=%s: %s", getattr(g, "request_id", "-"), type(error).__name__)
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.exception("unhandled error id=%s", getattr(g, "request_id", "-"))
        return render_error(500)
