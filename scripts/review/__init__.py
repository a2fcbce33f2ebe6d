"""``make review``: what a change does for readers, subscribers and links.

A reviewer sees a change's ``.rst`` diff, never its pages. This package builds
the site from a base revision and from the working tree, compares the two
builds as a reader, a feed subscriber and a holder of links would, and writes
``review/index.html`` (self-contained: opens from a CI artifact) and
``review/summary.md`` (for a review comment). See docs/review.md.

One module per concern: ``sides`` (the two builds), ``tree`` (which files
differ), ``pages`` (what a reader sees of a page), ``feeds`` (what a
subscriber is shown), ``compare`` (the report), ``html_report`` and
``summary`` (writing it), ``__main__`` (the command).
"""
