"""The whole build, checked as a link checker and an HTML validator would.

What a reader would lose if this failed: a link, image or #fragment that
leads nowhere, a page they cannot reach, a footnote that does not take them
to its note and back, a reST problem shown in place of the text, or a page
a browser has to guess its way through (Nu Html Checker errors).

Links are read from every HTML page, every feed (RSS and Atom, current and
archived under feeds/archive/), the sitemaps, robots.txt and the
stylesheets (see sitecheck/). Nothing external is fetched: external
links are written to a report. The Nu Html Checker's run (vnu.jar, on Java)
is tests/e2e/test_html_checker.py; the footnote and alt-text rules on their
own are tests/unit/test_markup_rules.py's. The same checks are shown to fail
on planted faults in test_planted_faults.py.
"""

import os
from pathlib import Path

from support.sitebuild import ROOT

from sitecheck import links, markup
from sitecheck.refs import all_refs


def test_the_link_checks_read_pages_feeds_archives_and_sitemaps(built):
    """The checks below are only as good as what they read: every kind of file is in."""
    sources = {ref.source.relative_to(built.root).as_posix() for ref in all_refs(built)}
    kinds = {
        "page": any(s.endswith(".html") for s in sources),
        "rss": "rss.xml" in sources,
        "atom": "index.atom" in sources,
        "archived rss": any(s.startswith("feeds/archive/") and s.endswith(".xml") for s in sources),
        "archived atom": any(s.startswith("feeds/archive/") and s.endswith(".atom") for s in sources),
        "sitemap": "sitemap.xml" in sources,
        "sitemap index": "sitemapindex.xml" in sources or not (built.root / "sitemapindex.xml").exists(),
    }
    assert [k for k, found in kinds.items() if not found] == []
    unread = [
        p.relative_to(built.root).as_posix()
        for p in built.html_pages() + built.feeds()
        if p.relative_to(built.root).as_posix() not in sources
    ]
    assert unread == [], "pages or feeds the link checks did not read"


def test_every_internal_url_resolves_to_a_built_file(built):
    """Links, images, stylesheets, feed links and items, sitemap entries."""
    assert links.broken_links(built) == []


def test_every_fragment_resolves_to_an_id_in_its_target(built):
    assert links.broken_fragments(built) == []


def test_no_url_points_at_localhost_or_a_file_path(built):
    assert links.local_links(built, forbidden_paths=[built.root.parent, ROOT]) == []


def test_every_page_is_reachable_from_the_home_page(built):
    assert links.orphan_pages(built) == []


def test_nikola_check_finds_no_file_left_over_from_a_deleted_post(built):
    assert links.leftover_files(built.root.parent, served=True) == []


def test_external_links_are_listed_never_fetched_and_well_formed(built):
    """The report goes next to the build (or to $EXTERNAL_LINKS_REPORT)."""
    found = links.external_links(built)
    report = Path(os.environ.get("EXTERNAL_LINKS_REPORT") or built.root.parent / "external-links.txt")
    report.write_text(links.external_link_report(built), encoding="utf-8")
    print(f"{len(found)} external links, listed in {report}")
    assert found, "no external link found: the collector is broken"
    assert links.malformed_external_links(built) == []


def test_no_post_links_to_the_home_page_by_mistake(built):
    assert links.links_to_the_front_page(built) == []


def test_footnote_references_and_back_links_pair_up_on_every_page(built):
    assert markup.unpaired_footnotes(built) == []
    assert any(built.soup(p).select('a[role~="doc-noteref"]') for p in built.html_pages()), (
        "no footnote: checked nothing"
    )


def test_no_page_publishes_a_docutils_system_message(built):
    assert markup.system_messages(built) == []


def test_every_image_has_alt_text_that_is_not_its_file_name(built):
    assert markup.images_without_alt(built) == []
