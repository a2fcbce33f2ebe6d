"""Subscribing to many feeds at once: the OPML files the Feeds page offers.

What a subscriber would lose if this failed: a file their feed reader refuses
or imports only in part, a feed missing from it (or an archive page in it, which
a reader would follow as a feed of its own), or one of the listed feeds that
does not load, so they copy feed URLs one by one again.

``feeds/all.opml`` lists every current feed, in folders as the Feeds page
groups them; ``feeds/<group>.opml`` one group each (plugins/blog_feeds/blog_feeds/opml.py).
That a real feed reader imports it and loads every feed is
tests/e2e/test_newsboat.py's.
"""

from support.opml import feeds_of, local_file, read

GROUPS = {"The whole blog": "blog", "Categories": "categories", "Tags": "tags", "Authors": "authors"}


def current_rss_feeds(built):
    """Every current RSS feed of the build (not its RFC 5005 archive pages), as an absolute URL."""
    return sorted(
        built.url_of(p)
        for p in built.feeds()
        if p.suffix == ".xml" and "archive" not in p.relative_to(built.root).parts
    )


def test_all_opml_lists_every_current_feed_once_in_folders(built):
    opml = read(built.root / "feeds" / "all.opml")
    assert opml.tag == "opml" and opml.get("version") == "2.0"
    assert opml.findtext("head/title") == "OpenStack Community Blog: every feed"
    folders = opml.findall("body/outline")
    assert [f.get("text") for f in folders] == list(GROUPS)
    listed = feeds_of(opml)
    assert sorted(url for _, url, _ in listed) == current_rss_feeds(built)  # each once, no archive page
    for text, url, page in listed:
        assert text and local_file(built, url).is_file() and local_file(built, page).is_file(), (text, url)


def test_each_group_has_its_own_file_with_that_folder(built):
    folders = read(built.root / "feeds" / "all.opml").findall("body/outline")
    for folder in folders:
        own = read(built.root / "feeds" / "{0}.opml".format(GROUPS[folder.get("text")]))
        assert [f.get("text") for f in own.findall("body/outline")] == [folder.get("text")]
        assert feeds_of(own) == feeds_of(folder)
    assert sorted(p.name for p in (built.root / "feeds").glob("*.opml")) == sorted(
        ["all.opml"] + ["{0}.opml".format(GROUPS[f.get("text")]) for f in folders]
    )


def test_the_feeds_page_offers_every_opml_file(built):
    page = built.root / "feeds" / "index.html"
    links = built.soup(page).select('a[type="text/x-opml"]')
    targets = sorted(built.resolve(page, a["href"])[0].name for a in links)
    assert targets == sorted(p.name for p in (built.root / "feeds").glob("*.opml"))
    assert all(a.has_attr("download") for a in links)
