"""The blog in a real browser: Debian's Chromium, driven by Playwright.

What a reader would lose if this failed: a page that errors, phones home to
another site, fails a WCAG 2.0-2.2 A or AA rule (contrast in either colour
scheme, names, structure), cannot be used from the keyboard, or footnotes
that do not take them there and back.

The session's build is served on 127.0.0.1 by nginx. Six pages a reader
uses, at a phone width (390 px) and a desktop width (1280 px), each loaded
once for all its checks, which run in the light and then the dark colour
scheme: no console error and no request leaving the site's origin (watched
for the whole test), axe-core finds no violation (every rule in the light
scheme, the colour rules in the dark one, which changes only colours), the
first Tab reaches the skip link, which moves focus to the content; then (with reduced motion, so
nothing waits for smooth scrolling) the keyboard walks every stop of the
page, each of which must show its focus, on screen, in both schemes. One
page of every other kind gets the load and axe checks at 1280 px in both
schemes.
"""

import re
from urllib.parse import urljoin

import pytest
from support import browser as web

from sitecheck.refs import is_internal

pytestmark = pytest.mark.browser

pytest_plugins = ["support.fixtures"]

# No post has an admonition, footnotes and code together, so two posts.
PAGES = {
    "home": "/",
    "post-note-footnotes": "/posts/openstack-designate-where-we-are/",
    "post-code": "/posts/the-big-rename/",
    "tag": "/categories/designate/",
    "archive": "/archive.html",
    "feeds": "/feeds/",
}
FOOTNOTES = PAGES["post-note-footnotes"]
# One page of every other kind the theme renders (posts with off-site photos
# are left out: their images are third-party requests by design).
OTHER_PAGES = {
    "older-posts": "/2016/",
    "post-epigraph": "/posts/equal-opportunities-for-all-openstack-projects/",
    "post-abbr-admonitions": "/posts/new-open-infrastructure-projects/",
    "post-literal-code": "/posts/minidns-tcp-and-the-internet/",
    "post-contents": "/posts/oslo-ptg-summary/",  # 16 sections, h2 and h3
    "tags": "/categories/",
    "category": "/categories/cat_designate/",
    "authors": "/authors/",
    "author": "/authors/graham-hayes/",
    "listing": "/listings/big-rename-error-render.py.html",
    "search": "/search/",
    "not-found": "/404.html",
}
WIDTHS = [390, 1280]
SCHEMES = ["light", "dark"]
EVERY_VIEW = [pytest.param(path, width, id=f"{name}-{width}") for name, path in PAGES.items() for width in WIDTHS]


def test_the_chosen_pages_show_what_they_are_chosen_for(built):
    """The pages above still hold what the browser tests need, and no off-site image
    (a photo hosted elsewhere would be a third-party request)."""
    files = {
        path: built.root / path.lstrip("/") / ("index.html" if path.endswith("/") else "") for path in PAGES.values()
    }
    assert built.soup(files[FOOTNOTES]).select(".admonition"), "no admonition on " + FOOTNOTES
    assert built.soup(files[FOOTNOTES]).select('a[role="doc-noteref"]'), "no footnote on " + FOOTNOTES
    assert built.soup(files[PAGES["post-code"]]).select("pre.code"), "no code block on " + PAGES["post-code"]
    files.update(
        {
            path: built.root / path.lstrip("/") / ("index.html" if path.endswith("/") else "")
            for path in OTHER_PAGES.values()
        }
    )
    assert [path for path, file in files.items() if not file.is_file()] == []
    off_site = [
        "{0}: {1}".format(path, img["src"])
        for path, file in files.items()
        for img in built.soup(file).select("img[src]")
        if not is_internal(built, urljoin(built.url_of(file), img["src"]))
    ]
    assert off_site == []


# axe-core rules whose outcome depends on colours. The dark scheme changes
# only colours (test_the_dark_scheme_changes_only_colours), so in it only these
# can find anything the light scheme's full run did not.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def axe_in_each_scheme(page):
    """axe-core in the light scheme (every WCAG 2.0-2.2 A and AA rule) and in the
    dark one (the colour rules), on the page as loaded: the scheme is a media
    feature, and switching it restyles the page as a reader's system setting does."""
    problems = []
    for scheme, rules in (("light", None), ("dark", COLOUR_RULES)):
        page.emulate_media(color_scheme=scheme, reduced_motion="no-preference")
        problems += [f"{scheme}: {p}" for p in web.axe_violations(page, rules=rules)]
        problems += [f"{scheme}: {p}" for p in web.skip_link_problems(page)]
    return problems


