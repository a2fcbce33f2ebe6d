#!/usr/bin/env python3
"""What plugins/precompress gives a built site, and what its settings cost.

    .venv/bin/python bench/compression.py output [--levels]

Prints, by kind of file, how many files have precompressed copies and their
total bytes raw, gzipped (X.gz) and with Brotli (X.br), as a Markdown table.
``--levels`` also compresses the same files at other Brotli qualities (and
gzip level 9) and reports total bytes and CPU seconds of this process, the
measurement behind the plugin's choice of quality.
"""

import argparse
import gzip
import time
from collections import defaultdict
from pathlib import Path

import brotli


def kind(rel):
    if rel == "sitemap.xml":
        return "sitemap"
    if rel.endswith((".xml", ".atom")):
        return "feed archives" if rel.startswith("feeds/archive/") else "current feeds"
    return "HTML pages" if rel.endswith(".html") else "CSS, JS, JSON, SVG, text"


def sources(output):
    return sorted(p for p in output.rglob("*") if p.is_file() and p.with_name(p.name + ".br").is_file())


def sizes(output):
    rows = defaultdict(lambda: [0, 0, 0, 0])
    for path in sources(output):
        row = rows[kind(path.relative_to(output).as_posix())]
        for i, size in enumerate(
            (
                1,
                path.stat().st_size,
                path.with_name(path.name + ".gz").stat().st_size,
                path.with_name(path.name + ".br").stat().st_size,
            )
        ):
            row[i] += size
    lines = ["| files | count | raw | gzip | Brotli |", "|---|---|---|---|---|"]
    total = [0, 0, 0, 0]
    for name, row in sorted(rows.items()):
        total = [a + b for a, b in zip(total, row, strict=True)]
        lines.append(_row(name, row))
    lines.append(_row("**all**", total))
    return "\n".join(lines)


def _row(name, row):
    count, raw, gz, br = row
    return f"| {name} | {count} | {raw:,} B | {gz:,} B ({gz / raw:.1%}) | {br:,} B ({br / raw:.1%}) |"


def levels(output):
    data = [p.read_bytes() for p in sources(output)]
    lines = ["| compressor | bytes | CPU s |", "|---|---|---|"]
    for label, fn in [("gzip level 9", lambda d: gzip.compress(d, 9, mtime=0))] + [
        (f"Brotli quality {q}", lambda d, q=q: brotli.compress(d, quality=q)) for q in (6, 8, 9, 10, 11)
    ]:
        start = time.process_time()
        total = sum(len(fn(d)) for d in data)
        lines.append(f"| {label} | {total:,} | {time.process_time() - start:.1f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--levels", action="store_true")
    args = parser.parse_args()
    print(sizes(args.output))
    if args.levels:
        print()
        print(levels(args.output))


if __name__ == "__main__":
    main()
