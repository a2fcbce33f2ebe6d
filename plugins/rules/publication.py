"""Which posts are published: the one rule every plugin and template follows.

A post or page is published unless it is a draft (``.. status: draft`` or
the tag ``draft``), private (``.. status: private``) or scheduled (dated in
the future). plugins/published_posts applies the rule once, right after
Nikola reads the sources: unpublished posts are dropped from the site, so
no page, feed, list, count, sitemap line, search entry or neighbour link
can show them. ``make preview`` (``PREVIEW_UNPUBLISHED``) keeps them, and
builds into another folder, so a preview never reaches ``output/``.
"""

import datetime


def why_unpublished(post):
    """'draft', 'private', 'scheduled for <date>', or None for a published post."""
    if post.is_draft:
        return "draft"
    if post.is_private:
        return "private"
    if post.publish_later:
        return "scheduled for {0}".format(post.date.isoformat())
    return None


def next_due(posts):
    """The earliest date among scheduled posts (timezone-aware), or None."""
    dates = [p.date for p in posts if p.publish_later and not (p.is_draft or p.is_private)]
    return min(dates) if dates else None


def is_due(when, now=None):
    """True once ``when`` (an ISO 8601 string or None) has come."""
    if not when:
        return False
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now >= datetime.datetime.fromisoformat(when)
