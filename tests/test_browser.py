"""The blog in a real browser: Debian's Chromium, driven by Playwright.

The session's build is served on 127.0.0.1 by nginx. Six pages
a reader uses, at a phone width (390 px) and a desktop width (1280 px), in
the light and the dark colour scheme: no console error, no request leaves
the site's origin, axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation, the
keyboard works and shows where it is, and footnotes go there and back.
One page of every other kind gets the load and axe checks at 1280 px.
"""

from urllib.parse import urljoin

import pytest

from validate import browser as web
from validate.refs import is_internal

pytest_plugins = ["validate.fixtures"]

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
    "older-posts": "/index-1.html",
    "post-epigraph": "/posts/equal-opportunities-for-all-openstack-projects/",
    "post-abbr-admonitions": "/posts/new-open-infrastructure-projects/",
    "post-literal-code": "/posts/minidns-tcp-and-the-internet/",
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
EVERY_VIEW = [pytest.param(path, width, scheme, id="{0}-{1}-{2}".format(name, width, scheme))
              for name, path in PAGES.items() for width in WIDTHS for scheme in SCHEMES]


def test_the_chosen_pages_show_what_they_are_chosen_for(built):
    """The pages above still hold what the browser tests need, and no off-site image
    (a photo hosted elsewhere would be a third-party request)."""
    files = {path: built.root / path.lstrip("/") / ("index.html" if path.endswith("/") else "")
             for path in PAGES.values()}
    assert built.soup(files[FOOTNOTES]).select(".admonition"), "no admonition on " + FOOTNOTES
    assert built.soup(files[FOOTNOTES]).select('a[role="doc-noteref"]'), "no footnote on " + FOOTNOTES
    assert built.soup(files[PAGES["post-code"]]).select("pre.code"), "no code block on " + PAGES["post-code"]
    files.update({path: built.root / path.lstrip("/") / ("index.html" if path.endswith("/") else "")
                  for path in OTHER_PAGES.values()})
    assert [path for path, file in files.items() if not file.is_file()] == []
    off_site = ["{0}: {1}".format(path, img["src"]) for path, file in files.items()
                for img in built.soup(file).select("img[src]")
                if not is_internal(built, urljoin(built.url_of(file), img["src"]))]
    assert off_site == []


@pytest.mark.parametrize("path,width,scheme", EVERY_VIEW)
def test_page_loads_with_no_console_error_and_no_third_party_request(tab, path, width, scheme):
    record = web.visit(tab(width, scheme), path)
    assert record.problems() == []


@pytest.mark.parametrize("path,width,scheme", EVERY_VIEW)
def test_axe_finds_no_wcag_a_or_aa_violation(tab, path, width, scheme):
    page = tab(width, scheme)
    web.visit(page, path, idle=False)  # loading itself is checked above
    assert web.axe_violations(page) == []


@pytest.mark.parametrize("path,width,scheme", EVERY_VIEW)
def test_first_tab_focuses_the_skip_link_which_moves_focus_to_main(tab, path, width, scheme):
    page = tab(width, scheme)
    web.visit(page, path, idle=False)  # loading itself is checked above
    assert web.skip_link_problems(page) == []


@pytest.mark.parametrize("path,width,scheme", EVERY_VIEW)
def test_every_keyboard_stop_shows_visible_focus(tab, path, width, scheme):
    # Reduced motion: the page scrolls each stop into view at once (the site
    # scrolls smoothly otherwise), so no stop waits for an animation.
    page = tab(width, scheme, "reduce")
    web.visit(page, path, idle=False)  # loading itself is checked above
    assert web.tab_order_problems(page) == []


@pytest.mark.parametrize("path,scheme", [pytest.param(path, scheme, id="{0}-{1}".format(name, scheme))
                                         for name, path in OTHER_PAGES.items() for scheme in SCHEMES])
def test_every_other_kind_of_page_loads_cleanly_and_passes_axe(tab, path, scheme):
    page = tab(1280, scheme)
    record = web.visit(page, path)
    assert record.problems() + web.axe_violations(page) == []


@pytest.mark.parametrize("width,motion", [(390, "no-preference"), (1280, "reduce")])
def test_footnote_reference_and_back_link_move_the_reader_to_each_other(tab, width, motion):
    """Every footnote there and back: on a phone with the site's smooth scrolling,
    on a desktop with reduced motion (instant jumps)."""
    page = tab(width, "light", motion)
    web.visit(page, FOOTNOTES, idle=False)
    assert web.footnote_problems(page) == []
