#!/usr/bin/env python3
"""Where a build's time goes, as shares of the build: writes bench/PROFILE.md.

    .venv/bin/python bench/profile_build.py [--posts 1000]

On a fresh copy of the synthetic corpus (bench/generate.py) this runs a clean
build and then a one-post edit, each a plain ``nikola build`` (one process,
the build planner's path) in a fresh process:

1. ``--repeat`` times (3 by default) with light timers: the planner's own
   phases (plugins/planner records when each ends), the start-up before them
   and the exit after them, and inside them docutils, Jinja and reading
   compiled posts;
2. once under cProfile: the top functions by cumulative and by own time.

Every time is also given as a share (%) of its build: on a machine shared with
other work the seconds move from run to run, the shares much less. The whole
of bench/PROFILE.md is rewritten; the raw data go to bench/results/raw/ (not
in git) and the .prof files stay in bench/work/profile/ for ``python -m pstats``.

The timers wrap Nikola 8.3.3 and docutils functions and the planner's build
object on purpose; they only observe, and change nothing a build writes.
"""

import argparse
import collections
import cProfile
import functools
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work" / "profile"
RAW = BENCH / "results" / "raw"
PYTHON = ROOT / ".venv" / "bin" / "python"
CASES = (("full", "clean build"), ("edit", "one-post edit"))
# Timed inside the planner's phases (inclusive seconds; they overlap the phases, not each other).
INNER = (
    ("docutils (compiling posts)", "docutils.core", "Publisher", "publish"),
    ("Jinja templates (Nikola.render_template)", "nikola.nikola", "Nikola", "render_template"),
    ("reading compiled posts (Post.text)", "nikola.post", "Post", "text"),
)
# Functions that only pass control on: they hold ~100% and say nothing.
DISPATCH = {
    "<module>",
    "main",
    "run",
    "run_all",
    "run_tasks",
    "execute",
    "parse_execute",
    "_execute",
    "load_tasks",
    "generate_tasks",
    "flat_generator",
    "gen_tasks",
    "_run",
    "exec_module",
    "<built-in method builtins.exec>",
    "timed_run",
    "wrapped",
}


# --- inside the build process ----------------------------------------------------------


def install_timers(inner):
    """Wrap the INNER functions; ``inner`` collects their inclusive seconds."""
    import importlib

    for label, module, cls, name in INNER:
        owner = getattr(importlib.import_module(module), cls)
        original = getattr(owner, name)
        depth = collections.Counter()

        def wrapper(*args, original=original, label=label, depth=depth, **kwargs):
            depth[0] += 1
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1
                if not depth[0]:  # a nested call is inside its caller's time already
                    inner[label] += time.perf_counter() - t

        setattr(owner, name, functools.wraps(original)(wrapper))


def watch_planner(seen, site):
    """Wrap the planner's Build.run (plugins/planner/planner.py, which `nikola build`'s command runs)
    to note when it starts and ends and keep its phases."""
    sys.path.insert(0, str(site))  # the site's plugins/, as Nikola imports them
    from plugins.planner import planner

    run = planner.Build.run

    def timed_run(build):
        seen["start"] = time.perf_counter()
        build._last = time.monotonic()  # the first phase starts here, not when the build was made
        try:
            return run(build)
        finally:
            seen["end"] = time.perf_counter()
            seen["phases"] = list(build.phases)

    planner.Build.run = timed_run


def worker(mode, site, out):
    """One plain ``nikola build`` in this process, timed or under cProfile."""
    t0 = time.perf_counter()
    os.chdir(site)
    # A plain `nikola build` is the planner's (plugins/planner/command.py); Nikola's main() returns its status.
    seen, inner = {}, collections.Counter()
    watch_planner(seen, site)
    prof = None
    if mode == "timed":
        install_timers(inner)
    else:
        prof = cProfile.Profile()
        prof.enable()
    from nikola.__main__ import main

    try:
        rc = main(["build"])
    except SystemExit as e:
        rc = e.code
    end = time.perf_counter()
    if prof:
        prof.disable()
        prof.dump_stats(out)
    if rc:
        sys.exit(rc)
    if "phases" not in seen:
        sys.exit(
            "profile_build: the build did not go through plugins/planner's Build.run; "
            "bench/profile_build.py must follow how the planner is started now"
        )
    data = {
        "wall": end - t0,
        "startup": seen["start"] - t0,
        "exit": end - seen["end"],
        "phases": seen["phases"],
        "inner": dict(inner),
    }
    Path(out + ".json" if prof else out).write_text(json.dumps(data, indent=1))


# --- driving the runs (parent process) ------------------------------------------------------


