"""The report as a short Markdown comment for a review: errors first, then counts and URLs.

Titles and URLs come from posts, which anyone may propose: every one is
escaped (a title cannot become a link, an image or a heading in the comment).
"""

import re

from plugins.rules.redirects import MOVED

LIMIT = 15  # URLs listed per line of the summary; the HTML report has them all
_SPECIAL = re.compile(r"([\\`*_\[\]#!|<>~&])")


def text(value):
    """``value`` as literal Markdown text on one line."""
    return _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(value)))


def code(value):
    """``value`` as inline code (a fence longer than any run of backticks in it)."""
    value = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in re.findall("`+", value)), default=0) + 1)
    return f"{fence} {value} {fence}" if value.startswith("`") or value.endswith("`") else f"{fence}{value}{fence}"


def message(value):
    """An error line: its `quoted` parts as code, the rest as text."""
    parts = str(value).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: all of it is text
        return text(value)
    return "".join(code(part) if i % 2 else text(part) for i, part in enumerate(parts))


def _urls(urls):
    shown = ", ".join(code(url) for url in urls[:LIMIT])
    return shown + (f" and {len(urls) - LIMIT} more" if len(urls) > LIMIT else "")


def _pages(report, kind, label, lines):
    listed = report.posts() if kind == "post" else report.lists()
    for status in ("added", "moved", "changed", "removed"):
        chosen = [page for page in listed if page.status == status]
        if not chosen:
            continue
        if kind == "post":
            lines.append(f"- {len(chosen)} {label[status]}:")
            for page in chosen[:LIMIT]:
                what = (
                    [*sorted(page.fields), *(["text"] if page.diff else [])] if status in ("changed", "moved") else []
                )
                lines.append(
                    "  - {0}{1} {2}{3}".format(
                        code(page.old_url) + " to " if page.old_url else "",
                        code(page.url),
                        text(page.title),
                        " ({0})".format(text(", ".join(what))) if what else "",
                    )
                )
            if len(chosen) > LIMIT:
                lines.append(f"  - and {len(chosen) - LIMIT} more")
        else:
            lines.append(f"- {len(chosen)} {label[status]}: {_urls([p.url for p in chosen])}")


def write(report):
    """The Markdown text of the summary."""
    lines = ["## What this change does for readers", "", f"Base: {text(report.base)}; change: {text(report.head)}.", ""]
    if report.errors:
        lines.append(
            "**{0} error{1}** (the change must not merge as it is):".format(
                len(report.errors), "" if len(report.errors) == 1 else "s"
            )
        )
        lines.extend(f"- ERROR: {message(error)}" for error in report.errors)
    else:
        lines.append("No errors.")
    lines.append("")
    if not (report.pages or report.nav_only or report.feeds or report.dropped or any(report.files.values())):
        lines.append("Nothing a reader or a subscriber sees changes.")
        return "\n".join(lines) + "\n"
    lines.append("### Pages")
    _pages(
        report,
        "post",
        {"added": "posts added", "moved": "posts moved", "changed": "posts changed", "removed": "posts removed"},
        lines,
    )
    _pages(
        report,
        "list",
        {
            "added": "other pages added",
            "moved": "other pages moved",
            "changed": "other pages changed",
            "removed": "other pages removed",
        },
        lines,
    )
    if report.nav_only:
        lines.append(f"- {len(report.nav_only)} pages changed only in their links to other posts")
    if report.markup_only:
        lines.append(f"- {len(report.markup_only)} pages changed only in markup or link targets")
    if not (report.pages or report.nav_only or report.markup_only):
        lines.append("- none changed")
    lines += ["", "### Feeds"]
    groups = report.feed_groups()
    for items, group in groups[:LIMIT]:
        counts = {
            status: sum(1 for item in items if item.status == status) for status in ("added", "changed", "removed")
        }
        names = [code(feed.feed) + ("" if feed.status == "changed" else f" (feed {feed.status})") for feed in group]
        shown = ", ".join(names[:LIMIT]) + (f" and {len(names) - LIMIT} more" if len(names) > LIMIT else "")
        lines.append(
            "- {0} new, {1} changed, {2} removed: {3}".format(
                counts["added"], counts["changed"], counts["removed"], shown
            )
        )
    if len(groups) > LIMIT:
        lines.append(f"- and {len(groups) - LIMIT} more groups of feeds")
    if groups:
        lines.append("- (each RSS feed's Atom twin is the same unless listed)")
    else:
        lines.append("- no item changes")
    lines += ["", "### URLs the base publishes that this change removes"]
    for dropped in report.dropped[:LIMIT]:
        record = dropped.record
        if record is None:
            what = "**nothing answers: ERROR**"
        elif record.status == MOVED:
            what = f"moved to {code(record.new)} (redirects.txt:{record.line})"
        else:
            what = f"gone, 410 (redirects.txt:{record.line})"
        lines.append(f"- {code(dropped.url)}: {what}")
    if len(report.dropped) > LIMIT:
        lines.append(f"- and {len(report.dropped) - LIMIT} more")
    if not report.dropped:
        lines.append("- none")
    if report.records:
        lines.append(
            "- redirects.txt: {0} line{1} added (lines {2})".format(
                len(report.records),
                "" if len(report.records) == 1 else "s",
                ", ".join(str(record.line) for record in report.records[:LIMIT]),
            )
        )
    others = [(status, urls) for status, urls in report.files.items() if urls]
    if others:
        lines += ["", "### Other files"]
        lines.extend(f"- {len(urls)} {status}: {_urls(urls)}" for status, urls in others)
    lines += ["", "The posts as readers will see them, light and dark, and every diff: `review/index.html`."]
    return "\n".join(lines) + "\n"
