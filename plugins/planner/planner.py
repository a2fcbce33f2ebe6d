"""The build planner: ``nikola build`` does the work a change calls for, and gives a clean build's bytes.

Nikola 8.3.3 plans every build through doit, which generates every task of
the site and checks each before it runs one: at 10,000 posts a one-post
edit read every post again (8 s), generated 33,000 tasks (35 s) and checked
them (14 s). This plugin is the site's ``build`` command
(plugins/planner/command.py): ``nikola build``, with at most ``-n N``, ``-P``
and ``-v``, is the planned build, which keeps, between builds, what the last
one learned; with task names or any other option (``-a``, ``--strict``,
``-q``, ...) Nikola's own ``build`` runs, as before. The rule that keeps it
honest: what is kept is a cache, and the output of a build is the output
of a clean build of the same sources, byte for byte (the property tests in
tests/build/test_planner.py compare them after random edits, kills and builds run
at once).

What is kept, in ``cache/planner/<output folder>/`` (plugins/planner/state.py; the
records' shapes and their format version: plugins/planner/records.py):

* the posts Nikola read (postcache.py): a post is read again only when one
  of its files changed (size and time, else content), or when the code or
  the settings did; scheduled posts are looked at again against the clock;
* each post's compile record: a digest of its source, of what compiling it
  read besides (listings, images it shows, posts it links to with
  ``:doc:``: plugins/rules/reads.py) and of the compile settings (docutils.conf,
  code, settings); the digest of the fragment it made and its reading time;
* each unit's signature and targets (units.py): a unit is a page, a list, a
  feed document, a copied or scaled file, the sitemap;
* the size and time of every file of ``output/``, as the last build left it;
* the digests of the files tasks depend on, by size and time.

When it is thrown away: a part made under other keys (inputs.py: the code
in plugins/ and every installed package's version, conf.py and the settings
it makes, docutils.conf, the theme's templates) is dropped, so such a change
takes the full path for what it reaches (another theme: every page again,
not every fragment). A build killed part way leaves ``building.log``, the
units it was writing: the next build writes them again and looks at
``output/`` whole. A missing or unreadable record is an empty one: a clean
build.

A build, in order (``Build.run``, which the command calls; doit's task
loader and runner are not used):

1. hold the record's lock (a second build waits), work out the keys;
   if no source, setting, tool or output file changed and no scheduled post
   is due, say so and stop;
2. read the posts (Nikola's scanner, with kept posts: plugins/published_posts)
   while a thread looks at every file of ``output/`` against the record;
3. compile the posts whose compile record does not hold (on both cores when
   there are many); a post with a mistake stops the build here, with
   ``file:line``, before anything in ``output/`` changes;
4. run Nikola's task generators, with its renderers deciding per unit
   (units.py): only the units whose signature changed, whose output is not
   as recorded, or which a killed build was writing, become tasks, and they
   run as they come (on both cores, each process taking every second unit,
   when the site is built from nothing);
5. remove the outputs of units that no longer exist and files no unit makes;
   update the search index where post pages changed (plugins/search_index);
   write the precompressed copies of what changed (plugins/precompress);
6. save the record, then remove ``building.log``.

What the planner hands the other plugins (the posts it kept, itself while it
decides) goes through plugins/shared_state.py. A process runs one build: the
site object, its posts and the patched renderers are the build's.
"""

import gc
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from plugins import shared_state
from plugins.planner import executor, inputs, postcache, state, units
from plugins.planner.records import Compiled, Unit
from plugins.rules import publication, reads

# Task plugins whose work the planner does itself.
OWN = {"render_posts", "prune_output"}
LATE_OWN = {"search_index", "precompress"}
# Below this many units a stage runs in this process: forking costs more than it saves.
PARALLEL_MIN = 64
SKIP_DIRS = {
    "output",
    "preview",
    "cache",
    ".git",
    ".venv",
    "__pycache__",
    "tests",
    "bench",
    ".pytest_cache",
    ".hypothesis",
    "node_modules",
    "review",
}