def run_worker(mode, site, out):
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(PYTHON), __file__, "--worker", mode, str(site), str(out)],
        env=dict(os.environ, NIKOLA_NO_COLOR="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if proc.returncode:
        raise RuntimeError("profile worker failed:\n" + proc.stdout[-4000:])
    return time.perf_counter() - t0


def two_builds(mode, corpus, work, edit_slug):
    """A clean build, then a one-post edit, of a fresh copy of ``corpus``: {case: (out, process wall)}."""
    site = work / ("site-" + mode)
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(corpus, site)
    outs = {}
    for case, _title in CASES:
        if case == "edit":
            with open(site / "posts" / (edit_slug + ".rst"), "a", encoding="utf-8") as f:
                f.write(generate.EDIT_PARAGRAPH)
        out = work / "{0}-{1}.{2}".format(case, mode, "json" if mode == "timed" else "prof")
        wall = run_worker(mode, site, out)
        print(f"  {mode} {case}: {wall:.1f}s", file=sys.stderr, flush=True)
        outs[case] = (out, wall)
    return outs


def top_functions(prof_path, key, limit=15):
    """(total seconds, the top ``limit`` functions by ``key``: 'cum' or 'own')."""
    st = pstats.Stats(str(prof_path))
    rows = [
        {"func": func, "where": _short(filename, line), "calls": nc, "own": tt, "cum": ct}
        for (filename, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items()
    ]
    if key == "cum":
        rows = [r for r in rows if r["func"] not in DISPATCH and r["cum"] < 0.97 * st.total_tt]
    rows.sort(key=lambda r: r[key], reverse=True)
    return st.total_tt, rows[:limit]


def _short(filename, line):
    for marker in ("site-packages/", "/plugins/", "lib/python3.11/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            if marker == "/plugins/":
                filename = "plugins/" + filename
            break
    return f"{filename}:{line}"


def phase_rows(timed):
    """[(label, seconds)] adding up to the build's in-process wall time."""
    rows = [("start-up: Python, Nikola, conf.py, plugins", timed["startup"])]
    rows += [("planner: " + name, seconds) for name, seconds in timed["phases"]]
    rows.append(("after the build: doit, exit", timed["exit"]))
    accounted = sum(s for _l, s in rows)
    rows.append(("(between the planner's phases)", max(0.0, timed["wall"] - accounted)))
    return rows


def _spread(values, unit, digits=2):
    """Median (min-max) of ``values``; one value alone."""
    values = sorted(values)
    f = f"{{0:.{digits}f}}"
    mid = f.format(statistics.median(values)) + unit
    if len(values) == 1 or values[0] == values[-1]:
        return mid
    return f"{mid} ({f.format(values[0])}-{f.format(values[-1])})"


def render(report):
    n, timed = report["posts"], report["timed"]  # timed: {case: [one run's timings, ...]}
    runs = len(timed["full"])
    shares = {}  # {case: {label: [share of each run, %]}}
    seconds = {}
    for case, _t in CASES:
        for run_ in timed[case]:
            rows = phase_rows(run_) + [(label, run_["inner"].get(label, 0.0)) for label, *_w in INNER]
            for label, s in rows:
                shares.setdefault(case, {}).setdefault(label, []).append(100 * s / run_["wall"])
                seconds.setdefault(case, {}).setdefault(label, []).append(s)
    labels = [label for label, _s in phase_rows(timed["full"][0])]
    labels += [label for label, _s in phase_rows(timed["edit"][0]) if label not in labels]

    def cells(label):
        out = []
        for case, _t in CASES:
            if label not in shares[case]:
                out += ["-", ""]
            else:
                out += [_spread(shares[case][label], "%", 1), _spread(seconds[case][label], " s")]
        return " | ".join(out)

    def largest(case):
        ranked = sorted(labels, key=lambda label: -statistics.median(shares[case].get(label, [0])))[:3]
        return ", ".join(
            "{0} {1:.0f}%".format(label.replace("planner: ", "").split(":")[0], statistics.median(shares[case][label]))
            for label in ranked
        )

    lines = [
        f"# Where the build's time goes (N = {n:,} posts)",
        "",
        "Written by `bench/profile_build.py --posts {0}` on {1}, sources at commit {2}{3}, {4}. The whole "
        "file is rewritten by the script; raw data in `bench/results/raw/` (not in git).".format(
            n,
            report["date"],
            report["source"]["commit"],
            " with uncommitted changes" if report["source"]["uncommitted"] else "",
            report["machine"],
        ),
        "",
        "{4}load average {0} at the start, {1} at the end, on {2} cores. The shares "
        "(%) of each build are what to compare: the median of {3} timed runs with their (min-max) range. "
        "Each build is a plain `nikola build` (the planner's path, one process, no `-n`) in a fresh "
        "process, on bench/generate.py's corpus: the clean build starts from nothing, the edit appends a "
        "paragraph to the post in the middle.".format(
            report["load"][0],
            report["load"][1],
            report["nproc"],
            runs,
            "**Measured under load** (the machine was shared with other work, so the seconds are noisy): "
            if max(float(value) for value in report["load"]) > report["nproc"]
            else "Measured on a quiet machine: ",
        ),
        "",
        "The profile that plugins/build_speed's patches came from (2026-11-29, before the build planner, "
        "when doit ran every task) is in git history: `git show 0a9aff7:bench/PROFILE.md`.",
        "",
        "Largest shares: clean build: {0}; one-post edit: {1}.".format(largest("full"), largest("edit")),
        "",
        "## Phases (light timers, no profiler)",
        "",
        "The planner's phases as it records them (plugins/planner/planner.py, `Build.phase`), with the "
        "start-up before and the exit after: they add up to the build's wall time. The search phase is "
        "the wait for Pagefind, which starts during render on the other core: when render is slow, "
        "search is done before it ends.",
        "",
        "| phase | clean build | | one-post edit | |",
        "|---|---|---|---|---|",
    ]
    for label in labels:
        lines.append(f"| {label} | {cells(label)} |")
    lines.append(
        "| **the build, in-process** | **100%** | {0} | **100%** | {1} |".format(
            *[_spread([r["wall"] for r in timed[c]], " s") for c, _t in CASES]
        )
    )
    lines.append(
        "| whole process, from the parent | | {0} | | {1} |".format(
            *[_spread([r["process_wall"] for r in timed[c]], " s") for c, _t in CASES]
        )
    )
    lines += [
        "",
        "Inside those phases (inclusive; docutils is inside the compile phase, Jinja and "
        "Post.text mostly inside render):",
        "",
        "| work | clean build | | one-post edit | |",
        "|---|---|---|---|---|",
    ]
    for label, *_where in INNER:
        lines.append(f"| {label} | {cells(label)} |")
    lines.append("")
    for case, title in CASES:
        cp = report["cprofile"][case]
        lines += [
            f"## cProfile: {title}",
            "",
            "One run under the profiler: {0:.1f} s profiled, {1:.1f} s for the whole process. Top 15 "
            "by cumulative time, as a share of the profiled total (functions that only pass control "
            "on left out):".format(cp["total"], cp["process_wall"]),
            "",
            "| cumulative | own | calls | function | where |",
            "|---|---|---|---|---|",
        ]
        for r in cp["cum"]:
            lines.append(
                "| {0:.1f}% | {1:.1f}% | {2} | `{3}` | {4} |".format(
                    100 * r["cum"] / cp["total"], 100 * r["own"] / cp["total"], r["calls"], r["func"], r["where"]
                )
            )
        lines += [
            "",
            "Top 15 by own time:",
            "",
            "| own | cumulative | calls | function | where |",
            "|---|---|---|---|---|",
        ]
        for r in cp["own"]:
            lines.append(
                "| {0:.1f}% | {1:.1f}% | {2} | `{3}` | {4} |".format(
                    100 * r["own"] / cp["total"], 100 * r["cum"] / cp["total"], r["calls"], r["func"], r["where"]
                )
            )
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each build (cProfile: one)")
    ap.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument("--markdown", type=Path, default=BENCH / "PROFILE.md")
    ap.add_argument(
        "--render",
        type=Path,
        metavar="RAW",
        help="only rewrite the Markdown from a raw file of an earlier run (bench/results/raw/)",
    )
    ap.add_argument("--worker", nargs=3, metavar=("MODE", "SITE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return worker(*args.worker)
    if args.render:
        args.markdown.write_text(render(json.loads(args.render.read_text())))
        return

    import run  # the machine and the sources, described as the benchmark does

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    posts = generate.make_posts(args.posts, args.seed)
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    generate.write_nikola_site(posts, corpus)
    edit_slug = posts[generate.edit_target(args.posts)].slug
    m = run.machine()
    report = {
        "posts": args.posts,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": "{0} cores, {1}, Python {2}".format(m["nproc"], m["cpu"], sys.version.split()[0]),
        "nproc": m["nproc"],
        "source": run.source_state(),
        "timed": {},
        "cprofile": {},
    }
    load_start = os.getloadavg()[0]
    for _r in range(args.repeat):
        for case, (out, wall) in two_builds("timed", corpus, work, edit_slug).items():
            report["timed"].setdefault(case, []).append(dict(json.loads(Path(out).read_text()), process_wall=wall))
    for case, (out, wall) in two_builds("cprofile", corpus, work, edit_slug).items():
        total, cum = top_functions(out, "cum")
        _, own = top_functions(out, "own")
        report["cprofile"][case] = {"total": total, "process_wall": wall, "cum": cum, "own": own}
    report["load"] = [f"{load_start:.1f}", f"{os.getloadavg()[0]:.1f}"]
    RAW.mkdir(parents=True, exist_ok=True)
    raw = RAW / "profile-{0}-{1}.json".format(args.posts, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    raw.write_text(json.dumps(report, indent=1) + "\n")
    args.markdown.write_text(render(report))
    print(f"wrote {raw} and {args.markdown}", file=sys.stderr)


if __name__ == "__main__":
    main()
