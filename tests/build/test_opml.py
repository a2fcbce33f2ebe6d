"""Subscribing to many feeds at once: the OPML files the Feeds page offers.

What a subscriber would lose if this failed: a file their feed reader refuses
or imports only in part, a feed missing from it (or an archive page in it, which
a reader would follow as a feed of its own), or one of the listed feeds that
does not load, so they copy feed URLs one by one again.

``feeds/all.opml`` lists every current feed, in folders as the Feeds page
groups them; ``feeds/<group>.opml`` one group each (plugins/blog_feeds/blog_feeds/opml.py).
A real feed reader imports it: Debian's newsboat (``newsboat -i``), with the
feed URLs mapped to the session's build served by nginx, then loads every
feed (``-x reload``): each must be recorded with its title, and every post
of the feeds must be in its cache.
"""

import os
import shutil
import sqlite3
import subprocess

import lxml.etree
import pytest

from sitecheck.site_model import SITE_URL

pytest_plugins = ["support.fixtures"]

GROUPS = {"The whole blog": "blog", "Categories": "categories", "Tags": "tags", "Authors": "authors"}
INSTALL = "apt-get install newsboat (.ci/run does)"


def read(path):
    return lxml.etree.parse(str(path)).getroot()


def feeds_of(outline_parent):
    """[(text, xmlUrl, htmlUrl)] of every feed outline under an element."""
    return [(o.get("text"), o.get("xmlUrl"), o.get("htmlUrl")) for o in outline_parent.iter("outline")
            if o.get("type") == "rss"]


def current_rss_feeds(built):
    """Every current RSS feed of the build (not its RFC 5005 archive pages), as an absolute URL."""
    return sorted(built.url_of(p) for p in built.feeds()
                  if p.suffix == ".xml" and "archive" not in p.relative_to(built.root).parts)


def local_file(built, url):
    assert url.startswith(SITE_URL), url
    path = built.root / url[len(SITE_URL):]
    return path / "index.html" if url.endswith("/") else path


def test_all_opml_lists_every_current_feed_once_in_folders(built):
    opml = read(built.root / "feeds" / "all.opml")
    assert opml.tag == "opml" and opml.get("version") == "2.0"
    assert opml.findtext("head/title") == "OpenStack Community Blog: every feed"
    folders = opml.findall("body/outline")
    assert [f.get("text") for f in folders] == list(GROUPS)
    listed = feeds_of(opml)
    assert sorted(url for _, url, _ in listed) == current_rss_feeds(built)  # each once, no archive page
    for text, url, page in listed:
        assert text and local_file(built, url).is_file() and local_file(built, page).is_file(), (text, url)


def test_each_group_has_its_own_file_with_that_folder(built):
    folders = read(built.root / "feeds" / "all.opml").findall("body/outline")
    for folder in folders:
        own = read(built.root / "feeds" / "{0}.opml".format(GROUPS[folder.get("text")]))
        assert [f.get("text") for f in own.findall("body/outline")] == [folder.get("text")]
        assert feeds_of(own) == feeds_of(folder)
    assert sorted(p.name for p in (built.root / "feeds").glob("*.opml")) == sorted(
        ["all.opml"] + ["{0}.opml".format(GROUPS[f.get("text")]) for f in folders])


def test_the_feeds_page_offers_every_opml_file(built):
    page = built.root / "feeds" / "index.html"
    links = built.soup(page).select('a[type="text/x-opml"]')
    targets = sorted(built.resolve(page, a["href"])[0].name for a in links)
    assert targets == sorted(p.name for p in (built.root / "feeds").glob("*.opml"))
    assert all(a.has_attr("download") for a in links)


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed: " + INSTALL)
def test_newsboat_imports_the_opml_and_loads_every_feed(built, site_url, tmp_path):
    """newsboat, Debian's terminal feed reader: ``-i`` imports the file, ``-x reload`` fetches every feed."""
    # The file names the feeds at SITE_URL; this copy names the same paths on the local server.
    opml = read(built.root / "feeds" / "all.opml")
    for outline in opml.iter("outline"):
        for attr in ("xmlUrl", "htmlUrl"):
            if outline.get(attr):
                outline.set(attr, site_url + "/" + outline.get(attr)[len(SITE_URL):])
    local = tmp_path / "feeds.opml"
    local.write_bytes(lxml.etree.tostring(opml, xml_declaration=True, encoding="UTF-8"))
    config, urls, cache = tmp_path / "config", tmp_path / "urls", tmp_path / "cache.db"
    config.write_text("reload-threads 4\n", encoding="utf-8")
    urls.write_text("", encoding="utf-8")
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
               XDG_DATA_HOME=str(tmp_path / "xdg-data"), LANG="C.UTF-8")
    base = ["newsboat", "-C", str(config), "-u", str(urls), "-c", str(cache)]
    for args in (["-i", str(local)], ["-x", "reload"]):
        proc = subprocess.run(base + args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)

    expected, guids = {}, set()  # feed URL on the local server: its channel title; every item's GUID
    for _, url, _ in feeds_of(read(built.root / "feeds" / "all.opml")):
        channel = read(local_file(built, url)).find("channel")
        expected[site_url + "/" + url[len(SITE_URL):]] = channel.findtext("title")
        guids |= {item.findtext("guid") for item in channel.findall("item")}
    imported = [line.split(" ", 1)[0] for line in urls.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    assert sorted(imported) == sorted(expected)
    # newsboat records a feed (with the title it read) once it has fetched and parsed it. It keys
    # items by GUID across feeds (a post is in several), so every post's GUID is there once.
    with sqlite3.connect(str(cache)) as db:
        titles = dict(db.execute("SELECT rssurl, title FROM rss_feed"))
        items = {guid for (guid,) in db.execute("SELECT guid FROM rss_item")}
    assert {url: titles.get(url) for url in expected} == expected
    assert items == guids and len(guids) > 10
