"""plugins/blog_feeds on its own: the feed writer and the archive pages, without a site.

What a subscriber would lose if this failed: a title, tag or author that
their reader cannot parse or shows changed (awkward text: markup, RTL,
emoji, "]]>"), or old archive pages that change with every new post, so
that readers fetch the whole history again. tests/build/test_feeds.py
checks the feeds of a built site.
"""

import importlib.util
import sys
from datetime import UTC, datetime

import feedparser
import lxml.etree
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from support.sitebuild import ROOT

# The feed writer on its own (it imports no Nikola): the blog_feeds package is
# registered without running its __init__, the Nikola plugin, which would
# import Nikola into every test process.
_PLUGIN = ROOT / "plugins" / "blog_feeds" / "blog_feeds"
sys.modules.setdefault(
    "blog_feeds",
    importlib.util.module_from_spec(
        importlib.util.spec_from_file_location(
            "blog_feeds", _PLUGIN / "__init__.py", submodule_search_locations=[str(_PLUGIN)]
        )
    ),
)
from blog_feeds import writer  # noqa: E402

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "fh": "http://purl.org/syndication/history/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def read(data):
    """feedparser on a feed, as a reader's parser (as tests/build/test_feeds.py reads them)."""
    return feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)


def test_a_new_post_changes_only_the_newest_archive_pages():
    """RFC 5005 4: an archive document is stable. A new post changes the current feeds and the newest
    archive page (which gains a next-archive link, or the post), never the older pages (their titles
    once said "archive 3 of 100", so every page of every feed of the post changed with it)."""
    import types

    from plugins.blog_feeds.blog_feeds import collect

    site = types.SimpleNamespace(config={"DEFAULT_LANG": "en", "FEED_LENGTH": 3, "SITE_URL": "https://example.org/"})
    spec = collect.FeedSpec("index", None, "Blog", "All posts", "https://example.org/", "rss.xml", "atom.xml", [])

    def documents(count):  # entries newest first
        return {path: doc for path, doc, _fmt in collect.documents(site, spec, list(range(count, 0, -1)))}

    for count in (12, 13):  # a new archive page, or the newest one growing
        before, after = documents(count), documents(count + 1)
        changed = {path for path in after if before.get(path) != after[path]}
        newest = (count + 1 + 2) // 3  # archive pages hold every entry, oldest first, three a page
        assert {"rss.xml", "atom.xml"} <= changed
        assert {path.rsplit("/", 1)[1] for path in changed if "archive" in path} <= {
            f"{n}.{ext}" for n in (newest - 1, newest) for ext in ("xml", "atom")
        }
        assert len(after) > 2 + 2 * (newest - 2)  # older pages exist, and stayed as they were


# Any character XML 1.0 can carry, weighted towards the awkward ones (no
# surrogates, Cs: every other character is UTF-8).
AWKWARD = (
    st.lists(
        st.one_of(
            st.sampled_from(
                list("&<>\"'")
                + [
                    "\u05e9\u05dc\u05d5\u05dd",
                    "\u0645\u0631\u062d\u0628\u0627",
                    "\u200f",
                    "\U0001f389",
                    "\U0001f1ee\U0001f1ea",
                    "\u00e9",
                    "\u2014",
                    "<b>x</b>",
                    "&amp;",
                    "]]>",
                ]
            ),
            st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn")),
        ),
        min_size=1,
        max_size=20,
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)


def synthetic(title, tag, author):
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    entry = writer.Entry(
        guid="http://example.org/posts/x/",
        link="http://example.org/posts/x/",
        title=title,
        published=when,
        updated=when,
        author=author,
        tags=(tag,),
        summary=title,
        content_html="<p>{0}</p>".format(title.replace("&", "&amp;").replace("<", "&lt;")),
    )
    return writer.Document(
        title=title,
        description=tag,
        page="http://example.org/",
        url="http://example.org/feed.xml",
        language="en",
        entries=[entry],
    )


@given(title=AWKWARD, tag=AWKWARD, author=AWKWARD)
def test_awkward_titles_tags_and_authors_survive_both_formats(title, tag, author):
    """The XML holds exactly the text (Atom declares it text, RSS has no flag), and
    feedparser reads both without error. (What feedparser then shows is its own
    business: it "repairs" text that looks like mojibake, such as "Â¡" -> "¡".)"""
    doc = synthetic(title, tag, author)
    data = writer.render(doc, "atom")
    assert not read(data).bozo, read(data).bozo_exception
    feed = lxml.etree.fromstring(data)
    entry = feed.find("atom:entry", NS)
    assert (
        feed.findtext("atom:title", namespaces=NS),
        entry.findtext("atom:title", namespaces=NS),
        entry.findtext("atom:author/atom:name", namespaces=NS),
    ) == (title, title, author)
    assert entry.find("atom:title", NS).get("type", "text") == "text"
    assert [c.get("term") for c in entry.findall("atom:category", NS)] == [tag]
    assert BeautifulSoup(entry.findtext("atom:content", namespaces=NS), "lxml").get_text() == title
    data = writer.render(doc, "rss")
    assert not read(data).bozo
    item = lxml.etree.fromstring(data).find("channel/item")
    assert item.findtext("title") == title
    assert [c.text for c in item.findall("category")] == [tag]
    assert item.findtext("dc:creator", namespaces=NS) == author
    content = item.findtext("content:encoded", namespaces=NS)
    assert BeautifulSoup(content, "lxml").get_text() == title
