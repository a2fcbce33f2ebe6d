"""Full-text search with no server: Pagefind indexes the built posts.

A late task (after every page is written) runs the Pagefind binary from the
pinned ``pagefind[bin]`` package over ``output/``. Only post pages are
indexed (their ``<article data-pagefind-body>``); category, tag and author
come from ``data-pagefind-filter`` attributes in the theme.

The index is written to a temporary folder and then synchronised into
``output/pagefind/``: files that are new or changed are copied, files the new
index no longer has are removed, so the folder always holds exactly one
index, never the leftovers of an older one, and an edit rewrites only the
few index files it changed (the names are content hashes). Its file names are content hashes, known only after a run, so
the task declares as targets the files the current index has: that keeps
``nikola check -f`` honest. The task reruns only when an HTML page changed
(size or modification time), so a no-op build does not pay for indexing.
"""

import filecmp
import hashlib
import os
import shutil
import subprocess
import tempfile

import pagefind_bin
from nikola.plugin_categories import LateTask

BUNDLE = "pagefind"
# Only posts carry data-pagefind-body: read only their pages.
GLOB = "posts/**/*.html"
# Pagefind always writes its ready-made UIs; the theme has its own
# (assets/js/search.js), so these are removed rather than published.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def html_signature(output):
    """A digest of every post page's path, size and mtime."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(os.path.join(output, "posts")):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".html"):
                path = os.path.join(root, name)
                st = os.stat(path)
                digest.update("{0}\0{1}\0{2}\n".format(os.path.relpath(path, output), st.st_size, st.st_mtime_ns).encode())
    return digest.hexdigest()


def build_index(output, quiet=True):
    bundle = os.path.join(output, BUNDLE)
    fresh = tempfile.mkdtemp(prefix=".pagefind-", dir=os.path.dirname(os.path.abspath(output)))
    try:
        # The binary itself: `python -m pagefind` would start a Python only to exec it.
        subprocess.run([str(pagefind_bin.get_executable()), "--site", output, "--glob", GLOB,
                        "--output-path", fresh] + (["--silent"] if quiet else []), check=True)
        for name in UNUSED:
            if os.path.exists(os.path.join(fresh, name)):
                os.remove(os.path.join(fresh, name))
        synchronise(fresh, bundle)
    finally:
        if os.path.isdir(fresh):
            shutil.rmtree(fresh)


def _files(top):
    return {os.path.relpath(os.path.join(root, name), top)
            for root, _, names in os.walk(top) for name in names if not precompressed(name)}


def precompressed(name):
    """X.gz and X.br are plugins/precompress's (its targets, refreshed after this task)."""
    return name.endswith((".gz", ".br"))


def synchronise(source, dest):
    """Make ``dest`` hold exactly ``source``'s files, touching only what differs."""
    new, old = _files(source), (_files(dest) if os.path.isdir(dest) else set())
    for rel in sorted(old - new):
        os.remove(os.path.join(dest, rel))
    for rel in sorted(new):
        src, dst = os.path.join(source, rel), os.path.join(dest, rel)
        if rel in old and filecmp.cmp(src, dst, shallow=False):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
    for root, dirs, files in os.walk(dest, topdown=False):
        if not dirs and not files and root != dest:
            os.rmdir(root)


class SearchIndex(LateTask):
    name = "search_index"

    def gen_tasks(self):
        output = self.site.config["OUTPUT_FOLDER"]
        bundle = os.path.join(output, BUNDLE)
        targets = sorted(
            os.path.join(root, name) for root, _, files in os.walk(bundle) for name in files
            if not precompressed(name)
        ) or [os.path.join(bundle, "pagefind.js")]

        def unchanged(task, values):
            signature = html_signature(output)
            task.value_savers.append(lambda: {"html": signature})
            return values.get("html") == signature

        yield {
            "basename": self.name,
            "name": bundle,
            "targets": targets,
            "task_dep": ["render_site"],
            "uptodate": [unchanged],
            "actions": [(build_index, (output,))],
            "clean": True,
        }
