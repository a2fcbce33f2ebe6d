#!/usr/bin/env python3
"""Where a build's time goes, by phase: for the lead's optimisation work.

    .venv/bin/python bench/profile_build.py [--posts 1000]

On a fresh copy of the synthetic corpus (bench/generate.py) this runs a full
clean build, a no-op rebuild and a one-post edit, each in a fresh process
and in-process (``nikola.__main__.main(['build'])``), twice:

1. with light phase timers (wrappers around a dozen Nikola and doit
   functions, no profiler): wall seconds per phase, inclusive and exclusive
   of the phases nested in it, and per doit task basename the time spent
   checking whether its tasks are up to date, running them and saving
   their state;
2. under cProfile: the top functions by cumulative and by own time.

The tables go to bench/PROFILE.md (the hand-written findings between the
``findings`` markers in that file are kept) and the raw data to
bench/results/profile-*.json; the .prof files stay in bench/work/profile/
for ``python -m pstats`` or snakeviz.

The wrappers name Nikola 8.3.3 and doit 0.37 internals on purpose; they
only observe, and change nothing a build does.
"""

import argparse
import collections
import cProfile
import functools
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work" / "profile"
PYTHON = ROOT / ".venv" / "bin" / "python"
MARK_START, MARK_END = "<!-- findings -->", "<!-- /findings -->"


# --- phase timers (run inside the build process) --------------------------------

