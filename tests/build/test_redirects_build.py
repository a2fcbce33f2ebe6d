"""redirects.txt in the build (plugins/redirects); behind nginx: tests/e2e/test_redirects_served.py.

tests/sites/redirects/ is a site whose post changed its slug (old-slug to
new-slug, with its 301 and its old GUID kept) and which withdrew a post (410).
tests/sites/redirects_<case>/ each add one mistake to it: the build stops with
``redirects.txt:N`` (or the post's file and line) and writes nothing.
"""

import json
import os
import shutil
import subprocess
import sys

import lxml.etree
import pytest
from support.redirects_site import GUID, SITES, before_the_move, site_with
from support.sitebuild import ROOT, differences, nikola_build, tree

BAD = {
    "missing_target": ("redirects.txt:2", "/posts/old-slug/ moves to /posts/nowhere/, which the site does not serve"),
    "loop": ("redirects.txt:2", "/posts/a/ moves to /posts/b/, which is itself moved"),
    "chain": ("redirects.txt:2", "/posts/older-slug/ moves to /posts/old-slug/, which is itself moved"),
    "moved_still_served": ("redirects.txt:2", "/posts/kept/ is recorded as moved, but the site still serves it"),
    "gone_still_served": ("redirects.txt:2", "/posts/kept/ is recorded as gone, but the site still serves it"),
    "other_origin": ("redirects.txt:2", "is not a path on this site: a redirect never leaves the site's origin"),
    # The line after the post's metadata, where the guid line goes.
    "guid_missing": ("posts/new-slug.rst:8", f"add the line `.. guid: {GUID}` to its metadata"),
}


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """tests/sites/redirects/, built as it is served."""
    build = nikola_build(site_with(tmp_path_factory.mktemp("redirects") / "site"), served=True)
    assert build.returncode == 0, build.log
    return build


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_record_stops_the_build_at_its_line_and_publishes_nothing(tmp_path, case):
    where, message = BAD[case]
    build = nikola_build(site_with(tmp_path / case, "redirects_" + case))
    assert build.returncode != 0, build.log
    assert [line for line in build.log.splitlines() if line.startswith(where + ": ERROR: ") and message in line], (
        build.log
    )
    assert "Traceback" not in build.log, build.log
    assert build.log.rstrip().splitlines()[-1].startswith("nikola build: "), build.log
    assert not build.output.exists(), sorted(p.name for p in build.output.iterdir())


