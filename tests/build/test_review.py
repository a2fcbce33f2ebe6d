"""`make review`: what a reviewer is told a change does for readers, subscribers and links.

What a reviewer would lose if these failed: a deleted post or a changed slug
that silently breaks every link and bookmark to it, a post shown again as new
in every subscriber's reader, a retitle or a retag whose reach (list pages,
feeds) nobody saw, or a report that runs a hostile post's script when opened.

The fixture site tests/sites/review/ (four posts, two authors) is built once
as the base; each change is a copy of that build with the change applied and
built again (an incremental build, as an author's next build is), compared
with scripts/review.compare. Each report is checked whole: the posts, the
other pages, each feed's items by GUID, the URLs dropped and the errors.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from support.shared import SITES, shared_build
from support.sitebuild import ROOT, copy_built, copy_site, nikola_build

sys.path.insert(0, str(ROOT))
from scripts.review import compare, feeds, html_report, summary  # noqa: E402

GUID = "http://graham.hayes.ie/posts/{0}/".format
HOSTILE = '</title><script>alert(1)</script>"><img src=x onerror=alert(2)> & <b>bold</b>'


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


POST = """.. title: {title}
.. slug: {slug}
.. date: 2020-01-05 12:00:00+00:00
.. tags: common
.. category: events
.. author: Ann Author
.. description: A post the review tests add.
{more}
A new post's text, with the site's card:

.. image:: /images/site-card.png
   :alt: The site's card
