"""What a feed subscriber is shown: each feed's items, by GUID, as a feed reader reads them.

A feed is its current document and, when it is longer than one document,
its RFC 5005 archive documents (each names the feed it belongs to with
``<atom:link rel="current">``): together they are its whole history, which a
new subscriber fetches. Items are keyed by GUID (RSS ``<guid>``, Atom
``<id>``): a feed reader shows an item with a GUID it has not seen as new,
and may update one whose GUID it knows. An item's fields are kept as the
feed has them (its summary and content as HTML: a feed reader shows that
HTML) and shown as text (``shown``).
"""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html

from . import pages

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
FEED_SUFFIXES = (".xml", ".atom")
# The fields of an item, in the order a reader shows them.
FIELDS = ("title", "link", "date", "updated", "author", "categories", "summary", "content")
HTML_FIELDS = ("summary", "content")


@dataclass
class Document:
    kind: str  # "RSS" or "Atom"
    feed: str  # the decoded path of the feed's current document: /rss.xml
    items: dict = field(default_factory=dict)  # {GUID: {field: text}}, text fields only where present


def path_of(url):
    return unquote(urlsplit(url.strip()).path)


def html_text(markup):
    """The text a reader sees of an item's HTML."""
    if not markup or not markup.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return markup.strip()
    return "\n".join(pages._lines(root))


def _rss(root, url):
    channel = root.find("channel")
    current = url
    for link in channel.findall(ATOM + "link") if channel is not None else ():
        if link.get("rel") == "current" and link.get("href"):
            current = path_of(link.get("href"))
    doc = Document("RSS", current)
    for item in root.iter("item"):
        guid = (item.findtext("guid") or item.findtext("link") or "").strip()
        if not guid:
            continue
        fields = {
            "title": (item.findtext("title") or "").strip(),
            "link": (item.findtext("link") or "").strip(),
            "date": (item.findtext("pubDate") or "").strip(),
            "author": ", ".join(e.text.strip() for e in item.findall(DC_CREATOR) + item.findall("author") if e.text),
            "categories": ", ".join(sorted(e.text.strip() for e in item.findall("category") if e.text)),
            "summary": (item.findtext("description") or "").strip(),
        }
        if item.find(CONTENT) is not None:
            fields["content"] = item.findtext(CONTENT) or ""
        doc.items.setdefault(guid, fields)
    return doc


def _atom(root, url):
    current = url
    for link in root.findall(ATOM + "link"):
        if link.get("rel") == "current" and link.get("href"):
            current = path_of(link.get("href"))
    doc = Document("Atom", current)
    for entry in root.findall(ATOM + "entry"):
        guid = (entry.findtext(ATOM + "id") or "").strip()
        if not guid:
            continue
        links = [e.get("href", "") for e in entry.findall(ATOM + "link") if e.get("rel", "alternate") == "alternate"]
        fields = {
            "title": (entry.findtext(ATOM + "title") or "").strip(),
            "link": links[0] if links else "",
            "date": (entry.findtext(ATOM + "published") or "").strip(),
            "updated": (entry.findtext(ATOM + "updated") or "").strip(),
            "author": ", ".join((a.findtext(ATOM + "name") or "").strip() for a in entry.findall(ATOM + "author")),
            "categories": ", ".join(sorted(c.get("term", "") for c in entry.findall(ATOM + "category"))),
            "summary": (entry.findtext(ATOM + "summary") or "").strip(),
        }
        if entry.find(ATOM + "content") is not None:
            fields["content"] = entry.findtext(ATOM + "content") or ""
        doc.items.setdefault(guid, fields)
    return doc


def read(path, url):
    """The feed document at ``path`` (served at ``url``), or None if it is not a feed."""
    try:
        root = lxml.etree.parse(str(path)).getroot()
    except (lxml.etree.XMLSyntaxError, OSError):
        return None
    if root.tag == "rss":
        return _rss(root, url)
    if root.tag == ATOM + "feed":
        return _atom(root, url)
    return None


def shown(name, value):
    """A field as a reader sees it: a summary's or content's HTML as its text."""
    return html_text(value) if name in HTML_FIELDS else value


def digest(fields):
    """{field: short digest}: what is kept of an unchanged document between reviews."""
    return {name: hashlib.blake2b(value.encode("utf-8"), digest_size=8).hexdigest() for name, value in fields.items()}


def twin(feed):
    """The RSS feed an Atom feed repeats (/index.atom: /rss.xml; /x/y.atom: /x/y.xml)."""
    if feed == "/index.atom":
        return "/rss.xml"
    return feed[: -len(".atom")] + ".xml" if feed.endswith(".atom") else None
