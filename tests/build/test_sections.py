"""Long posts, read in parts: section links, a contents list, and feeds without either.

What a reader would lose if this failed: no way to link a colleague to one
section of a long report (or a link made before that lands nowhere), no list
of what a long post covers, a section link a screen reader announces as "#"
or by no name; and a subscriber would get permalink glyphs and a second
contents list in every feed item.

plugins/post_outline adds both when a post's page is rendered
(``post_outline(post.text())`` in the theme's post template), never to the
compiled post the feeds carry. tests/unit/test_post_outline.py checks the
outline of compiled HTML on its own.
"""

import gzip
import re

import lxml.etree
import pytest
from bs4 import BeautifulSoup

from sitecheck.site_model import text_of

NS = {"content": "http://purl.org/rss/1.0/modules/content/"}
LONG = "oslo-ptg-summary"  # 16 sections, h2 and h3
SHORT = "the-big-rename"  # 2 sections
NONE = "kosmos-mid-cycle"  # no section


# --- on the blog's pages ----------------------------------------------------------------


def page_body(built, slug):
    return built.soup(built.post_page(slug)).select_one("article.post")


def test_a_long_post_links_every_section_and_lists_them_before_the_body(built):
    article = page_body(built, LONG)
    body = article.select_one(".e-content")
    headings = body.select("section[id] > h2, section[id] > h3")
    assert len(headings) == 16
    for heading in headings:
        (link,) = heading.select("a.section-link")
        assert link["href"] == "#" + heading.parent["id"]
        assert link["aria-label"] == "Link to section: " + text_of(heading)
    nav = article.select_one("nav.toc")
    assert nav["aria-label"] == "Contents" and nav.has_attr("data-pagefind-ignore")
    assert nav.find_next_sibling("div", class_="e-content") is body  # before the body
    assert [a["href"] for a in nav.select("a")] == ["#" + h.parent["id"] for h in headings]
    assert [text_of(a) for a in nav.select("a")] == [text_of(h) for h in headings]
    assert len(nav.select("ol > li > ol > li")) == 7  # the h3 sections, under their h2


def test_short_posts_have_no_contents_and_footnotes_and_related_posts_are_not_sections(built):
    for slug, links in ((SHORT, 2), (NONE, 0)):
        article = page_body(built, slug)
        assert article.select("nav.toc") == [] and len(article.select("a.section-link")) == links, slug
    for page in (built.root / "posts").glob("*/index.html"):
        article = built.soup(page).select_one("article.post")
        assert article.select(".post-footer a.section-link, .footnote-list a.section-link") == [], page
        assert all(a.parent.name in ("h2", "h3") for a in article.select("a.section-link")), page


def test_the_contents_nav_has_a_label_no_other_nav_has(built):
    labels = [n.get("aria-label") or n.get("aria-labelledby") for n in built.soup(built.post_page(LONG)).select("nav")]
    assert "Contents" in labels and len(labels) == len(set(labels))


def test_section_ids_are_the_ones_the_feeds_have_always_carried(built):
    """The feed item is the compiled post: its section ids are the page's, so old links still land."""
    for item in lxml.etree.parse(str(built.root / "rss.xml")).findall("channel/item"):
        slug = item.findtext("link").rstrip("/").rsplit("/", 1)[-1]
        content = BeautifulSoup(item.findtext("content:encoded", namespaces=NS), "lxml")
        page = page_body(built, slug).select_one(".e-content")
        assert [s["id"] for s in content.select("section[id]")] == [s["id"] for s in page.select("section[id]")], slug


def test_feed_items_carry_no_section_links_and_no_contents(built):
    carried = 0
    for feed in built.feeds():
        text = feed.read_text(encoding="utf-8")
        assert "section-link" not in text and "Link to section" not in text and 'class="toc"' not in text, feed
        carried += text.count("&lt;section id=") + text.count("<section id=")  # the sections are there
    assert carried > 100
    assert len(page_body(built, LONG).select("a.section-link")) == 16  # and the page has them


@pytest.mark.parametrize("slug", [LONG, SHORT])
def test_no_propose_change_link_when_the_setting_is_empty(built, slug):
    assert page_body(built, slug).select(".propose-change") == []


def test_a_long_posts_page_grows_by_at_most_1_5_kb_gzipped(built):
    """The page-weight budget of both additions, on the post with the most sections."""
    page = built.post_page(LONG).read_text(encoding="utf-8")
    without = re.sub(r'<nav class="toc".*?</nav>', "", page, flags=re.S)
    without = re.sub(r'<a class="section-link"[^>]*></a>', "", without)
    assert without != page and "section-link" not in without
    grown = len(gzip.compress(page.encode(), 9)) - len(gzip.compress(without.encode(), 9))
    assert 0 < grown <= 1536, grown
