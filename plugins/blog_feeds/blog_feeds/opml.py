"""OPML 2.0 subscription lists: every current feed in one file, and one file per group.

A feed reader imports an OPML file and subscribes to each feed in it
(newsboat ``-i``, Thunderbird, Feedly, NetNewsWire...), so a subscriber who
wants several feeds need not copy their URLs one by one. Each file lists
the RSS feed of every current feed (never an RFC 5005 archive page: a
reader finds those itself) with its page; ``feeds/all.opml`` groups them
in folders as the Feeds page does (the whole blog, categories, tags,
authors), ``feeds/<group>.opml`` holds one group. No Nikola here.

Nothing in a file depends on the clock (no ``dateCreated``), so two builds
of the same posts give the same bytes.
"""

from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.etree

SPEC = "http://opml.org/spec2.opml"
ALL = "all"


@dataclass(frozen=True)
class Group:
    kind: str  # the FeedSpec kind it holds
    slug: str  # feeds/<slug>.opml
    heading: str  # the folder's name, as on the Feeds page


GROUPS = (
    Group("index", "blog", "The whole blog"),
    Group("category", "categories", "Categories"),
    Group("tag", "tags", "Tags"),
    Group("author", "authors", "Authors"),
)


def path(slug):
    """The output-relative path of an OPML file (``ALL`` or a group's slug)."""
    return f"feeds/{slug}.opml"


def files(listing, blog_title, site_url):
    """[(output-relative path, bytes)]: every feed, then each group that has feeds.

    ``listing``: the Feeds page's rows (``FeedSpec.summary()``: kind, name,
    title, page, rss...), in the page's order.
    """
    groups = [(g, [f for f in listing if f["kind"] == g.kind]) for g in GROUPS]
    groups = [(g, feeds) for g, feeds in groups if feeds]
    result = [(path(ALL), render(f"{blog_title}: every feed", groups, site_url))]
    for group, feeds in groups:
        result.append((path(group.slug), render(f"{blog_title}: {group.heading.lower()}", [(group, feeds)], site_url)))
    return result


def render(title, groups, site_url):
    """An OPML 2.0 document: a folder outline per group, an ``rss`` outline per feed."""
    opml = lxml.etree.Element("opml", version="2.0")
    head = lxml.etree.SubElement(opml, "head")
    lxml.etree.SubElement(head, "title").text = title
    lxml.etree.SubElement(head, "docs").text = SPEC
    body = lxml.etree.SubElement(opml, "body")
    for group, feeds in groups:
        folder = lxml.etree.SubElement(body, "outline", text=group.heading, title=group.heading)
        for feed in feeds:
            name = feed["title"]
            lxml.etree.SubElement(
                folder,
                "outline",
                type="rss",
                version="RSS2",
                text=name,
                title=name,
                xmlUrl=urljoin(site_url, feed["rss"].lstrip("/")),
                htmlUrl=feed["page"],
            )
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + lxml.etree.tostring(
        opml, xml_declaration=False, encoding="UTF-8", pretty_print=True
    )