@pytest.mark.parametrize("path,width", EVERY_VIEW)
def test_page_loads_cleanly_passes_axe_and_works_from_the_keyboard(tab, path, width):
    page = tab(width, "light")
    with web.watching(page) as record:
        web.visit(page, path, record=record)
        problems = axe_in_each_scheme(page)
        page.emulate_media(reduced_motion="reduce")
        problems += web.tab_order_problems(page, SCHEMES)
    assert record.problems() + problems == []


@pytest.mark.parametrize("path", [pytest.param(path, id=name) for name, path in OTHER_PAGES.items()])
def test_every_other_kind_of_page_loads_cleanly_and_passes_axe(tab, path):
    page = tab(1280, "light")
    with web.watching(page) as record:
        web.visit(page, path, record=record)
        problems = axe_in_each_scheme(page)
    assert record.problems() + problems == []


DARK = re.compile(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{(?P<body>(?:[^{}]*\{[^{}]*\})*[^{}]*)\}")
# Colours, and the weight and slant of code tokens (code.css): nothing that moves a
# target, a name or the structure, which axe's other rules look at.
COLOUR_PROPERTY = re.compile(
    r"^(--[\w-]+|color|background(-color)?|border(-\w+)?-color|outline-color|fill|stroke"
    r"|font-weight|font-style)$"
)


def test_the_dark_scheme_changes_only_colours(built):
    """What lets the dark scheme's axe run keep to the colour rules."""
    declarations = []
    for css in sorted((built.root / "assets" / "css").glob("*.css")):
        for block in DARK.finditer(css.read_text(encoding="utf-8")):
            declarations += [
                d.split(":", 1)[0].strip()
                for rule in re.findall(r"\{([^{}]*)\}", block.group("body"))
                for d in rule.split(";")
                if d.strip()
            ]
    assert declarations, "no dark scheme found: the check checked nothing"
    assert [d for d in declarations if not COLOUR_PROPERTY.match(d)] == []


@pytest.mark.parametrize("width,motion,limit", [(390, "no-preference", 1), (1280, "reduce", None)])
def test_footnote_reference_and_back_link_move_the_reader_to_each_other(tab, width, motion, limit):
    """Footnotes there and back: on a phone with the site's smooth scrolling (the
    first one: each waits for the scroll to end; every reference is checked to
    pair up with its note in test_validation), and every one of them on a
    desktop with reduced motion (instant jumps)."""
    page = tab(width, "light", motion)
    web.visit(page, FOOTNOTES, idle=False)
    assert web.footnote_problems(page, limit) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_section_link_shows_on_focus_and_the_contents_come_before_or_beside_the_text(tab, width):
    """plugins/post_outline's links are hidden until the title is hovered or the link has
    keyboard focus, and lead to their section; the contents list is above the text on a
    phone and beside it on a wide screen, where it stays in view while the reader scrolls."""
    page = tab(width, "light", "reduce")
    web.visit(page, OTHER_PAGES["post-contents"])
    link = page.locator(".e-content h3 > .section-link").first
    opacity = "e => getComputedStyle(e).opacity"
    assert link.evaluate(opacity) == "0"
    link.focus()
    assert link.evaluate(opacity) == "1" and link.evaluate("e => e.getBoundingClientRect().width") >= 24
    href = link.get_attribute("href")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == href
    toc, body = page.locator("nav.toc").bounding_box(), page.locator(".e-content").bounding_box()
    if width >= 1280:
        assert (
            toc["x"] >= body["x"] + body["width"]
            and 0 <= page.locator("nav.toc").evaluate("e => e.getBoundingClientRect().top") < 100
        )  # beside, and still in view down the page
    else:
        assert toc["y"] + toc["height"] <= body["y"]


def test_photos_hosted_elsewhere_pass_the_content_security_policy(tab):
    """Some posts show photos from the hosts their authors used: the policy allows
    https images, so they load for readers (here the test's guard aborts them)."""
    page = tab(1280, "light")
    record = web.visit(page, "/posts/dublin-ptg-summary/")
    assert [u for u in record.third_party if u.startswith("https://pbs.twimg.com/")], record.third_party
    assert [e for e in record.console_errors if "Content Security Policy" in e] == []


def test_no_page_scrolls_sideways_on_a_320_px_phone(chromium, site_url):
    """The narrowest phone the theme is made for (site.css: "from 320 px up"): the page
    itself never scrolls sideways (a wide table or code block scrolls on its own)."""
    context = web.new_context(chromium, site_url, 320, "light")
    try:
        page = context.new_page()
        wide = {}
        for path in list(PAGES.values()) + list(OTHER_PAGES.values()):
            web.visit(page, path, idle=False)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 320:
                wide[path] = width
    finally:
        context.close()
    assert wide == {}
