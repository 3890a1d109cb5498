"""Real browser, in Arabic and Tigrinya (issue 23): the page's direction, the layout mirrored in Arabic, axe on
every page (the Nu HTML Checker and the 360 px check run over every page seen, tests/browser/page_checks.py),
nothing wider than a phone, and the first visit in Arabic under 200 KB with no font a Danish page loads."""
import pytest

from tests.browser.fixtures import PHONE, assert_accessible

pytestmark = pytest.mark.browser

PAGES = ("/", "/privacy", "/status/")


def _direction(page):
    return page.evaluate("[document.documentElement.lang, document.documentElement.dir, "
                         "getComputedStyle(document.body).direction]")


@pytest.mark.parametrize("code, direction", [("ar", "rtl"), ("ti", "ltr")])
def test_the_applicants_pages_in_arabic_and_tigrinya_fit_a_phone_and_pass_axe(phone, live_server, code, direction):
    phone.goto(f"{live_server.url}/?lang={code}")
    for path in PAGES:
        phone.goto(live_server.url + path)                       # the choice is remembered
        assert _direction(phone) == [code, direction, direction]
        assert_accessible(phone)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, f"{path} in {code} is {width} px wide"
    phone.goto(live_server.url + "/apply/about-you")             # the form: English labels, the reader's words
    assert _direction(phone)[:2] == ["en", "ltr"]
    box = phone.locator(".mother-tongue")
    assert box.get_attribute("lang") == code and box.get_attribute("dir") == direction
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_layout_is_mirrored_in_arabic(page, live_server):
    """The brand, the heading and a list's bullet sit at the right in Arabic where they sit at the left in
    English; the back link's chevron points right."""
    width = page.viewport_size["width"]
    page.goto(f"{live_server.url}/?lang=en")
    english = {s: _box(page, s) for s in (".solution-heading", ".skipnav ~ header .solution-tagline")}
    page.goto(f"{live_server.url}/?lang=ar")
    arabic = {s: _box(page, s) for s in (".solution-heading", ".skipnav ~ header .solution-tagline")}
    for selector in english:
        left_gap = english[selector]["x"]
        right_gap = width - (arabic[selector]["x"] + arabic[selector]["width"])
        assert abs(left_gap - right_gap) <= 24, (selector, english[selector], arabic[selector])
        assert arabic[selector]["x"] > english[selector]["x"], selector
    # The heading's text starts at the right: its first letter is further right than its last.
    assert page.evaluate("""() => { const h = document.querySelector('main h1'); const r = document.createRange();
        r.setStart(h.firstChild, 0); r.setEnd(h.firstChild, 1); const first = r.getBoundingClientRect();
        return first.right > h.getBoundingClientRect().right - 40; }""")
    bullet_side = page.evaluate("""() => { const li = document.querySelector('main ul > li');
        const before = getComputedStyle(li, '::before'); return [before.right, getComputedStyle(li).paddingRight]; }""")
    assert bullet_side == ["0px", "16px"]
    # The back link (on the status pages' forms), as DKFDS draws it: its chevron turned to point right.
    transform = page.evaluate("""() => { const link = document.createElement('a'); link.className = 'back-link';
        link.innerHTML = '<svg class="icon-svg"></svg>Back'; document.querySelector('main').append(link);
        return getComputedStyle(link.querySelector('svg')).transform; }""")
    assert transform.startswith("matrix(-1"), transform


def test_arabic_first_visit_is_under_200_kb_and_danish_loads_no_extra_font(browser, live_server):
    for code, limit in (("ar", 200 * 1024), ("da", None)):
        context = browser.new_context(locale="da-DK")
        page = context.new_page()
        sizes = {}
        page.on("requestfinished", lambda request: sizes.__setitem__(
            request.url, request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]))
        page.goto(f"{live_server.url}/?lang={code}")
        page.wait_for_load_state("networkidle")
        fonts = [url for url in sizes if url.endswith(".woff2")]
        if code == "ar":
            assert any("arabic" in url for url in fonts), fonts
            assert sum(sizes.values()) < limit, sorted(sizes.items(), key=lambda item: -item[1])
        else:
            assert not any(word in url for url in sizes for word in ("arabic", "ethiopic", "cyrillic", "rtl.")), fonts
        context.close()
