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


def _archive_documents(posts, most):
    """{path: Document} of a blog feed of ``posts`` (dates), three a current feed, ``most`` an archive period."""
    import types

    from plugins.blog_feeds.blog_feeds import collect

    site = types.SimpleNamespace(
        config={"DEFAULT_LANG": "en", "FEED_LENGTH": 3, "PERIOD_POSTS": most, "SITE_URL": "https://example.org/"}
    )
    spec = collect.FeedSpec("index", None, "Blog", "All posts", "https://example.org/", "rss.xml", "atom.xml", [])
    entries = [types.SimpleNamespace(date=when, name=str(when)) for when in sorted(posts, reverse=True)]
    return {path: doc for path, doc, _fmt in collect.documents(site, spec, entries)}


def _changed(before, after):
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


# Two posts a month from 2015 to 2017: 24 a year.
HISTORY = [
    datetime(year, month, day, 9, tzinfo=UTC)
    for year in (2015, 2016, 2017)
    for month in range(1, 13)
    for day in (3, 17)
]


def test_archive_documents_are_cut_by_period_and_hold_the_whole_history():
    docs = _archive_documents(HISTORY, most=24)  # a year of 24 posts is one period
    archives = sorted(path for path in docs if "archive" in path)
    assert archives == sorted(f"feeds/archive/rss/{y}.{ext}" for y in (2015, 2016, 2017) for ext in ("xml", "atom"))
    held = [e.date for path in archives if path.endswith(".xml") for e in docs[path].entries]
    assert sorted(held) == sorted(HISTORY)
    assert docs["feeds/archive/rss/2016.xml"].title == "Blog, archive 2016"
    assert docs["feeds/archive/rss/2016.xml"].prev_archive == "https://example.org/feeds/archive/rss/2015.xml"
    assert docs["feeds/archive/rss/2016.xml"].next_archive == "https://example.org/feeds/archive/rss/2017.xml"
    assert docs["rss.xml"].prev_archive == "https://example.org/feeds/archive/rss/2017.xml"
    assert not docs["rss.xml"].complete and docs["feeds/archive/rss/2015.xml"].prev_archive is None


def test_a_busy_year_is_cut_into_halves_quarters_or_months():
    docs = _archive_documents(HISTORY, most=12)
    assert "feeds/archive/rss/2016-h2.xml" in docs and docs["feeds/archive/rss/2016-h2.xml"].title.endswith(
        "archive July to December 2016"
    )
    docs = _archive_documents(HISTORY, most=2)
    assert "feeds/archive/rss/2016-03.xml" in docs and len(docs["feeds/archive/rss/2016-03.xml"].entries) == 2


def test_a_deleted_or_back_dated_post_changes_only_its_own_period_and_its_neighbours_links():
    """RFC 5005 4: an archive document is stable. Cut by count from the oldest post, a post deleted from the
    middle shifted every newer archive document of the feed; cut by period, only its own changes (and, when
    the period empties or appears, the links of the two beside it)."""
    before = _archive_documents(HISTORY, most=30)
    deleted = _archive_documents([d for d in HISTORY if d != datetime(2016, 5, 3, 9, tzinfo=UTC)], most=30)
    assert _changed(before, deleted) == {"feeds/archive/rss/2016.xml", "feeds/archive/rss/2016.atom"}
    back_dated = _archive_documents(HISTORY + [datetime(2015, 6, 1, tzinfo=UTC)], most=30)
    assert _changed(before, back_dated) == {"feeds/archive/rss/2015.xml", "feeds/archive/rss/2015.atom"}
    # A year that grows past the most a period holds is cut again: that year's documents, and its neighbour's link.
    crossed = _archive_documents(HISTORY + [datetime(2015, 6, 1, tzinfo=UTC)], most=24)
    assert {p.rsplit("/", 1)[1].split(".")[0] for p in _changed(_archive_documents(HISTORY, most=24), crossed)} == {
        "2015",
        "2015-h1",
        "2015-h2",
        "2016",
    }
    # A post in a year that had none: its archive appears, and the links of the years beside it change.
    sparse = [d for d in HISTORY if d.year != 2016]
    grown = _archive_documents(sparse + [datetime(2016, 6, 1, tzinfo=UTC)], most=24)
    assert {p.rsplit("/", 1)[1] for p in _changed(_archive_documents(sparse, most=24), grown)} == {
        f"{y}.{ext}" for y in (2015, 2016, 2017) for ext in ("xml", "atom")
    }
    # A new post (the newest) changes the current feeds and the newest period's archive only.
    newest = _archive_documents(HISTORY + [datetime(2017, 12, 30, tzinfo=UTC)], most=30)
    assert _changed(before, newest) == {
        "rss.xml",
        "atom.xml",
        "feeds/archive/rss/2017.xml",
        "feeds/archive/rss/2017.atom",
    }


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
