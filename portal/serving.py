"""Serving in production: static files through WhiteNoise (compressed, hashed, cached for a year) and
the client's address and scheme from a trusted reverse proxy."""
import json
import re
from pathlib import Path

from flask import request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from whitenoise import WhiteNoise

from .security import SECURITY_HEADERS

STATIC = Path(__file__).resolve().parent.parent / "static"
DIST = STATIC / "dist"                 # written by scripts/build_static.py (git-ignored)
MANIFEST = DIST / "manifest.json"      # {"css/app.css": "css/app.<hash>.css", ...}
HASHED = re.compile(r"^/static/dist/.+\.[0-9a-f]{12}\.\w+$")
_scanned = {}                          # max_age -> WhiteNoise's table of files


def load_manifest(path: Path = MANIFEST) -> dict:
    try:
        return json.loads(path.read_text())["files"]
    except (OSError, ValueError, KeyError):
        return {}


def init_app(app):
    manifest = load_manifest()

    urls = {}

    def static_url(filename: str) -> str:
        """The hashed, far-future-cached URL of a static file; the plain one when it was not built."""
        key = (request.script_root, filename)          # built once per mount point and file
        if key not in urls:
            built = manifest.get(filename)
            urls[key] = url_for("static", filename=f"dist/{built}" if built else filename)
        return urls[key]

    app.jinja_env.globals["static_url"] = static_url

    def add_headers(headers, path, url):
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)

    # Files WhiteNoise finds are answered before Flask; anything else (404s) falls through to the app.
    max_age = int(app.config["SEND_FILE_MAX_AGE_DEFAULT"].total_seconds())
    static = WhiteNoise(app.wsgi_app, allow_all_origins=False, max_age=max_age,
                        immutable_file_test=lambda path, url: bool(HASHED.match(url)),
                        add_headers_function=add_headers)
    if max_age not in _scanned:      # one scan of static/ per process, however many apps (tests make many)
        static.add_files(str(STATIC), prefix="static/")
        _scanned[max_age] = static.files
    static.files = _scanned[max_age]
    app.wsgi_app = static
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Behind N trusted proxies: the client's address (login throttling) and https (secure cookies,
        # links) come from their X-Forwarded-* headers; without a proxy those headers are not trusted.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def warm_up(app):
    """Compile every template and load every language's catalogue now. gunicorn calls this in its master
    process before it starts workers (gunicorn.conf.py), so every worker, and the fresh one that replaces
    a worker every `max_requests`, starts with them in memory instead of compiling templates while its
    first requests wait."""
    from flask_babel import force_locale, get_translations

    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        app.jinja_env.get_template(name)
    with app.test_request_context("/"):
        for language in app.config.get("LANGUAGES", ()):
            with force_locale(language):
                get_translations()
    return app
