"""Full-text search with no server: Pagefind indexes the built posts.

A late task (after every page is written) runs the Pagefind binary from the
pinned ``pagefind[bin]`` package over ``output/``. Only post pages are
indexed (their ``<article data-pagefind-body>``); category, tag and author
come from ``data-pagefind-filter`` attributes in the theme.

The index is written to a temporary folder and then swapped in, so
``output/pagefind/`` always holds exactly one index, never the leftovers of
an older one. Its file names are content hashes, known only after a run, so
the task declares as targets the files the current index has: that keeps
``nikola check -f`` honest. The task reruns only when an HTML page changed
(size or modification time), so a no-op build does not pay for indexing.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from nikola.plugin_categories import LateTask

BUNDLE = "pagefind"
# Pagefind always writes its ready-made UIs; the theme has its own
# (assets/js/search.js), so these are removed rather than published.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def html_signature(output):
    """A digest of every HTML page's path, size and mtime (the index excluded)."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(output):
        dirs[:] = sorted(d for d in dirs if os.path.join(root, d) != os.path.join(output, BUNDLE))
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
        subprocess.run([sys.executable, "-m", "pagefind", "--site", output, "--output-path", fresh]
                       + (["--silent"] if quiet else []), check=True)
        for name in UNUSED:
            if os.path.exists(os.path.join(fresh, name)):
                os.remove(os.path.join(fresh, name))
        if os.path.isdir(bundle):
            shutil.rmtree(bundle)
        os.replace(fresh, bundle)
    finally:
        if os.path.isdir(fresh):
            shutil.rmtree(fresh)


class SearchIndex(LateTask):
    name = "search_index"

    def gen_tasks(self):
        output = self.site.config["OUTPUT_FOLDER"]
        bundle = os.path.join(output, BUNDLE)
        targets = sorted(
            os.path.join(root, name) for root, _, files in os.walk(bundle) for name in files
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
