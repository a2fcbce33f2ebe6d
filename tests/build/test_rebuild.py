"""Rebuilds do what the author expects: nothing when nothing changed, everything needed otherwise.

What an author would lose if this failed: an edit, a new setting or a
deleted output file that the next build silently ignores.

plugins/planner lets a plain ``nikola build`` return at once when no
source, setting, tool or output file changed since the last successful
build (and build only what changed otherwise). These tests make sure the shortcut never hides a change. Each test
starts from a copy of the good fixture site as built once for the session
(modification times kept, so the copy is as up to date as the original).
"""

import os

import pytest
from support.sitebuild import copy_built, nikola_build

SKIPPED = "nothing changed since the last build"


@pytest.fixture()
def site(good_site, tmp_path):
    return copy_built(good_site.root, tmp_path / "site")


def snapshot(output):
    return {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}


def test_an_unchanged_site_is_not_rebuilt(site):
    before = snapshot(site / "output")
    again = nikola_build(site)
    assert again.returncode == 0 and SKIPPED in again.log, again.log
    assert snapshot(site / "output") == before


def test_an_edited_post_is_rebuilt(site):
    post = site / "posts" / "post.rst"
    post.write_text(post.read_text() + "\nAn added paragraph.\n")
    build = nikola_build(site)
    assert build.returncode == 0 and SKIPPED not in build.log, build.log
    assert "An added paragraph." in (site / "output" / "posts" / "a-good-post" / "index.html").read_text()


def test_a_changed_setting_from_the_environment_is_rebuilt(site):
    build = nikola_build(site, env={"SITE_URL": "https://mirror.example.org/"})
    assert build.returncode == 0 and SKIPPED not in build.log, build.log
    assert "https://mirror.example.org/posts/a-good-post/" in (site / "output" / "rss.xml").read_text()


def test_a_deleted_output_file_is_rebuilt(site):
    page = site / "output" / "archive.html"
    page.unlink()
    build = nikola_build(site)
    assert build.returncode == 0 and SKIPPED not in build.log, build.log
    assert page.is_file()


def test_a_failed_build_leaves_no_stamp_to_trust(site):
    post = site / "posts" / "post.rst"
    good = post.read_text()
    post.write_text(good + "\n.. frobnicate::\n")
    assert nikola_build(site).returncode != 0
    post.write_text(good)
    os.utime(post)  # back to the old text, with a new time: the build must check again
    build = nikola_build(site)
    assert build.returncode == 0 and SKIPPED not in build.log, build.log


def test_options_other_than_jobs_take_the_normal_path(site):
    build = nikola_build(site, "-a")
    assert build.returncode == 0 and SKIPPED not in build.log
