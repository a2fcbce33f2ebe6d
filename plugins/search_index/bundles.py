"""Which search bundle each post is in: at most a few hundred posts of one period each.

Pagefind cannot update an index: it reads every page again (about 1.4 ms a
page here, bench/RESULTS.md). So the index of a site with more than
``max_pages`` posts is split into bundles by date, and a build re-indexes only
the bundles whose pages changed. A bundle is one period of posts
(plugins/rules/periods.py: a year, or, for a year with more than
``max_pages`` posts, its halves, quarters or months), so an edit never moves
posts between bundles it did not touch. A smaller site is one bundle,
``all``. The date is the post's own (as written and shown), which is
also the order of the ``date`` sort key Pagefind keeps (the ISO text of that
date).

A query reads one index chunk per bundle for each word, so with many bundles a
reader would download many chunks. Each bundle's chunks are made smaller in
proportion: Pagefind's default chunk (``DEFAULT_CHUNK`` postings) divided by
the number of bundles, rounded up to a power of two so that it changes (and
every bundle is re-indexed) only when the number of bundles crosses one
(measured: bench/RESULTS.md, "Search").
"""

from plugins.rules import periods

# Posts above which a site, and then a year, is split (conf.py's
# SEARCH_BUNDLE_POSTS). Pagefind takes ~0.7 s for 500 post pages here: the
# search work of a one-post edit stays under a second.
MAX_PAGES = 500
WHOLE_SITE = "all"
# Pagefind 1.5's chunk size (postings per index file), PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE.
DEFAULT_CHUNK = 20000
MIN_CHUNK = 250


def assign(dates, max_pages=MAX_PAGES):
    """``{item: bundle key}`` for ``{item: date}``; keys sort by period ("2019", "2020-h1", ...)."""
    if len(dates) <= max_pages:
        return {item: WHOLE_SITE for item in dates}
    return periods.assign(dates, max_pages)


def chunk_size(bundles):
    """Postings per index chunk when the index has ``bundles`` bundles."""
    power = 1
    while power < bundles:
        power *= 2
    return max(MIN_CHUNK, DEFAULT_CHUNK // power)
