"""Search, as a reader uses it: type, narrow by tag, open a result.

Runs Pagefind's index (built by plugins/search_index) in Debian's Chromium
against the session's build served on 127.0.0.1; any request that leaves
that origin is aborted and fails the test.
"""

import pytest

from validate import browser as web

pytest_plugins = ["validate.fixtures"]
pytestmark = pytest.mark.browser

RESULT_TITLES = "#search-results h2 a"


def titles_with(built, word):
    found = set()
    for page in (built.root / "posts").glob("*/index.html"):
        title = built.soup(page).h1.get_text(" ", strip=True)
        if word.lower() in title.lower():
            found.add(title)
    return found


def posts_tagged(built, tag):
    found = set()
    for page in (built.root / "posts").glob("*/index.html"):
        soup = built.soup(page)
        if tag in {a.get_text(strip=True) for a in soup.select('.post-footer a[rel="tag"]')}:
            found.add(soup.h1.get_text(" ", strip=True))
    return found


def wait_for_results(page, previous=None):
    page.wait_for_function(
        "prev => { const s = document.getElementById('search-status').textContent;"
        " return /found/.test(s) && s !== prev; }", arg=previous, timeout=15000)
    return page.locator(RESULT_TITLES).all_inner_texts()


@pytest.mark.parametrize("width,scheme", [(1280, "light"), (390, "dark")])
def test_typing_designate_lists_the_designate_posts_first(built, tab, width, scheme):
    page = tab(width, scheme)
    earlier = len(page.context.third_party)  # the tab may have shown posts with photos hosted elsewhere
    visit = web.visit(page, "/search/")
    page.fill("#search-q", "Designate")
    shown = wait_for_results(page)
    expected = titles_with(built, "Designate")
    assert len(expected) >= 4
    assert set(shown[:len(expected)]) == expected, shown
    excerpt = page.locator("#search-results .search-excerpt mark").first
    assert excerpt.inner_text().lower() == "designate"
    assert visit.problems() == [] and page.context.third_party[earlier:] == []


def test_filter_by_tag_then_open_a_result(built, tab):
    page = tab(1280, "light")
    earlier = len(page.context.third_party)
    web.visit(page, "/search/?q=summit")
    before = page.locator("#search-status").inner_text() if page.locator(RESULT_TITLES).count() else None
    if before is None:
        wait_for_results(page)
        before = page.locator("#search-status").inner_text()
    page.select_option("#search-tag", "designate")
    shown = wait_for_results(page, before)
    tagged = posts_tagged(built, "designate")
    assert shown and set(shown) <= tagged, shown
    assert "tag=designate" in page.url and "q=summit" in page.url  # shareable
    assert page.context.third_party[earlier:] == []  # the query never leaves the site
    first = shown[0]
    page.locator(RESULT_TITLES).first.click()
    page.wait_for_load_state("load")
    assert "/posts/" in page.url
    assert page.locator("h1").inner_text() == first


def test_a_tag_alone_lists_its_posts_newest_first(built, tab):
    page = tab(1280, "dark")
    web.visit(page, "/search/?tag=summit")
    shown = wait_for_results(page)
    assert set(shown) == posts_tagged(built, "summit")
    dates = page.locator("#search-results .search-meta").all_inner_texts()
    assert len(dates) == len(shown)


def test_header_search_box_takes_the_query_to_the_search_page(tab):
    page = tab(1280, "light")
    web.visit(page, "/archive.html")
    page.fill("#site-search-q", "eventlet")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=eventlet")
    shown = wait_for_results(page)
    assert any("MiniDNS" in title for title in shown), shown
    assert page.input_value("#search-q") == "eventlet"
