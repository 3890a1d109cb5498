"""Shared helpers of the security tests: classify answers, build a route's URL from the world."""
from urllib.parse import urlsplit

from flask import url_for

from portal import create_app

from .policy import ARGUMENTS

# Collection needs the routes before any fixture exists; creating the app opens no database connection.
ROUTE_APP = create_app({"TESTING": True, "SECRET_KEY": "routes", "DATABASE_URL": "sqlite:///:memory:"})


def routes(app=ROUTE_APP):
    """endpoint -> the methods it answers (HEAD and OPTIONS left out: Flask adds them)."""
    found = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return found


def classify(response):
    """ "ok", "login" (sent to log in), "second_factor" (sent to the TOTP step) or the status code."""
    if 300 <= response.status_code < 400:
        path = urlsplit(response.headers.get("Location", "")).path
        if path == "/login":
            return "login"
        if path == "/login/totp":
            return "second_factor"
    return "ok" if response.status_code < 400 else response.status_code


def url_of(world, endpoint, **override):
    args = {}
    with world.app.test_request_context("/"):
        rule = next(r for r in world.app.url_map.iter_rules() if r.endpoint == endpoint)
        names = {**ARGUMENTS["*"], **ARGUMENTS.get(endpoint, {})}
        for arg in rule.arguments:
            source = names[arg]
            if source.startswith("="):
                args[arg] = source[1:]
            elif source.startswith("fresh:"):
                args[arg] = world.fresh(source.removeprefix("fresh:"))
            else:
                args[arg] = world.ids[source]
        args.update(override)
        return url_for(endpoint, **args)
