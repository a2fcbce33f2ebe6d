"""The two sides of a review: the site at a base revision, and the working tree.

The base is checked out into ``.review/base/`` with a git index of its own
(``.review/base.index``): moving it to another revision rewrites only the
files that differ, so their times change and nothing else's, and the
planner's cache kept in ``.review/base/cache/planner`` makes its next build
an incremental one. Nothing is registered in the repository (no branch, no
``git worktree``), so a CI clone with only ``main`` works as well. The
working tree is built as ``make site`` builds it, into its own ``output/``:
what the author has already built is reused, and an uncommitted change is
what is reviewed.

The first review has no base build to start from: it builds the working
tree, copies that build (output, caches, doit's state, with their times)
into the base, and builds the base from there, so the base costs what the
change's difference costs, not a clean build. The planner's rule makes that
safe: its kept state is a cache keyed by file digests, settings and code,
and a build from a copy equals a clean build byte for byte
(tests/build/test_planner.py; tests/support/sitebuild.copy_built does the same).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

# Where the main line of development is, in the order looked for: a local
# branch, then what a CI clone usually has.
MAIN_REFS = ("main", "origin/main", "refs/remotes/origin/HEAD", "master", "origin/master")


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


def git(root, *args, env=None):
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise UsageError("git {0}: {1}".format(" ".join(args), proc.stderr.strip() or "failed"))
    return proc.stdout.strip()


def resolve(root, rev):
    """The commit ``rev`` names, or UsageError."""
    try:
        return git(root, "rev-parse", "--verify", "--quiet", rev + "^{commit}")
    except UsageError:
        raise UsageError(f"BASE={rev}: not a commit of this repository") from None


def default_base(root):
    """The merge-base of HEAD with the main branch (HEAD itself when HEAD is main)."""
    for ref in MAIN_REFS:
        try:
            main = git(root, "rev-parse", "--verify", "--quiet", ref + "^{commit}")
        except UsageError:
            continue
        return git(root, "merge-base", "HEAD", main), ref
    raise UsageError("no main branch here ({0}): give one, make review BASE=<rev>".format(", ".join(MAIN_REFS)))


def checkout(root, rev, folder):
    """``folder`` holds the tracked files of ``rev`` (build outputs and caches in it are kept)."""
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        GIT_INDEX_FILE=str(folder.parent / (folder.name + ".index")),
        GIT_DIR=git(root, "rev-parse", "--path-format=absolute", "--git-dir"),
    )
    env.pop("GIT_WORK_TREE", None)
    # Two-tree reset against the index of the last checkout: only changed
    # files are written, and files the new revision lacks are removed.
    git(folder, "--work-tree", str(folder), "read-tree", "-u", "--reset", rev, env=env)


def start_build(site, jobs, log, env=None):
    """Start building ``site`` into its output/ as ``make site`` does; the running process.

    The one place the build command is named: ``make site`` runs
    ``nikola build -n JOBS`` with the project's .venv. ``env``: variables
    added to this process's environment.
    """
    nikola = Path(sys.executable).with_name("nikola")
    with open(log, "wb") as out:
        return subprocess.Popen(
            [str(nikola), "build", "-n", str(jobs)],
            cwd=site,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, NIKOLA_NO_COLOR="1", **(env or {})),
        )


def build(site, jobs, log, env=None):
    """Build ``site`` (start_build); True if it succeeded."""
    return start_build(site, jobs, log, env).wait() == 0


# What a build leaves beside its sources, copied by ``seed``.
BUILT = ("cache", "output")


def seed(built, site):
    """Copy ``built``'s build (caches, doit's state, output) into ``site``, which has none yet.

    output/ is copied last, under another name, then renamed: a base with an
    output/ has been seeded whole (an interrupted copy is started again).
    """
    for name in (*BUILT, "output.seeding"):
        shutil.rmtree(os.path.join(site, name), ignore_errors=True)
    for entry in os.scandir(built):
        if entry.name.startswith(".doit.db") and entry.is_file():
            shutil.copy2(entry.path, os.path.join(site, entry.name))
    for name in BUILT:
        source = os.path.join(built, name)
        if os.path.isdir(source):
            target = os.path.join(site, name + ".seeding" if name == "output" else name)
            shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy2)
    if os.path.isdir(os.path.join(site, "output.seeding")):
        os.replace(os.path.join(site, "output.seeding"), os.path.join(site, "output"))
