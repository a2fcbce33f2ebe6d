"""pytest fixtures shared by the browser tests and the planted-fault tests.

Test modules load them with ``pytest_plugins = ["support.fixtures"]``, so
one Chromium serves the whole session.
"""

import pytest

from . import browser as web


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole session (Playwright for Python, Debian's binary)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = web.launch(playwright)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def site_url(built):
    """The session's build, served by nginx (server/nginx/blog.conf) on 127.0.0.1."""
    with web.serve(built.root) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def tab(chromium, site_url):
    """tab(width, scheme[, motion]) -> a page at that width, in that colour
    scheme and motion preference: one page per width, reused, its media
    features set again each time (a test may have switched them)."""
    pages, contexts = {}, []

    def get(width, scheme, motion="no-preference"):
        if width not in pages:
            context = web.new_context(chromium, site_url, width, scheme, motion, axe=True)
            contexts.append(context)
            pages[width] = context.new_page()
        pages[width].emulate_media(color_scheme=scheme, reduced_motion=motion)
        return pages[width]

    yield get
    for context in contexts:
        context.close()
