"""Which period a post is listed in: its year, or a part of a busy year. One rule for every list cut by date.

A list of older posts cut by count (ten a page, numbered from the oldest)
shifts every newer page when a post is deleted or dated in the middle of the
history. Cut by the period a post was published in, a deleted or back-dated
post changes only the list of its own period, and the links of the lists
beside it. The lists cut this way: the search bundles (plugins/search_index),
the feeds' RFC 5005 archive documents (plugins/blog_feeds) and the home
page's older posts pages (plugins/period_index).

A period is a year; a year holding more than ``most`` items is cut into its
halves, quarters or months, the first of them that keeps to ``most``, or
into months however many the months hold. How a year is cut depends only on
how many items that year has, so a change in one year never moves items
between the periods of another, and the periods are the same whatever the
order of the builds that led to them. The date is the post's own (as written
and shown).
"""

from collections import Counter

LEVELS = ("year", "half", "quarter", "month")
# The most posts a period lists before its year is cut finer (conf.py can set PERIOD_POSTS): the home
# page's older posts pages and each feed's archive documents. High enough that a year is rarely cut
# anew (which moves its lists' URLs: docs/urls.md), low enough that a busy site's lists stay small.
MOST = 100
# Not the calendar module's names, which follow the locale Nikola sets: the site is written in English.
MONTHS = "January February March April May June July August September October November December".split()


def key(date, level):
    """The period of ``date`` at ``level``; keys sort by time: "2019", "2020-h1", "2020-q3", "2020-07"."""
    if level == "year":
        return f"{date.year:04d}"
    if level == "half":
        return f"{date.year:04d}-h{1 if date.month <= 6 else 2}"
    if level == "quarter":
        return f"{date.year:04d}-q{(date.month - 1) // 3 + 1}"
    return f"{date.year:04d}-{date.month:02d}"


def level(count, most):
    """How a year with ``count`` items is cut so that a period holds at most ``most`` (where it can)."""
    for name, parts in zip(LEVELS, (1, 2, 4), strict=False):
        if count <= most * parts:
            return name
    return "month"


def assign(dates, most):
    """``{item: period key}`` for ``{item: date}``."""
    per_year = Counter(date.year for date in dates.values())
    return {item: key(date, level(per_year[date.year], most)) for item, date in dates.items()}


def most(site):
    """The site's PERIOD_POSTS."""
    return site.config.get("PERIOD_POSTS", MOST)


def group(items, most):
    """``[(period, items of that period in their order)]``, oldest period first, for items with a ``date``."""
    assigned = assign({i: item.date for i, item in enumerate(items)}, most)
    found = {}
    for i, item in enumerate(items):
        found.setdefault(assigned[i], []).append(item)
    return sorted(found.items())


def months(period):
    """(first month, last month) of a period key."""
    year, _, part = period.partition("-")
    if not part:
        return 1, 12
    if part[0] in "hq":
        span = 6 if part[0] == "h" else 3
        first = (int(part[1:]) - 1) * span + 1
        return first, first + span - 1
    return int(part), int(part)


def label(period):
    """A reader's name for a period: "2016", "January to June 2016", "March 2016"."""
    year = period.partition("-")[0]
    first, last = months(period)
    if (first, last) == (1, 12):
        return year
    if first == last:
        return f"{MONTHS[first - 1]} {year}"
    return f"{MONTHS[first - 1]} to {MONTHS[last - 1]} {year}"


def path(period):
    """The period as URL path segments: "2016", "2016/h1", "2016/q3", "2016/07"."""
    return period.replace("-", "/")


# --- The home page and its older posts (plugins/period_index; also named by the sitemap and
# plugins/redirects/served.py) ----------------------------------------------------------------


def pages(posts, newest_count, most):
    """``(home posts, [(period, posts newest first)] newest period first, the period the home page's "older
    posts" link opens)`` for ``posts`` newest first. A site whose posts all fit on the home page has no
    period pages (nothing would link them)."""
    if len(posts) <= newest_count:
        return posts, [], None
    by_period = group(posts, most)[::-1]
    first_older = next(period for period, held in by_period if posts[newest_count] in held)
    return posts[:newest_count], by_period, first_older


def page_link(period):
    """The URL of a period's page of older posts: /2016/, /2016/h1/."""
    return "/" + path(period) + "/"


def site_pages(site, posts):
    """The home page's posts and the period pages for ``posts`` (newest first), with the site's settings."""
    return pages(posts, site.config["INDEX_DISPLAY_POST_COUNT"], most(site))
