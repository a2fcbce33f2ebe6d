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
        raise RuntimeError(f"{cmd} failed:\n{done.stdout}{done.stderr}")
    return wall


def spread(values):
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f}, {len(values)} runs)"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    site = BENCH / "work" / f"check-{args.posts}"
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
            f.write(f"\nAnother paragraph, number {i + 1}, written to be checked.\n")
        checks.append(timed(check, site))
        builds.append(timed([NIKOLA, "build", "-n", "2"], site))
    print(f"N = {args.posts} posts")
    print(f"make check POST={relative}, after a build: {spread(checks)}")
    print(f"make check POST={relative}, never built (no record): {cold:.2f} s")
    print(f"make site after the same edit: {spread(builds)}")


if __name__ == "__main__":
    main()