class Phases:
    """Inclusive and exclusive wall time per label; nested labels pause their parent."""

    def __init__(self):
        self.incl = collections.Counter()
        self.excl = collections.Counter()
        self.calls = collections.Counter()
        self.stack = []  # [label, start, child_time]
        self.active = collections.Counter()  # recursion guard for inclusive time

    def enter(self, label):
        self.stack.append([label, time.perf_counter(), 0.0])
        self.active[label] += 1

    def leave(self):
        label, start, child = self.stack.pop()
        spent = time.perf_counter() - start
        self.active[label] -= 1
        if not self.active[label]:
            self.incl[label] += spent
        self.excl[label] += spent - child
        self.calls[label] += 1
        if self.stack:
            self.stack[-1][2] += spent

    def wrap(self, label_of):
        """Decorator factory: ``label_of(*args)`` names the phase of one call."""
        def deco(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                self.enter(label_of(*args, **kwargs) if callable(label_of) else label_of)
                try:
                    return fn(*args, **kwargs)
                finally:
                    self.leave()
            return wrapper
        return deco

    def timed_iter(self, label, iterable):
        """Iterate, charging the time spent producing items to ``label``."""
        it = iter(iterable)
        while True:
            self.enter(label)
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                self.leave()
            if not isinstance(item, dict) and hasattr(item, "__iter__"):
                item = list(self.timed_iter(label, item))  # nested generators of tasks
            yield item


def _basename(task):
    return task.name.split(":", 1)[0]


def install_timers(ph):
    """Wrap the functions whose time makes up a build."""
    import docutils.core
    import doit.control
    import doit.dependency
    import doit.loader
    import doit.runner
    import nikola.nikola
    import nikola.post
    import nikola.utils

    N = nikola.nikola.Nikola
    N.init_plugins = ph.wrap("startup: load plugins")(N.init_plugins)
    N.scan_posts = ph.wrap("scan posts")(N.scan_posts)
    N.render_template = ph.wrap("render templates (Jinja)")(N.render_template)
    nikola.post.Post.text = ph.wrap("Post.text (read compiled HTML)")(nikola.post.Post.text)
    nikola.utils.copy_file = ph.wrap("copy files")(nikola.utils.copy_file)
    cc = nikola.utils.config_changed
    cc._calc_digest = ph.wrap("config_changed digests (JSON + md5)")(cc._calc_digest)
    docutils.core.Publisher.publish = ph.wrap("docutils publish")(docutils.core.Publisher.publish)

    original_gen_tasks = N.gen_tasks

    def gen_tasks(self, name, plugin_category, doc=""):
        for info in self.plugin_manager.get_plugins_of_category(plugin_category):
            obj = info.plugin_object
            if not getattr(obj.gen_tasks, "_timed", False):
                fn = obj.gen_tasks

                def timed(fn=fn, label="gen_tasks: " + obj.name):
                    return ph.timed_iter(label, fn())
                timed._timed = True
                obj.gen_tasks = timed
            if obj.name == "blog_feeds":
                _wrap_feeds(ph, obj)
        return original_gen_tasks(self, name, plugin_category, doc)

    N.gen_tasks = gen_tasks

    doit.loader.generate_tasks = ph.wrap("doit: collect tasks")(doit.loader.generate_tasks)
    import nikola.__main__ as nm
    nm.generate_tasks = doit.loader.generate_tasks
    doit.control.TaskControl.__init__ = ph.wrap("doit: task graph")(doit.control.TaskControl.__init__)
    doit.control.TaskControl.process = ph.wrap("doit: task graph")(doit.control.TaskControl.process)
    D = doit.dependency.Dependency
    D.get_status = ph.wrap(lambda self, task, *a, **k: "up-to-date check: " + _basename(task))(D.get_status)
    D.save_success = ph.wrap(lambda self, task, *a, **k: "save state: " + _basename(task))(D.save_success)
    D.close = ph.wrap("doit: write state DB")(D.close)
    doit.dependency.DbmDB.__init__ = ph.wrap("doit: open state DB")(doit.dependency.DbmDB.__init__)
    R = doit.runner.Runner
    R.execute_task = ph.wrap(lambda self, task: "run: " + _basename(task))(R.execute_task)


def _wrap_feeds(ph, plugin):
    mod = sys.modules[type(plugin).__module__]
    if getattr(mod, "_timed", False):
        return
    mod._timed = True
    mod.collect.entry = ph.wrap("feeds: entries (post text, lxml)")(mod.collect.entry)
    mod.writer.render = ph.wrap("feeds: feedgen render")(mod.writer.render)
    mod.collect.documents = ph.wrap("feeds: documents")(mod.collect.documents)


def worker(mode, site, out):
    """Run one ``nikola build`` in this process, timed or profiled."""
    os.chdir(site)
    t0 = time.perf_counter()
    if mode == "timed":
        ph = Phases()
        ph.enter("(everything else)")
        install_timers(ph)
        from nikola.__main__ import main
        try:
            rc = main(["build"])
        except SystemExit as e:
            rc = e.code
        ph.leave()
        wall = time.perf_counter() - t0
        data = {"wall": wall, "rc": rc,
                "phases": {k: {"incl": ph.incl[k], "excl": ph.excl[k], "calls": ph.calls[k]} for k in ph.calls}}
        Path(out).write_text(json.dumps(data, indent=1))
    else:
        prof = cProfile.Profile()
        prof.enable()
        from nikola.__main__ import main
        try:
            rc = main(["build"])
        except SystemExit as e:
            rc = e.code
        prof.disable()
        prof.dump_stats(out)
        Path(out + ".wall").write_text(str(time.perf_counter() - t0))
    if rc:
        sys.exit(rc)


# --- driving the runs (parent process) ------------------------------------------------------

def run_worker(mode, site, out):
    t0 = time.perf_counter()
    proc = subprocess.run([str(PYTHON), __file__, "--worker", mode, str(site), str(out)],
                          env=dict(os.environ, NIKOLA_NO_COLOR="1"),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode:
        raise RuntimeError("profile worker failed:\n" + proc.stdout[-4000:])
    return time.perf_counter() - t0


def three_builds(mode, corpus, work, edit_slug, suffix, reuse=False):
    if reuse:  # only re-read the outputs of the last run (to rework the report)
        return {case: (work / "{0}-{1}.{2}".format(case, mode, suffix),
                       float((work / "{0}-{1}.{2}.process-wall".format(case, mode, suffix)).read_text()))
                for case in ("full", "noop", "edit")}
    site = work / ("site-" + mode)
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(corpus, site)
    outs = {}
    for case in ("full", "noop", "edit"):
        if case == "edit":
            with open(site / "posts" / (edit_slug + ".rst"), "a", encoding="utf-8") as f:
                f.write(generate.EDIT_PARAGRAPH)
        out = work / "{0}-{1}.{2}".format(case, mode, suffix)
        wall = run_worker(mode, site, out)
        Path(str(out) + ".process-wall").write_text(str(wall))
        print("  {0} {1}: {2:.1f}s".format(mode, case, wall), file=sys.stderr, flush=True)
        outs[case] = (out, wall)
    return outs


def top_functions(prof_path, key, limit=15, skip_above=0.97):
    """The top ``limit`` functions by ``key`` ('cumulative' or 'tottime')."""
    st = pstats.Stats(str(prof_path))
    total = st.total_tt
    rows = []
    for (filename, line, func), (cc, nc, tt, ct, _callers) in st.stats.items():
        rows.append({"func": func, "where": _short(filename, line), "calls": nc, "own": tt, "cum": ct})
        rows[-1]["dispatch"] = any(filename.endswith(f) and func == fn for f, fn in DISPATCH)
    rows.sort(key=lambda r: r["cum" if key == "cumulative" else "own"], reverse=True)
    if key == "cumulative":
        # The entry-point chain (main -> doit -> run) holds ~100% and says nothing.
        rows = [r for r in rows if r["cum"] < skip_above * total and not r["dispatch"]]
    return total, rows[:limit]


def drill_down(prof_path, limit=8, min_seconds=0.1):
    """{function: [its top callees]} for the DRILL functions that took at least min_seconds."""
    st = pstats.Stats(str(prof_path))
    st.calc_callees()
    found = []
    for (filename, line, func), (cc, nc, tt, ct, _callers) in st.stats.items():
        for part, name in DRILL:
            if func == name and filename.endswith(part) and ct >= min_seconds:
                callees = [{"func": f, "where": _short(fname, fline), "calls": c_nc, "cum": c_ct, "own": c_tt}
                           for (fname, fline, f), (c_cc, c_nc, c_tt, c_ct) in
                           st.all_callees.get((filename, line, func), {}).items()]
                callees.sort(key=lambda r: r["cum"], reverse=True)
                found.append({"func": func, "where": _short(filename, line), "calls": nc, "cum": ct,
                              "own": tt, "callees": callees[:limit]})
    found.sort(key=lambda r: r["cum"], reverse=True)
    return found


def _short(filename, line):
    for marker in ("site-packages/", "/plugins/", "lib/python3.11/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            if marker == "/plugins/":
                filename = "plugins/" + filename
            break
    return "{0}:{1}".format(filename, line)


GROUPS = (
    # (report line, which labels' exclusive time it sums). Every label is in exactly one
    # row, so the rows add up to the in-process wall time.
    ("start-up: plugin loading", lambda k: k == "startup: load plugins"),
    ("post scanning (Nikola.scan_posts)", lambda k: k == "scan posts"),
    ("task generation: gen_tasks of every plugin", lambda k: k.startswith("gen_tasks: ")),
    ("doit: collecting tasks and the task graph", lambda k: k in ("doit: collect tasks", "doit: task graph")),
    ("doit: up-to-date checks", lambda k: k.startswith("up-to-date check: ")),
    ("config_changed digests (JSON + md5 of each task's config)", lambda k: k.startswith("config_changed")),
    ("doit: saving state (md5 of file_dep, DB)", lambda k: k.startswith("save state: ")
     or k in ("doit: write state DB", "doit: open state DB")),
    ("docutils (compiling posts)", lambda k: k == "docutils publish"),
    ("Nikola.render_template: Jinja, lxml link rewriting, writing", lambda k: k == "render templates (Jinja)"),
    ("Post.text (reading compiled HTML, lxml)", lambda k: k == "Post.text (read compiled HTML)"),
    ("our feeds plugin: entries, documents, feedgen", lambda k: k.startswith("feeds: ")),
    ("copying files", lambda k: k == "copy files"),
    ("the rest of the task actions (writing files, pagefind, sitemap...)", lambda k: k.startswith("run: ")),
    ("everything else (imports, conf.py, Nikola(), doit set-up, exit)", lambda k: k == "(everything else)"),
)

# Functions that only pass control on (doit's command chain, Nikola's task flattening):
# left out of the top-cumulative lists, where they would fill every row with ~100%.
DISPATCH = {
    ("doit/doit_cmd.py", "run"), ("doit/cmd_base.py", "parse_execute"), ("doit/cmd_base.py", "execute"),
    ("doit/cmd_run.py", "_execute"), ("doit/runner.py", "run_all"), ("doit/runner.py", "run_tasks"),
    ("doit/loader.py", "generate_tasks"), ("doit/loader.py", "flat_generator"),
    ("nikola/__main__.py", "load_tasks"), ("nikola/__main__.py", "main"), ("nikola/__main__.py", "run"),
    ("nikola/nikola.py", "gen_tasks"), ("nikola/nikola.py", "flatten"),
    ("doit/runner.py", "execute_task"), ("doit/task.py", "execute"), ("doit/action.py", "execute"),
    ("doit/doit_cmd.py", "run"), ("nikola/plugin_categories.py", "execute"),
}

# Where to look one level down: (file part, function) -> its callees by cumulative time.
DRILL = (
    ("nikola/nikola.py", "scan_posts"),
    ("nikola/plugins/misc/scan_posts.py", "scan"),
    ("nikola/post.py", "__init__"),
    ("plugins/rules/metadata.py", "source_problems"),
    ("nikola/nikola.py", "generic_page_renderer"),
    ("nikola/utils.py", "_calc_digest"),
    ("nikola/plugins/compile/rest/doc.py", "_doc_link"),
    ("blinker/base.py", "send"),
    ("plugins/discovery/discovery.py", "add_to_post_page"),
    ("plugins/rest_strict/rest_strict.py", "compile"),
    ("nikola/post.py", "compile"),
    ("nikola/plugins/compile/rest/__init__.py", "rst2html"),
    ("doit/dependency.py", "get_status"),
    ("nikola/nikola.py", "render_template"),
    ("nikola/post.py", "text"),
    ("plugins/blog_feeds/blog_feeds/__init__.py", "gen_tasks"),
    ("plugins/sitemap_dates/sitemap_dates.py", "gen_tasks"),
    ("nikola/plugins/task/posts.py", "gen_tasks"),
    ("nikola/plugins/task/pages.py", "gen_tasks"),
    ("nikola/plugins/task/taxonomies.py", "gen_tasks"),
    ("nikola/plugins/task/taxonomies.py", "_generate_classification_page"),
)


# Who calls these, and how often (cumulative s spent in them per caller).
CALLERS = (
    ("nikola/post.py", "text"),
    ("nikola/utils.py", "_calc_digest"),
    ("inspect.py", "signature"),
)


def callers_of(prof_path, limit=8):
    st = pstats.Stats(str(prof_path))
    found = []
    for (filename, line, func), (cc, nc, tt, ct, callers) in st.stats.items():
        for part, name in CALLERS:
            if func == name and filename.endswith(part):
                rows = [{"func": f, "where": _short(fname, fline), "calls": c[1], "cum": c[3]}
                        for (fname, fline, f), c in callers.items()]
                rows.sort(key=lambda r: r["cum"], reverse=True)
                found.append({"func": func, "where": _short(filename, line), "calls": nc, "cum": ct,
                              "callers": rows[:limit]})
    return found


def group_table(phases):
    return [(title, sum(v["excl"] for k, v in phases.items() if pick(k))) for title, pick in GROUPS]


def by_basename(phases):
    """{basename: {gen, check, run, save, tasks}} from the labels."""
    table = collections.defaultdict(lambda: collections.Counter())
    for k, v in phases.items():
        for prefix, col in (("gen_tasks: ", "gen"), ("up-to-date check: ", "check"), ("run: ", "run"),
                            ("save state: ", "save")):
            if k.startswith(prefix):
                # gen: exclusive (the post scan lands in whichever plugin asks first);
                # the others inclusive (a task's run includes docutils, Jinja...).
                table[k[len(prefix):]][col] += v["excl" if col == "gen" else "incl"]
                if col == "check":
                    table[k[len(prefix):]]["tasks"] += v["calls"]
                if col == "run":
                    table[k[len(prefix):]]["ran"] += v["calls"]
    return table


def render(report, old_findings):
    n = report["posts"]
    lines = ["# Where the build's time goes (N = {0} posts)".format(n), "",
             "Written by `bench/profile_build.py` on {0} ({1}), sources at commit {3}{4}; raw data in "
             "`bench/results/{2}`. One process (`nikola build`, no `-n`), each build in a fresh "
             "process.".format(report["date"], report["machine"], report["json"],
                               report["source"]["commit"],
                               " with uncommitted changes" if report["source"]["uncommitted"] else ""), ""]
    lines += [MARK_START, old_findings.strip() or "(findings: to be written)", MARK_END, ""]
    timed = report["timed"]
    lines += ["## Phases (light timers, no profiler)", "",
              "Exclusive wall seconds: a phase nested in another (docutils inside a task's run,"
              " scanning inside the first gen_tasks) is counted once, where it happens.", "",
              "| phase | full | no-op | edit |", "|---|---|---|---|"]
    tables = {case: dict(group_table(timed[case]["phases"])) for case in ("full", "noop", "edit")}
    for title, _ in GROUPS:
        vals = [tables[c][title] for c in ("full", "noop", "edit")]
        lines.append("| {0} | {1:.2f} | {2:.2f} | {3:.2f} |".format(title, *vals))
    lines.append("| **wall, in-process** | **{0:.2f}** | **{1:.2f}** | **{2:.2f}** |".format(
        *[timed[c]["wall"] for c in ("full", "noop", "edit")]))
    lines.append("| wall, whole process | {0:.2f} | {1:.2f} | {2:.2f} |".format(
        *[timed[c]["process_wall"] for c in ("full", "noop", "edit")]))
    lines.append("")
    lines += ["## Per doit task basename", "",
              "Inclusive seconds: generating the tasks (gen), checking they are up to date (check),"
              " running the ones that are not (run), saving their state (save).", "",
              "| basename | tasks | full: gen / check / run / save | no-op: gen / check / ran | "
              "edit: gen / check / run (tasks ran) |", "|---|---|---|---|---|"]
    tb = {c: by_basename(timed[c]["phases"]) for c in ("full", "noop", "edit")}
    names = sorted(set(tb["full"]) | set(tb["noop"]),
                   key=lambda b: -(sum(tb["full"][b].values()) + sum(tb["noop"][b].values())))
    for b in names:
        f, o, e = tb["full"][b], tb["noop"][b], tb["edit"][b]
        lines.append("| {0} | {1} | {2:.2f} / {3:.2f} / {4:.2f} / {5:.2f} | {6:.2f} / {7:.2f} / {8} | "
                     "{9:.2f} / {10:.2f} / {11:.2f} ({12}) |".format(
                         b, int(f["tasks"] or o["tasks"]), f["gen"], f["check"], f["run"], f["save"],
                         o["gen"], o["check"], int(o["ran"]), e["gen"], e["check"], e["run"], int(e["ran"])))
    lines.append("")
    for case, title in (("noop", "no-op rebuild"), ("edit", "one-post edit"), ("full", "full clean build")):
        cp = report["cprofile"][case]
        lines += ["## cProfile: {0}".format(title), "",
                  "{0:.1f} s under the profiler ({1:.1f} s without it). Top 15 by cumulative time "
                  "(doit's and Nikola's dispatching functions, which only pass control on, left out):".format(cp["total"], timed[case]["process_wall"]), "",
                  "| cumulative s | own s | calls | function | where |", "|---|---|---|---|---|"]
        for r in cp["cumulative"]:
            lines.append("| {0:.2f} | {1:.2f} | {2} | `{3}` | {4} |".format(
                r["cum"], r["own"], r["calls"], r["func"], r["where"]))
        lines += ["", "Top 15 by own time:", "", "| own s | cumulative s | calls | function | where |",
                  "|---|---|---|---|---|"]
        for r in cp["own"]:
            lines.append("| {0:.2f} | {1:.2f} | {2} | `{3}` | {4} |".format(
                r["own"], r["cum"], r["calls"], r["func"], r["where"]))
        lines += ["", "One level down (cumulative s under the profiler; callee: calls, cumulative s):", ""]
        for d in cp["drill"]:
            lines.append("- `{0}` ({1}, {2} calls): {3:.2f} s, of which ".format(
                d["func"], d["where"], d["calls"], d["cum"]) + "; ".join(
                "`{0}` {1}x {2:.2f}".format(c["func"], c["calls"], c["cum"]) for c in d["callees"]))
        lines += ["", "Who calls (caller: calls, cumulative s spent in the callee from there):", ""]
        for d in cp["callers"]:
            lines.append("- `{0}` ({1}, {2} calls, {3:.2f} s) from ".format(
                d["func"], d["where"], d["calls"], d["cum"]) + "; ".join(
                "`{0}` ({1}) {2}x {3:.2f}".format(c["func"], c["where"], c["calls"], c["cum"])
                for c in d["callers"]))
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument("--markdown", type=Path, default=BENCH / "PROFILE.md")
    ap.add_argument("--reuse", action="store_true",
                    help="do not build; rewrite the report from the last run's files in --work")
    ap.add_argument("--worker", nargs=3, metavar=("MODE", "SITE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return worker(*args.worker)

    import run  # machine description, shared with the benchmark
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    posts = generate.make_posts(args.posts, args.seed)
    corpus = work / "corpus"
    source_file = work / "source.json"  # what was measured, kept for --reuse
    if not args.reuse:
        source_file.write_text(json.dumps(run.source_state()))
        generate.write_nikola_site(posts, corpus)
    edit_slug = posts[generate.edit_target(args.posts)].slug
    timed = three_builds("timed", corpus, work, edit_slug, "json", args.reuse)
    profiled = three_builds("cprofile", corpus, work, edit_slug, "prof", args.reuse)
    m = run.machine()
    report = {"posts": args.posts,
              "date": time.strftime("%Y-%m-%d", time.localtime((work / "full-timed.json").stat().st_mtime)),
              "machine": "{0} cores, {1}, Python {2}".format(m["nproc"], m["cpu"], sys.version.split()[0]),
              "source": json.loads(source_file.read_text()), "timed": {}, "cprofile": {}}
    for case, (out, wall) in timed.items():
        report["timed"][case] = dict(json.loads(Path(out).read_text()), process_wall=wall)
    for case, (out, wall) in profiled.items():
        total, cum = top_functions(out, "cumulative")
        _, own = top_functions(out, "tottime")
        report["cprofile"][case] = {"total": total, "process_wall": wall, "cumulative": cum, "own": own,
                                    "drill": drill_down(out), "callers": callers_of(out)}
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    name = "profile-{0}-{1}.json".format(args.posts, time.strftime("%Y%m%dT%H%M%S"))
    report["json"] = name
    (results / name).write_text(json.dumps(report, indent=1) + "\n")
    old = ""
    if args.markdown.exists():
        text = args.markdown.read_text()
        m2 = re.search(re.escape(MARK_START) + r"(.*?)" + re.escape(MARK_END), text, re.S)
        old = m2.group(1) if m2 else ""
    args.markdown.write_text(render(report, old))
    print("wrote {0} and {1}".format(results / name, args.markdown), file=sys.stderr)


if __name__ == "__main__":
    main()
