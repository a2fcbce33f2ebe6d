"""Precompressed copies of the built site, for servers that send files as they are.

Beside every text file in ``output/`` worth compressing (``COMPRESSIBLE``
types, ``MIN_SIZE`` bytes or more) this writes ``X.gz`` (gzip, level 9) and
``X.br`` (Brotli, quality 8). nginx's gzip_static and brotli_static send them
to clients that accept them (server/nginx/blog.conf); a CDN upload sends them
with Content-Encoding (docs/deploying.md). Pagefind's ``.pf_*`` and
``.pagefind`` files are compressed by Pagefind already and are not touched.

- Last: a late task that depends on every other task, so it sees the final
  output, Pagefind included (under ``nikola build -a``; a plain build's
  planner calls ``refresh`` with what it wrote, plugins/planner).
- Reproducible: gzip's header carries no file name and a zero time; Brotli
  has neither. The same file gives the same bytes in every build.
- Incremental: each copy gets its source's modification time, so "is the
  copy fresh?" is two ``stat`` calls; only new or changed files are compressed.
- Declared: ``X.gz`` and ``X.br`` of every file worth compressing are the
  task's targets, so ``nikola check -f`` does not call them orphans.
- Tidy: this plugin owns every ``X.gz`` and ``X.br`` whose X has a compressible
  type; one whose X is gone (or no longer worth it) is removed. So a site must
  not ship its own ``*.css.gz`` and the like.
"""

import contextlib
import gzip
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import brotli
from nikola.plugin_categories import LateTask

from plugins.rules import files

COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".xml", ".atom", ".opml", ".json", ".svg", ".txt")
# Below 1 KiB a response fits in one packet with its headers: nothing to gain.
MIN_SIZE = 1024
ENCODINGS = (".gz", ".br")
# Brotli quality 8 for every file. Measured at 1,000 posts (bench/RESULTS.md,
# "Precompressed output", in the notes): for the 16 MB of pages, quality 10 is 7% smaller
# (3.83 against 4.12 MB; about 0.3 KB of a 12 KB post page) but takes 8 CPU
# seconds against 0.6, the largest single cost of a clean build after
# docutils; 9 is no smaller than 8 and slower than 10; 11 takes 24 s. Feeds
# (read by feed readers, which mostly get a 304) were at 8 already.
# (A changed quality applies to files compressed from then on; `make clean`
# recompresses everything.)
BROTLI_QUALITY = 8
GZIP_LEVEL = 9
# Below this much work a pool of processes costs more than it saves.
POOL_BYTES = 512 * 1024


def worth_compressing(path, size):
    return path.lower().endswith(COMPRESSIBLE) and size >= MIN_SIZE


def is_ours(path):
    """X.gz or X.br whose X has a compressible type."""
    base, ext = os.path.splitext(path)
    return ext in ENCODINGS and base.lower().endswith(COMPRESSIBLE)


def scan(output):
    """({source: stat} of files worth compressing, {copy: stat} of our copies)."""
    sources, copies = {}, {}
    for root, _, names in os.walk(output):
        for name in names:
            path = os.path.join(root, name)
            st = os.stat(path)
            if is_ours(path):
                copies[path] = st
            elif worth_compressing(path, st.st_size):
                sources[path] = st
    return sources, copies


def encode(data, encoding):
    if encoding == ".gz":
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)  # no name, no time: reproducible
    return brotli.compress(data, quality=BROTLI_QUALITY)


def compress(job):
    """Write the copies ``job`` = (source, mtime_ns, encodings) asks for."""
    source, mtime_ns, encodings = job
    with open(source, "rb") as f:
        data = f.read()
    for encoding in encodings:
        # A server reading X.gz sees the old copy or the new one; the copy's
        # time is its file's, which is how a later build knows it is fresh.
        files.write_atomically(source + encoding, encode(data, encoding), mtime_ns=mtime_ns)


def stale_jobs(sources, copies):
    jobs = []
    for source, st in sorted(sources.items()):
        todo = tuple(
            enc for enc in ENCODINGS if source + enc not in copies or copies[source + enc].st_mtime_ns != st.st_mtime_ns
        )
        if todo:
            jobs.append((source, st.st_mtime_ns, todo))
    return jobs


def _run(jobs, work):
    workers = min(4, os.cpu_count() or 1)
    if work < POOL_BYTES or workers < 2:
        for job in jobs:
            compress(job)
    else:
        # Brotli holds the GIL: threads do not help, processes do (1.7x on 2 cores).
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(compress, jobs, chunksize=4))


def refresh(output, changed, removed):
    """Bring the copies of the files ``changed`` (written, or whose copies are not as they were) up to
    date, and remove the copies of ``removed`` files: plugins/planner's incremental path (``precompress``
    looks at every file)."""
    for path in removed:
        for encoding in ENCODINGS:
            if os.path.exists(path + encoding):
                os.remove(path + encoding)
    sources, copies = {}, {}
    for path in changed:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        if not worth_compressing(path, st.st_size):
            for encoding in ENCODINGS:  # too small now, or never worth it: no copies
                if os.path.exists(path + encoding) and is_ours(path + encoding):
                    os.remove(path + encoding)
            continue
        sources[path] = st
        for encoding in ENCODINGS:
            with contextlib.suppress(FileNotFoundError):
                copies[path + encoding] = os.stat(path + encoding)
    jobs = stale_jobs(sources, copies)
    _run(jobs, sum(sources[job[0]].st_size for job in jobs))


def precompress(output):
    sources, copies = scan(output)
    for copy in sorted(copies):
        if copy[:-3] not in sources:  # its file is gone, or too small now
            os.remove(copy)
    jobs = stale_jobs(sources, copies)
    _run(jobs, sum(sources[job[0]].st_size for job in jobs))


class Precompress(LateTask):
    name = "precompress"

    def gen_tasks(self):
        output = self.site.config["OUTPUT_FOLDER"]
        sources, _ = scan(output) if os.path.isdir(output) else ({}, {})
        # After every other late task (search_index writes Pagefind's files).
        others = [
            p.plugin_object.name
            for p in self.site.plugin_manager.get_plugins_of_category("LateTask")
            if p.plugin_object.name != self.name
        ]
        yield {
            "basename": self.name,
            "name": output,
            # What exists now: on a first build nothing, which only doit's
            # `clean` reads; `nikola check -f` generates tasks after the build.
            "targets": [source + enc for source in sorted(sources) for enc in ENCODINGS],
            "task_dep": ["render_site"] + others,
            # Always run: finding that every copy is fresh costs two stats per file.
            "uptodate": [False],
            "actions": [(precompress, (output,))],
            "clean": True,
        }
