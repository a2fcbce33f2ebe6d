"""Feeds, as RSS subscribers and their readers see them.

What a subscriber would lose if this failed: a feed their reader cannot
parse or shows wrongly, a category, tag or author feed missing a post or
holding another's, history they cannot fetch (RFC 5005), or old posts shown
again as new (changed GUIDs).

Every feed parses; RSS 2.0 and Atom carry what their specifications and the
readers need, with zero errors and warnings by the W3C Feed Validation
Service's rules; each category, tag and author feed holds exactly its posts;
the feed history holds every post once; items carry the same content as the
pages (every current feed and the blog's own archives; a category, tag or
author archive carries each entry without the post's HTML). (How the feed
writer handles awkward text on its own is tests/unit/test_feed_writer.py's job;
that two builds give the same bytes is tests/build/test_golden.py's
job; hostile metadata in a real build is tests/build/test_untrusted_posts.py's.)
"""

import collections
import email.utils
import functools
import re
from datetime import datetime
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
from bs4 import BeautifulSoup
from support import feedrules
from support.sitebuild import ROOT

from plugins.rules import periods
from sitecheck.site_model import text_of

# Its fixtures are built once: keep its tests on one worker under pytest -n.
pytestmark = pytest.mark.xdist_group("feeds")


NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "fh": "http://purl.org/syndication/history/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
FEED_LENGTH = 10  # Nikola's default, which blog_feeds uses for current feeds


# --- reading feeds -----------------------------------------------------------


def read(data):
    """feedparser on a feed, as a reader's parser, without the HTML sanitizer and
    without resolving relative links: the same verdict (bozo is about the XML
    and the feed's structure), three times faster, and the tests see each
    item's HTML as published, relative URLs and all."""
    return feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)


@functools.cache
def parsed(path):
    """A built feed as feedparser reads it, parsed once per session (readers do not change it)."""
    return read(path.read_bytes())


@functools.cache
def xml(path):
    return lxml.etree.parse(str(path))


def rss_files(site):
    return [p for p in site.feeds() if p.suffix == ".xml"]


def atom_files(site):
    return [p for p in site.feeds() if p.suffix == ".atom"]


def current_feeds(site):
    return [p for p in site.feeds() if "archive" not in p.relative_to(site.root).parts]


def in_full(site, path):
    """True for a document whose entries carry the post's HTML: every current
    feed and the blog's own archive pages (feeds/archive/rss/), not the
    archive pages of a category, tag or author feed (plugins/blog_feeds)."""
    parts = path.relative_to(site.root).parts
    return "archive" not in parts or parts[parts.index("archive") + 1] == "rss"


def rel_link(doc, rel):
    found = doc.xpath(
        "/rss/channel/atom:link[@rel=$r]/@href | /atom:feed/atom:link[@rel=$r]/@href", namespaces=NS, r=rel
    )
    return found[0] if found else None


def local(site, url):
    assert url.startswith(site.site_url), url
    return site.root / url[len(site.site_url) :]


def archive_chain(site, feed):
    """Archive documents of ``feed``, newest first, by following prev-archive."""
    docs, url = [], rel_link(xml(feed), "prev-archive")
    while url:
        path = local(site, url)
        docs.append(path)
        url = rel_link(xml(path), "prev-archive")
    return docs


def guids(path):
    return [e.id for e in parsed(path).entries]


def page_membership(site):
    """{('tag'|'category'|'author'|'index', name): [post URL, ...]} read from the post pages."""
    members = collections.defaultdict(list)
    for page in sorted((site.root / "posts").glob("*/index.html")):
        soup = site.soup(page)
        url = site.url_of(page)
        when = soup.select_one("time.dt-published")["datetime"]
        keys = [("index", None)]
        keys += [("tag", a.get_text()) for a in soup.select('.post-footer a[rel="tag"]')]
        keys += [("category", a.get_text()) for a in soup.select(".byline .p-category")]
        keys += [("author", a.get_text()) for a in soup.select(".byline .p-author")]
        for key in keys:
            members[key].append((when, url))
    return {k: [u for _, u in sorted(v, reverse=True)] for k, v in members.items()}


