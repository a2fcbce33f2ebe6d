"""`make post` starts a post that goes right: every field, in order, and placeholders the build refuses.

What a new contributor would lose if this failed: a stub with Nikola's defaults (empty tags and
category, no author, fields the project does not use) whose first build fails with errors that
all point at line 1, or a stub that publishes "TODO" to readers, or a second post silently
written over the first one's URL.
"""

import datetime
import os
import re
import subprocess
import sys

import lxml.html
import pytest
from support.sitebuild import ROOT, copy_site, nikola_build

SCRIPT = ROOT / "scripts" / "new_post.py"
TITLE = "Designate at the Epoxy PTG: <b>notes</b> & more!"
NOW = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def make_post(site, title, name=None):
    """Run the script as `make post` does, with git's user.name set (or unset) for this run only."""
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, HOME=str(site))
    if name:
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="user.name", GIT_CONFIG_VALUE_0=name)
    return subprocess.run([sys.executable, str(SCRIPT), title], cwd=site, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return copy_site(tmp_path_factory.mktemp("new-post") / "site", with_posts=True)


def fields_of(path):
    return [
        line.split(":", 1)[0][3:]
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\.\. [a-z_]+:", line)
    ]


def test_the_stub_has_every_required_field_in_order_and_the_choices_in_a_comment(site):
    done = make_post(site, TITLE, name="Ann Example")
    assert done.returncode == 0, done.stderr
    path = site / "posts" / "designate-at-the-epoxy-ptg-bnotesb-more.rst"
    assert path.is_file(), done.stdout
    text = path.read_text(encoding="utf-8")
    assert fields_of(path) == ["title", "slug", "date", "tags", "category", "author", "description"]
    assert ".. title: " + TITLE + "\n" in text and ".. author: Ann Example\n" in text
    date = re.search(r"^\.\. date: (.+)$", text, re.M).group(1)
    assert datetime.datetime.fromisoformat(date).utcoffset() is not None
    comment = text.split("\n\n", 1)[1]
    assert comment.startswith(".. ") and "designate" in comment and "openstack (" in comment
    assert "link:" not in text and "type:" not in text
    path.unlink()


def test_an_unedited_stub_fails_once_per_placeholder_each_at_its_line(tmp_path):
    site = copy_site(tmp_path / "site", with_posts=False)
    (site / "posts").mkdir(exist_ok=True)
    assert make_post(site, "A first post").returncode == 0  # no git user.name: the author is a placeholder too
    path = site / "posts" / "a-first-post.rst"
    lines = {f: n for n, f in enumerate(fields_of(path), 1)}
    build = nikola_build(site)
    assert build.returncode != 0
    found = sorted(
        int(m) for m in re.findall(r"^posts/a-first-post\.rst:(\d+): ERROR: metadata '\w+' is still", build.log, re.M)
    )
    assert found == sorted(lines[f] for f in ("tags", "category", "author", "description")), build.log
    assert not (site / "output" / "posts" / "a-first-post").exists()


def test_a_stub_with_its_placeholders_filled_builds(tmp_path):
    site = copy_site(tmp_path / "site", with_posts=False)
    (site / "posts").mkdir(exist_ok=True)
    assert make_post(site, "A first post", name="Ann Example").returncode == 0
    path = site / "posts" / "a-first-post.rst"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^\.\. tags: .*$", ".. tags: designate, ptg", text, flags=re.M)
    text = re.sub(r"^\.\. category: .*$", ".. category: designate", text, flags=re.M)
    text = re.sub(r"^\.\. description: .*$", ".. description: What we did.", text, flags=re.M)
    path.write_text(text + "We met, and we wrote it down.\n", encoding="utf-8")
    build = nikola_build(site)
    assert build.returncode == 0, build.log
    page = (site / "output" / "posts" / "a-first-post" / "index.html").read_text(encoding="utf-8")
    shown = lxml.html.fromstring(page).body.text_content()  # what a reader sees: no comment
    assert "We met, and we wrote it down." in shown and "TODO" not in shown and "Categories in use" not in shown


@pytest.mark.parametrize(
    "title,why",
    [
        ("The Big Rename", "the slug 'the-big-rename' is already used by posts/the-big-rename.rst"),
        ("  the big   RENAME ", "the slug 'the-big-rename' is already used"),
        ("Search", "the slug 'search' is already used by pages/search.rst"),
        ("!!! ???", "gives no slug"),
    ],
)
def test_a_title_whose_slug_is_taken_or_empty_is_refused_before_anything_is_written(site, title, why):
    before = sorted(p.name for p in (site / "posts").iterdir())
    done = make_post(site, title)
    assert done.returncode == 2 and why in done.stderr, done.stderr
    assert sorted(p.name for p in (site / "posts").iterdir()) == before
