"""Skip a build that has nothing to do, before Nikola plans it.

Nikola 8.3.3 finds out that nothing changed only after scanning every post,
generating every task and asking doit whether each is up to date: about
5 s for 1,000 posts (bench/PROFILE.md). Make's question is cheaper: has
any input changed since the last build that succeeded?

The stamp (``cache/build-stamp.json``) is a digest of:

* every file of the site (sources, pages, images, files, listings, themes,
  plugins, conf.py, docutils.conf): path, size and modification time;
  hidden files (``.doit.db``, editor swap files) are not part of the site;
* the effective settings (so ``SITE_URL=... nikola build`` is a real build);
* the versions of Python and of the packages that build the site;
* every file in ``output/``: path, size and modification time, so a
  deleted or edited output file is rebuilt.

The stamp also records when the next scheduled (future-dated) post is due;
once that time has come, the build runs, so the post appears on the first
build after its date although no file changed.

The last task of a build (it depends on all the others, so it runs only if
they all succeeded) writes the stamp. When a plain ``nikola build`` starts
and the digest equals the stamp, no task is generated and nothing is
touched. Anything else (another command, task names or options such as
``-a``, a failed or partial build, ``make clean``) takes the normal path.
"""

import hashlib
import json
import os
import sys
from importlib import metadata

from nikola import utils
from nikola.plugin_categories import LateTask

from plugins import patches
from plugins.rules import files, publication

STAMP = os.path.join("cache", "build-stamp.json")
SKIP_DIRS = {"output", "preview", "cache", ".git", ".venv", "__pycache__", "tests", "bench", ".pytest_cache",
             ".hypothesis", "node_modules"}
PACKAGES = ("Nikola", "docutils", "Pygments", "Jinja2", "feedgen", "doit", "lxml", "pagefind", "pagefind_bin")
# Options that still mean "build everything as usual"; each takes a value.
PLAIN = {"-n", "--process", "-P", "--parallel-type", "-v", "--verbosity"}


def _tree(digest, top, skip=(), hidden=True):
    for root, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in skip and (hidden or not d.startswith(".")))
        for name in sorted(names):
            if not hidden and name.startswith("."):
                continue  # like Nikola's globs: hidden files are not part of the site
            path = os.path.join(root, name)
            st = os.stat(path)
            digest.update("{0}\0{1}\0{2}\n".format(os.path.relpath(path, top), st.st_size, st.st_mtime_ns).encode())


def inputs_digest(site):
    digest = hashlib.sha256()
    _tree(digest, ".", SKIP_DIRS, hidden=False)
    config = {k: v for k, v in site.config.items() if not k.startswith("__")}
    digest.update(json.dumps(config, cls=utils.CustomEncoder, sort_keys=True).encode())
    digest.update(sys.version.encode())
    for name in PACKAGES:
        try:
            digest.update("{0}={1}\n".format(name, metadata.version(name)).encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()


def output_digest(output):
    digest = hashlib.sha256()
    if os.path.isdir(output):
        _tree(digest, output)
    return digest.hexdigest()


def plain_build(argv):
    """True for ``nikola build`` with no task names and no option that changes what runs."""
    if len(argv) < 2 or argv[1] != "build":
        return False
    args = list(argv[2:])
    while args:
        option, _, value = args.pop(0).partition("=")
        if option not in PLAIN or (not value and not args):
            return False
        if not value:
            args.pop(0)
    return True


def read_stamp():
    try:
        with open(STAMP, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_stamp(inputs, output, due):
    stamp = {"inputs": inputs, "output": output_digest(output), "due": due}
    files.write_atomically(STAMP, json.dumps(stamp))


class BuildStamp(LateTask):
    name = "build_stamp"

    def set_site(self, site):
        patches.require("build_stamp")
        super().set_site(site)
        # Taken now, before the build changes anything in site.config; if an
        # input changes during the build, the next build sees the difference.
        self.inputs = inputs_digest(site)
        stamp = read_stamp()
        if (stamp and plain_build(sys.argv) and not publication.is_due(stamp.get("due"))
                and stamp.get("inputs") == self.inputs
                and stamp.get("output") == output_digest(site.config["OUTPUT_FOLDER"])):
            def nothing_to_do(name, plugin_category, doc=""):
                yield {"basename": name, "name": None, "doc": doc}

            site.gen_tasks = nothing_to_do
            self.logger.info("nothing changed since the last build (%s)", STAMP)

    def _due(self):
        due = getattr(self.site, "next_due", None)  # set by plugins/published_posts
        return due.isoformat() if due else None

    def gen_tasks(self):
        # Runs last: after every Task and every other LateTask of this build.
        others = [p.plugin_object.name for p in self.site.plugin_manager.get_plugins_of_category("LateTask")
                  if p.plugin_object.name != self.name]
        yield {
            "basename": self.name,
            "name": STAMP,
            "task_dep": ["render_site"] + others,
            "uptodate": [False],
            "actions": [(write_stamp, (self.inputs, self.site.config["OUTPUT_FOLDER"], self._due()))],
        }
