#!/usr/bin/env python3
"""bench/RESULTS.md from the benchmark's summary files, one per measured N.

    .venv/bin/python bench/report.py [SUMMARY.json ...]

With no argument, the newest summary of each N in bench/results/. A summary
(``bench/results/<date>T<time>Z-<N>.json``, written by bench/run.py) holds only
the numbers the tables use; the raw runs stay in bench/results/raw/, which is
not in git. Every table, the goal table included (bench/goals.py), is computed
from the summaries; only the dated log between the ``log`` markers is written
by hand, and it is kept when the file is written again.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import goals  # noqa: E402

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
MARKDOWN = BENCH / "RESULTS.md"
FORMAT = 1  # of a summary file
MARK_START, MARK_END = "<!-- log -->", "<!-- /log -->"
HEAD = {"ours": "ours, one process", "ours_n2": "ours, `make site` (`-n 2`)", "pelican": "Pelican", "hugo": "Hugo"}
PREVIEW_EDITS = 5  # saves per preview run (bench/run.py)

fmt = goals.fmt


def summary_of(report, n, raw=None):
    """The small file kept for one N of one benchmark run: what the tables need, nothing else."""
    size = report["sizes"][str(n)]
    ours = size["runs"].get("ours") or []
    return {
        "format": FORMAT,
        "date": report["date"],
        "posts": int(n),
        "repeats": size["repeats"],
        "seed": report["seed"],
        "machine": report["machine"],
        "versions": report["versions"],
        "source": report.get("source", {}),
        "edited": size["edited"],
        "typical": size["typical"],
        "raw": raw,
        "summary": size["summary"],
        "edit_written_by_folder": ours[-1]["edit"].get("files_written_by_folder") if ours else None,
    }


def summary_name(report, n):
    return "{0}-{1}.json".format(report["date"].replace(":", "").replace("+0000", "Z"), n)


def latest(folder=RESULTS):
    """The newest summary file of each N in ``folder``."""
    newest = {}
    for path in sorted(Path(folder).glob("*-*.json")):  # names start with the date: later sorts last
        data = json.loads(path.read_text())
        if data.get("format") == FORMAT:
            newest[data["posts"]] = path
    return [newest[n] for n in sorted(newest)]


def load(paths):
    """{N: (file name, summary)} from summary files."""
    found = {}
    for path in paths:
        data = json.loads(Path(path).read_text())
        if data.get("format") != FORMAT:
            raise SystemExit(f"{path}: not a benchmark summary (format {FORMAT})")
        found[data["posts"]] = (Path(path).name, data)
    return dict(sorted(found.items()))


def _kb(b):
    return f"{b / 1024:.1f}"


def _size_table(s, engines):
    lines = [
        "Output size, MB (the site's own files; `.gz`/`.br` copies apart):",
        "",
        "| part | " + " | ".join(HEAD[e] for e in engines) + " |",
        "|---" * (len(engines) + 1) + "|",
    ]
    names = ["pages", "current feeds", "feed archives", "search index", "other"]
    for part in names + ["own total", "copies (`.gz` + `.br`)", "with copies"]:
        cells = []
        for e in engines:
            parts = s[e].get("parts") or {}
            own = sum(v["bytes"] for k, v in parts.items() if k != "copies")
            copies = parts.get("copies", {}).get("bytes", 0)
            value = {"own total": own, "copies (`.gz` + `.br`)": copies, "with copies": own + copies}.get(
                part, parts.get(part, {}).get("bytes", 0)
            )
            cells.append(f"{value / 1e6:.1f}" if parts else "-")
        lines.append("| {0} | {1} |".format(part, " | ".join(cells)))
    return lines + [""]


def _search_table(found):
    if not found:
        return []
    lines = [
        "Search (`bench/search.py`, on the built site): {0} bundles against one Pagefind index of every"
        " post page.".format(found["bundles"]),
        "",
        "| | bundles | one index | bundles / one |",
        "|---|---|---|---|",
        "| index from nothing | {0} | {1} | {2:.2f}x |".format(
            fmt(found["bundled"], digits=2),
            fmt(found["single"], digits=2),
            found["bundled"]["median"] / found["single"]["median"],
        ),
        "| after a one-post edit | {0} | (all again) {1} | |".format(
            fmt(found["edit"], digits=2), fmt(found["single"], digits=2)
        ),
        "| peak RSS of a search process | {0} | {1} | |".format(
            fmt(found["bundled_peak_mb"], " MB", 0), fmt(found["single_peak_mb"], " MB", 0)
        ),
    ]
    for kind, q in found["queries"].items():
        lines.append(
            "| bytes for one query, {0} (`{1}`, {2} found) | {3} KiB | {4} KiB | {5:.2f}x |".format(
                kind, q["query"], q["found"][0], _kb(q["bundled"]), _kb(q["single"]), q["ratio"]
            )
        )
    return lines + [""]


def _size_section(name, data):
    s, n = data["summary"], data["posts"]
    engines = [e for e in ("ours", "ours_n2", "pelican", "hugo") if e in s]
    ratio, dratio = s.get("ratio_ours_pelican"), s.get("ratio_default_pelican")
    runs = data["repeats"]
    lines = [
        "## N = {0:,} posts ({1} run{2}, `{3}`)".format(n, runs, "" if runs == 1 else "s", name),
        "",
        "| | " + " | ".join(HEAD[e] for e in engines) + (" | ours / Pelican |" if ratio else " |"),
        "|---" * (len(engines) + 1 + (1 if ratio else 0)) + "|",
    ]

    def row(label, key, unit=" s", digits=1, ratio_text=""):
        # A summary from before a measurement existed (the back-dated post) says nothing of it.
        if not any(s[e].get(key) for e in engines):
            return
        cells = [fmt(s[e].get(key), unit, digits) for e in engines]
        lines.append("| {0} | {1}{2} |".format(label, " | ".join(cells), (" | " + ratio_text) if ratio else ""))

    def both(phase):
        if not ratio:
            return ""
        text = "one process {0}".format(fmt(ratio.get(phase), "x", 2))
        if dratio:
            text += "; `make site` {0}".format(fmt(dratio.get(phase), "x", 2))
        return text

    row("full clean build", "full", ratio_text=both("full"))
    row("no-op rebuild", "noop", ratio_text=both("noop"))
    row("one-post edit (`build`)", "edit", ratio_text=both("edit"))
    for key, label in goals.SCENARIOS:
        row(label + " (`build`)", key)
    row("peak RSS, largest process, clean build", "full_peak_mb", " MB", 0)
    row("peak RSS, largest process, edit", "edit_peak_mb", " MB", 0)
    row("preview: save until its URL serves the new text", "preview", digits=2)
    row("preview: save until the background build is done", "preview_settled")
    row("preview: start-up until it serves", "preview_startup")
    row("precompression alone (of the full build)", "precompress")
    row("full build, CPU s (user+sys)", "full_cpu")
    row("edit, CPU s", "edit_cpu")
    row("peak memory, process tree (PSS)", "peak_tree_pss_mb", " MB", 0)
    row("peak RSS, preview server", "preview_rss_mb", " MB", 0)
    row("output, own files", "own_mb", " MB", 1, fmt(ratio.get("size"), "x", 2) if ratio else "")
    row(
        "output with `.gz`/`.br` copies",
        "copies_mb",
        " MB of copies",
        1,
        ("with copies " + fmt(ratio.get("size_with_copies"), "x", 2)) if ratio else "",
    )
    row("output files", "output_files", "", 0)
    row("files written by the edit", "edit_written", "", 0)
    lines.append("")
    written = data.get("edit_written_by_folder")
    if written:
        top = sorted(written.items(), key=lambda kv: -kv[1])[:5]
        lines += ["Our edit rewrote, by output folder: " + ", ".join(f"`{k}/` {v}" for k, v in top) + ".", ""]
    lines += _size_table(s, engines)
    lines += _search_table(s.get("search"))
    if "floor" in s:
        lines += [
            "Floor, docutils alone on the {0:,} bodies in one process (`bench/floor.py`): {1}; {2} docutils "
            "warnings. Our full build is {3} the floor{4}.".format(
                n,
                fmt(s["floor"]),
                s["floor_warnings"],
                fmt(s.get("full_over_floor"), "x", 1),
                (
                    ", {0} with `-n 2`".format(fmt(s["full_n2_over_floor"], "x", 1))
                    if s.get("full_n2_over_floor")
                    else ""
                ),
            ),
            "",
        ]
    lines += [
        "Page weight (HTML + CSS + JS as built, images excluded; KiB):",
        "",
        "| page | engine | HTML | CSS | JS | total | gzip -9 | files |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page in ("home", "post"):
        for e in engines:
            if e == "ours_n2":
                continue
            w = s[e]["weight_" + page]
            lines.append(
                "| {0} `{1}` | {2} | {3} | {4} | {5} | **{6}** | {7} | {8}{9} |".format(
                    page,
                    w["page"],
                    HEAD[e],
                    _kb(w["html"]),
                    _kb(w["css"]),
                    _kb(w["js"]),
                    _kb(w["total"]),
                    _kb(w["total_gzip"]),
                    len(w["files"]),
                    (", off-site: " + ", ".join(w["external"])) if w["external"] else "",
                )
            )
    return lines + [""]


def render_markdown(summaries, log=""):
    """RESULTS.md from ``summaries`` ({N: (file name, summary)}, as :func:`load` gives)."""
    lines = (
        [
            "# Benchmark results",
            "",
            "Every table below is written by `bench/report.py` from the summary files in `bench/results/` it"
            " names (see bench/README.md); the goal table's verdicts are computed (bench/goals.py), never"
            " written by hand. Times are wall-clock seconds: the median of the paired, alternating runs with"
            " the (min-max) spread; a single value is a single run. The machine is shared with other work, so"
            " compare ratios measured together, not seconds across days. Where our build's time goes:"
            " bench/PROFILE.md.",
            "",
            "## Goals (issues 19, 20 and 30)",
            "",
            "A goal is met when the measured value is at most the target (the median of the runs; for memory,"
            " the largest of them).",
            "",
        ]
        + goals.table(summaries)
        + [
            "",
            "## Log",
            "",
            MARK_START,
            log.strip("\n"),
            MARK_END,
            "",
            "## Machine, versions, sources",
            "",
        ]
    )
    for n, (name, data) in summaries.items():
        m, v, src = data["machine"], data["versions"], data["source"]
        lines.append(
            "- `{0}`: N = {1:,}, {2} run(s), {3}; commit {4}{5}; load average {6} at the start, {7} at the"
            " end; Python {8}, Nikola {9}, docutils {10}, Pelican {11}, Hugo {12}".format(
                name,
                n,
                data["repeats"],
                data["date"],
                src.get("commit"),
                " with uncommitted changes" if src.get("uncommitted") else "",
                " ".join(f"{x:.2f}" for x in m["loadavg_start"]),
                " ".join(f"{x:.2f}" for x in m.get("loadavg_end", ())),
                v["python"],
                v["nikola"],
                v["docutils"],
                v.get("pelican") or "not run",
                v.get("hugo") or "not run",
            )
        )
    if summaries:
        m = next(iter(summaries.values()))[1]["machine"]
        lines.append(
            "- machine: {0} cores ({1}), {2} GiB RAM, {3}, Linux {4}".format(
                m["nproc"], m["cpu"], m["memory_gib"], m["os"], m["kernel"]
            )
        )
    lines.append("")
    for name, data in summaries.values():
        lines += _size_section(name, data)
    lines += [
        "## What each row measures",
        "",
        "- full clean build: a fresh copy of the generated site (bench/generate.py), no output, cache or"
        " state; `nikola build` (one process) and `nikola build -n 2` (what `make site` runs on two cores),"
        " `pelican` with an empty cache, `hugo`.",
        "- no-op rebuild: the same command again, nothing changed.",
        "- one-post edit: a paragraph appended to the body of the post in the middle of the corpus, then"
        " the same command. Then, in this order, each followed by the same command: that post's title and"
        " tags changed, a new post (dated an hour ago), another post deleted (from a third of the way into"
        " the corpus), a back-dated post (a new post dated a minute after the edited one, in the middle of"
        " the history: an imported old post or a corrected date).",
        f"- preview: `nikola preview` (what `make serve` runs) started on the built site, then {PREVIEW_EDITS} saves of"
        " that post, each a new sentence appended; the time from the write until its URL serves the new"
        " sentence (polled every 5 ms), and until the preview says its background build is done. Hugo:"
        " `hugo server` (fast render mode, in memory), the same saves on the Markdown twin.",
        "- precompression: plugins/precompress alone, on a copy of the full build's output without its copies.",
        "- peak RSS: the largest process (wait4 rusage); process tree: the summed proportional set size of"
        " every process of the build, sampled every 0.2 s (matters for `-n 2`).",
        "- output size: bytes of every file; ours also without the `.gz`/`.br` copies, a web server's"
        " optimisation (goals are judged on the site's own files).",
        "- floor: docutils alone converting the N bodies in one process, with the settings Nikola gives it.",
        "- search: bench/search.py on the built site; the bytes for one query are what Chromium downloads"
        " through the project's nginx config from a fresh search page.",
        "- page weight: HTML + CSS (with its `@import`s) + JS of the home page and of a typical post;"
        " images and fonts excluded.",
        "",
        "The anchors are configured as their users would configure a blog like this one:",
        "",
        "- Pelican (bench/requirements-pelican.txt, its own virtualenv): the same reST posts, its default"
        " theme, feeds for the blog and every category, tag and author (RSS and Atom, full content) with"
        " `FEED_MAX_ITEMS = 10` as ours (its default is 100), ten posts per index page, its content cache on"
        " (`LOAD_CONTENT_CACHE`, `CACHE_CONTENT`; the clean build starts without one). It rewrites every"
        " output file on every run.",
        "- Hugo (Debian's package): the same posts in Markdown (the note as a blockquote, footnotes, fenced"
        " code) with bench/generate.py's minimal layouts, which show what our pages show (byline, categories,"
        " reading time, tags, previous and next post, ten summaries per list page) and nothing else;"
        " `rssLimit = 10` (its default puts every post in every feed); RSS for home, sections and terms.",
        "",
    ]
    return "\n".join(lines)


def kept_log(markdown):
    try:
        text = Path(markdown).read_text()
    except OSError:
        return ""
    if MARK_START in text and MARK_END in text:
        return text.split(MARK_START, 1)[1].split(MARK_END, 1)[0]
    return ""


def write_markdown(paths, markdown=MARKDOWN):
    Path(markdown).write_text(render_markdown(load(paths), kept_log(markdown)))


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if any(a.startswith("-") for a in args):
        sys.exit(__doc__)
    paths = [Path(a) for a in args] or latest()
    if not paths:
        sys.exit(f"no summary files in {RESULTS}: run bench/run.py first")
    write_markdown(paths)
    print("wrote {0} from {1}".format(MARKDOWN, ", ".join(p.name for p in paths)), file=sys.stderr)


if __name__ == "__main__":
    main()
