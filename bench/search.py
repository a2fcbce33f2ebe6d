"""Search in bundles against one Pagefind index of the whole blog, side by side on one built site.

    .venv/bin/python bench/search.py SITE [--json out.json]

SITE is a site built by ``nikola build`` (bench/run.py's ``work/run/ours``
after its runs, or a corpus from generate.py built by hand). On a copy of its
``output/`` (hard links), in this order, each in a process of its own:

* ``bundled``: plugins/search_index's ``update_index`` from nothing (what a
  clean build does);
* ``edit``: one post page changed (a sentence added to its body), then
  ``update_index`` again (what the build does after a one-post edit);
* ``single``: Pagefind over every post page into one index (``single/``), as
  the index was before issue 20.

For each: wall seconds, and the peak resident memory of the largest process
(Pagefind, or the Python process that drives it). Then, in Chromium through
the project's nginx config, the bytes a reader downloads for one query, from
a fresh page: the search page's own loading of bundles and filters and the
first 20 results' data, against the same done with the single index (the
runtime, its filters, the query, 20 results). Response bodies are counted
(before HTTP compression, which both would get alike).
"""

import argparse
import collections
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # support.*

DATE = re.compile(
    rb'class="[^"]*dt-published[^"]*"[^>]*datetime="([^"]+)"|datetime="([^"]+)"[^>]*class="[^"]*dt-published'
)
WORD = re.compile(r"[a-z]{5,}")
TAG = re.compile(r"<[^>]+>")


def post_pages(output):
    """``{page path under output: date}`` of the post pages, read from their ``dt-published`` time."""
    import datetime

    pages = {}
    for page in sorted((output / "posts").glob("*/index.html")):
        found = DATE.search(page.read_bytes())
        if found:
            text = (found.group(1) or found.group(2)).decode()
            pages[str(page.relative_to(output))] = datetime.datetime.fromisoformat(text)
    return pages


def _child(what, output, pages_file):
    """One measurement, in this process: prints wall seconds and peak memory as JSON (for "queries":
    the bytes of each query of the JSON file ``pages_file`` names, measured in Chromium)."""
    if what == "queries":
        print(json.dumps(_query_bytes(Path(output), json.loads(Path(pages_file).read_text()))))
        return
    import datetime

    from plugins.search_index import pagefind_run, search_index

    pages = {rel: datetime.datetime.fromisoformat(d) for rel, d in json.loads(Path(pages_file).read_text()).items()}
    started = time.monotonic()
    if what == "single":
        subprocess.run(
            [
                pagefind_run.executable(),
                "--site",
                output,
                "--glob",
                "posts/**/*.html",
                "--output-path",
                os.path.join(output, "single"),
                "--silent",
            ],
            check=True,
            cwd=output,
        )
    else:
        search_index.update_index(output, pages)
    wall = time.monotonic() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "peak_child_mb": children, "peak_python_mb": own}))


def measure(what, work, output, pages_file):
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, str(output), str(pages_file)],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def edit_one(output, pages):
    """Add a sentence to the body of the post in the middle (a new file: the hard link is broken)."""
    rel = sorted(pages)[len(pages) // 2]
    path = output / rel
    html = path.read_text(encoding="utf-8")
    path.unlink()
    path.write_text(html.replace("</p>", " An added sentence about zebrafish.</p>", 1), encoding="utf-8")
    return rel


def indexed_text(path):
    """The prose Pagefind indexes from a page: its ``data-pagefind-body``, less ``data-pagefind-ignore`` parts
    and code (whose identifiers Pagefind splits into words)."""
    import lxml.html

    root = lxml.html.parse(str(path)).getroot()
    body = root.xpath("//*[@data-pagefind-body]")[0]
    for ignored in body.xpath(".//*[@data-pagefind-ignore] | .//pre | .//code"):
        ignored.getparent().remove(ignored)
    return " ".join(body.itertext())


def queries(output, pages):
    """Three queries: the word in most post pages, a word in the fewest, and one post's title."""
    counts, title = collections.Counter(), None
    for rel in sorted(pages):
        counts.update(set(WORD.findall(indexed_text(output / rel).lower())))
        if title is None:
            title = TAG.sub(
                "", re.search(r"<h1[^>]*>(.*?)</h1>", (output / rel).read_text(encoding="utf-8"), re.S).group(1)
            ).strip()
    common = counts.most_common(1)[0][0]
    fewest = min(counts.values())
    rare = sorted(w for w, n in counts.items() if n == fewest)[0]
    return {"common": common, "rare": rare, "title": title}


SINGLE = """async (query) => {
  const single = await import("/single/pagefind.js");
  await single.options({ baseUrl: "/" });
  await single.filters();
  const found = await single.search(query);
  await Promise.all(found.results.slice(0, 20).map(r => r.data()));
  return found.results.length;
}"""


def query_bytes(output, words):
    """{query kind: {"bundled": bytes, "single": bytes, "found": [n, n]}} in Chromium, each from a fresh page;
    in a process of its own (Playwright's sync API cannot run in a process that has an event loop)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(words, f)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", "queries", str(output), f.name],
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(f.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _query_bytes(output, words):
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright
    from support import browser as web
    from support.nginx import serve

    result = {}
    with serve(output) as base_url, sync_playwright() as pw:
        chromium = web.launch(pw)
        try:
            for kind, query in words.items():
                row = {}
                for variant in ("bundled", "single"):
                    context = web.new_context(chromium, base_url, 1280, "light")
                    page = context.new_page()
                    sizes = []
                    folder = "/pagefind/" if variant == "bundled" else "/single/"

                    def count(response, folder=folder, sizes=sizes):
                        if folder in response.url:
                            try:
                                sizes.append(len(response.body()))
                            except Exception:
                                pass

                    page.on("response", count)
                    if variant == "bundled":
                        page.goto(base_url + "/search/?q=" + quote(query))
                        page.wait_for_function(
                            "() => /found/.test(document.getElementById('search-status').textContent)", timeout=60000
                        )
                        page.wait_for_load_state("networkidle")
                        status = page.locator("#search-status").inner_text()
                        found = 0 if status.startswith("No") else int(re.search(r"(\d+) posts? found", status).group(1))
                    else:
                        page.goto(base_url + "/search/")
                        found = page.evaluate(SINGLE, query)
                        page.wait_for_load_state("networkidle")
                    row[variant] = sum(sizes)
                    row.setdefault("found", []).append(found)
                    context.close()
                row["ratio"] = row["bundled"] / row["single"]
                row["query"] = query
                result[kind] = row
        finally:
            chromium.close()
    return result


def run(site, keep=False):
    site = Path(site).resolve()
    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        output = work / "output"
        subprocess.run(["cp", "-al", str(site / "output"), str(output)], check=True)
        shutil.rmtree(output / "pagefind")
        pages = post_pages(output)
        pages_file = work / "pages.json"
        pages_file.write_text(json.dumps({rel: d.isoformat() for rel, d in pages.items()}))
        report = {"posts": len(pages)}
        report["bundled"] = measure("bundled", work, output, pages_file)
        report["bundles"] = len(json.loads((output / "pagefind" / "bundles.json").read_text()))
        report["edited"] = edit_one(output, pages)
        report["edit"] = measure("edit", work, output, pages_file)
        report["single"] = measure("single", work, output, pages_file)
        report["queries"] = query_bytes(output, queries(output, pages))
        return report
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child(*argv[1:4])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    report = run(args.site)
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
