"""A reST comment is a note for authors and reviewers: nothing of it is published.

What a reader would otherwise get: ``.. embargoed until Thursday`` written into
the page's source as an HTML comment, and into the feeds, their compressed
copies and the search index. A small site with such a post is built as nginx
serves it (with .gz and .br copies and the Pagefind index); every file of it is
read, decompressed where it is compressed, and none may hold the note, while
the post's visible words are found in each kind of file (so the reading is
right). ``.. TEASER_END`` is a comment too: Nikola still splits the teaser
there, with its "Read more" link, and the marker itself is not published.
"""

import datetime
import gzip
import json
import subprocess
import sys

import brotli
import pytest
from support.sitebuild import ROOT, copy_site, nikola_build

# Pagefind indexes words by their stems, lowercased: a stem of each word is looked for.
SECRETS = (b"embargo", b"zebulonq")  # "embargoed until", and a word found only in the comments
VISIBLE_WORD = b"quokkavis"  # of "quokkavisible", a word of the post's text: the control
POST = """\
.. title: Notes for reviewers
.. slug: notes-for-reviewers
.. date: 2020-03-01 12:00:00+00:00
.. tags: test
.. category: events
.. author: Test Author
.. description: A post whose comments are for its reviewers.

.. Embargoed until the summit, zebulonquartz: a note on the body's first line.

The opening paragraph, quokkavisible, shown alone where posts are listed.

.. TEASER_END: Read the rest

.. Reviewers: embargoed until Thursday. zebulonquartz.
   A second line of the same note.

The rest of the post, quokkavisible again.

* an item

  .. embargoed until later, inside a list item (zebulonquartz)

* another item

.. note::

   An admonition.

   .. embargoed until never, inside an admonition: zebulonquartz

..
   An empty first line, then a note: embargoed until zebulonquartz.

.. TEASER_END and more: not a marker, embargoed until zebulonquartz
"""

# A post's text as Nikola gives it to a template, in the built site.
TEXTS = """\
import json, sys
sys.path.insert(0, ".")
import conf
from nikola.nikola import Nikola
site = Nikola(**{k: v for k, v in vars(conf).items() if k.isupper()})
site.init_plugins()
site.scan_posts()
post = next(p for p in site.timeline if p.meta("slug") == "notes-for-reviewers")
print(json.dumps({"teaser": post.text(teaser_only=True), "full": post.text(),
                  "teaser_plain": post.text(teaser_only=True, strip_html=True)}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("comments") / "site", with_posts=False)
    (root / "posts").mkdir(exist_ok=True)
    (root / "posts" / "notes-for-reviewers.rst").write_text(POST)
    build = nikola_build(root, served=True)
    assert build.returncode == 0, build.log
    return root


def published(output):
    """{path: the bytes a reader can get}, compressed files and Pagefind's decompressed."""
    files = {}
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz" or ("pagefind" in path.parts and data[:2] == b"\x1f\x8b"):
            data = gzip.decompress(data)
        elif path.suffix == ".br":
            data = brotli.decompress(data)
        files[path.relative_to(output).as_posix()] = data.lower()
    return files


def test_no_published_file_holds_a_comments_text(site):
    files = published(site / "output")
    holding = sorted(name for name, data in files.items() if any(secret in data for secret in SECRETS))
    assert holding == []
    # The control: the post's own words are read in each kind of file.
    kinds = {
        "page": "posts/notes-for-reviewers/index.html",
        "its .gz": "posts/notes-for-reviewers/index.html.gz",
        "its .br": "posts/notes-for-reviewers/index.html.br",
        "a feed": "rss.xml",
    }
    for kind, name in kinds.items():
        assert VISIBLE_WORD in files[name], f"{kind}: {name} does not hold the post's text"
    assert any(
        VISIBLE_WORD in data
        for name, data in files.items()
        if name.startswith("pagefind/") and name.endswith(".pf_fragment")
    ), "no Pagefind fragment holds the post's text"
    assert any(VISIBLE_WORD in data for name, data in files.items() if name.endswith(".pf_index"))


def test_the_teaser_marker_is_not_published(site):
    files = published(site / "output")
    assert sorted(name for name, data in files.items() if b"teaser_end" in data) == []
    page = files["posts/notes-for-reviewers/index.html"].decode()
    assert "the rest of the post" in page and "<!--" not in page.split("<body", 1)[1]


def test_teaser_end_still_gives_the_teaser_and_its_read_more_link(site):
    proc = subprocess.run([sys.executable, "-c", TEXTS], cwd=site, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    texts = json.loads(proc.stdout.splitlines()[-1])
    teaser, full = texts["teaser"], texts["full"]
    assert "quokkavisible, shown alone" in teaser and "The rest of the post" not in teaser
    assert '<p class="more"><a href="/posts/notes-for-reviewers/"> Read the rest …</a></p>' in teaser
    assert texts["teaser_plain"].startswith("The opening paragraph") and "Read the rest" not in texts["teaser_plain"]
    assert "The rest of the post" in full and "Read the rest" not in full
    for text in (teaser, full):
        assert "TEASER_END" not in text and "<!--" not in text and "embargoed" not in text.lower()


def test_the_new_post_stub_says_what_is_true():
    sys.path.insert(0, str(ROOT / "scripts"))
    import new_post

    stub = new_post.stub("T", "t", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), "A", [], {})
    assert "never published" in stub and "readers do not see" not in stub
