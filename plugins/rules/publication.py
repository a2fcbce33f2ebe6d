"""Which posts are published, and which lists exist: one rule for every plugin.

A post or page is published unless it is a draft (``.. status: draft`` or
the tag ``draft``), private (``.. status: private``) or scheduled (dated in
the future). plugins/published_posts applies the rule once, right after
Nikola reads the sources: unpublished posts are dropped from the site, so
no page, feed, list, count, sitemap line, search entry or neighbour link
can show them. ``make preview`` (``PREVIEW_UNPUBLISHED``) keeps them, and
builds into another folder, so a preview never reaches ``output/``.

In a preview, unpublished posts are in Nikola's timeline but still not in
its published list, ``site.posts``, nor in its classifications (tags,
categories, authors), which leave out what ``post.use_in_feeds`` calls
hidden: plugins list posts from those, never from the timeline.
"""

import datetime


def why_unpublished(post):
    """'draft', 'private', 'scheduled for <date>', or None for a published post."""
    if post.is_draft:
        return "draft"
    if post.is_private:
        return "private"
    if post.publish_later:
        return f"scheduled for {post.date.isoformat()}"
    return None


def next_due(posts):
    """The earliest date among scheduled posts (timezone-aware), or None."""
    dates = [p.date for p in posts if p.publish_later and not (p.is_draft or p.is_private)]
    return min(dates) if dates else None


def is_due(when, now=None):
    """True once ``when`` (an ISO 8601 string or None) has come."""
    if not when:
        return False
    now = now or datetime.datetime.now(datetime.UTC)
    return now >= datetime.datetime.fromisoformat(when)


def published(site):
    """The published posts, newest first (Nikola's own list)."""
    return site.posts


def author_pages(site):
    """True if the site has author pages and feeds.

    Nikola 8.3.3 makes them only when two or more people write
    (``plugins/task/authors.py``, ``generate_author_pages``); the theme reads
    the same flag (``author_pages_generated``) to link them.
    """
    return bool(site.GLOBAL_CONTEXT.get("author_pages_generated"))
