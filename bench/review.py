#!/usr/bin/env python3
"""``make review`` beside ``make site``, at N posts: the cost of reviewing a change.

    .venv/bin/python bench/review.py --posts 1000 --repeat 3

The goal (issue 27): a review of a one-post edit, once both sides have been
built, takes at most twice an incremental ``make site`` of the same edit;
a review from nothing at most twice a clean build. Each pair is measured
side by side in one run, alternating which goes first, and reported as a
ratio: the machine is shared, so its absolute times drift.

Two copies of the synthetic site (bench/generate.py): ``plain/``, built as
``make site`` builds (``nikola build -n JOBS``), and ``reviewed/``, a git
repository whose only branch is ``main`` (as a CI clone), reviewed with
``python -m scripts.review`` (what ``make review`` runs) against its HEAD,
with the edit uncommitted in its working tree. Each repeat:

* from nothing: a clean build of ``plain/`` (output/, cache/ and doit's
  state removed) and a review of ``reviewed/`` with no build and no
  ``.review/`` (the base is checked out and both sides are built);
* a one-post edit: one more paragraph appended to the same post in both,
  then an incremental build of ``plain/`` and a review of ``reviewed/``.

Raw numbers go to bench/work/review-<N>.json (``--results``). Nothing here
asserts; tests/build/test_review.py runs it at N = 3 so that it keeps working.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
NIKOLA = ROOT / ".venv" / "bin" / "nikola"
GENERATED = ("output", "cache", "review", ".review")


def log(message):
    print(message, file=sys.stderr, flush=True)


def timed(cmd, cwd, ok=(0,)):
    env = dict(os.environ, NIKOLA_NO_COLOR="1", PYTHONPATH=str(ROOT))  # scripts/review is the project's
    env.pop("SITE_URL", None)
    with open(Path(cwd) / ".bench-last.log", "wb") as out:
        start = time.perf_counter()
        proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - start
    if proc.returncode not in ok:
        text = (Path(cwd) / ".bench-last.log").read_text(errors="replace")
        raise RuntimeError(
            "{0} failed in {1} (rc {2}):\n{3}".format(" ".join(map(str, cmd)), cwd, proc.returncode, text[-4000:])
        )
    return wall


def clean(site):
    for name in GENERATED:
        shutil.rmtree(site / name, ignore_errors=True)
    for stale in site.glob(".doit.db*"):
        stale.unlink()


def git(site, *args):
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        cwd=site,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup(n, work):
    posts = generate.make_posts(n)
    plain = generate.write_nikola_site(posts, work / "plain")
    reviewed = generate.write_nikola_site(posts, work / "reviewed")
    (reviewed / ".gitignore").write_text(
        "\n".join("/" + name + "/" for name in GENERATED) + "\n.doit.db*\n__pycache__/\n.bench-last.log\n"
    )
    git(reviewed, "init", "-q", "-b", "main")
    git(reviewed, "add", "-A")
    git(reviewed, "commit", "-q", "-m", "the synthetic site")
    slug = posts[generate.edit_target(n)].slug
    return plain, reviewed, slug


def edit(site, slug, k):
    with open(site / "posts" / (slug + ".rst"), "a", encoding="utf-8") as f:
        f.write(f"\nAn edit made by the review benchmark, number {k}.\n")


def pair(first, second, flip):
    """Run the two measurements, the second first when ``flip``."""
    if flip:
        b = second()
        return first(), b
    a = first()
    return a, second()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=BENCH / "work" / "review")
    parser.add_argument("--results", type=Path, help="where the numbers go (default: bench/work/review-N.json)")
    args = parser.parse_args(argv)
    plain, reviewed, slug = setup(args.posts, args.work)
    build = [NIKOLA, "build", "-n", args.jobs]
    review = [PYTHON, "-m", "scripts.review", "--jobs", args.jobs]
    runs = []
    for k in range(args.repeat):
        flip = k % 2 == 1
        clean(plain)
        clean(reviewed)
        git(reviewed, "checkout", "-q", "--", "posts")  # the working tree as committed, then one edit
        edit(reviewed, slug, "0")
        full, full_review = pair(lambda: timed(build, plain), lambda: timed(review, reviewed), flip)
        edit(plain, slug, k + 1)
        edit(reviewed, slug, k + 1)
        inc, inc_review = pair(lambda: timed(build, plain), lambda: timed(review, reviewed), flip)
        runs.append(
            {
                "clean_build": full,
                "review_from_nothing": full_review,
                "incremental_build": inc,
                "review_of_edit": inc_review,
            }
        )
        log(
            f"repeat {k + 1}: clean build {full:.1f} s, "
            f"review from nothing {full_review:.1f} s ({full_review / full:.2f}x); "
            f"one-post edit: build {inc:.2f} s, review {inc_review:.2f} s ({inc_review / inc:.2f}x)"
        )
    summary = {
        "posts": args.posts,
        "jobs": args.jobs,
        "runs": runs,
        "from_nothing_ratio": statistics.median(r["review_from_nothing"] / r["clean_build"] for r in runs),
        "edit_ratio": statistics.median(r["review_of_edit"] / r["incremental_build"] for r in runs),
    }
    out = args.results or BENCH / "work" / f"review-{args.posts}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(
        "N = {0}: review from nothing / clean build = {1:.2f} (goal <= 2); review of a one-post edit / "
        "incremental build = {2:.2f} (goal <= 2); medians of {3} paired runs, {4}".format(
            args.posts, summary["from_nothing_ratio"], summary["edit_ratio"], len(runs), out
        )
    )


if __name__ == "__main__":
    main()
