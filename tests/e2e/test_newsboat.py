"""A real feed reader subscribes to the whole blog from the Feeds page's OPML file.

What a subscriber would lose if this failed: a file their reader imports only
in part, or a listed feed that does not load. Debian's newsboat imports
``feeds/all.opml`` (``newsboat -i``), with the feed URLs mapped to the
session's build served by nginx, then loads every feed (``-x reload``): each
must be recorded with its title, and every post of the feeds must be in its
cache. The files themselves are tests/build/test_opml.py's.
"""

import shutil
import sqlite3
import subprocess

import lxml.etree
import pytest
from support import newsboat
from support.opml import feeds_of, local_file, read

from sitecheck.site_model import SITE_URL

pytest_plugins = ["support.fixtures"]

INSTALL = "apt-get install newsboat (.ci/run does)"


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed: " + INSTALL)
def test_newsboat_imports_the_opml_and_loads_every_feed(built, site_url, tmp_path):
    """newsboat, Debian's terminal feed reader: ``-i`` imports the file, ``-x reload`` fetches every feed."""
    # The file names the feeds at SITE_URL; this copy names the same paths on the local server.
    opml = read(built.root / "feeds" / "all.opml")
    for outline in opml.iter("outline"):
        for attr in ("xmlUrl", "htmlUrl"):
            if outline.get(attr):
                outline.set(attr, site_url + "/" + outline.get(attr)[len(SITE_URL) :])
    local = tmp_path / "feeds.opml"
    local.write_bytes(lxml.etree.tostring(opml, xml_declaration=True, encoding="UTF-8"))
    config, urls, cache = newsboat.files(tmp_path, config="reload-threads 4\n")
    env = newsboat.environment(tmp_path)
    base = ["newsboat", "-C", str(config), "-u", str(urls), "-c", str(cache)]
    for args in (["-i", str(local)], ["-x", "reload"]):
        proc = subprocess.run(
            base + args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)

    expected, guids = {}, set()  # feed URL on the local server: its channel title; every item's GUID
    for _, url, _ in feeds_of(read(built.root / "feeds" / "all.opml")):
        channel = read(local_file(built, url)).find("channel")
        expected[site_url + "/" + url[len(SITE_URL) :]] = channel.findtext("title")
        guids |= {item.findtext("guid") for item in channel.findall("item")}
    imported = [
        line.split(" ", 1)[0]
        for line in urls.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert sorted(imported) == sorted(expected)
    # newsboat records a feed (with the title it read) once it has fetched and parsed it. It keys
    # items by GUID across feeds (a post is in several), so every post's GUID is there once.
    with sqlite3.connect(str(cache)) as db:
        titles = dict(db.execute("SELECT rssurl, title FROM rss_feed"))
        items = {guid for (guid,) in db.execute("SELECT guid FROM rss_item")}
    assert {url: titles.get(url) for url in expected} == expected
    assert items == guids and len(guids) > 10
