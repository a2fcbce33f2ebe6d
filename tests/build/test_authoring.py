"""An author's mistake fails the build with the file and line, and publishes nothing.

What an author would lose if this failed: a broken or hostile post would be
published (a docutils "System Message", a script, a file from the build
machine), or the build would answer with a Python traceback instead of
the line to fix.

Two fixture sites hold one mistake per post, so each is built once:
tests/sites/bad_rest/ (mistakes docutils or the URL rules find while a
post is compiled; built with ``--continue`` so every post is reported) and
tests/sites/bad_sources/ (mistakes found before anything is built: the
metadata, the encoding, the slug). Each case names the post and a marker
text; the expected line is the line of the post that holds the marker.
"""

import re
import subprocess
import sys

import pytest
from support.sitebuild import ROOT, copy_site, nikola_build

from sitecheck import markup
from sitecheck.links import broken_fragments, broken_links
from sitecheck.site_model import Site

SITES = ROOT / "tests" / "sites"

# post -> (marker on the line the message must name, or None; text the message must contain)
BAD_REST = {
    "unknown-directive": (".. frobnicate::", 'ERROR: Unknown directive type "frobnicate"'),
    "broken-footnote": ("[#missing]_", "ERROR: Unknown target name"),
    "bad-underline": ("=====", "WARNING: Title underline too short"),
    "raw-html": (".. raw::", "'raw' is not allowed"),
    "raw-role": (":raw-html:", "'raw-html' is not allowed"),
    "include-file": (".. include::", "'include' is not allowed"),
    "listing-escape": (".. listing::", "listing '../conf.py' is not a file inside listings"),
    "missing-listing": (".. listing::", "listing 'no-such-file.py' is not a file inside listings"),
    "embedded-player": (".. youtube::", "'youtube' is not allowed"),
    "missing-image": (".. image::", "image '/images/no-such-photo.jpg' not found"),
    "javascript-link": ("javascript:", "'javascript:' is not allowed in 'javascript:alert(1)'"),
    "mixed-case-javascript": ("JaVaScRiPt:", "'javascript:' is not allowed in 'JaVaScRiPt:alert(1)'"),
    "tab-in-scheme": (".. _here:", "'javascript:' is not allowed"),
    "vbscript-link": ("vbscript:", "'vbscript:' is not allowed in 'vbscript:msgbox(1)'"),
    "file-link": ("file:", "'file:' is not allowed in 'file:///etc/passwd'"),
    "unknown-scheme": ("web+evil:", "'web+evil:' is not allowed"),
    "data-image": (".. image::", "'data:' is not allowed in 'data:image/svg+xml"),
    "scheme-relative": ("//evil", "scheme-relative URL '//evil.example/x' is not allowed"),
    "backslash-relative": ("evil.example", "scheme-relative URL"),
    "no-host": ("https:evil", "URL 'https:evil.example' has no host"),
    "figure-target": (".. figure::", "'javascript:' is not allowed"),
    "image-target": (".. image::", "'data:' is not allowed in 'data:text/html,<script>"),
    "deep-nesting": (None, "SEVERE: docutils gave up: the post nests lists, quotes or sections too deeply"),
    "doc-to-no-post": (":doc:`no-such-post`", '"no-such-post" slug doesn\'t exist'),
    "doc-to-a-draft": (
        ":doc:`the draft",
        '"a-draft" is a draft (posts/a-draft.rst): it has no page to link to until it is published',
    ),
    "relative-missing-image": (".. image::", "image 'images/site-card.png' not found"),
}
# Posts of bad_rest that are not mistakes: one to link to, one draft (which is no link target).
BAD_REST_GOOD = {"correct-post", "a-draft"}
BAD_SOURCES = {
    "missing-date": ("7", "metadata 'date' is missing or empty"),  # the line after the last field
    "missing-title": ("7", "metadata 'title' is missing or empty"),
    "no-time-zone": (".. date:", "has no time zone"),
    "two-categories": (".. category:", "a post has one category, got 'events, summit'"),
    "category-slash": (".. category:", "a category is one name, without '/'"),
    "unknown-status": (".. status:", "unknown status 'drfat'"),
    "control-character": ("A bell", "character U+0007 at column 8 cannot be published"),
    "invalid-utf8": (b"Caf\xe9", "not valid UTF-8 (byte 0xe9 at column 4)"),
    "previewimage-script": (".. previewimage:", "previewimage: URL scheme 'javascript:' is not allowed"),
    "previewimage-missing": (".. previewimage:", "previewimage: image '/images/no-such-photo.jpg' not found"),
    "previewimage-relative": (".. previewimage:", "previewimage: write the image's path from the site's root"),
    "second": (".. slug:", "slug 'same-slug' is already used by posts/first.rst"),
    "capitalised-status": (
        ".. status:",
        "unknown status 'Published': use one of published, featured, draft, private (in lowercase)",
    ),
    "empty-tags": (".. tags:", "metadata 'tags' is missing or empty"),
    "placeholder-left": (".. category:", "TODO:"),
}


def build_case(tmp_path, case, *args):
    return nikola_build(copy_site(tmp_path / case, overlay=SITES / case, with_posts=False), *args)


@pytest.fixture(scope="module")
def bad_rest(tmp_path_factory):
    return build_case(tmp_path_factory.mktemp("authoring"), "bad_rest", "--continue")


@pytest.fixture(scope="module")
def bad_sources(tmp_path_factory):
    return build_case(tmp_path_factory.mktemp("authoring"), "bad_sources")


def where(build, post, marker):
    """``posts/<post>.rst:<line>`` of the first line holding ``marker`` (``posts/<post>.rst`` for None)."""
    name = f"posts/{post}.rst"
    if marker is None:
        return name + ":"
    if marker.isdigit():
        return f"{name}:{marker}:"
    lines = (build.root / name).read_bytes().splitlines()
    needle = marker if isinstance(marker, bytes) else marker.encode()
    return f"{name}:{next(n for n, line in enumerate(lines, 1) if needle in line)}:"


