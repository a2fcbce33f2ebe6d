"""How long the test suite takes, from fresh clones, revisions interleaved.

    .venv/bin/python bench/suite.py [--runs N] [--target test-fast|test] [REV ...]

For each revision (default: HEAD) a clone is made in a temporary folder,
with this checkout's ``.venv`` and ``node_modules`` linked into it (the
suite is measured, not the install: ``make -o .venv/bin/.test``); before
each run it is cleaned back to a fresh clone (``git clean -fdx``: no
``.hypothesis``, no ``cache``), then ``make <target>`` runs. The runs of
the revisions alternate, so that the machine's drift (a fifth from hour to
hour on the project's 2-core machine, and seconds from minute to minute)
falls on all of them alike: compare revisions measured together, not
numbers taken on different days.

For each run: wall seconds, and CPU core-seconds of the whole machine
(user + system from /proc/stat, so every process of the run counts, the
forked builds, Pagefind and Chromium included; other work on the machine
counts too), and pytest's summary line. Then the median and range of each
revision. ``--json PATH`` also writes every run.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds():
    """Busy core-seconds of the machine since boot (user, nice, system, irq, softirq)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def clone(rev, folder):
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "--quiet", "--detach", rev], check=True)
    for shared in (".venv", "node_modules"):
        (folder / shared).symlink_to(ROOT / shared, target_is_directory=True)
    return folder


def run_once(folder, target):
    subprocess.run(["git", "-C", str(folder), "clean", "-fdxq", "-e", ".venv", "-e", "node_modules"], check=True)
    started, busy = time.monotonic(), cpu_seconds()
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/bin/.test", target],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wall, cpu = time.monotonic() - started, cpu_seconds() - busy
    lines = done.stdout.strip().splitlines()
    return {
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "exit": done.returncode,
        "summary": lines[-1].strip("= ") if lines else "",
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="*", default=["HEAD"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--target", choices=("test-fast", "test"), default="test-fast")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not (ROOT / ".venv" / "bin" / ".test").exists():
        sys.exit("bench/suite.py: run `make test` once first (it sets up .venv and node_modules)")
    revs = [
        subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", r], check=True, stdout=subprocess.PIPE, text=True
        ).stdout.strip()
        for r in args.revs
    ]
    runs = []
    with tempfile.TemporaryDirectory(prefix="suite-bench-") as tmp:
        folders = {rev: clone(rev, Path(tmp) / rev) for rev in revs}
        for number in range(1, args.runs + 1):
            for rev in revs:
                result = dict(rev=rev, run=number, **run_once(folders[rev], args.target))
                runs.append(result)
                print(
                    "{rev}  run {run}  wall {wall:6.1f} s  cpu {cpu:6.1f} core-s  {summary}".format(**result),
                    flush=True,
                )
    print(f"\nmake {args.target}, {args.runs} run(s) each, fresh clones:")
    for rev in revs:
        mine = [r for r in runs if r["rev"] == rev]
        walls, cpus = [r["wall"] for r in mine], [r["cpu"] for r in mine]
        print(
            "{0}  wall {1:.1f} s ({2:.1f}-{3:.1f})  cpu {4:.1f} core-s ({5:.1f}-{6:.1f}){7}".format(
                rev,
                statistics.median(walls),
                min(walls),
                max(walls),
                statistics.median(cpus),
                min(cpus),
                max(cpus),
                "" if all(r["exit"] == 0 for r in mine) else "  FAILED in some runs",
            )
        )
    if args.json:
        args.json.write_text(json.dumps({"target": args.target, "runs": runs}, indent=1) + "\n")
    return 0 if all(r["exit"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
