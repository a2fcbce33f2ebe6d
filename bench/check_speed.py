"""`make check` on one post against `make site` after the same edit, side by side on one corpus.

    .venv/bin/python bench/check_speed.py [--posts 1000] [--repeat 5]

Generates the corpus (generate.py) into bench/work/check-<N>/, builds it once
with `nikola build -n 2` (what `make site` runs), then, ``--repeat`` times,
alternating: appends a paragraph to the post in the middle and runs
scripts/check_post.py on it (what `make check POST=...` runs), then the
build. Also the check with no build record (a fresh clone that was never
built: every post is read). Prints wall seconds, median and range.
"""

import argparse
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


def timed(cmd, cwd, ok=(0,)):
    started = time.perf_counter()
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in ok:
        raise RuntimeError("{0} failed:\n{1}{2}".format(cmd, done.stdout, done.stderr))
    return wall


def spread(values):
    return "{0:.2f} s ({1:.2f}-{2:.2f}, {3} runs)".format(statistics.median(values), min(values), max(values),
                                                      len(values))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    site = BENCH / "work" / "check-{0}".format(args.posts)
    posts = generate.make_posts(args.posts)
    generate.write_nikola_site(posts, site)
    shutil.copytree(ROOT / "scripts", site / "scripts", dirs_exist_ok=True)
    source = site / "posts" / (posts[generate.edit_target(args.posts)].slug + ".rst")
    relative = source.relative_to(site)
    check = [PYTHON, site / "scripts" / "check_post.py", relative]
    cold = timed(check, site)  # nothing built yet: every post is read
    timed([NIKOLA, "build", "-n", "2"], site)
    checks, builds = [], []
    for i in range(args.repeat):
        with open(source, "a", encoding="utf-8") as f:
            f.write("\nAnother paragraph, number {0}, written to be checked.\n".format(i + 1))
        checks.append(timed(check, site))
        builds.append(timed([NIKOLA, "build", "-n", "2"], site))
    print("N = {0} posts".format(args.posts))
    print("make check POST={0}, after a build: {1}".format(relative, spread(checks)))
    print("make check POST={0}, never built (no record): {1:.2f} s".format(relative, cold))
    print("make site after the same edit: {0}".format(spread(builds)))


if __name__ == "__main__":
    main()