def assert_author_sized(build):
    """Non-zero exit, no traceback, and a one-line summary last."""
    assert build.returncode != 0, build.log
    assert "Traceback" not in build.log and "Please report errors" not in build.log, build.log
    assert build.log.rstrip().splitlines()[-1].startswith("nikola build: "), build.log


@pytest.mark.parametrize("post", sorted(BAD_REST))
def test_a_mistake_in_a_post_fails_the_build_naming_file_and_line(bad_rest, post):
    marker, message = BAD_REST[post]
    assert_author_sized(bad_rest)
    lines = [line for line in bad_rest.log.splitlines() if line.startswith(where(bad_rest, post, marker))]
    assert [line for line in lines if message in line], f"no line for {post} with {message!r}:\n{bad_rest.log}"
    assert not (bad_rest.output / "posts" / post / "index.html").exists(), "the broken post was published anyway"


@pytest.mark.parametrize("post", sorted(BAD_SOURCES))
def test_a_mistake_in_a_posts_source_stops_the_build_before_it_starts(bad_sources, post):
    marker, message = BAD_SOURCES[post]
    assert_author_sized(bad_sources)
    expected = where(bad_sources, post, marker) + " ERROR: "
    assert [line for line in bad_sources.log.splitlines() if line.startswith(expected) and message in line], (
        bad_sources.log
    )
    written = [p for p in bad_sources.output.rglob("*") if p.is_file()] if bad_sources.output.exists() else []
    assert written == [], "nothing may be built when a source is broken"


def test_every_bad_post_is_a_case_and_every_case_a_bad_post(bad_rest, bad_sources):
    """The fixture sites and the tables above cannot drift apart."""
    rest = {p.stem for p in (bad_rest.root / "posts").glob("*.rst")} - BAD_REST_GOOD
    sources = {p.stem for p in (bad_sources.root / "posts").glob("*.rst")} - {"first"}
    assert (rest, sources) == (set(BAD_REST), set(BAD_SOURCES))


def test_no_docutils_system_message_is_published(bad_rest):
    assert markup.system_messages(Site(bad_rest.output)) == []


def test_nothing_a_hostile_post_supplies_reaches_any_output(bad_rest):
    leaked = [
        p
        for p in bad_rest.root.rglob("*")
        if p.is_file()
        and p.suffix in (".html", ".xml", ".atom")
        and (
            "alert(" in p.read_text(encoding="utf-8", errors="replace")
            or "root:" in p.read_text(encoding="utf-8", errors="replace")
        )
    ]
    assert leaked == []


def test_a_correct_post_builds_cleanly(good_site):
    assert "WARNING" not in good_site.log and "ERROR" not in good_site.log, good_site.log
    html = (good_site.output / "posts" / "a-good-post" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="Technical Committee">TC</abbr>' in html
    assert 'class="admonition note"' in html


def test_nikola_shortcodes_in_a_post_are_text(good_site):
    """``{{% raw %}}`` and ``{{% template %}}`` would inject HTML or run Jinja on the build machine."""
    html = (good_site.output / "posts" / "a-good-post" / "index.html").read_text(encoding="utf-8")
    assert "{{% raw %}}&lt;b&gt;bold?&lt;/b&gt;{{% /raw %}}" in html
    assert "{{% template %}}{{ 6 * 7 }}{{% /template %}}" in html and "42" not in html


def test_a_single_author_site_has_no_broken_links(good_site):
    """Nikola makes author pages only for two or more authors: nothing may link to them."""
    site = Site(good_site.output)
    assert not (good_site.output / "authors").exists()
    assert broken_links(site) == [] and broken_fragments(site) == []


PROBLEM = re.compile(r"^(posts/[^:]+\.rst)(:\d+)?: (ERROR|WARNING|SEVERE): ", re.M)


def problem_lines(text):
    """{source: sorted problem lines} in a build's or a check's output."""
    found = {}
    for line in text.splitlines():
        m = PROBLEM.match(line)
        if m:
            found.setdefault(m.group(1), []).append(line)
    return {source: sorted(lines) for source, lines in found.items()}


def make_check(site, *posts):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_post.py"), *posts], cwd=site, capture_output=True, text=True
    )


@pytest.mark.parametrize("fixture", ["bad_rest", "bad_sources", "good_site"])
def test_make_check_reports_what_the_build_reports(request, fixture):
    """`make check POST=...` and the build agree, line for line, on every bad-input fixture (and on a good
    post: nothing). The checker is run on all of a fixture's posts at once (one process, as a reviewer
    checking a change of several posts would)."""
    build = request.getfixturevalue(fixture)
    posts = sorted(str(p.relative_to(build.root)) for p in (build.root / "posts").glob("*.rst"))
    checked = make_check(build.root, *posts)
    from_build, from_check = problem_lines(build.log), problem_lines(checked.stderr)
    assert from_check == from_build, checked.stderr
    assert (checked.returncode != 0) == bool(from_build) == (build.returncode != 0), checked.stderr
    if fixture == "bad_sources":
        assert "the build stops" not in checked.stderr  # every broken source was named
    last = (checked.stderr or checked.stdout).rstrip().splitlines()[-1]
    assert last.startswith("make check: "), checked.stderr


def test_make_check_on_one_post_names_the_others_that_stop_the_build(bad_sources):
    checked = make_check(bad_sources.root, "posts/first.rst")
    assert checked.returncode == 1 and problem_lines(checked.stderr) == {}
    assert "other sources have" in checked.stderr and "the build stops on them" in checked.stderr
