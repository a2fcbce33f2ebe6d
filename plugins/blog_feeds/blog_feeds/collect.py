"""Which feeds exist and what each one holds, read from Nikola's post data."""

import functools
import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html

from plugins.rules import periods, publication

from .writer import Document, Entry

TAXONOMIES = (
    # kind, channel title suffix, description
    ("category", "Posts in category {0}", "Posts in the category {0} on {1}, newest first."),
    ("tag", "Posts about {0}", "Posts tagged {0} on {1}, newest first."),
    ("author", "Posts by {0}", "Posts by {0} on {1}, newest first."),
)


@dataclass
class FeedSpec:
    kind: str  # index, category, tag or author
    name: str | None  # the classification, None for the whole blog
    title: str
    description: str
    page: str  # absolute URL of the page this feed follows
    rss_path: str  # output-relative paths
    atom_path: str
    posts: list  # Nikola posts, newest first

    def archive_path(self, period, fmt):
        """The archive document of ``period`` (plugins/rules/periods.py): feeds/archive/rss/2016.xml."""
        stem = self.rss_path.rsplit(".", 1)[0]
        return "feeds/archive/{0}/{1}.{2}".format(stem, period, "xml" if fmt == "rss" else "atom")

    def summary(self):
        return {
            "kind": self.kind,
            "name": self.name,
            "title": self.title,
            "page": self.page,
            "rss": "/" + self.rss_path,
            "atom": "/" + self.atom_path,
            "count": len(self.posts),
        }


def feed_specs(site, lang) -> list[FeedSpec]:
    blog = site.config["BLOG_TITLE"](lang)

    def url(path):
        return urljoin(site.config["SITE_URL"], path)

    public = publication.published(site)
    specs = [
        FeedSpec(
            "index",
            None,
            blog,
            site.config["BLOG_DESCRIPTION"](lang),
            url("/"),
            site.path("index_rss", None, lang),
            site.path("index_atom", None, lang),
            public,
        )
    ]
    for kind, title, description in TAXONOMIES:
        if kind == "author" and not publication.author_pages(site):
            continue
        classified = site.posts_per_classification[kind][lang]
        for name in sorted(classified, key=lambda n: n.lower()):
            posts = classified[name]
            if not posts:
                continue
            specs.append(
                FeedSpec(
                    kind,
                    name,
                    f"{blog} ({title.format(name)})",
                    description.format(name, blog),
                    url(site.link(kind, name, lang)),
                    site.path(kind + "_rss", name, lang),
                    site.path(kind + "_atom", name, lang),
                    sorted(posts, key=lambda p: p.date, reverse=True),
                )
            )
    return specs


# Attributes the W3C Feed Validation Service calls a security risk in feed
# HTML (SecurityRiskAttr): accessibility hints for the page, not for readers.
_PAGE_ONLY_ATTRS = re.compile(r"^(role|aria-.*)$")


def feed_html(html, make_absolute):
    """``html`` for a feed: every href and src through ``make_absolute``, no role/aria-*."""
    if not html.strip():
        return html
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    wrapper.rewrite_links(make_absolute)
    for el in wrapper.iter():
        for name in [n for n in el.attrib if _PAGE_ONLY_ATTRS.match(n)]:
            del el.attrib[name]
    return (wrapper.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in wrapper)


def _guid(site, post, lang):
    """The post's permanent id: FEED_GUID_BASE + its path, whatever SITE_URL is."""
    if post.meta[lang].get("guid"):
        return post.meta[lang]["guid"], False
    guid = urljoin(site.config["FEED_GUID_BASE"], post.permalink(lang))
    return guid, guid == post.permalink(lang, absolute=True)


def entry(site, post, lang) -> Entry:
    """The entry without its content: cheap, and all a feed's up-to-date check needs.

    The content (the post's HTML) is filled in by :func:`content` when the
    feed is written; its changes reach the task through the post's compiled
    file, a file dependency of every feed the post is in.
    """
    guid, guid_is_link = _guid(site, post, lang)
    return Entry(
        guid=guid,
        link=post.permalink(lang, absolute=True),
        title=post.title(lang),
        published=post.date,
        updated=post.updated or post.date,
        author=post.author(lang),
        tags=tuple(post.tags_for_language(lang)),
        summary=post.description(lang),
        content_html="",
        guid_is_link=guid_is_link,
        source=post.source_path,
    )


