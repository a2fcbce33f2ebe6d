"""The Nu Html Checker and the browser checks fail for the fault they exist to catch, and only for it.

What a reader would lose if this failed: a checker that passes because it
looks at nothing (an invalid page, an unreadable colour, a focus ring they
cannot see, a footnote that does not take them back would reach them while
the suite stays green). The planted-fault site (tests/sites/faults/) is
tests/conftest.py's ``faults``, built once per session; the static checks'
side is tests/build/test_planted_faults.py.
"""

import pytest
from support import browser as web

from sitecheck import markup

pytest_plugins = ["support.fixtures"]


@pytest.fixture(scope="module")
def vnu_errors(faults):
    """One vnu run over every page and stylesheet of the fault site."""
    files = faults.html_pages() + sorted(faults.root.rglob("*.css"))
    return markup.vnu_errors(files, root=faults.root)


@pytest.mark.java
def test_an_invalid_html_element_is_caught_by_the_nu_html_checker_and_nothing_else_is(vnu_errors):
    assert vnu_errors and all(
        e.startswith("posts/invalid-element/index.html:") and "center" in e for e in vnu_errors
    ), vnu_errors


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_colour_pair_below_aa_contrast_is_caught_by_axe_on_its_page_only(faults, chromium, scheme):
    with web.serve(faults.root) as base_url:
        context = web.new_context(chromium, base_url, 1280, scheme)
        try:
            page = context.new_page()
            results = {}
            for post in ("low-contrast", "fault-free"):  # every other rule: test_browser, on the real site
                record = web.visit(page, f"/posts/{post}/")
                results[post] = (record.problems(), web.axe_violations(page, rules=["color-contrast"]))
        finally:
            context.close()
    (problems, violations), (control_problems, control) = results["low-contrast"], results["fault-free"]
    assert problems == [] and control_problems == [] and control == []
    assert [v for v in violations if v.startswith("color-contrast (serious)")], violations


@pytest.mark.browser
def test_a_hidden_focus_ring_and_a_missing_skip_link_are_caught(chromium, site_url):
    context = web.new_context(chromium, site_url, 1280, "light", "reduce", bypass_csp=True)
    try:
        page = context.new_page()
        web.visit(page, "/archive.html")
        page.add_style_tag(content=":focus-visible, :focus { outline: none !important; box-shadow: none !important; }")
        assert [p for p in web.tab_order_problems(page) if p.startswith("focus not visible")]
        assert [p for p in web.skip_link_problems(page) if p.startswith("focus not visible")]
        page.evaluate("() => document.querySelector('.skip-link').remove()")
        assert [p for p in web.skip_link_problems(page) if "not the skip link" in p]
    finally:
        context.close()


@pytest.mark.browser
def test_a_footnote_back_link_that_goes_nowhere_is_caught(chromium, site_url):
    context = web.new_context(chromium, site_url, 1280, "light", "reduce")
    try:
        page = context.new_page()
        web.visit(page, "/posts/openstack-designate-where-we-are/")
        page.evaluate(
            "() => document.querySelectorAll('a[role=doc-backlink]').forEach(a => a.setAttribute('href', '#nowhere'))"
        )
        assert [p for p in web.footnote_problems(page) if "has no back-link" in p]
    finally:
        context.close()
