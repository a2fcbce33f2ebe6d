"""The benchmark's goals (issues 19, 20 and 30), judged from its summaries: met, or not met by how much.

Every verdict in bench/RESULTS.md's goal table comes from :func:`judge`, on the
numbers of the summary file named in the same row; nothing in that table is
written by hand. A goal is "at most the target": the measured value is the
median of the repeats (a single run is its own median), a peak of memory the
largest of the repeats. Where two issues set a goal on the same measurement,
the stricter target is kept, and a comment says which issue it comes from.
"""

from collections import namedtuple

# Per N: seconds, megabytes, or a ratio ("x"). None: no goal at that N. Issues 19 and 20 unless
# a comment says otherwise.
TARGETS = {
    1000: {
        "edit": 2.0,
        "over_hugo": 0.8,  # our edit / Hugo's CLI edit: issue 30 (issues 19 and 20: 1.0x)
        "preview_settled": 2.0,
        "edit_peak_mb": 150.0,
        "full_peak_mb": None,
        "floor": 2.0,  # `make site` (`-n 2`) / the docutils floor
        "one_process_floor": 1.6,  # one process / the docutils floor: issue 30
        "search_edit": 0.3,
        "search_peak_mb": 100.0,
    },
    10000: {
        "edit": 4.0,
        "over_hugo": 0.35,  # issue 30 (issues 19 and 20: 1.0x)
        "preview_settled": 4.0,
        "edit_peak_mb": 400.0,  # issue 30 (issues 19 and 20: 500 MB)
        "full_peak_mb": 500.0,  # issue 30 (issues 19 and 20: 1000 MB)
        "floor": None,
        "one_process_floor": None,
        "search_edit": 1.0,
        "search_peak_mb": 300.0,
    },
}
OVER_PELICAN = 1.0  # our clean build (`make site`) / Pelican's: issues 19, 20 and 30 alike
# A title and tags change, a new post (issues 19 and 20), a deleted post (issues 19, 20 and 30), a
# back-dated post (issue 30) / the body edit: the same target from each.
OVER_EDIT = 2.0
SCALE = 2.0  # the edit at 10,000 posts / the edit at 1,000
SEARCH_OVER_ONE = 1.0  # search work from nothing in bundles / one index of every page
QUERY_OVER_ONE = 1.5  # bytes a reader downloads for one query, bundles / one index
SCENARIOS = (
    ("retitle", "title and tags change"),
    ("new", "new post"),
    ("delete", "deleted post"),
    ("backdated", "back-dated post"),
)

Row = namedtuple("Row", "n goal target measured shown data verdict")


def judge(measured, target):
    """'met' when ``measured`` is at most ``target``; else 'not met by X%' (how far above it)."""
    if measured <= target:
        return "met"
    over = (measured / target - 1) * 100
    return "not met by {0}%".format(f"{over:.0f}" if over >= 9.5 else f"{over:.1f}")


def fmt(st, unit=" s", digits=1):
    """A median with its (min-max) spread, or a single value."""
    if not st:
        return "-"
    f = f"{{0:.{digits}f}}"
    if st["n"] == 1 or st["min"] == st["max"]:
        return f.format(st["median"]) + unit
    return "{0}{1} ({2}-{3})".format(f.format(st["median"]), unit, f.format(st["min"]), f.format(st["max"]))


def _default(summary):
    """What `make site` runs (`-n 2`), or one process when that was not measured."""
    return summary.get("ours_n2") or summary.get("ours")