def feed_for(site, kind, name):
    """The current RSS feed that the page of (kind, name) declares."""
    if kind == "index":
        page = site.root / "index.html"
    else:
        page = site.root / {"tag": "categories", "category": "categories", "author": "authors"}[kind]
        for candidate in page.glob("*/index.html"):
            if candidate in site.redirect_pages():  # an old category's URL (redirects.txt)
                continue
            title = site.soup(candidate).h1.get_text(" ", strip=True)
            if title.endswith(": " + name) or title == "Posts by " + name:
                if (kind == "category") == title.startswith("Category"):
                    page = candidate
                    break
        else:
            raise AssertionError(f"no page for {kind} {name}")
    link = site.soup(page).select('link[rel="alternate"][type="application/rss+xml"]')[-1]
    target, _ = site.resolve(page, link["href"])
    return target


# --- every feed ----------------------------------------------------------------


def test_every_kind_of_feed_exists(built):
    names = {p.relative_to(built.root).as_posix() for p in built.feeds()}
    for expected in (
        "rss.xml",
        "index.atom",
        "categories/openstack.xml",
        "categories/openstack.atom",
        "categories/cat_designate.xml",
        "categories/cat_designate.atom",
        "authors/graham-hayes.xml",
        "authors/graham-hayes.atom",
    ):
        assert expected in names


def test_every_feed_parses_cleanly(built):
    bad = {}
    for feed in built.feeds():
        result = parsed(feed)
        if result.bozo or not result.entries:
            bad[str(feed.relative_to(built.root))] = repr(result.get("bozo_exception")) if result.bozo else "empty"
    assert bad == {}


def test_rss_channels_are_complete(built):
    for path in rss_files(built):
        doc = xml(path)
        channel = doc.find("channel")
        for field in ("title", "link", "description", "language", "lastBuildDate"):
            assert (channel.findtext(field) or "").strip(), (path, field)
        assert rel_link(doc, "self") == built.url_of(path), path
        link = channel.findtext("link")
        assert link.startswith(built.site_url) and not link.endswith((".xml", ".atom")), (path, link)
        assert local(built, link).joinpath("index.html").is_file() or local(built, link).is_file(), link


def test_rss_items_are_complete_and_unique(built):
    for path in rss_files(built):
        items = xml(path).findall("channel/item")
        seen = set()
        for item in items:
            for field in ("title", "link", "guid", "pubDate", "description"):
                assert (item.findtext(field) or "").strip(), (path, field)
            assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
            assert item.find("dc:creator", NS) is not None, path
            assert (item.find("content:encoded", NS) is not None) == in_full(built, path), path
            assert item.findall("category"), path
            assert item.findtext("guid") not in seen, (path, item.findtext("guid"))
            seen.add(item.findtext("guid"))


def test_channel_date_is_the_newest_items_date_not_the_clock(built):
    for path in rss_files(built):
        doc = xml(path)
        dates = [email.utils.parsedate_to_datetime(d) for d in doc.xpath("//item/pubDate/text()")]
        assert email.utils.parsedate_to_datetime(doc.findtext("channel/lastBuildDate")) == max(dates), path
    for path in atom_files(built):
        doc = xml(path)
        updated = [datetime.fromisoformat(d) for d in doc.xpath("//atom:entry/atom:updated/text()", namespaces=NS)]
        assert datetime.fromisoformat(doc.xpath("/atom:feed/atom:updated/text()", namespaces=NS)[0]) == max(updated)


