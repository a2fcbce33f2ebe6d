"""Fixture sites, each built once per test session (per worker with pytest -n).

A test that changes a built site works on a copy (sitebuild.copy_built).
"""

import pytest

from sitebuild import ROOT, copy_site, nikola_build
from site_model import Site

SITES = ROOT / "tests" / "sites"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The whole blog, built once per test session from a fresh copy."""
    build = nikola_build(copy_site(tmp_path_factory.mktemp("site")))
    assert build.returncode == 0, build.log
    return Site(build.output)


@pytest.fixture(scope="session")
def good_site(tmp_path_factory):
    """tests/sites/good/: one correct post in the site's frame."""
    build = nikola_build(copy_site(tmp_path_factory.mktemp("good") / "site", overlay=SITES / "good",
                                   with_posts=False))
    assert build.returncode == 0, build.log
    return build
