"""redirects.txt behind nginx, and a feed reader across a slug change (plugins/redirects, server/nginx).

What a reader or subscriber would lose if this failed: an old link that answers 404
instead of 301 or 410, or every subscriber shown a moved post again as a new item.
tests/sites/redirects/ is a site whose post changed its slug (old-slug to new-slug,
with its 301 and its old GUID kept) and which withdrew a post (410); its build-time
rules are tested in tests/build/test_redirects_build.py.
"""

import shutil
import sqlite3
import subprocess

import pytest
from support import newsboat as newsboat_files
from support import nginx
from support.nginx import request
from support.redirects_site import GUID, SITES, before_the_move, site_with
from support.sitebuild import nikola_build


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """tests/sites/redirects/, built as it is served."""
    build = nikola_build(site_with(tmp_path_factory.mktemp("redirects") / "site"), served=True)
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="module")
def moved_url(moved):
    with nginx.serve(moved.output) as base_url:
        yield base_url


@pytest.mark.parametrize(
    "path,location",
    [
        ("/posts/old-slug/", "/posts/new-slug/"),
        ("/posts/old-slug/index.html", "/posts/new-slug/"),
    ],
)
def test_nginx_answers_a_move_with_301_to_its_new_url(moved_url, path, location):
    status, headers, _body = request(moved_url, path)
    assert (status, headers["Location"]) == (301, location)
    assert request(moved_url, location)[0] == 200


@pytest.mark.parametrize("path", ["/posts/withdrawn/", "/posts/withdrawn/index.html"])
def test_nginx_answers_a_removal_with_410_and_the_gone_page(moved_url, path):
    status, headers, body = request(moved_url, path)
    assert status == 410 and headers["Content-Type"].startswith("text/html")
    assert b"removed from the blog on purpose" in body


def newsboat(tmp_path, feed_url):
    """newsboat fetches ``feed_url`` into its cache (kept in ``tmp_path``); the GUIDs it holds."""
    config, urls, cache = newsboat_files.files(tmp_path, urls=feed_url + "\n")
    env = newsboat_files.environment(tmp_path)
    proc = subprocess.run(
        ["newsboat", "-C", str(config), "-u", str(urls), "-c", str(cache), "-x", "reload"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    with sqlite3.connect(str(cache)) as db:
        return {guid for (guid,) in db.execute("SELECT guid FROM rss_item")}


def read_before_and_after(tmp_path, keep_guid):
    """What newsboat holds after reading /rss.xml before a slug change, then after it."""
    site = site_with(tmp_path / "site")
    after = (site / "posts" / "new-slug.rst").read_text(encoding="utf-8")
    before_the_move(site)
    reader = tmp_path / "reader"
    reader.mkdir()
    seen = []
    for step in ("before", "after"):
        if step == "after":
            if keep_guid:
                (site / "posts" / "new-slug.rst").write_text(after, encoding="utf-8")
                shutil.copy2(SITES / "redirects" / "redirects.txt", site / "redirects.txt")
            else:  # the slug alone changed: no 301 (the build asks for the guid only with one), no guid
                post = site / "posts" / "new-slug.rst"
                post.write_text(
                    post.read_text(encoding="utf-8").replace(".. slug: old-slug", ".. slug: new-slug"), encoding="utf-8"
                )
        build = nikola_build(site, served=True)
        assert build.returncode == 0, build.log
        with nginx.serve(build.output) as base_url:
            seen.append(newsboat(reader, base_url + "/rss.xml"))
    return seen


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed")
def test_newsboat_sees_no_new_item_after_a_slug_change_that_keeps_the_guid(tmp_path):
    before, after = read_before_and_after(tmp_path, keep_guid=True)
    assert GUID in before and len(before) == 2
    assert after == before


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed")
def test_newsboat_sees_a_new_item_when_the_guid_is_not_kept(tmp_path):
    """The control: the same slug change without the guid line is a new item to every subscriber."""
    before, after = read_before_and_after(tmp_path, keep_guid=False)
    assert after - before == {"http://graham.hayes.ie/posts/new-slug/"}


# --- make check ---------------------------------------------------------------------------------
