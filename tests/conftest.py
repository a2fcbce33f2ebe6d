"""The shared fixtures: the sites several test files read, each built once per test session
(``built``, the blog; ``good_site``; ``faults``; ``hostile_site``), and Hypothesis's profiles.
Helpers are in tests/support (``support.x``); docs/tests.md describes the layers.

Under ``pytest -n 2 --dist loadgroup`` (``make test``) the sites every worker
needs are built once for all of them: the first worker to ask builds, the
others wait for it and read the same folder; and the tests of a site that a
test module builds for itself (a module-scoped fixture) run on one worker, so
it is built once. A test that changes a built site
works on a copy (sitebuild.copy_built).
"""

import gc
import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from support import hostile, sitebuild
from support.shared import SITES, session_folder, shared_build
from support.sitebuild import copy_site, nikola_build

# Property tests: 150 examples each in `make test`; `make test-fast` asks for
# the "fast" profile (30), enough to catch a slip in the edit-test loop.
settings.register_profile("full", max_examples=150, deadline=None)
settings.register_profile("fast", max_examples=30, deadline=None)
settings.load_profile("full")


@pytest.hookimpl(tryfirst=True)  # before xdist turns the mark into a work unit
def pytest_collection_modifyitems(config, items):
    """Tests that share a module-scoped fixture (a site their module builds) run
    on one worker under ``--dist loadgroup``, so it is built once."""
    for item in items:
        if any(defs and defs[-1].scope == "module" for defs in item._fixtureinfo.name2fixturedefs.values()):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session", autouse=True)
def shared_templates(tmp_path_factory):
    """Every fixture site of the session keeps its compiled templates in one folder
    (compiling the theme was a third of a small site's build)."""
    sitebuild.TEMPLATE_CACHE = session_folder(tmp_path_factory) / "templates"
    sitebuild.TEMPLATE_CACHE.mkdir(exist_ok=True)


# The session's blog has its search index split into bundles as a large
# site's is (plugins/search_index/bundles.py): 2 to 4 posts each, not one
# bundle for its 20 posts, so the search tests search across bundles.
BLOG_SETTINGS = {"SEARCH_BUNDLE_POSTS": 4}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The whole blog, built once per test session from a fresh copy, as it is served."""
    from sitecheck.site_model import Site  # BeautifulSoup: imported by the workers, not by xdist's controller (0.2 s)

    build = shared_build(
        tmp_path_factory, "blog", lambda folder: nikola_build(copy_site(folder, settings=BLOG_SETTINGS), served=True)
    )
    assert build.returncode == 0, build.log
    return Site(build.output)


@pytest.fixture(scope="session")
def good_site(tmp_path_factory):
    """tests/sites/good/: one correct post in the site's frame."""
    build = shared_build(
        tmp_path_factory,
        "good",
        lambda folder: nikola_build(copy_site(folder, overlay=SITES / "good", with_posts=False)),
    )
    assert build.returncode == 0, build.log
    return build


# tests/sites/faults/: one post per planted fault, laid over the site's frame.
FAULTS = SITES / "faults"


def plant(dest: Path) -> Path:
    copy_site(dest, with_posts=False, media=("images/ATL.jpg",))  # with the search and 404 pages
    for src in sorted(FAULTS.rglob("*")):
        if src.is_dir():
            continue
        rel = src.relative_to(FAULTS)
        if src.suffix == ".append":
            target = dest / rel.with_suffix("")
            assert target.is_file(), f"{rel} appends to a file the site does not have"
            with target.open("a", encoding="utf-8") as f:
                f.write(src.read_text(encoding="utf-8"))
        else:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="session")
def faults(tmp_path_factory):
    """The planted-fault site (tests/build/test_planted_faults.py), built once per session."""
    from sitecheck.site_model import Site

    build = shared_build(tmp_path_factory, "faults", lambda folder: nikola_build(plant(folder)))
    assert build.returncode == 0, build.log
    assert "WARNING" not in build.log and "ERROR" not in build.log, build.log
    return Site(build.output)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    """(Site, {slug: expected values}): tests/support/hostile.py's posts in the site's frame,
    built once per session (tests/build/test_untrusted_posts.py)."""
    from sitecheck.site_model import Site

    def make(folder):
        root = copy_site(folder, with_posts=False, settings={"PROPOSE_CHANGE_URL": hostile.PROPOSE_CHANGE_URL})
        hostile.write_posts(root / "posts")
        # What the posts say, kept beside them: the worker that reads the build may not be the one
        # that wrote it, and Hypothesis's draw is not promised to be the same in every process.
        (folder / "expected.pickle").write_bytes(pickle.dumps(hostile.expected_values()))
        return nikola_build(root)

    build = shared_build(tmp_path_factory, "hostile", make)
    assert build.returncode == 0, build.log
    assert "WARNING" not in build.log and "ERROR" not in build.log, build.log
    return Site(build.output), pickle.loads((build.root / "expected.pickle").read_bytes())


def pytest_collection_finish(session):
    """The collected tests (and the modules they came from) live to the end: Python's
    cycle collector need not walk them again (gc.freeze), and with the parsed
    pages the tests keep it runs less often: half the collections and half the
    time (1 s of each worker's 17 s in `make test-fast`)."""
    gc.freeze()
    gc.set_threshold(7000, 10, 10)