def test_no_relative_urls_in_item_html(built):
    bad = []
    for path in built.feeds():
        for entry in parsed(path).entries:
            for html in [entry.get("summary", "")] + [c.value for c in entry.get("content", [])]:
                if "<" not in html:
                    continue
                for _el, _attr, url, _ in lxml.html.fragment_fromstring(html, create_parent="div").iterlinks():
                    if not urlsplit(url).scheme or url.startswith("link:"):
                        bad.append((path.name, entry.id, url))
    assert bad == []


def test_atom_feeds_follow_rfc_4287(built):
    for path in atom_files(built):
        doc = xml(path)
        feed = doc.getroot()
        assert feed.findtext("atom:id", namespaces=NS) and feed.findtext("atom:title", namespaces=NS)
        assert RFC3339.match(feed.findtext("atom:updated", namespaces=NS)), path
        assert rel_link(doc, "self") == built.url_of(path)
        assert feed.xpath("atom:link[@rel='alternate']", namespaces=NS), path
        alternate = "atom:link[not(@rel) or @rel='alternate']/@href"
        for entry in feed.findall("atom:entry", NS):
            assert entry.findtext("atom:id", namespaces=NS) and entry.findtext("atom:title", namespaces=NS)
            assert RFC3339.match(entry.findtext("atom:updated", namespaces=NS))
            assert RFC3339.match(entry.findtext("atom:published", namespaces=NS))
            assert entry.xpath(alternate, namespaces=NS)
            assert entry.findtext("atom:author/atom:name", namespaces=NS)
            assert (entry.find("atom:content[@type='html']", NS) is not None) == in_full(built, path), path
            assert entry.findtext("atom:summary", namespaces=NS), path


def test_atom_entry_ids_equal_rss_guids(built):
    for rss in rss_files(built):
        atom = rss.with_suffix(".atom")
        if rss.name == "rss.xml":
            atom = rss.with_name("index.atom")
        assert atom.is_file(), atom
        assert guids(rss) == guids(atom), rss


def test_guid_is_the_posts_permanent_url(built):
    for entry in parsed(built.root / "rss.xml").entries:
        assert entry.id == entry.link
        assert re.match(r"^http://graham\.hayes\.ie/posts/[a-z0-9-]+/$", entry.id)


def test_every_page_declares_the_blog_feeds(built):
    for page in built.html_pages():
        types = {link.get("type") for link in built.soup(page).select('link[rel="alternate"]')}
        assert {"application/rss+xml", "application/atom+xml"} <= types, page


def test_feeds_page_lists_every_current_feed_with_its_count(built):
    soup = built.soup(built.root / "feeds" / "index.html")
    listed = {}
    for row in soup.select("tbody tr"):
        rss = row.select_one('a[type="application/rss+xml"]')["href"]
        target, _ = built.resolve(built.root / "feeds" / "index.html", rss)
        listed[target] = int(row.select_one(".count").get_text())
    currents = [p for p in current_feeds(built) if p.suffix == ".xml"]
    assert sorted(listed) == sorted(currents)
    for feed, count in listed.items():
        assert len(history(built, feed)) == count, feed


# --- membership and archives ---------------------------------------------------


def is_complete(feed):
    return bool(xml(feed).xpath("//fh:complete", namespaces=NS))


def history(built, feed):
    """Every guid of the feed's whole history, newest first (RFC 5005: complete or archived)."""
    if is_complete(feed):
        return guids(feed)
    oldest_first = [g for doc in reversed(archive_chain(built, feed)) for g in reversed(guids(doc))]
    return list(reversed(oldest_first))


def test_each_feed_holds_exactly_its_posts_newest_first(built):
    members = page_membership(built)
    assert len(members) > 10
    for (kind, name), expected in members.items():
        feed = feed_for(built, kind, name)
        assert guids(feed) == expected[:FEED_LENGTH], (kind, name)
        assert history(built, feed) == expected, (kind, name)