def content(site, post, lang) -> str:
    """The post's full HTML for a feed: preview image first, every URL absolute."""
    html = post.text(lang, teaser_only=False, strip_html=False, show_read_more_link=False)
    preview = post.meta[lang].get("previewimage")
    if preview:
        html = f'<figure><img src="{html_lib.escape(preview, quote=True)}" alt=""></figure> {html}'
    # Nikola's url_replacer also resolves its link:// URLs (listings, :doc:).
    return feed_html(html, lambda url: site.url_replacer(post.permalink(lang), url, lang, "absolute"))


def site_url(base, path):
    """``urljoin(base, path)``, without urljoin's parsing for the usual case (a base ending in "/" and a
    plain relative path: 48,000 of them for a 10,000-post site's feeds)."""
    if base.endswith("/") and path and path[0] not in "/." and ":" not in path and "?" not in path and "#" not in path:
        return base + path
    return urljoin(base, path)


def documents(site, spec: FeedSpec, entries):
    """(output path, Document, format) for the current feeds and every archive document.

    A feed whose whole history fits in one document is a complete feed
    (RFC 5005 2): ``fh:complete``, no archives. Otherwise the current feed
    holds the newest entries and links the newest archive document; the
    archive documents hold the whole history, one period each
    (plugins/rules/periods.py: a year, or part of a year with more than
    ``PERIOD_POSTS`` entries), so a deleted or back-dated post changes
    the archive of its own period and the links of the two beside it, never
    the rest (an archive document is stable, RFC 5005 4).

    Every current feed carries each post in full, and so do the blog's own
    archive documents, RSS and Atom: the whole text of every post is there.
    The archive documents of a category, tag or author feed carry each
    entry's title, link, GUID, dates, author, tags and summary, not the
    post's HTML: a post is in one category, two to four tags and one author
    feed, so in full it was written into twelve archive documents, which made
    the archives 110 of the 135 MB of a 1,000-post site (bench/RESULTS.md,
    "Output size"). A subscriber who backfills a tag's history gets every
    entry, and its link to the full post.
    """
    lang_code = site.config["DEFAULT_LANG"]
    size = site.config["FEED_LENGTH"]  # posts in a current feed
    # [(period, entries newest first)], oldest period first: the feed's whole history by period.
    history = periods.group(entries, periods.most(site)) if len(entries) > size else []
    url = functools.partial(site_url, site.config["SITE_URL"])
    result = []
    for fmt, path in (("rss", spec.rss_path), ("atom", spec.atom_path)):
        newest_archive = spec.archive_path(history[-1][0], fmt) if history else None
        result.append(
            (
                path,
                Document(
                    title=spec.title,
                    description=spec.description,
                    page=spec.page,
                    url=url(path),
                    language=lang_code,
                    entries=entries[:size],
                    complete=not history,
                    prev_archive=url(newest_archive) if newest_archive else None,
                ),
                fmt,
            )
        )
        for number, (period, chunk) in enumerate(history):
            own = spec.archive_path(period, fmt)
            older = history[number - 1][0] if number > 0 else None
            newer = history[number + 1][0] if number + 1 < len(history) else None
            result.append(
                (
                    own,
                    Document(
                        title=f"{spec.title}, archive {periods.label(period)}",
                        description=spec.description,
                        page=spec.page,
                        url=url(own),
                        language=lang_code,
                        entries=chunk,
                        archive=True,
                        current=url(path),
                        prev_archive=url(spec.archive_path(older, fmt)) if older else None,
                        next_archive=url(spec.archive_path(newer, fmt)) if newer else None,
                        with_content=spec.kind == "index",
                    ),
                    fmt,
                )
            )
    return result
