"""Each check fails for the fault it exists to catch, and only for it.

What a reader would lose if this failed: a checker that passes because it
looks at nothing (a broken link, an invalid page or an unreadable colour
would reach them while the suite stays green).

tests/sites/faults/ is the project's site (conf.py, plugins, theme, pages
and the one photo its posts show) with its posts replaced by two control
posts by two authors, on which every check passes, and one post per
planted fault; its other files are laid over the site, and a file named
``X.append`` is appended to X (so a fault adds one rule to the real
stylesheet). Posts may not carry raw HTML or a missing image, so the
invalid element and the missing image come from templates that their posts
select with ``.. template:``.

The site is built once. For each check: it reports its planted fault, on
the fault's page, and nothing else anywhere (every finding is explained by
a fault planted for that check).
"""

import shutil
from pathlib import Path

import lxml.html
import pytest

from support.sitebuild import ROOT, copy_built, copy_site, nikola_build
from sitecheck.site_model import Site
from support import browser as web
from sitecheck import links, markup


pytest_plugins = ["support.fixtures"]

FAULTS = ROOT / "tests" / "sites" / "faults"
STATIC_CHECKS = {
    "broken_links": links.broken_links,
    "broken_fragments": links.broken_fragments,
    "local_links": links.local_links,
    "orphan_pages": links.orphan_pages,
    "malformed_external_links": links.malformed_external_links,
    "images_without_alt": markup.images_without_alt,
}
# check -> what each of its findings must mention: one of the faults planted for it
PLANTED = {
    "broken_links": ("no-such-post", "no-such-photo.jpg"),
    "broken_fragments": ("'result'",),
    "images_without_alt": ("posts/image-without-alt/index.html",),
}


def plant(dest: Path) -> Path:
    copy_site(dest, with_posts=False, media=("images/ATL.jpg",))  # with the search and 404 pages
    for src in sorted(FAULTS.rglob("*")):
        if src.is_dir():
            continue
        rel = src.relative_to(FAULTS)
        if src.suffix == ".append":
            target = dest / rel.with_suffix("")
            assert target.is_file(), "{0} appends to a file the site does not have".format(rel)
            with target.open("a", encoding="utf-8") as f:
                f.write(src.read_text(encoding="utf-8"))
        else:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    build = nikola_build(plant(tmp_path_factory.mktemp("faults") / "site"))
    assert build.returncode == 0, build.log
    assert "WARNING" not in build.log and "ERROR" not in build.log, build.log
    return Site(build.output)


@pytest.fixture(scope="module")
def found(faults):
    return {check: fn(faults) for check, fn in STATIC_CHECKS.items()}


@pytest.fixture(scope="module")
def vnu_errors(faults):
    """One vnu run over every page and stylesheet of the fault site."""
    files = faults.html_pages() + sorted(faults.root.rglob("*.css"))
    return markup.vnu_errors(files, root=faults.root)


@pytest.mark.parametrize("check", sorted(STATIC_CHECKS))
def test_each_static_check_finds_only_its_planted_faults(found, check):
    unexplained = [p for p in found[check] if not any(mark in p for mark in PLANTED.get(check, ()))]
    assert unexplained == []


def test_a_broken_internal_link_is_caught_on_its_page_and_in_the_feeds(found):
    problems = found["broken_links"]
    assert [p for p in problems if p.startswith("posts/broken-link/index.html: <a href>")
            and p.endswith("no file posts/no-such-post/index.html")], problems
    # the feeds carry the post in full, so they are caught too
    assert [p for p in problems if p.startswith("rss.xml: rss item content <a href>") and "no-such-post" in p], problems


def test_a_broken_fragment_is_caught(found):
    assert [p for p in found["broken_fragments"] if p.startswith("posts/broken-fragment/index.html: <a href>")
            and p.endswith("no id 'result' in posts/fragment-target/index.html")], found["broken_fragments"]


def test_a_missing_image_is_caught(found):
    assert [p for p in found["broken_links"] if p.startswith("posts/missing-image/index.html: <img src>")
            and p.endswith("no file images/no-such-photo.jpg")], found["broken_links"]


def test_an_image_without_alt_text_is_caught(found):
    assert [p for p in found["images_without_alt"] if p.startswith("posts/image-without-alt/index.html:")
            and "ATL.jpg" in p and "file name" in p], found["images_without_alt"]


@pytest.mark.java
def test_an_invalid_html_element_is_caught_by_the_nu_html_checker_and_nothing_else_is(vnu_errors):
    assert vnu_errors and all(e.startswith("posts/invalid-element/index.html:") and "center" in e
                              for e in vnu_errors), vnu_errors


@pytest.mark.parametrize("img,missing", [
    ('<img src="../../images/ATL.jpg">', True),                                # no alt at all
    ('<img src="../../images/ATL.jpg" alt="/images/ATL.jpg">', True),          # docutils' default
    ('<img src="../../images/ATL.jpg" alt="../../images/ATL.jpg">', True),
    ('<img src="../../images/ATL.jpg" alt="ATL.jpg">', True),
    ('<img src="https://example.org/p/IMG_1.jpg" alt="https://example.org/p/IMG_1.jpg">', True),
    ('<img src="../../images/ATL.jpg" alt="photo.png">', True),
    ('<img src="../../images/ATL.jpg" alt="">', True),                         # empty, in <main>
    ('<img src="../../images/ATL.jpg" alt="" role="presentation">', False),    # decorative
    ('<img src="../../images/ATL.jpg" alt="The Designate team in Atlanta">', False),
])
def test_the_alt_text_rule(img, missing):
    doc = lxml.html.document_fromstring("<html><body><main>{0}</main></body></html>".format(img))
    assert bool(markup.alt_is_missing(next(doc.iter("img")))) is missing


def test_a_file_left_over_from_a_deleted_post_is_caught_by_nikola_check(faults, tmp_path):
    site_dir = copy_built(faults.root.parent, tmp_path / "site")
    assert links.leftover_files(site_dir) == [], "a fresh build has no leftovers"
    (site_dir / "posts" / "fault-free-too.rst").unlink()
    leftovers = links.leftover_files(site_dir)
    assert "output/posts/fault-free-too/index.html: left over (no source builds it)" in leftovers, leftovers
    assert not [p for p in leftovers if "/fault-free/" in p], leftovers


# --- the browser checks fail too ---------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_colour_pair_below_aa_contrast_is_caught_by_axe_on_its_page_only(faults, chromium, scheme):
    with web.serve(faults.root) as base_url:
        context = web.new_context(chromium, base_url, 1280, scheme)
        try:
            page = context.new_page()
            results = {}
            for post in ("low-contrast", "fault-free"):  # every other rule: test_browser, on the real site
                record = web.visit(page, "/posts/{0}/".format(post))
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
        page.evaluate("() => document.querySelectorAll('a[role=doc-backlink]')"
                      ".forEach(a => a.setAttribute('href', '#nowhere'))")
        assert [p for p in web.footnote_problems(page) if "has no back-link" in p]
    finally:
        context.close()
