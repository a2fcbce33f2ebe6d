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

The site is built once per session (tests/conftest.py's ``faults``). For
each check: it reports its planted fault, on the fault's page, and nothing
else anywhere (every finding is explained by a fault planted for that
check). The static checks are here; the Nu Html Checker's and the
browser's are in tests/e2e/test_planted_faults_browser.py, and the alt-text
rule on its own in tests/unit/test_markup_rules.py.
"""

import pytest
from support.sitebuild import copy_built

from sitecheck import links, markup

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


@pytest.fixture(scope="module")
def found(faults):
    return {check: fn(faults) for check, fn in STATIC_CHECKS.items()}


@pytest.mark.parametrize("check", sorted(STATIC_CHECKS))
def test_each_static_check_finds_only_its_planted_faults(found, check):
    unexplained = [p for p in found[check] if not any(mark in p for mark in PLANTED.get(check, ()))]
    assert unexplained == []


def test_a_broken_internal_link_is_caught_on_its_page_and_in_the_feeds(found):
    problems = found["broken_links"]
    assert [
        p
        for p in problems
        if p.startswith("posts/broken-link/index.html: <a href>")
        and p.endswith("no file posts/no-such-post/index.html")
    ], problems
    # the feeds carry the post in full, so they are caught too
    assert [p for p in problems if p.startswith("rss.xml: rss item content <a href>") and "no-such-post" in p], problems


def test_a_broken_fragment_is_caught(found):
    assert [
        p
        for p in found["broken_fragments"]
        if p.startswith("posts/broken-fragment/index.html: <a href>")
        and p.endswith("no id 'result' in posts/fragment-target/index.html")
    ], found["broken_fragments"]


def test_a_missing_image_is_caught(found):
    assert [
        p
        for p in found["broken_links"]
        if p.startswith("posts/missing-image/index.html: <img src>") and p.endswith("no file images/no-such-photo.jpg")
    ], found["broken_links"]


def test_an_image_without_alt_text_is_caught(found):
    assert [
        p
        for p in found["images_without_alt"]
        if p.startswith("posts/image-without-alt/index.html:") and "ATL.jpg" in p and "file name" in p
    ], found["images_without_alt"]


def test_a_file_left_over_from_a_deleted_post_is_caught_by_nikola_check(faults, tmp_path):
    site_dir = copy_built(faults.root.parent, tmp_path / "site")
    assert links.leftover_files(site_dir) == [], "a fresh build has no leftovers"
    (site_dir / "posts" / "fault-free-too.rst").unlink()
    leftovers = links.leftover_files(site_dir)
    assert "output/posts/fault-free-too/index.html: left over (no source builds it)" in leftovers, leftovers
    assert not [p for p in leftovers if "/fault-free/" in p], leftovers
