"""Each check fails for the fault it exists to catch.

A fixture site is the project's site (conf.py, plugins, theme, images,
pages) with its posts replaced by tests/sites/fault_free/ (two control posts
by two authors, on which every check passes) and by the fault's own
tests/sites/fault_<name>/, whose other files are laid over the site; a file
named ``X.append`` is appended to X instead (so a fault adds one rule to the
real stylesheet). Raw HTML is refused in posts, so the invalid element comes
from a template that the fault's post selects with ``.. template:``.

For each fault: the build succeeds, the check meant for it reports it on the
fault's page, and every other check still finds nothing on the whole site.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lxml.html
import pytest

from sitebuild import ROOT, copy_site, nikola_build
from site_model import Site
from validate import browser as web
from validate import links, markup

pytest_plugins = ["validate.fixtures"]

SITES = ROOT / "tests" / "sites"
# tests/sites/fault_<name>/; each holds a post whose slug is <name> with dashes
FAULTS = ("broken_link", "broken_fragment", "missing_image", "invalid_element",
          "image_without_alt", "low_contrast")


def plant(dest: Path, fault: str) -> Path:
    """The site with the control posts and the fault ``fault`` ("free" for none)."""
    copy_site(dest, with_posts=False)                  # with the search and 404 pages
    shutil.rmtree(dest / "listings")                   # only the real posts show them
    overlay(dest, SITES / "fault_free")
    if fault != "free":
        overlay(dest, SITES / ("fault_" + fault))
    return dest


def overlay(dest: Path, fixture: Path):
    for src in sorted(fixture.rglob("*")):
        if src.is_dir():
            continue
        rel = src.relative_to(fixture)
        if src.suffix == ".append":
            target = dest / rel.with_suffix("")
            assert target.is_file(), "{0} appends to a file the site does not have".format(rel)
            with target.open("a", encoding="utf-8") as f:
                f.write(src.read_text(encoding="utf-8"))
        else:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


@pytest.fixture(scope="module")
def fault_sites(tmp_path_factory):
    """Every fixture site, built once (two at a time: the builds are processes)."""
    base = tmp_path_factory.mktemp("faults")

    def build(name):
        return name, nikola_build(plant(base / name, name))

    with ThreadPoolExecutor(max_workers=2) as pool:
        builds = dict(pool.map(build, ["free", *FAULTS]))
    for name, build in builds.items():
        assert build.returncode == 0, "fault_{0} did not build:\n{1}".format(name, build.log)
        assert "WARNING" not in build.log and "ERROR" not in build.log, build.log
    return {name: Site(build.output) for name, build in builds.items()}


@pytest.fixture(scope="module")
def vnu_errors(fault_sites):
    """One vnu run over every page of every fixture site: {site: [errors]}."""
    files = [p for site in fault_sites.values() for p in site.html_pages()]
    files += [p for site in fault_sites.values() for p in site.root.rglob("*.css")]
    errors = markup.vnu_errors(files)
    return {name: [e[len(str(site.root)) + 1:] for e in errors if e.startswith(str(site.root) + "/")]
            for name, site in fault_sites.items()}


STATIC_CHECKS = {
    "broken_links": links.broken_links,
    "broken_fragments": links.broken_fragments,
    "local_links": links.local_links,
    "orphan_pages": links.orphan_pages,
    "malformed_external_links": links.malformed_external_links,
    "images_without_alt": markup.images_without_alt,
}


def findings(site):
    return {check: fn(site) for check, fn in STATIC_CHECKS.items()}


def others(found, check=None):
    """What every check but ``check`` found: nothing, when the fault is the only one."""
    return {k: v for k, v in found.items() if k != check and v}


def test_every_check_passes_on_the_fault_free_site(fault_sites, vnu_errors, chromium):
    site = fault_sites["free"]
    assert others(findings(site)) == {}
    assert vnu_errors["free"] == []
    assert links.leftover_files(site.root.parent) == []
    with web.serve(site.root) as base_url:
        for scheme in ("light", "dark"):
            context = web.new_context(chromium, base_url, 390, scheme)
            try:
                page = context.new_page()
                record = web.visit(page, "/posts/fault-free/")
                assert record.problems() == []
                assert web.axe_violations(page) == []
            finally:
                context.close()


def test_a_broken_internal_link_is_caught(fault_sites):
    found = findings(fault_sites["broken_link"])
    assert [p for p in found["broken_links"] if p.startswith("posts/broken-link/index.html: <a href>")
            and p.endswith("no file posts/no-such-post/index.html")], found["broken_links"]
    # the feeds carry the post in full, so they are caught too
    assert [p for p in found["broken_links"] if p.startswith("rss.xml: rss item content <a href>")
            and "no-such-post" in p], found["broken_links"]
    assert all("no-such-post" in p for p in found["broken_links"]), found["broken_links"]
    assert others(found, "broken_links") == {}


def test_a_broken_fragment_is_caught(fault_sites):
    found = findings(fault_sites["broken_fragment"])
    assert [p for p in found["broken_fragments"] if p.startswith("posts/broken-fragment/index.html: <a href>")
            and p.endswith("no id 'result' in posts/fragment-target/index.html")], found["broken_fragments"]
    assert all("'result'" in p for p in found["broken_fragments"]), found["broken_fragments"]
    assert others(found, "broken_fragments") == {}, "the page exists: only the fragment is wrong"


def test_a_missing_image_is_caught(fault_sites):
    found = findings(fault_sites["missing_image"])
    assert [p for p in found["broken_links"] if p.startswith("posts/missing-image/index.html: <img src>")
            and p.endswith("no file images/no-such-photo.jpg")], found["broken_links"]
    assert all("no-such-photo.jpg" in p for p in found["broken_links"]), found["broken_links"]
    assert others(found, "broken_links") == {}


def test_an_invalid_html_element_is_caught_by_the_nu_html_checker(fault_sites, vnu_errors):
    errors = vnu_errors["invalid_element"]
    assert errors and all(e.startswith("posts/invalid-element/index.html:") and "center" in e
                          for e in errors), errors
    assert others(findings(fault_sites["invalid_element"])) == {}


def test_an_image_without_alt_text_is_caught(fault_sites):
    found = findings(fault_sites["image_without_alt"])
    assert [p for p in found["images_without_alt"] if p.startswith("posts/image-without-alt/index.html:")
            and "ATL.jpg" in p and "file name" in p], found["images_without_alt"]
    assert others(found, "images_without_alt") == {}


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


def test_only_the_planted_faults_fail_the_nu_html_checker(vnu_errors):
    assert {name: errors for name, errors in vnu_errors.items() if errors and name != "invalid_element"} == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_colour_pair_below_aa_contrast_is_caught_by_axe(fault_sites, chromium, scheme):
    site = fault_sites["low_contrast"]
    with web.serve(site.root) as base_url:
        context = web.new_context(chromium, base_url, 1280, scheme)
        try:
            page = context.new_page()
            record = web.visit(page, "/posts/low-contrast/")
            violations = web.axe_violations(page)
        finally:
            context.close()
    assert record.problems() == []
    assert [v for v in violations if v.startswith("color-contrast (serious)")], violations
    assert [v for v in violations if not v.startswith("color-contrast ")] == []
    assert others(findings(site)) == {}


def test_a_file_left_over_from_a_deleted_post_is_caught_by_nikola_check(tmp_path):
    site_dir = plant(tmp_path / "deleted_post", "deleted_post")
    build = nikola_build(site_dir)
    assert build.returncode == 0, build.log
    assert links.leftover_files(site_dir) == [], "a fresh build has no leftovers"
    (site_dir / "posts" / "deleted-post.rst").unlink()
    leftovers = links.leftover_files(site_dir)
    assert "output/posts/deleted-post/index.html: left over (no source builds it)" in leftovers, leftovers
    assert not [p for p in leftovers if "kept-post" in p], leftovers


# --- the browser checks fail too (faults injected into the loaded page) -------

def test_a_hidden_focus_ring_and_a_missing_skip_link_are_caught(chromium, site_url):
    context = web.new_context(chromium, site_url, 1280, "light", "reduce", bypass_csp=True)
    try:
        page = context.new_page()
        web.visit(page, "/feeds/")
        page.add_style_tag(content=":focus-visible, :focus { outline: none !important; box-shadow: none !important; }")
        assert [p for p in web.tab_order_problems(page) if p.startswith("focus not visible")]
        assert [p for p in web.skip_link_problems(page) if p.startswith("focus not visible")]
        page.evaluate("() => document.querySelector('.skip-link').remove()")
        assert [p for p in web.skip_link_problems(page) if "not the skip link" in p]
    finally:
        context.close()


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
