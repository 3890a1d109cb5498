"""Friendly error pages in the reader's language, with the request id; never a traceback."""
import logging

from flask import g, render_template, request
from flask_wtf.csrf import CSRFError
from peewee import OperationalError
from werkzeug.exceptions import HTTPException

from .htmx import is_htmx

log = logging.getLogger("portal.errors")
PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html",
         429: "errors/429.html", 503: "errors/503.html"}


def render_error(status):
    template = "errors/_inline.html" if is_htmx() else PAGES.get(status, "errors/500.html")
    return render_template(template, status=status, request_id=getattr(g, "request_id", "-")), status


def init_app(app):
    @app.errorhandler(HTTPException)
    def _http_error(error):
        if error.code in (405, 413):
            return render_error(400)
        if error.code < 400 or error.code not in PAGES and error.code < 500:
            return error
        return render_error(error.code if error.code in PAGES else 500)

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "keeps_input", False) and not g.get("csrf_retry"):
            g.csrf_retry = True
            try:
                return app.ensure_sync(view)(**(request.view_args or {}))
            except HTTPException as inner:          # e.g. the id in the URL does not exist
                return _http_error(inner)
        return render_error(400)

    @app.errorhandler(OperationalError)
    def _database_error(error):
        log.error("database error id=%s: %s", getattr(g, "request_id", "-"), type(error).__name__)
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(error):
        log.exception("unhandled error id=%s", getattr(g, "request_id", "-"))
        return render_error(500)
