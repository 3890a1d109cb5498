"""Links for emails: the configured public address, and the reader's language in the link."""
from flask import current_app, url_for


def absolute_url(endpoint: str, language: str | None = None, **values) -> str:
    """A link for an email: the configured public address, never the request's Host header. `language`:
    the reader's ("da", "en"…), carried as ?lang= so the link opens in it on any phone (portal/i18n.py)."""
    if language in current_app.config["LANGUAGES"]:
        values["lang"] = language
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
