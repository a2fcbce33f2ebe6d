"""OPML files and the feeds they list, read from a built site."""

import lxml.etree

from sitecheck.site_model import SITE_URL


def read(path):
    return lxml.etree.parse(str(path)).getroot()


def feeds_of(outline_parent):
    """[(text, xmlUrl, htmlUrl)] of every feed outline under an element."""
    return [
        (o.get("text"), o.get("xmlUrl"), o.get("htmlUrl"))
        for o in outline_parent.iter("outline")
        if o.get("type") == "rss"
    ]


def local_file(built, url):
    assert url.startswith(SITE_URL), url
    path = built.root / url[len(SITE_URL) :]
    return path / "index.html" if url.endswith("/") else path
