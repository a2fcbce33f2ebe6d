"""Full-text search with no server: Pagefind indexes the built posts, in bundles.

A late task (after every page is written) keeps ``output/pagefind/`` equal to
what a clean build would write:

    pagefind.js, pagefind-worker.js, wasm.*.pagefind   Pagefind's search runtime
    pagefind-entry.json, pagefind.<hash>.pf_meta      an index of no pages (the primary)
    bundles.json                                       the bundles, newest first
    <bundle>/                                          one Pagefind index per bundle:
        pagefind-entry.json, pagefind.<hash>.pf_meta, index/, filter/, fragment/

A bundle holds the posts of one period (a year, or part of a busy one:
bundles.py); the theme's assets/js/search.js loads the runtime and merges
every bundle into its search (Pagefind's ``mergeIndex``), so a reader
searches all posts at once. Only post pages are indexed (their
``<article data-pagefind-body>``); category, tag and author come from
``data-pagefind-filter`` attributes in the theme.

Only what changed is indexed again. ``cache/search-index.json`` records, for
each post page, its size, time and SHA-256 (so an unchanged page is not read
again), and for each bundle a digest of what went into it (Pagefind's
version, the chunk size, the path and SHA-256 of each of its pages) and the
size and time of every file it wrote. A bundle is indexed again when its
digest changed or when its folder is not exactly what was recorded (a build
killed while writing it, a file edited by hand); a bundle that no post is in
any more is removed. The record is a cache: missing, unreadable or written by
another version of this plugin, everything is indexed again. A clean build
indexes two bundles at a time: memory is bounded by the largest bundle, not
by the site. pagefind_run.py makes Pagefind's output reproducible.
"""

import concurrent.futures
import hashlib
import json
import os
import shutil
import tempfile
from importlib import metadata

from nikola.plugin_categories import LateTask

from plugins.rules import files
from plugins.search_index import bundles, pagefind_run

BUNDLE = "pagefind"
MANIFEST = "bundles.json"
STATE = os.path.join("cache", "search-index.json")
# Changes when what this plugin writes changes: the record of an older one is not trusted.
FORMAT = 1
WORKERS = 2


def precompressed(name):
    """X.gz and X.br are plugins/precompress's (its targets, refreshed after this task)."""
    return name.endswith((".gz", ".br"))


def _version():
    return metadata.version("pagefind_bin")


def _files(top):
    """``{relative path: [size, mtime_ns]}`` of the files under ``top`` (precompressed copies aside)."""
    found = {}

    def walk(folder, rel):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, rel + entry.name + os.sep)
                elif not precompressed(entry.name):
                    st = entry.stat(follow_symlinks=False)
                    found[rel + entry.name] = [st.st_size, st.st_mtime_ns]

    if os.path.isdir(top):
        walk(top, "")
    return found


def synchronise(source, dest):
    """Make ``dest`` hold exactly ``source``'s files, touching only what differs; ``dest``'s new record."""
    new, old = set(_files(source)), (set(_files(dest)) if os.path.isdir(dest) else set())
    for rel in sorted(old - new):
        os.remove(os.path.join(dest, rel))
    for rel in sorted(new):
        src, dst = os.path.join(source, rel), os.path.join(dest, rel)
        with open(src, "rb") as f:
            data = f.read()
        if rel in old:
            with open(dst, "rb") as f:
                if f.read() == data:
                    continue
        files.write_atomically(dst, data)
    for root, dirs, names in os.walk(dest, topdown=False):
        if not dirs and not names and root != dest:
            os.rmdir(root)
    return _files(dest)


