"""Which search bundle each post is in: at most a few hundred posts of one period each.

Pagefind cannot update an index: it reads every page again (about 1.4 ms a
page here, bench/RESULTS.md). So the index of a site with more than
``max_pages`` posts is split into bundles by date, and a build re-indexes only
the bundles whose pages changed. A bundle is one year of posts, or, for a
year with more than ``max_pages`` posts, its halves, quarters or months: the
split of a year depends only on how many posts that year has, so an edit
never moves posts between bundles it did not touch, and the bundles are the
same whatever the order of the builds that led to them. A smaller site is one
bundle, ``all``. The date is the post's own (as written and shown), which is
also the order of the ``date`` sort key Pagefind keeps (the ISO text of that
date).

A query reads one index chunk per bundle for each word, so with many bundles a
reader would download many chunks. Each bundle's chunks are made smaller in
proportion: Pagefind's default chunk (``DEFAULT_CHUNK`` postings) divided by
the number of bundles, rounded up to a power of two so that it changes (and
every bundle is re-indexed) only when the number of bundles crosses one
(measured: bench/RESULTS.md, "Search").
"""

from collections import Counter

# Posts above which a site, and then a year, is split (conf.py's
# SEARCH_BUNDLE_POSTS). Pagefind takes ~0.7 s for 500 post pages here: the
# search work of a one-post edit stays under a second.
MAX_PAGES = 500
WHOLE_SITE = "all"
# Pagefind 1.5's chunk size (postings per index file), PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE.
DEFAULT_CHUNK = 20000
MIN_CHUNK = 250


def _part(date, level):
    if level == "year":
        return f"{date.year:04d}"
    if level == "half":
        return f"{date.year:04d}-h{1 if date.month <= 6 else 2}"
    if level == "quarter":
        return f"{date.year:04d}-q{(date.month - 1) // 3 + 1}"
    return f"{date.year:04d}-{date.month:02d}"


def _level(count, max_pages):
    if count <= max_pages:
        return "year"
    if count <= 2 * max_pages:
        return "half"
    if count <= 4 * max_pages:
        return "quarter"
    return "month"


def assign(dates, max_pages=MAX_PAGES):
    """``{item: bundle key}`` for ``{item: date}``; keys sort by period ("2019", "2020-h1", ...)."""
    if len(dates) <= max_pages:
        return {item: WHOLE_SITE for item in dates}
    per_year = Counter(date.year for date in dates.values())
    return {item: _part(date, _level(per_year[date.year], max_pages)) for item, date in dates.items()}


def chunk_size(bundles):
    """Postings per index chunk when the index has ``bundles`` bundles."""
    power = 1
    while power < bundles:
        power *= 2
    return max(MIN_CHUNK, DEFAULT_CHUNK // power)
