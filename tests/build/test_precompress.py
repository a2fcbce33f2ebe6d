"""plugins/precompress: X.gz and X.br beside every text file worth compressing.

The session's build must have them all, decoding to their file; two clean
builds must give the same bytes; a rebuild after an edit rewrites the copies
of changed files only and removes copies whose file is gone.
"""

import gzip

import brotli
import pytest
from support.sitebuild import ROOT, copy_built, copy_site, nikola_build

# The plugin's rule, restated as the specification the tests hold it to.
TEXT = (".html", ".css", ".js", ".mjs", ".xml", ".atom", ".opml", ".json", ".svg", ".txt")
MIN_SIZE = 1024
GOOD = ROOT / "tests" / "sites" / "good"


def worth_compressing(path):
    return path.suffix in TEXT and path.stat().st_size >= MIN_SIZE


def copies(output):
    return sorted(p for p in output.rglob("*") if p.suffix in (".gz", ".br") and p.is_file())


def source_of(copy):
    return copy.with_name(copy.name[:-3])


def test_every_file_worth_it_has_both_copies_and_they_decode_to_it(built):
    sources = [p for p in built.root.rglob("*") if p.is_file() and worth_compressing(p)]
    assert {".html", ".xml", ".atom", ".css", ".js"} <= {p.suffix for p in sources}  # pages, feeds, theme, Pagefind
    missing, wrong = [], []
    for source in sources:
        original = source.read_bytes()
        for suffix, decode in ((".gz", gzip.decompress), (".br", brotli.decompress)):
            copy = source.with_name(source.name + suffix)
            if not copy.is_file():
                missing.append(copy)
            elif decode(copy.read_bytes()) != original:
                wrong.append(copy)
    assert missing == [] and wrong == []


def test_nothing_else_is_compressed(built):
    """Tiny files, Pagefind's own compressed files, images: no copies; no copy without its file."""
    extra = [c for c in copies(built.root) if not (source_of(c).is_file() and worth_compressing(source_of(c)))]
    assert extra == []
    for small in ("robots.txt", "favicon.svg"):  # each under 1 KiB
        assert not (built.root / (small + ".gz")).exists()
    assert not list((built.root / "pagefind").rglob("*.pf_*.gz"))


def test_gzip_copies_carry_no_file_name_and_no_time(built):
    """Bytes 3 (flags: FNAME is 0x08) and 4-7 (mtime) of the gzip header."""
    bad = [
        c
        for c in copies(built.root)
        if c.suffix == ".gz" and (c.read_bytes()[3] & 0x08 or c.read_bytes()[4:8] != b"\0\0\0\0")
    ]
    assert bad == []


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The small fixture site, built once; tests below copy or rebuild it."""
    root = copy_site(tmp_path_factory.mktemp("precompress") / "site", overlay=GOOD, with_posts=False)
    build = nikola_build(root, served=True)
    assert build.returncode == 0, build.log
    return root


def test_two_clean_builds_give_byte_identical_copies(tiny, tmp_path):
    again = copy_site(tmp_path / "again", overlay=GOOD, with_posts=False)
    build = nikola_build(again, served=True)
    assert build.returncode == 0, build.log
    first, second = tiny / "output", again / "output"
    names = [c.relative_to(first) for c in copies(first)]
    assert names and names == [c.relative_to(second) for c in copies(second)]
    assert [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()] == []


@pytest.fixture(scope="module")
def rebuilt(tiny, tmp_path_factory):
    """A copy of the built tiny site (times kept) after an edit to its post and
    two planted stale copies: (before, after) snapshots and the stale paths."""
    site = tmp_path_factory.mktemp("rebuilt") / "site"
    copy_built(tiny, site)
    output = site / "output"
    stale = [output / "posts" / "deleted-post" / "index.html.gz", output / "gone.xml.br"]
    for path in stale:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"left over")

    def snapshot():
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()}

    before = snapshot()
    post = site / "posts" / "post.rst"
    post.write_text(post.read_text() + "\nA paragraph added by the edit.\n")
    build = nikola_build(site, served=True)
    assert build.returncode == 0, build.log
    return before, snapshot(), stale


def test_a_rebuild_rewrites_the_copies_of_changed_files_only(rebuilt):
    before, after, _ = rebuilt
    changed = {p for p in after if p.suffix not in (".gz", ".br") and before.get(p) != after[p]}
    unchanged = {p for p in after if p.suffix not in (".gz", ".br") and before.get(p) == after[p]}
    assert any(p.name == "index.html" and "a-good-post" in p.parts for p in changed)
    assert any(p.name == "site.css" for p in unchanged)
    for source in changed | unchanged:
        for suffix in (".gz", ".br"):
            copy = source.with_name(source.name + suffix)
            if copy not in after:
                assert not worth_compressing(source), copy
            elif source in changed:
                assert before.get(copy) != after[copy], f"{copy} was not refreshed"
            else:
                assert before.get(copy) == after[copy], f"{copy} was rewritten"
    post_page = next(p for p in changed if p.name == "index.html" and "a-good-post" in p.parts)
    assert b"A paragraph added by the edit." in brotli.decompress(post_page.with_name("index.html.br").read_bytes())


def test_a_copy_whose_file_is_gone_is_removed(rebuilt):
    _, after, stale = rebuilt
    assert [p for p in stale if p in after] == []