def _read_state(key):
    try:
        with open(STATE, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("key") == key else None


def _page_digests(output, pages, known):
    """``{page: [size, mtime_ns, sha256]}``; a page whose size and time are as recorded is not read."""
    found = {}
    for rel in pages:
        path = os.path.join(output, rel)
        st = os.stat(path)
        record = known.get(rel)
        if record and record[0] == st.st_size and record[1] == st.st_mtime_ns:
            found[rel] = record
            continue
        with open(path, "rb") as f:
            found[rel] = [st.st_size, st.st_mtime_ns, hashlib.sha256(f.read()).hexdigest()]
    return found


def _index_pages(pages, chunk):
    """Index ``pages`` into a new temporary folder: (that folder, the hub's files); the index is in its ``index/``."""
    work = tempfile.mkdtemp(prefix="search-", dir=pagefind_run.scratch())
    try:
        return work, pagefind_run.index(pages, os.path.join(work, "index"), chunk)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _index_bundle(output, rels, chunk):
    pages = []
    for rel in rels:
        with open(os.path.join(output, rel), "rb") as f:
            pages.append((rel, f.read()))
    return _index_pages(pages, chunk)


def _hub_alone(chunk):
    """The hub's files when no bundle was indexed in this build: from an index of a page of no consequence."""
    page = b'<!DOCTYPE html><html lang="en"><body><article data-pagefind-body>search</article></body></html>'
    work, hub = _index_pages([("index.html", page)], chunk)
    shutil.rmtree(work, ignore_errors=True)
    return hub


def update_index(output, pages, max_pages=bundles.MAX_PAGES, logger=None):
    """Bring ``output``/pagefind up to date for ``pages`` (``{page path under output: date}``)."""
    folder = os.path.join(output, BUNDLE)
    key = {"format": FORMAT, "pagefind": _version(), "output": output}
    state = _read_state(key) or {"pages": {}, "bundles": {}, "hub": None}
    digests = _page_digests(output, sorted(pages), state["pages"])
    assigned = bundles.assign(pages, max_pages)
    groups = {}
    for rel in sorted(pages, key=lambda p: p.split("/")):
        groups.setdefault(assigned[rel], []).append(rel)
    chunk = bundles.chunk_size(len(groups))

    def signature(name):
        what = [FORMAT, _version(), chunk, name, [[rel, digests[rel][2]] for rel in groups[name]]]
        return hashlib.sha256(json.dumps(what).encode("utf-8")).hexdigest()

    records = {}
    todo = []
    for name in sorted(groups):
        known = state["bundles"].get(name)
        here = os.path.join(folder, name)
        if known and known["signature"] == signature(name) and os.path.isdir(here) and _files(here) == known["files"]:
            records[name] = known
        else:
            todo.append(name)

    hub = None
    if todo:
        if logger:
            logger.info("indexing {0} of {1} search bundles: {2}".format(len(todo), len(groups), ", ".join(todo)))
        with concurrent.futures.ThreadPoolExecutor(min(WORKERS, len(todo))) as pool:
            jobs = {name: pool.submit(_index_bundle, output, groups[name], chunk) for name in todo}
        try:
            for name in todo:
                work, hub = jobs[name].result()  # a failed run of Pagefind stops the build here
                records[name] = {
                    "signature": signature(name),
                    "files": synchronise(os.path.join(work, "index"), os.path.join(folder, name)),
                }
        finally:
            for job in jobs.values():
                if not job.exception():
                    shutil.rmtree(job.result()[0], ignore_errors=True)

    # The hub: the runtime, the empty primary index and the bundles, newest first, with their sizes.
    manifest = [{"name": name, "pages": len(groups[name])} for name in sorted(groups, reverse=True)]
    hub_record = state.get("hub")
    top = _top_files(folder)
    if hub is None and not (hub_record and top == hub_record["files"] and hub_record["bundles"] == manifest):
        hub = _hub_alone(chunk)
    if hub is not None:
        hub[MANIFEST] = json.dumps(manifest).encode("utf-8")
        for name in set(top) - set(hub):
            os.remove(os.path.join(folder, name))
        for name, data in sorted(hub.items()):
            path = os.path.join(folder, name)
            if not (os.path.isfile(path) and _same(path, data)):
                files.write_atomically(path, data)
        hub_record = {"files": _top_files(folder), "bundles": manifest}

    # Bundles no post is in any more, and anything else that is not ours.
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isdir(path) and name not in groups:
            shutil.rmtree(path)

    files.write_atomically(STATE, json.dumps({"key": key, "pages": digests, "bundles": records, "hub": hub_record}))


def _top_files(folder):
    """``{name: [size, mtime_ns]}`` of the files directly in ``folder`` (precompressed copies aside)."""
    if not os.path.isdir(folder):
        return {}
    found = {}
    for entry in os.scandir(folder):
        if entry.is_file() and not precompressed(entry.name):
            st = entry.stat()
            found[entry.name] = [st.st_size, st.st_mtime_ns]
    return found


def _same(path, data):
    with open(path, "rb") as f:
        return f.read() == data


def post_pages(site):
    """``{page path under output: post date}`` for every post that has a page."""
    lang = site.config["DEFAULT_LANG"]
    return {post.destination_path(lang).replace(os.sep, "/"): post.date for post in site.timeline if post.is_post}


class SearchIndex(LateTask):
    name = "search_index"

    def gen_tasks(self):
        site = self.site
        site.scan_posts()
        output = site.config["OUTPUT_FOLDER"]
        bundle = os.path.join(output, BUNDLE)
        targets = sorted(
            os.path.join(root, name) for root, _, names in os.walk(bundle) for name in names if not precompressed(name)
        ) or [os.path.join(bundle, "pagefind.js")]
        yield {
            "basename": self.name,
            "name": bundle,
            "targets": targets,
            "task_dep": ["render_site"],
            # Always run: finding that nothing changed costs a stat per page and per index file.
            "uptodate": [False],
            "actions": [
                (
                    update_index,
                    (output, post_pages(site), site.config.get("SEARCH_BUNDLE_POSTS", bundles.MAX_PAGES), self.logger),
                )
            ],
            "clean": True,
        }
