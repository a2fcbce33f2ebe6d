"""``make review``: python -m scripts.review [--base REV] [--jobs N] [--out review]

Builds the site at BASE (default: the merge-base of HEAD with the main
branch) in .review/base/ and the working tree in output/, as ``make site``
does, compares them and writes review/index.html and review/summary.md; prints
the summary. Exit status: 0, 1 when the change has an error (a URL dropped
with nothing answering for it, a changed feed GUID, a bad redirects.txt line,
a build that fails), 2 when the command is called wrongly.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from . import compare, html_report, sides, summary

STATE = ".review"


def _write(path, text):
    """``path`` holds ``text`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _failed(out, which, log):
    tail = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
    report = compare.Report(
        errors=["the build of the {0} failed (its log: {1}):\n{2}".format(which, log, "\n".join(tail))]
    )
    report.base, report.head = which, "not compared"
    text = summary.write(report)
    _write(out / "summary.md", text)
    _write(out / "index.html", html_report.write(report))
    print(text, end="")
    return 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make review", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="", help="the revision to compare with (default: merge-base with main)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="build processes (as make site)")
    parser.add_argument("--out", default="review", help="where the report is written")
    args = parser.parse_args(argv)
    root = Path.cwd()
    out, state = root / args.out, root / STATE
    try:
        if args.base:
            base, named = sides.resolve(root, args.base), args.base
        else:
            base, named = sides.default_base(root)
            named = "merge-base with " + named
        dirty = bool(sides.git(root, "status", "--porcelain", "--untracked-files=normal"))
    except sides.UsageError as error:
        print(f"make review: {error}", file=sys.stderr)
        return 2

    base_site = state / "base"
    sides.checkout(root, base, base_site)
    started = time.monotonic()
    if (base_site / "output").is_dir():
        # Both builds at once: each has stretches on one core (reading posts,
        # the search index) that the other fills.
        print(
            f"review: building the base ({base[:12]}, {named}) in {base_site}, and the working tree in output/",
            file=sys.stderr,
        )
        base_build = sides.start_build(base_site, args.jobs, state / "base-build.log")
        head_build = sides.start_build(root, args.jobs, state / "head-build.log")
        base_ok, head_ok = base_build.wait() == 0, head_build.wait() == 0
    else:
        print(
            f"review: building the working tree in output/, "
            f"then the base ({base[:12]}, {named}) in {base_site} from a copy of it",
            file=sys.stderr,
        )
        head_ok = sides.build(root, args.jobs, state / "head-build.log")
        if head_ok:
            sides.seed(root, base_site)
        base_ok = head_ok and sides.build(base_site, args.jobs, state / "base-build.log")
    built = time.monotonic()
    if not head_ok:
        return _failed(out, "working tree", state / "head-build.log")
    if not base_ok:
        return _failed(out, "base " + base[:12], state / "base-build.log")

    report = compare.compare(base_site / "output", root / "output", root, state_dir=state, base_root=base_site)
    report.base = f"{base[:12]} ({named})"
    head = sides.git(root, "rev-parse", "--short=12", "HEAD")
    report.head = "the working tree at {0}{1}".format(head, ", with uncommitted changes" if dirty else "")
    compared = time.monotonic()
    text = summary.write(report)
    _write(out / "index.html", html_report.write(report))
    _write(out / "summary.md", text)
    print(
        f"review: built in {built - started:.1f} s, compared in {compared - built:.1f} s, "
        f"report written in {time.monotonic() - compared:.1f} s",
        file=sys.stderr,
    )
    print(text, end="")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