"""


def new_post(site):
    (site / "posts" / "five.rst").write_text(POST.format(title="Post five", slug="five", more=""))


def body_edit(site):
    edit(site / "posts" / "two.rst", "which the review tests edit", "which the review tests have edited")


def retitle(site):
    edit(site / "posts" / "two.rst", ".. title: Post two", ".. title: " + HOSTILE)


def retag(site):
    edit(site / "posts" / "two.rst", ".. tags: common, keep", ".. tags: common, fresh")


def move(site, keep_guid=True, record=True):
    edit(
        site / "posts" / "two.rst",
        ".. slug: two",
        ".. slug: two-renamed" + ("\n.. guid: " + GUID("two") if keep_guid else ""),
    )
    if record:
        (site / "redirects.txt").write_text("# moved by the review tests\n301 /posts/two/ /posts/two-renamed/\n")


def new_guid(site):
    """A GUID changed in place: the build allows it (only a move must keep one), the review must not."""
    edit(site / "posts" / "two.rst", ".. slug: two", ".. slug: two\n.. guid: " + GUID("two-again"))


def delete(site, record=True):
    (site / "posts" / "four.rst").unlink()
    if record:
        (site / "redirects.txt").write_text("410 /posts/four/\n")


def draft(site):
    (site / "posts" / "draft.rst").write_text(
        POST.format(title="Unfinished", slug="unfinished", more=".. status: draft\n")
    )


CHANGES = {
    "new_post": new_post,
    "body_edit": body_edit,
    "retitle": retitle,
    "retag": retag,
    "move": move,
    "new_guid": new_guid,
    "delete": delete,
    "delete_without_record": lambda site: delete(site, record=False),
    "draft": draft,
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    build = shared_build(
        tmp_path_factory,
        "review-base",
        lambda folder: nikola_build(copy_site(folder, overlay=SITES / "review", with_posts=False)),
    )
    assert build.returncode == 0, build.log
    return build.root


@pytest.fixture(scope="module")
def review(base, tmp_path_factory):
    """``review(change)``: the Report of ``change`` (a name in CHANGES) applied to the base; built once."""
    reports = {}

    def run(name):
        if name not in reports:
            site = copy_built(base, tmp_path_factory.mktemp("review") / name)
            CHANGES[name](site)
            build = nikola_build(site)
            assert build.returncode == 0, build.log
            reports[name] = compare.compare(base / "output", site / "output", site)
        return reports[name]

    return run


def feeds_of(report):
    """{feed: {status: {GUID}}}, an Atom feed that repeats its RSS feed left out (checked to be folded)."""
    shown = {}
    for feed in report.feeds:
        if feed.same_as:
            continue
        statuses = {}
        for item in feed.items:
            statuses.setdefault(item.status, set()).add(item.guid)
        shown[feed.feed + ("" if feed.status == "changed" else " " + feed.status)] = statuses
    return shown


def pages_of(report, kind):
    return {(page.status, page.url) for page in report.pages if page.kind == kind}


def dropped_of(report):
    return {(d.url, None if d.record is None else (d.record.status, d.record.new)) for d in report.dropped}


FEEDS = ("/rss.xml", "/categories/common.xml", "/categories/cat_events.xml", "/authors/ann-author.xml")
TWO_FEEDS = FEEDS + ("/categories/keep.xml",)
NEW_POST_LISTS = {
    "/",
    "/archive.html",
    "/authors/",
    "/authors/ann-author/",
    "/categories/",
    "/categories/cat_events/",
    "/categories/common/",
    "/feeds/",
    "/search/",
}  # the last four show counts of posts
LINKS_TO_TWO = {
    "/",
    "/archive.html",
    "/authors/ann-author/",
    "/categories/cat_events/",
    "/categories/common/",
    "/categories/keep/",
    "/posts/one/",
    "/posts/three/",
    "/posts/four/",
}


def expected(posts=(), lists=(), feeds=None, dropped=(), errors=(), nav=(), markup=(), files=()):
    return dict(
        posts=set(posts),
        lists=set(lists),
        feeds=feeds or {},
        dropped=set(dropped),
        errors=list(errors),
        nav=set(nav),
        markup=set(markup),
        files=set(files),
    )


EXPECTED = {
    "new_post": expected(
        posts={("added", "/posts/five/")},
        lists={("changed", url) for url in NEW_POST_LISTS},
        feeds={feed: {"added": {GUID("five")}} for feed in FEEDS},
        nav={"/posts/four/"},
        files={("changed", "/sitemap.xml")},
    ),
    "body_edit": expected(
        posts={("changed", "/posts/two/")}, feeds={feed: {"changed": {GUID("two")}} for feed in TWO_FEEDS}
    ),
    "retitle": expected(
        posts={("changed", "/posts/two/")},
        lists={("changed", url) for url in LINKS_TO_TWO - {"/posts/one/", "/posts/three/", "/posts/four/"}},
        feeds={feed: {"changed": {GUID("two")}} for feed in TWO_FEEDS},
        nav={"/posts/one/", "/posts/three/", "/posts/four/"},
    ),  # older and newer post links show its title
    "retag": expected(
        posts={("changed", "/posts/two/")},
        lists={
            ("added", "/categories/fresh/"),
            ("changed", "/categories/keep/"),
            ("changed", "/categories/"),
            ("changed", "/feeds/"),
            ("changed", "/search/"),
        },
        feeds={
            **{feed: {"changed": {GUID("two")}} for feed in FEEDS},
            "/categories/fresh.xml added": {"added": {GUID("two")}},
            "/categories/keep.xml": {"removed": {GUID("two")}},
        },
        files={("changed", "/sitemap.xml"), ("changed", "/feeds/all.opml"), ("changed", "/feeds/tags.opml")},
    ),
    "move": expected(
        posts={("moved", "/posts/two-renamed/")},
        feeds={feed: {"changed": {GUID("two")}} for feed in TWO_FEEDS},
        dropped={("/posts/two/", (301, "/posts/two-renamed/"))},
        markup=LINKS_TO_TWO,
        files={("changed", "/sitemap.xml")},
    ),
    "new_guid": expected(
        feeds={feed: {"added": {GUID("two-again")}, "removed": {GUID("two")}} for feed in TWO_FEEDS},
        errors=[
            r"^the post at /posts/two/ had the feed GUID http://graham.hayes.ie/posts/two/ and now has "
            r"http://graham.hayes.ie/posts/two-again/ .*add `.. guid: http://graham.hayes.ie/posts/two/`"
        ],
    ),
    "delete": expected(
        # The page nginx shows with a 410 is written with the site's first removal.
        posts={("removed", "/posts/four/")},
        lists={("changed", url) for url in NEW_POST_LISTS} | {("added", "/410.html")},
        feeds={feed: {"removed": {GUID("four")}} for feed in FEEDS},
        dropped={("/posts/four/", (410, None))},
        nav={"/posts/one/", "/posts/two/", "/posts/three/"},
        files={("changed", "/sitemap.xml")},
    ),
    "delete_without_record": expected(
        posts={("removed", "/posts/four/")},
        lists={("changed", url) for url in NEW_POST_LISTS},
        feeds={feed: {"removed": {GUID("four")}} for feed in FEEDS},
        dropped={("/posts/four/", None)},
        errors=[r"^`/posts/four/` is published by the base and not by this change.*`410 /posts/four/`"],
        nav={"/posts/one/", "/posts/two/", "/posts/three/"},
        files={("changed", "/sitemap.xml")},
    ),
    "draft": expected(),
}


@pytest.mark.parametrize("change", sorted(EXPECTED))
def test_each_change_gives_exactly_the_report_expected(review, change):
    report, want = review(change), EXPECTED[change]
    assert pages_of(report, "post") == want["posts"]
    assert pages_of(report, "list") == want["lists"]
    assert set(report.nav_only) == want["nav"]
    assert set(report.markup_only) == want["markup"]
    assert feeds_of(report) == want["feeds"]
    # Each Atom feed repeats its RSS twin here: folded into it, not listed twice.
    assert {feeds.twin(f.feed) for f in report.feeds if f.kind == "Atom"} == {
        f.feed for f in report.feeds if f.kind == "RSS"
    }
    assert all(f.same_as for f in report.feeds if f.kind == "Atom")
    assert dropped_of(report) == want["dropped"]
    assert len(report.errors) == len(want["errors"]), report.errors
    for error, pattern in zip(report.errors, want["errors"], strict=True):
        assert re.search(pattern, error), error
    assert {(status, url) for status, urls in report.files.items() for url in urls} == want["files"]
    assert [record.old for record in report.records] == [url for url, _ in want["dropped"] if _ is not None]


def _documents(report_html):
    """The report and the document of each of its frames, parsed."""
    root = lxml.html.document_fromstring(report_html)
    return [root] + [lxml.html.document_fromstring(frame.get("srcdoc")) for frame in root.iter("iframe")]


def test_the_html_report_is_self_contained_and_runs_nothing(review):
    documents = {name: _documents(html_report.write(review(name))) for name in ("retitle", "new_post", "move")}
    for name, (report, *frames) in documents.items():
        assert len(frames) == 2, name  # the post, light and dark
        policy = report.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
        assert "default-src 'none'" in policy and "script" not in policy
        for frame in report.iter("iframe"):
            assert frame.get("sandbox") == ""  # no allow-scripts, no allow-same-origin
        for document in (report, *frames):
            assert not document.xpath("//script | //link | //object | //embed | //base | //form")
            for element in document.iter():
                if not isinstance(element.tag, str):
                    continue
                assert not any(name.startswith("on") for name in element.attrib), lxml.html.tostring(element)
                assert element.get("href", "#").startswith("#"), element.get("href")
                assert element.get("src", "data:").startswith("data:"), element.get("src")
            for style in document.iter("style"):
                assert not re.search(r"url\((?!data:)", style.text or "")
    # The hostile title is text, in the report and in both of its frames.
    report, *frames = documents["retitle"]
    assert any(HOSTILE in h.text_content() for h in report.iter("h3"))
    assert [HOSTILE in frame.xpath("string(//h1)") for frame in frames] == [True, True]
    # The added post's local image is in the report itself; the light and dark frames differ in colours only.
    report, *frames = documents["new_post"]
    assert all(frame.xpath("//img[starts-with(@src, 'data:image/png;base64,')]") for frame in frames)
    light, dark = (frame.xpath("string(//style)") for frame in frames)
    assert "prefers-color-scheme" not in light + dark and light != dark
    assert "color-scheme:light" in light and "color-scheme:dark" in dark


def test_the_summary_puts_errors_first_and_keeps_a_hostile_title_as_text(review):
    text = summary.write(review("delete_without_record"))
    assert text.index("ERROR: `/posts/four/` is published") < text.index("### Pages")
    assert "`/posts/four/`: **nothing answers: ERROR**" in text
    retitled = summary.write(review("retitle"))
    assert "No errors." in retitled and not re.search(r"(?<!\\)[<\[!]", retitled)  # no tag, link or image
    assert r"\</title\>\<script\>alert(1)\</script\>" in retitled
    assert summary.write(review("draft")).endswith("Nothing a reader or a subscriber sees changes.\n")


def _git(site, *args):
    subprocess.run(
        ["git", "-c", "user.name=Review Test", "-c", "user.email=review@example.org", *args],
        cwd=site,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _make_review(site, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # scripts/review is the project's, not part of the site
    env.pop("SITE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "scripts.review", "--jobs", "1", *args],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )


@pytest.mark.e2e
def test_make_review_in_a_clone_with_only_main_and_a_dirty_tree(tmp_path):
    site = copy_site(tmp_path / "site", overlay=SITES / "review", with_posts=False)
    (site / ".gitignore").write_text("/output/\n/cache/\n.doit.db*\n/review/\n/.review/\n__pycache__/\n")
    _git(site, "init", "-q", "-b", "main")
    _git(site, "add", "-A")
    _git(site, "commit", "-q", "-m", "base")

    usage = _make_review(site, "--base", "no-such-revision")
    assert usage.returncode == 2 and "BASE=no-such-revision" in usage.stdout

    # On main, with an uncommitted deletion: the base is HEAD, the change is the working tree.
    delete(site, record=False)
    first = _make_review(site)
    assert first.returncode == 1, first.stdout
    assert "ERROR: `/posts/four/` is published" in first.stdout
    assert (site / "review" / "summary.md").read_text() in first.stdout
    report = (site / "review" / "index.html").read_text()
    assert "/posts/four/" in report and "nothing answers: ERROR" in report

    # The answer, reviewed again: both sides' builds are kept, the base's does nothing.
    (site / "redirects.txt").write_text("410 /posts/four/\n")
    again = _make_review(site)
    assert again.returncode == 0, again.stdout
    assert "`/posts/four/`: gone, 410 (redirects.txt:1)" in again.stdout
    assert "nothing changed since the last build" in (site / ".review" / "base-build.log").read_text()


def test_what_a_review_keeps_never_hides_a_change(tmp_path):
    """The next review trusts a file's answer only while its size and time are unchanged on both sides."""
    from scripts.review import tree

    base, head, state = tmp_path / "base", tmp_path / "head", tmp_path / "tree.json"
    for side in (base, head):
        (side / "posts" / "a").mkdir(parents=True)
        (side / "posts" / "a" / "index.html").write_text("same text")
        (side / "index.html").write_text("same text")
        (side / "index.html.gz").write_bytes(b"x")  # a precompressed copy: not a file of its own
    first = tree.diff(base, head, state)
    assert (first.added, first.removed, first.changed) == ([], [], [])
    page = head / "posts" / "a" / "index.html"
    page.write_text("new! text")  # the same size: only its time says it changed
    os.utime(page, ns=(page.stat().st_mtime_ns + 10**9,) * 2)
    (head / "new.html").write_text("new")
    second = tree.diff(base, head, state)
    assert (second.added, second.removed, second.changed) == (["new.html"], [], ["posts/a/index.html"])
    assert tree.diff(base, head, state).changed == ["posts/a/index.html"]  # kept, and still right