def test_a_feed_that_fits_in_one_document_is_complete_and_has_no_archive(built):
    """RFC 5005 2: fh:complete, and no archive page (the W3C validator warns about a lone one)."""
    complete = [f for f in current_feeds(built) if is_complete(f)]
    assert complete and len(complete) < len(current_feeds(built)), "both kinds must be checked"
    for feed in complete:
        assert len(guids(feed)) <= FEED_LENGTH and rel_link(xml(feed), "prev-archive") is None, feed
        stem = feed.relative_to(built.root).with_suffix("").as_posix().replace("index", "rss")
        assert not (built.root / "feeds" / "archive" / stem).exists(), feed


def test_archive_chain_holds_every_post_exactly_once(built):
    for feed in (f for f in current_feeds(built) if not is_complete(f)):
        chain = archive_chain(built, feed)
        assert len(chain) >= 2, feed
        ids = [g for doc in chain for g in guids(doc)]
        assert len(ids) == len(set(ids)), feed
        for number, doc in enumerate(reversed(chain), 1):
            tree = xml(doc)
            assert tree.xpath("//fh:archive", namespaces=NS) and not is_complete(doc), doc
            assert rel_link(tree, "current") == built.url_of(feed), doc
            assert (rel_link(tree, "next-archive") is None) == (number == len(chain)), doc
            # Cut by period, not by count: every entry is from the period the document is named for.
            period = doc.name.rsplit(".", 1)[0]
            level = "year" if "-" not in period else {"h": "half", "q": "quarter"}.get(period[5], "month")
            dates = [datetime(*e.published_parsed[:6]) for e in parsed(doc).entries]
            assert dates and {periods.key(d, level) for d in dates} == {period}, doc
        names = [doc.name.rsplit(".", 1)[0] for doc in reversed(chain)]
        assert names == sorted(names), f"{feed}: archives linked out of time order: {names}"
        assert not xml(feed).xpath("//fh:archive", namespaces=NS), feed


def test_every_feed_meets_the_w3c_feed_validators_rules(built):
    """Zero errors and zero warnings in the Feed Validation Service's terms (tests/support/feedrules.py)."""
    found = [problem for feed in built.feeds() for problem in feedrules.problems(feed, built.url_of(feed))]
    assert found == []


# --- content -------------------------------------------------------------------


def test_items_carry_the_same_content_as_the_pages(built):
    # Read the XML itself: feedparser's sanitizer drops attributes such as role.
    for item in xml(built.root / "rss.xml").findall("channel/item"):
        link = item.findtext("link")
        body = built.soup(local(built, link) / "index.html").select_one(".e-content")
        content = BeautifulSoup(item.findtext("content:encoded", namespaces=NS), "lxml").body
        first = content.find(True)
        if first is not None and first.name == "figure" and first.img:  # the preview image leads the item
            first.decompose()
        assert text_of(content) == text_of(body), link
        for selector in (
            ".admonition",
            '[id^="footnote-reference-"]',
            "aside.footnote",
            "abbr",
            "img",
            "section[id]",
            "blockquote",
            ".epigraph",
        ):
            assert len(content.select(selector)) == len(body.select(selector)), (link, selector)
        # The page's accessibility roles are not for feed readers (the W3C validator warns on them).
        assert content.select("[role], [aria-label], [aria-hidden]") == [], link


def test_seed_feed_items_keep_their_links_guids_dates_and_categories(built):
    seed = read((ROOT / "tests" / "data" / "004_9d13fd2a681c0359.txt").read_bytes())
    ours = {}
    feed = built.root / "categories" / "openstack.xml"
    for doc in [feed] + archive_chain(built, feed):
        for e in parsed(doc).entries:
            ours[e.id] = e
    assert len(seed.entries) == 10
    for item in seed.entries:
        mine = ours.get(item.id)
        assert mine is not None, item.id
        assert mine.link == item.link
        assert mine.published_parsed == item.published_parsed
        assert sorted(t.term for t in mine.tags) == sorted(t.term for t in item.tags)
        assert mine.title == item.title