def test_a_static_host_gets_a_redirect_page_at_the_old_url(moved):
    page = (moved.output / "posts" / "old-slug" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/posts/new-slug/">' in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_sitemap_lists_live_urls_only(moved):
    sitemap = (moved.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/posts/new-slug/" in sitemap and "/posts/kept/" in sitemap
    assert "old-slug" not in sitemap and "withdrawn" not in sitemap and "410" not in sitemap


def items(feed):
    root = lxml.etree.parse(str(feed)).getroot()
    if root.tag == "rss":
        return {i.findtext("link"): (i.findtext("guid"), i.find("guid").get("isPermaLink")) for i in root.iter("item")}
    atom = "{http://www.w3.org/2005/Atom}"
    return {e.find(atom + "link").get("href"): e.findtext(atom + "id") for e in root.iter(atom + "entry")}


def test_the_moved_post_keeps_its_guid_in_rss_and_atom(moved):
    link = "http://graham.hayes.ie/posts/new-slug/"
    assert items(moved.output / "rss.xml")[link] == (GUID, "false")
    assert items(moved.output / "index.atom")[link] == GUID


PREDICT = """
import json, os, sys
sys.path.insert(0, os.getcwd())
import conf
from nikola.nikola import Nikola
site = Nikola(**{k: v for k, v in vars(conf).items() if not k.startswith("__")})
site.init_plugins()
site.scan_posts()
from plugins.redirects import served
print(json.dumps(sorted(served.site_urls(site))))
"""


def predicted(root):
    env = dict(os.environ, NIKOLA_NO_COLOR="1")
    env.pop("SITE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-c", PREDICT], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def written(output):
    """What a build serves, less what plugins/redirects writes for its records."""
    from plugins.rules import redirects

    records, _ = redirects.read(output.parent)
    return redirects.without_redirect_pages(redirects.served_urls(output), records) - {"/410.html"}


def test_the_urls_checked_before_the_build_are_those_it_serves(moved):
    """plugins/redirects/served.py names the URLs before anything is written; a URL it missed would
    refuse a good move, one too many would let a bad one through."""
    assert predicted(moved.root) == written(moved.output)


def test_the_blogs_urls_checked_before_the_build_are_those_it_serves(built):
    assert predicted(built.root.parent) == written(built.root)


# --- a slug change, built incrementally, and read by a feed reader ------------------------------


def test_a_slug_change_with_its_301_built_incrementally_equals_a_clean_build(tmp_path):
    site = site_with(tmp_path / "site")
    shutil.copy2(site / "posts" / "new-slug.rst", tmp_path / "after.rst")
    shutil.copy2(site / "redirects.txt", tmp_path / "after.txt")
    before_the_move(site)
    first = nikola_build(site, served=True)
    assert first.returncode == 0, first.log
    assert (site / "output" / "posts" / "old-slug" / "index.html").is_file()
    shutil.copy2(tmp_path / "after.rst", site / "posts" / "new-slug.rst")
    shutil.copy2(tmp_path / "after.txt", site / "redirects.txt")
    got = nikola_build(site, served=True)
    assert got.returncode == 0, got.log
    want = nikola_build(site_with(tmp_path / "clean"), served=True)
    assert want.returncode == 0, want.log
    assert differences(tree(got.output), tree(want.output)) == []
    assert "refresh" in (got.output / "posts" / "old-slug" / "index.html").read_text(encoding="utf-8")


def make_check(site, *paths):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_post.py"), *paths],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("case,named", [("missing_target", "redirects.txt"), ("guid_missing", "posts/new-slug.rst")])
def test_make_check_reports_what_the_build_reports_about_redirects(tmp_path, case, named):
    where, message = BAD[case]
    site = site_with(tmp_path / case, "redirects_" + case)
    run = make_check(site, named)
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert [line for line in run.stderr.splitlines() if line.startswith(where + ": ERROR: ") and message in line], (
        run.stderr
    )
    assert not (site / "output").exists()


def test_make_check_checks_redirects_txt_when_it_changed(tmp_path):
    site = site_with(tmp_path / "site")
    subprocess.run(
        "git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm start",
        shell=True,
        cwd=site,
        check=True,
    )
    assert make_check(site).returncode == 0
    shutil.copy2(SITES / "redirects_missing_target" / "redirects.txt", site / "redirects.txt")
    run = make_check(site)
    assert run.returncode == 1 and "redirects.txt:2: ERROR: " in run.stderr, (run.stdout, run.stderr)


# --- what is written for the web server and for static hosts ----------------------------------


def test_the_nginx_rules_are_exact_locations_quoted_and_percent_encoded():
    from plugins.redirects import server_rules
    from plugins.rules import redirects

    records, problems = redirects.parse("301 /old%20page/ /new%22page/\n410 /gone.pdf\n410 /x/index.html\n")
    assert problems == []
    assert server_rules.nginx_text(records).splitlines()[-5:] == [
        'location = "/gone.pdf" { return 410; }',
        'location = "/old page/" { return 301 "/new%22page/"; }',
        'location = "/old page/index.html" { return 301 "/new%22page/"; }',
        'location = "/x/" { return 410; }',
        'location = "/x/index.html" { return 410; }',
    ]


def test_a_moved_feed_or_file_gets_no_html_page(built):
    """A feed reader does not follow a meta refresh: a moved feed is answered by nginx's 301 alone."""
    from plugins.redirects import server_rules
    from plugins.rules import redirects

    records, _problems = redirects.read(ROOT)
    moved = [r.old for r in records if r.status == redirects.MOVED]
    feeds = [old for old in moved if not server_rules.wants_page(old)]
    assert "/categories/cat_openstack.xml" in feeds and "/posts/the-big-rename/index.rst" in feeds
    assert [old for old in feeds if (built.root / old.lstrip("/")).exists()] == []
    pages = [old for old in moved if server_rules.wants_page(old)]
    assert pages and all(
        (built.root / old.lstrip("/") / "index.html").is_file() or (built.root / old.lstrip("/")).is_file()
        for old in pages
    )
