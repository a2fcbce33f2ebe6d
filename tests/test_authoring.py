"""An author's mistake fails the build with the file and line, and publishes nothing.

Each case is a tiny site under tests/sites/<case>/ (posts only); it is built
with the project's own conf.py, plugins, theme and docutils.conf.
"""

import pytest

from sitebuild import ROOT, copy_site, nikola_build
from site_model import Site
from validate.links import broken_fragments, broken_links

SITES = ROOT / "tests" / "sites"

# case -> (slug of the bad post or None, fragments the message must contain)
BAD = {
    "unknown_directive": ("unknown-directive", ["posts/post.rst:11", 'Unknown directive type "frobnicate"']),
    "broken_footnote": ("broken-footnote", ["posts/post.rst:9", "footnote"]),
    "bad_underline": ("bad-underline", ["posts/post.rst:10", "Title underline too short"]),
    "raw_html": ("raw-html", ["posts/post.rst:11", "'raw' is not allowed"]),
    "raw_role": ("raw-role", ["posts/post.rst:9", "'raw-html' is not allowed"]),
    "include_file": ("include-file", ["posts/post.rst:11", "'include' is not allowed"]),
    "listing_escape": ("listing-escape", ["posts/post.rst:9", "not a file inside listings"]),
    "missing_date": ("missing-date", ["posts/post.rst", "date"]),
    "missing_title": ("missing-title", ["posts/post.rst:1", "'title' is missing"]),
    "duplicate_slug": ("same-slug", ["posts/first.rst", "posts/second.rst"]),
}


def build_case(tmp_path, case):
    return nikola_build(copy_site(tmp_path / case, overlay=SITES / case, with_posts=False))


@pytest.mark.parametrize("case", sorted(BAD))
def test_mistake_fails_the_build_naming_file_and_line(tmp_path, case):
    slug, fragments = BAD[case]
    build = build_case(tmp_path, case)
    assert build.returncode != 0, "{0} built without error:\n{1}".format(case, build.log)
    for fragment in fragments:
        assert fragment in build.log, "message lacks {0!r}:\n{1}".format(fragment, build.log)
    page = build.output / "posts" / slug / "index.html"
    if case != "duplicate_slug":
        assert not page.exists(), "the broken post was published anyway"
    for html in build.output.rglob("*.html") if build.output.exists() else []:
        text = html.read_text(encoding="utf-8")
        assert "System Message" not in text and "system-message" not in text, html
        assert "root:" not in text and "alert(" not in text, html


def test_raw_html_never_reaches_any_output(tmp_path):
    build = build_case(tmp_path, "raw_html")
    leaked = [p for p in (build.root).rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".atom")
              and "alert(" in p.read_text(encoding="utf-8", errors="replace")]
    assert leaked == []


def test_a_correct_post_builds_cleanly(tmp_path):
    build = build_case(tmp_path, "good")
    assert build.returncode == 0, build.log
    assert "WARNING" not in build.log and "ERROR" not in build.log, build.log
    html = (build.output / "posts" / "a-good-post" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="Technical Committee">TC</abbr>' in html
    assert 'class="admonition note"' in html


def test_a_single_author_site_has_no_broken_links(tmp_path):
    """Nikola makes author pages only for two or more authors: nothing may link to them."""
    build = build_case(tmp_path, "good")
    assert build.returncode == 0, build.log
    site = Site(build.output)
    assert not (build.output / "authors").exists()
    assert broken_links(site) == [] and broken_fragments(site) == []


def test_code_blocks_are_identical_across_builds(tmp_path):
    first = build_case(tmp_path / "one", "good")
    second = build_case(tmp_path / "two", "good")
    page = "posts/a-good-post/index.html"
    assert (first.output / page).read_bytes() == (second.output / page).read_bytes()
    assert "rest_code_" not in (first.output / page).read_text(encoding="utf-8")