def sources_stamp(site):
    """Size and time of every file of the site (sources, images, files, listings, themes, plugins, conf.py)
    with the settings and the installed packages: when it equals the last build's, no input changed."""
    digest = hashlib.sha256()

    def walk(folder, rel):
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith(".") or (not rel and entry.name in SKIP_DIRS) or entry.name == "__pycache__":
                    continue
                if entry.is_dir(follow_symlinks=True):
                    walk(entry.path, rel + entry.name + "/")
                else:
                    st = entry.stat()
                    digest.update(f"{rel}{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())

    walk(".", "")
    digest.update(inputs.settings_json(site).encode())
    digest.update(inputs.installed().encode())
    return digest.hexdigest()


def stat_text(where):
    """A file's size and time as GNU find's ``-printf "%s\t%T@"`` writes them (nanoseconds and a 0), from a
    path or an ``os.DirEntry`` (its link, not followed); None if there is no such file."""
    try:
        st = where.stat(follow_symlinks=False) if isinstance(where, os.DirEntry) else os.stat(where)
    except FileNotFoundError:
        return None
    seconds, nanoseconds = divmod(st.st_mtime_ns, 1000000000)
    return f"{st.st_size}\t{seconds}.{nanoseconds:09d}0"


def scan_output(output):
    """``{path: stat_text}`` of every file under ``output``."""
    found = {}

    def walk(folder):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
                else:
                    found[entry.path] = stat_text(entry)

    if os.path.isdir(output):
        walk(output)
    return found


# One "path, size, time" line of a listing. The values stay text: 80,000 files at 10,000 posts are
# compared, kept and written back without a Python step per file (a 1.2 s loop before).
_LINE = re.compile(r"^(.*)\t(\d+\t\d+\.\d+)$", re.M)


def outputs_blob(outputs):
    """The record of output/: sorted "path, size, time" lines as one string (bytes: quick to keep and compare)."""
    return "\n".join(map("\t".join, sorted(outputs.items()))).encode("utf-8", "surrogateescape")


def outputs_dict(blob):
    """``{path: stat_text}`` from ``outputs_blob``'s bytes (or a listing in its form)."""
    return dict(_LINE.findall(blob.decode("utf-8", "surrogateescape"))) if blob else {}


def _targets(uid, unit):
    """A unit's targets, as recorded (records.Unit)."""
    return [uid] if unit.targets is None else unit.targets


class OutputCheck:
    """Every file of ``output/`` with its size and time, looked at by GNU find on the other core while
    the posts are read (80,000 files at 10,000 posts); by a walk here where find is not GNU's."""

    def __init__(self, output):
        self.output = output
        self.found = None
        self.process = None
        if os.path.isdir(output) and shutil.which("find"):
            # Its output goes to a file: a pipe would fill and stop find until it is read.
            self.listing = tempfile.TemporaryFile()
            try:
                self.process = subprocess.Popen(
                    ["find", output, "-type", "f", "-printf", "%p\t%s\t%T@\n"],
                    stdout=self.listing,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                self.process = None

    def join(self):
        if self.found is not None:
            return self.found
        if self.process is not None:
            self.process.wait()
            self.listing.seek(0)
            data = self.listing.read()
            self.listing.close()
            if self.process.returncode == 0 and data.count(b"\n") == len(found := outputs_dict(data)):
                self.found = found  # else not GNU find's -printf (or a path with a line break): walked below
                return found
        self.found = scan_output(self.output)
        return self.found


class Build:
    def __init__(self, site, jobs):
        self.site = site
        self.jobs = jobs
        self.plan = None  # the units.Plan deciding, while the generators run
        self.inside = False  # inside a renderer that already decided
        self.signer = None
        self.posts = None  # postcache.PostCache
        self.sources = {}  # validation records, by source (plugins/published_posts)
        self.unfamiliar = set()
        self.quiet = bool(site.config.get("__quiet__"))
        self.debug = bool(site.show_tracebacks)
        self.output = os.path.normpath(site.config["OUTPUT_FOLDER"])
        self.store = state.Store(self.output)
        self.phases, self._last = [], time.monotonic()

    def phase(self, name):
        """Note the time a phase ended (PLANNER_DEBUG=1 prints them)."""
        now = time.monotonic()
        self.phases.append((name, now - self._last))
        self._last = now

    def log(self, message):
        if not self.quiet:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

    def note_unfamiliar(self, name, signature):
        if signature is None and name not in self.unfamiliar:
            self.unfamiliar.add(name)
            if os.environ.get("PLANNER_DEBUG"):
                self.log(f"planner: {name} is built every time (a value its signature cannot vouch for)")

    # --- the build --------------------------------------------------------------------

    def run(self):
        if self.site.config.get("GZIP_FILES"):
            self.log("planner: GZIP_FILES is not supported: plugins/precompress writes the .gz copies")
            return 1
        with self.store.locked(self.log):
            # The record and the kept posts make a million objects, which Python's cycle collector would
            # walk again and again while they load (0.5 s at 10,000 posts): it waits until they are
            # loaded, then leaves them out of its walks (gc.freeze); later stages collect as usual
            # (a compiled doctree is a cycle).
            gc.disable()
            try:
                return self._run()
            finally:
                gc.enable()

    def _run(self):
        site = self.site
        keys = inputs.keys(site)
        record = self.store.load(keys)
        killed = self.store.interrupted()
        stamp = sources_stamp(site)
        self.phase("keys, record, stamp")
        check = OutputCheck(self.output)
        if killed is None and record.get("stamp") == stamp and not publication.is_due(record.get("due")):
            check.join()
            if outputs_blob(check.found) == record["outputs"] and record["units"] and record["compiled"]:
                self.log(f"planner: nothing changed since the last build ({self.store.folder})")
                return 0
        started = time.monotonic()
        # 2. the posts, kept or read again
        self.posts = postcache.PostCache(self.store.read_posts(record))
        self.sources = record["sources"]
        shared = shared_state.of(site)
        shared.planner = self
        shared.kept_scan = shared_state.KeptScan(self.posts, self.sources)
        site.scan_posts()
        gc.freeze()
        gc.enable()
        self.phase("posts")
        digests = inputs.Digests(record["digests"])
        # 3. fragments
        compiled, result = self.compile(record, keys, digests)
        if result.failures:
            check.join()
            return executor.report(result, self.debug)
        self.phase("compile")
        # What output/ holds against the record: units to build again, files to remove.
        check.join()
        self.phase("output check")
        found = check.found
        recorded = outputs_dict(record["outputs"])
        owner = {path: uid for uid, unit in record["units"].items() for path in _targets(uid, unit)}
        forced = set(killed or ())
        for path, stat in recorded.items():
            if found.get(path) != stat and path in owner:
                forced.add(owner[path])
        # 4. pages, lists, feeds, files
        self.signer = units.Signer(site, self.posts.facets, compiled, record["templates"])
        globals_now = self.signer.globals_digests({n for t in record["templates"].values() for n in t.names})
        settled = self.settled(record, compiled, forced, globals_now)
        whole = not record["units"] or len(forced) > PARALLEL_MIN
        if self.jobs > 1 and whole:
            rendered = executor.fork_map(
                lambda index, count: self.render(record, forced, digests, (index, count), settled), self.jobs
            )
        else:
            rendered = self.render(record, forced, digests, None, settled)
        if rendered.failures:
            return executor.report(rendered, self.debug)
        if os.environ.get("PLANNER_DEBUG"):
            for name, why in self.signer.unfamiliar:
                self.log(f"planner: {name} is built every time: its signature cannot vouch for {why}")
        self.phase("render")
        seen = rendered.extra["seen"]
        self.signer.templates.update(rendered.extra.get("templates", {}))
        new_units = {}
        for uid, signed in seen.items():
            targets = rendered.built.get(uid)
            if targets is None:
                old = record["units"].get(uid)
                targets = _targets(uid, old) if old is not None else []
            new_units[uid] = Unit(
                signed.signature, None if targets == [uid] else targets, signed.text_from, signed.time_from
            )
        # 5. what no unit makes any more; search; precompressed copies
        claimed = {os.path.normpath(t) for uid, unit in new_units.items() for t in _targets(uid, unit)}
        removed = self.prune(record, new_units, claimed, found)
        written = sorted({os.path.normpath(t) for targets in rendered.built.values() for t in targets})
        self.phase("prune")
        self.search()
        self.phase("search")
        full = killed is not None or not recorded
        compressed = self.precompress(written, removed, full, found, recorded)
        self.phase("precompress")
        # What output/ holds now: as found, less what was removed, with what was written looked at again.
        if full:
            outputs = scan_output(self.output)
        else:
            search = os.path.join(self.output, "pagefind") + os.sep
            outputs = {p: st for p, st in found.items() if not p.startswith(search)}
            for path in removed:
                for copy in (path, path + ".gz", path + ".br"):
                    outputs.pop(copy, None)
            for path in set(written) | set(compressed):
                for copy in (path, path + ".gz", path + ".br"):
                    stat = stat_text(copy)
                    if stat is None:
                        outputs.pop(copy, None)
                    else:
                        outputs[copy] = stat
            outputs.update(scan_output(os.path.join(self.output, "pagefind")))
        # 6. the record
        digests.seen.update(rendered.extra.get("digests", {}))
        record.update(
            units=new_units,
            compiled=compiled,
            sources=self.sources,
            stamp=stamp,
            outputs=outputs_blob(outputs),
            templates=self.signer.templates,
            facets=dict(self.posts.facets),
            globals=self.signer.globals_digests({n for t in self.signer.templates.values() for n in t.names}),
            digests=digests.record(),
            due=shared.next_due.isoformat() if shared.next_due else None,
        )
        posts_blob = self.posts.blob() if self.posts.changed() or not record.get("posts") else None
        self.store.save(record, posts_blob)
        self.store.clear_building()
        self.phase("record")
        if os.environ.get("PLANNER_DEBUG"):
            self.log("planner: " + ", ".join(f"{n} {t:.2f} s" for n, t in self.phases))
        self.log(
            f"planner: {len(rendered.built)} units built, {len(new_units) - len(rendered.built)} kept, "
            f"{len(removed)} removed, in {time.monotonic() - started:.1f} s"
        )
        return 0

    # --- 3. compiling ------------------------------------------------------------------

    def compile_signature(self, post, files, posts, key, digests, slugs):
        """A digest of what the post's fragment is made from: its source, the ``files`` and the ``posts``
        (slugs) compiling it read (plugins/rules/reads.py), and the compile settings (``key``)."""
        kept = self.posts.current.get(post.source_path)
        return inputs.short(
            repr(
                [
                    key,
                    post.source_path,
                    kept.contents if kept else None,
                    [[path, digests(path)] for path in files],
                    [[slug, [[p.permalink(), p.title()] for p in slugs.get(slug, ())]] for slug in posts],
                ]
            ).encode()
        )

    def compile(self, record, keys, digests):
        """Compile the posts whose record does not hold: ({source: records.Compiled} of every post, Result)."""
        site = self.site
        lang = site.config["DEFAULT_LANG"]
        slugs = {}
        for post in site.timeline:
            slugs.setdefault(post.meta("slug"), []).append(post)
        compiled, todo = {}, []
        for post in site.timeline:
            kept = record["compiled"].get(post.source_path)
            dest = post.translated_base_path(lang)
            if kept:
                signature = self.compile_signature(post, kept.files, kept.posts, keys["compile"], digests, slugs)
                if kept.signature == signature and stat_text(dest) == kept.dest:
                    compiled[post.source_path] = kept
                    post._reading_time = kept.reading_time
                    continue
            todo.append(post)
        result = executor.Result()
        if not todo:
            return compiled, result
        if self.jobs > 1 and len(todo) >= PARALLEL_MIN:
            result = executor.fork_map(
                lambda index, count: self._compile(todo[index::count], keys, digests, slugs), self.jobs
            )
        else:
            result = self._compile(todo, keys, digests, slugs)
        for post in todo:
            made = result.extra.get("compiled", {}).get(post.source_path)
            if made is not None:
                compiled[post.source_path] = made
                post._reading_time = made.reading_time
        return compiled, result

    def _compile(self, posts, keys, digests, slugs):
        """Compile ``posts`` with Nikola's render_posts tasks, noting what each read."""
        site = self.site
        lang = site.config["DEFAULT_LANG"]
        plugin = site.plugin_manager.get_plugin_by_name("render_posts", "Task").plugin_object
        by_dest = {post.translated_base_path(lang): post for post in posts}
        result = executor.Result()
        result.extra["compiled"] = {}
        timeline, site.timeline = site.timeline, list(posts)
        try:
            tasks = [t for t in flatten(plugin.gen_tasks()) if t.get("actions") and t.get("name") in by_dest]
        finally:
            site.timeline = timeline
        for task in tasks:
            post = by_dest[task["name"]]
            reads.start()
            ok = executor.run(site.clean_task_paths(task), result, "compile:" + task["name"], self.quiet)
            read = reads.stop()
            if not ok:
                continue
            for deps in post._depfile.values():  # what docutils itself recorded (Nikola's .dep file)
                read.files.update(d for d in deps if d != task["name"])
            with open(task["name"], "rb") as f:
                text = inputs.short(f.read())
            post._reading_time = None
            files, posts = sorted(read.files), sorted(read.posts)
            result.extra["compiled"][post.source_path] = Compiled(
                self.compile_signature(post, files, posts, keys["compile"], digests, slugs),
                files,
                posts,
                text,
                post.reading_time,
                stat_text(task["name"]),
            )
        result.extra["digests"] = digests.record()
        return result

    # --- 4. rendering ----------------------------------------------------------------

    def settled(self, record, compiled, forced, globals_now):
        """The units known to be as the last build left them, without working out their signatures.

        When every post is the last build's with the same meta facet, and every
        global value a template refers to is the same, the classification, the
        page numbers and every context are the same (units.py): a unit's
        signature can change only through the text or the reading time of a
        post it took them from. So a unit is settled unless one of those
        changed, it is forced, or its signature is None (always built).
        """
        if (
            not record["units"]
            or not record["facets"]
            or record["facets"] != self.posts.facets
            or record["globals"] != globals_now
        ):
            return frozenset()
        old = record["compiled"]
        text, time_ = set(), set()
        for source, now in compiled.items():
            before = old.get(source)
            if before is None or before.text != now.text:
                text.add(source)
            if before is None or before.reading_time != now.reading_time:
                time_.add(source)
        return frozenset(
            uid
            for uid, unit in record["units"].items()
            if unit.signature is not None
            and uid not in forced
            and not text.intersection(unit.text_from)
            and not time_.intersection(unit.time_from)
        )

    def render(self, record, forced, digests, share, settled=frozenset()):
        """Run every Task plugin's generator with the renderers deciding; run the tasks they give.

        In this process (not split between processes), the search index is
        brought up to date as soon as the post pages are (Nikola's render_pages:
        no other task writes them), while the rest renders: Pagefind runs on
        the other core."""
        site = self.site
        self.plan = units.Plan(record["units"], forced, share, settled)
        result = executor.Result()
        output_prefix = self.output + os.sep
        with self.store.note_building() as building:
            try:
                for category in ("Task", "LateTask"):
                    for info in site.plugin_manager.get_plugins_of_category(category):
                        if info.plugin_object.name in (OWN if category == "Task" else LATE_OWN):
                            continue
                        for task in flatten(info.plugin_object.gen_tasks()):
                            self._one(task, digests, result, building, output_prefix)
                        if share is None and info.plugin_object.name == "render_pages":
                            self.start_search()
            except _Failed:
                pass  # the failure is in the Result; the stage stops
            finally:
                self.plan, plan = None, self.plan
        result.extra["seen"] = plan.seen
        result.extra["digests"] = digests.record()
        result.extra["templates"] = self.signer.templates
        return result

    def _one(self, task, digests, result, building, output_prefix):
        if isinstance(task, units.Skip) or not task.get("actions"):
            return
        task = self.site.clean_task_paths(task)
        uid = units.unit_id(task["name"]) if task.get("name") else None
        if uid is None or uid not in self.plan.seen:  # not decided by a renderer: any other task
            uid = executor.task_name(task)
            if not self.plan.wants(uid, self.signer.task(task, digests)):
                return
        for dep in task.get("file_dep") or ():
            if os.path.normpath(dep).startswith(output_prefix):
                raise RuntimeError(
                    f"planner: {uid} depends on {dep}, which another task writes: this build cannot order them"
                )
        building.write(uid + "\n")
        building.flush()
        if not executor.run(task, result, uid, self.quiet):
            raise _Failed()

    # --- 5. what is left ------------------------------------------------------------------

    def prune(self, record, new_units, claimed, found):
        """Remove the outputs of units that are gone, and files no unit makes; the paths removed."""
        removed = []
        gone = [uid for uid in record["units"] if uid not in new_units]
        if gone:
            with self.store.note_building() as building:
                building.write("".join(uid + "\n" for uid in gone))
        candidates = {os.path.normpath(t) for uid in gone for t in _targets(uid, record["units"][uid])}
        search = os.path.join(self.output, "pagefind") + os.sep
        for path in found:
            if path.startswith(search) or path in claimed:
                continue
            if path.endswith((".gz", ".br")) and (path[:-3] in claimed or path[:-3].startswith(search)):
                continue  # a precompressed copy of a file that stays: plugins/precompress's
            candidates.add(path)
        for path in sorted(candidates - claimed):
            if os.path.isfile(path):
                os.remove(path)
                removed.append(path)
                self.log(f"planner: removed {path}: no source produces it any more")
        for path in removed:  # folders left empty, up to output/
            folder = os.path.dirname(path)
            while folder.startswith(self.output + os.sep) and os.path.isdir(folder) and not os.listdir(folder):
                os.rmdir(folder)
                folder = os.path.dirname(folder)
        return removed

    def start_search(self):
        """Bring the search index up to date in a thread (``search`` waits for it)."""

        def run():
            try:
                self._search()
            except BaseException as error:  # raised again by search(), in the build's thread
                self._search_failed = error

        self._search_failed = None
        self._search_thread = threading.Thread(target=run, daemon=True)
        self._search_thread.start()

    def search(self):
        thread = getattr(self, "_search_thread", None)
        if thread is None:
            self._search()
            return
        thread.join()
        self._search_thread = None
        if self._search_failed is not None:
            raise self._search_failed

    def _search(self):
        from plugins.search_index import bundles, search_index

        site = self.site
        if site.plugin_manager.get_plugin_by_name("search_index", "LateTask") is None:
            return
        logger = site.plugin_manager.get_plugin_by_name("search_index", "LateTask").plugin_object.logger
        search_index.update_index(
            self.output,
            search_index.post_pages(site),
            site.config.get("SEARCH_BUNDLE_POSTS", bundles.MAX_PAGES),
            logger,
        )

    def precompress(self, written, removed, full, found, recorded):
        """Bring the precompressed copies up to date; the files whose copies were looked at."""
        if self.site.plugin_manager.get_plugin_by_name("precompress", "LateTask") is None:
            return []
        from plugins.precompress import precompress

        if full:
            precompress.precompress(self.output)
            return []
        # Written pages and feeds, what the search index changed, and copies not as the record has them.
        changed = set(written)
        search = os.path.join(self.output, "pagefind")
        changed.update(path for path, stat in scan_output(search).items() if recorded.get(path) != stat)
        for path, stat in recorded.items():
            if path.endswith((".gz", ".br")) and found.get(path) != stat:
                changed.add(path[:-3])
        precompress.refresh(self.output, sorted(changed), removed)
        return sorted(changed)


class _Failed(Exception):
    """A task failed: the stage stops; its failures are in the Result."""


def flatten(tasks):
    """Nikola's generators yield tasks and lists of them (Nikola.gen_tasks's flatten)."""
    if isinstance(tasks, dict):
        yield tasks
        return
    for task in tasks:
        yield from flatten(task)
