"""A post is written by a stranger: nothing it supplies runs, in a real browser.

What a reader would lose if this failed: a contributor's post could run
script in their browser (through a title, a tag, a search excerpt), or its
pages would be invalid HTML. tests/conftest.py's hostile_site is the site of
tests/support/hostile.py's posts, built once per session; the text checks on
its files are tests/build/test_untrusted_posts.py's.
"""

import pytest

from sitecheck import markup

pytest_plugins = ["support.fixtures"]


@pytest.mark.java
def test_every_hostile_page_passes_the_nu_html_checker(hostile_site):
    site, _ = hostile_site
    assert markup.vnu_errors(site.html_pages(), root=site.root) == []


@pytest.fixture(scope="module")
def hostile_tab(hostile_site, chromium):
    """A page on the hostile site, served by nginx, that records every dialog (page.dialogs)."""
    from support import browser as web

    site, _ = hostile_site
    with web.serve(site.root) as base_url:
        context = web.new_context(chromium, base_url, 1280, "light")
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append((page.url, dialog.message)), dialog.dismiss()))
        yield page
        context.close()


@pytest.mark.browser
def test_no_page_runs_a_posts_text_in_chromium(hostile_site, hostile_tab):
    """Every page of the hostile site, loaded with a dialog listener and the CSP watching."""
    from support import browser as web

    site, _ = hostile_site
    problems = []
    for path in site.html_pages():
        record = web.visit(hostile_tab, "/" + path.relative_to(site.root).as_posix(), idle=False)
        problems += record.console_errors  # a Content-Security-Policy refusal is one
    assert hostile_tab.dialogs == [] and problems == []


@pytest.mark.browser
def test_search_shows_a_posts_text_as_text(hostile_tab):
    """Pagefind's excerpts are built from the page's text (Pagefind escapes it, and the
    search page keeps only text and <mark> from them): markup in a post stays text."""
    from support import browser as web

    record = web.visit(hostile_tab, "/search/?q=onerror")
    hostile_tab.wait_for_function(
        "() => /found/.test(document.getElementById('search-status').textContent)", timeout=15000
    )
    excerpts = hostile_tab.locator("#search-results .search-excerpt").all_inner_texts()
    planted = hostile_tab.locator("#search-results .search-excerpt :not(mark)").count()
    assert excerpts and any("<img src=x onerror=" in e for e in excerpts), excerpts
    assert planted == 0 and hostile_tab.dialogs == [] and record.console_errors == []
