"""Every feed parses in a real feed reader's parser."""

import feedparser
import pytest


def test_there_are_feeds(built):
    assert (built.root / "rss.xml").is_file()
    assert len(built.feeds()) > 3


def test_every_feed_parses_cleanly(built):
    bad = {}
    for feed in built.feeds():
        parsed = feedparser.parse(feed.read_bytes())
        if parsed.bozo or not parsed.entries:
            bad[str(feed.relative_to(built.root))] = repr(parsed.get("bozo_exception")) if parsed.bozo else "no entries"
    assert bad == {}