def _size_goals(n, summary):
    """(goal, target text, target, measured, shown) for one N's summary; goals without data are left out."""
    t = TARGETS.get(n)
    default = _default(summary)
    if not t or not default:
        return
    label = "`make site`" if summary.get("ours_n2") else "one process"
    edit = default["edit"]
    yield ("one-post body edit, " + label, "<= {0} s".format(t["edit"]), t["edit"], edit["median"], fmt(edit))
    hugo = summary.get("hugo")
    if hugo:
        ratio = edit["median"] / hugo["edit"]["median"]
        yield (
            "one-post body edit / Hugo's CLI edit",
            "<= {0}x".format(t["over_hugo"]),
            t["over_hugo"],
            ratio,
            "{0:.2f}x ({1:.1f} s / {2:.1f} s)".format(ratio, edit["median"], hugo["edit"]["median"]),
        )
    for name, what in SCENARIOS:
        if default.get(name + "_over_edit"):
            over = default[name + "_over_edit"]
            yield (
                f"{what} / body edit, {label}",
                f"<= {OVER_EDIT}x",
                OVER_EDIT,
                over["median"],
                "{0}; {1}".format(fmt(over, "x", 2), fmt(default[name])),
            )
    ours = summary.get("ours") or {}
    if ours.get("preview_settled"):
        st = ours["preview_settled"]
        yield (
            "preview: save until the whole site is up to date",
            "<= {0} s".format(t["preview_settled"]),
            t["preview_settled"],
            st["median"],
            fmt(st, digits=2),
        )
    ratio = (summary.get("ratio_default_pelican") or {}).get("full")
    if ratio:
        yield (
            "clean build, `make site` / Pelican",
            f"<= {OVER_PELICAN}x",
            OVER_PELICAN,
            ratio["median"],
            fmt(ratio, "x", 2),
        )
    for key, goal, target in (
        ("full_n2_over_floor", "clean build, `make site` / docutils floor", t["floor"]),
        ("full_over_floor", "clean build, one process / docutils floor", t["one_process_floor"]),
    ):
        if target and summary.get(key):
            st = summary[key]
            yield (goal, f"<= {target}x", target, st["median"], fmt(st, "x", 2))
    builds = [e for e in (summary.get("ours"), summary.get("ours_n2")) if e]
    edit_peaks = [
        e[key]["max"]
        for e in builds
        for key in ["edit_peak_mb"] + [s + "_peak_mb" for s, _w in SCENARIOS]
        if e.get(key)
    ]
    if edit_peaks:
        yield (
            "peak memory, largest process, edits",
            "<= {0:.0f} MB".format(t["edit_peak_mb"]),
            t["edit_peak_mb"],
            max(edit_peaks),
            f"{max(edit_peaks):.0f} MB",
        )
    full_peaks = [e["full_peak_mb"]["max"] for e in builds if e.get("full_peak_mb")]
    if t["full_peak_mb"] and full_peaks:
        full_peak = max(full_peaks)
        yield (
            "peak memory, largest process, clean build",
            "<= {0:.0f} MB".format(t["full_peak_mb"]),
            t["full_peak_mb"],
            full_peak,
            f"{full_peak:.0f} MB",
        )
    found = summary.get("search")
    if found:
        yield (
            "search work after a one-post edit",
            "<= {0} s".format(t["search_edit"]),
            t["search_edit"],
            found["edit"]["median"],
            fmt(found["edit"], digits=2),
        )
        ratio = found["bundled"]["median"] / found["single"]["median"]
        yield (
            "search work from nothing, bundles / one index",
            f"<= {SEARCH_OVER_ONE}x",
            SEARCH_OVER_ONE,
            ratio,
            "{0:.2f}x ({1:.2f} s / {2:.2f} s)".format(ratio, found["bundled"]["median"], found["single"]["median"]),
        )
        peak = found["bundled_peak_mb"]["max"]
        yield (
            "peak memory of any search process",
            "<= {0:.0f} MB".format(t["search_peak_mb"]),
            t["search_peak_mb"],
            peak,
            f"{peak:.0f} MB",
        )
        worst = max(q["ratio"] for q in found["queries"].values())
        yield (
            "bytes a reader downloads for one query, bundles / one index",
            f"<= {QUERY_OVER_ONE}x",
            QUERY_OVER_ONE,
            worst,
            "{0:.2f}x (the worst of {1} queries)".format(worst, len(found["queries"])),
        )


def rows(summaries):
    """The goal table: a Row per goal with data, from ``summaries`` ({N: (file name, summary file's data)})."""
    found = []
    for n in sorted(summaries):
        name, data = summaries[n]
        for goal, target_text, target, measured, shown in _size_goals(n, data["summary"]):
            found.append(Row(n, goal, target_text, measured, shown, name, judge(measured, target)))
    if 1000 in summaries and 10000 in summaries:
        (small_name, small), (large_name, large) = summaries[1000], summaries[10000]
        small, large = small["summary"], large["summary"]
        if _default(small) and _default(large):
            a, b = _default(large)["edit"]["median"], _default(small)["edit"]["median"]
            found.append(
                Row(
                    10000,
                    "one-post edit at 10,000 / at 1,000",
                    f"<= {SCALE}x",
                    a / b,
                    f"{a / b:.2f}x ({a:.1f} s / {b:.1f} s)",
                    f"{large_name}, {small_name}",
                    judge(a / b, SCALE),
                )
            )
    return found


def table(summaries):
    """The goal table as Markdown lines."""
    lines = ["| N | goal | target | measured | data | verdict |", "|---|---|---|---|---|---|"]
    for r in rows(summaries):
        lines.append(
            "| {0:,} | {1} | {2} | {3} | `{4}` | {5} |".format(
                r.n, r.goal, r.target, r.shown, r.data.replace(", ", "`, `"), r.verdict
            )
        )
    return lines