def test_a_redirect_page_at_a_moved_url_is_the_move_not_a_page(review, tmp_path):
    """The build may answer a 301 record with a redirect page at the old URL (Nikola's REDIRECTIONS):
    the report is the same as without one."""
    moved = review("move")
    output = tmp_path / "output"
    shutil.copytree(moved.head_output, output)
    (output / "posts" / "two").mkdir(exist_ok=True)  # plugins/redirects writes one: this one stands for any
    (output / "posts" / "two" / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0; url=/posts/two-renamed/"></head></html>'
    )
    report = compare.compare(moved.base_output, output, Path(moved.head_output).parent)
    assert pages_of(report, "post") == {("moved", "/posts/two-renamed/")}
    assert dropped_of(report) == {("/posts/two/", (301, "/posts/two-renamed/"))}
    assert report.errors == [] and report.files == moved.files


@pytest.mark.e2e
def test_the_review_benchmark_runs(tmp_path):
    """bench/review.py at N = 3, once: its code path keeps working (nothing is timed here)."""
    results = tmp_path / "review.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "review.py"),
            "--posts",
            "3",
            "--repeat",
            "1",
            "--jobs",
            "1",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(results),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout
    numbers = json.loads(results.read_text())
    assert numbers["posts"] == 3 and len(numbers["runs"]) == 1
    assert set(numbers["runs"][0]) == {"clean_build", "review_from_nothing", "incremental_build", "review_of_edit"}


def test_a_move_the_base_already_recorded_is_not_dropped_again(review):
    """The base's own redirect page (its redirects.txt has the 301) is not a page the change drops."""
    moved = review("move")
    head = Path(moved.head_output)
    report = compare.compare(head, head, head.parent, base_root=head.parent)
    assert report.dropped == [] and report.errors == []
