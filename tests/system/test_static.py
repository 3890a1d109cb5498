"""Static files: hashed names, brotli/gzip, cached for a year, and a first visit well under 200 KB."""
import re
import subprocess
import sys

from portal.serving import load_manifest
from tests.system.servers import ROOT

BUDGET = 200_000        # bytes: the start page and the first form step, with everything they load


def assets_of(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"#]*)', html)


def test_the_built_static_files_are_current():
    result = subprocess.run([sys.executable, "scripts/build_static.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_pages_link_hashed_files_that_are_compressed_and_cached_for_a_year(client):
    urls = set(assets_of(client.get("/").get_data(as_text=True)))
    assert urls and all(re.search(r"^/static/dist/.+\.[0-9a-f]{12}\.\w+$", url) for url in urls), urls
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        if url.endswith((".css", ".js", ".svg")):
            assert response.headers["Content-Encoding"] == "br"
            assert "Accept-Encoding" in response.headers["Vary"]
    css = next(url for url in urls if "dkfds.min" in url and url.endswith(".css"))
    assert client.get(css, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    plain = client.get(css)
    assert "Content-Encoding" not in plain.headers
    # The stylesheet points at hashed fonts and icons, so they are cached as long as it is.
    assert re.search(r"url\(\.\./fonts/IBMPlexSans-Regular-Latin1\.[0-9a-f]{12}\.woff2\)", plain.get_data(as_text=True))


def test_unhashed_static_files_are_cached_briefly_and_missing_ones_are_404(client):
    response = client.get("/static/js/app.js")
    assert response.status_code == 200 and "immutable" not in response.headers["Cache-Control"]
    assert client.get("/static/dist/nothing.0123456789ab.js").status_code == 404


def test_a_first_visit_to_the_start_page_and_the_first_step_transfers_under_200_kb(client):
    total, seen = 0, set()
    for page in ("/", "/apply/about-you"):
        response = client.get(page)
        assert response.status_code == 200
        total += len(response.data)
        for url in set(assets_of(response.get_data(as_text=True))) - seen:
            seen.add(url)
            total += len(client.get(url, headers={"Accept-Encoding": "br"}).data)
    # Fonts the stylesheet loads when text needs them: count every weight, an upper bound.
    fonts = [name for source, name in load_manifest().items() if source.endswith("Latin1.woff2")]
    total += sum(len(client.get(f"/static/dist/{name}").data) for name in fonts
                 if f"/static/dist/{name}" not in seen)
    assert total < BUDGET, f"{total} bytes"
