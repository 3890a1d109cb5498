"""Security headers, CSRF, request ids and the one-line request log (no personal data)."""
import logging
import time
import uuid
from urllib.parse import urlsplit

from flask import abort, current_app, g, has_request_context, request
from flask_wtf.csrf import CSRFError, CSRFProtect

csrf = CSRFProtect()
request_log = logging.getLogger("portal.request")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def keeps_input(view):
    """Mark a form view that re-renders itself (input kept, a plain message) when its CSRF token expired.

    Only a person the route's policy allows gets that far (portal/access.py decides first). The view
    must validate a BaseForm before changing anything: an invalid token then fails that validation
    with the message, instead of a bare 400 page that loses what the person typed."""
    view.keeps_input = True
    return view


def token_refused() -> bool:
    """Whether the access gate found this request's CSRF token missing or expired and let a view that keeps
    input run anyway (portal/access.py): such a view must change nothing."""
    return bool(has_request_context() and g.get("csrf_refused"))


def _host_of(url: str) -> str | None:
    """The host (and port) a URL names; None for one that cannot be read (e.g. "http://[")."""
    try:
        return urlsplit(url).netloc
    except ValueError:
        return None


def refuse_cross_site():
    """Refuse (400) a form sent from another site, whatever its token. Called by the access gate.

    Browsers say where a POST comes from in its Origin header. Flask-WTF's own check on HTTPS reads
    the Referer instead (turned off in config): browsers and extensions that keep the Referer
    private left such people unable to send any form, and the views that keep what was typed
    accepted the form anyway. An Origin of "null" (a private referrer policy, a sandboxed frame) or
    none (an older browser) says nothing: the CSRF token decides, as always. The host is compared,
    with the one the request names and the public address (BASE_URL) both ours, so a proxy that
    ends TLS or rewrites Host does not refuse the site's own forms."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    origin = request.headers.get("Origin")
    own_host = urlsplit(current_app.config["BASE_URL"]).netloc
    if origin and origin != "null" and _host_of(origin) not in (request.host, own_host):
        request_log.info("cross-site %s refused id=%s", request.method, getattr(g, "request_id", "-"))
        abort(400)


def check_csrf(keeps_input: bool = False):
    """Raise CSRFError when a form's token is missing, wrong or expired (POST, PUT, PATCH, DELETE). Called by
    the access gate; on a view that keeps input the request goes on instead, marked (`token_refused`)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        csrf.protect()
    except CSRFError:
        if not keeps_input:
            raise
        g.csrf_refused = True


def init_app(app):
    @app.before_request
    def _start_timer():
        g.request_id = uuid.uuid4().hex[:16]
        g.started = time.perf_counter()

    csrf.init_app(app)
    # peewee logs every statement with its parameters at DEBUG: personal data must never reach a log.
    logging.getLogger("peewee").setLevel(logging.INFO)
    if not request_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        request_log.addHandler(handler)
        request_log.setLevel(logging.INFO)
        request_log.propagate = True

    @app.after_request
    def _headers_and_log(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Pages can hold personal data; only static files may be kept by browsers and proxies.
            response.headers["Cache-Control"] = "no-store"
        response.headers["X-Request-ID"] = getattr(g, "request_id", "-")
        duration = (time.perf_counter() - getattr(g, "started", time.perf_counter())) * 1000
        # The route pattern, not the path: paths can hold secret link tokens, queries can hold names.
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        request_log.info("%s %s %s %.1fms id=%s", request.method, route, response.status_code,
                         duration, getattr(g, "request_id", "-"))
        return response
