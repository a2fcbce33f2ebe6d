"""Turn feed data into RSS 2.0 and Atom 1.0 bytes with feedgen. No Nikola here.

Everything a feed says comes from its arguments, so two builds of the same
posts give byte-identical files: feedgen's wall-clock defaults
(``lastBuildDate``, ``updated``) are always overridden with the newest
entry's date.
"""

import html
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from .history import HistoryEntry, HistoryExtension

GENERATOR = "Nikola and feedgen"
TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


@dataclass(frozen=True)
class Entry:
    guid: str  # permanent, never changes
    link: str  # the post's page
    title: str
    published: datetime  # timezone-aware
    updated: datetime
    author: str
    tags: tuple[str, ...]
    summary: str  # plain text (the post's description)
    content_html: str  # full post, every URL absolute
    guid_is_link: bool = True
    source: str = ""  # which post this is (not written to the feed)


@dataclass
class Document:
    """One feed file: a current feed, or one of its RFC 5005 archives."""

    title: str
    description: str
    page: str  # the HTML page this feed follows
    url: str  # this document's own URL
    language: str
    entries: list[Entry]  # newest first
    archive: bool = False
    complete: bool = False  # the whole history is in this document (RFC 5005 2)
    current: str | None = None  # the current feed (archives only)
    prev_archive: str | None = None  # older archive
    next_archive: str | None = None  # newer archive
    with_content: bool = True  # False: entries without the post's HTML (see collect.documents)


def newest(entries):
    return max(e.updated for e in entries)


def _generator(doc: Document, fmt: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("history", HistoryExtension, HistoryEntry)
    fg.id(doc.url)
    fg.title(doc.title)
    fg.description(doc.description)  # RSS description, Atom subtitle
    fg.language(doc.language)
    fg.generator(GENERATOR)
    # feedgen makes the RSS channel <link> the last link added: the page.
    fg.link(href=doc.url, rel="self", type=TYPES[fmt])
    fg.link(href=doc.page, rel="alternate", type="text/html")
    if doc.entries:
        stamp = newest(doc.entries)
        fg.updated(stamp)
        fg.lastBuildDate(stamp)
    fg.history.archive(doc.archive)
    fg.history.complete(doc.complete)
    for rel, href in (("current", doc.current), ("prev-archive", doc.prev_archive), ("next-archive", doc.next_archive)):
        if href and fmt == "rss":
            fg.history.link(rel, href, TYPES[fmt])  # as atom:link in the channel
        elif href:
            fg.link(href=href, rel=rel, type=TYPES[fmt])
    # feedgen writes entries in insertion order: newest first.
    for e in doc.entries:
        fe = fg.add_entry(order="append")
        fe.id(e.guid)
        fe.guid(e.guid, permalink=e.guid_is_link)
        fe.title(e.title)
        fe.link(href=e.link, rel="alternate")
        fe.published(e.published)
        fe.updated(e.updated)
        fe.pubDate(e.published)
        fe.author(name=e.author)
        fe.dc.dc_creator(e.author)
        for tag in e.tags:
            fe.category(term=tag)
        if fmt == "rss":
            # An RSS item's description is HTML (readers render it): the plain
            # text summary is escaped, so it can never become markup there.
            fe.description(html.escape(e.summary, quote=False))
        else:
            fe.summary(e.summary)  # Atom says it is text (type="text")
        if doc.with_content:
            fe.content(e.content_html, type="html")
    return fg


def render(doc: Document, fmt: str) -> bytes:
    """The document as RSS 2.0 (``fmt="rss"``) or Atom 1.0 (``fmt="atom"``)."""
    fg = _generator(doc, fmt)
    if fmt == "rss":
        return fg.rss_str(pretty=True)
    return fg.atom_str(pretty=True)
