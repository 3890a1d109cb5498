"""htmx helpers: answer a fragment to htmx, the whole page to everyone else."""
from flask import make_response, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def page_or_fragment(page, fragment, status=200, **context):
    """Render the fragment for htmx requests, else the full page that includes it."""
    response = make_response(render_template(fragment if is_htmx() else page, **context), status)
    response.vary.add("HX-Request")
    return response
