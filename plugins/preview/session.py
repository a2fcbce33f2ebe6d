"""The running ``nikola preview`` (plugins/preview/preview.py has the command).

Its own module so that only ``nikola preview`` imports the web server and
the file watcher: Nikola loads every command's module for every command,
and aiohttp alone takes a quarter of a second to import.
"""

import asyncio
import concurrent.futures
import os
import re
import sys
import time
import uuid

from aiohttp import web
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from plugins.preview.builder import Builder
from plugins.preview.renderer import NotHere, Renderer
from plugins.preview.server import Server, url_paths
from plugins.rules import errors

QUIET = 0.02  # seconds of no events before a save is handled
WATCHED = ("posts", "pages", "themes", "plugins", "images", "files", "listings")
ROOT_FILES = ("conf.py", "docutils.conf")
RESTART = ("conf.py", "docutils.conf", "plugins" + os.sep)
# Reading a file is an event too (opened, closed_no_write): only writes count.
CHANGES = ("created", "modified", "deleted", "moved", "closed")
PROBLEM = re.compile(r"^\S.*?:(\d+:)? (ERROR|WARNING|SEVERE): ")


def ignored(path):
    name = os.path.basename(path)
    return (
        name.startswith((".", "#"))
        or name.endswith(("~", ".swp", ".swx", ".tmp", ".pyc"))
        or "__pycache__" in path.split(os.sep)
        or name == "4913"
    )


class Watcher(FileSystemEventHandler):
    def __init__(self, loop, queue, root):
        self.loop, self.queue, self.root = loop, queue, root

    def on_any_event(self, event):
        if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
            return
        for path in (event.src_path, getattr(event, "dest_path", None)):
            if path and not ignored(path):
                rel = os.path.normpath(os.path.relpath(path, self.root))
                self.loop.call_soon_threadsafe(self.queue.put_nowait, rel)


def restart_argv():
    """This command again, in a new Python process."""
    if sys.argv[0].endswith("__main__.py"):  # python -m nikola preview ...
        return [sys.executable, "-m", "nikola"] + sys.argv[1:]
    return [sys.executable] + sys.argv


def html_times(output):
    """{path: (mtime_ns, size)} of every page in ``output``."""
    found = {}
    for root, _, names in os.walk(output):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                found[path] = (st.st_mtime_ns, st.st_size)
    return found


class Session:
    """One preview: the first build, the server, the watcher and the builds after saves."""

    def __init__(self, site):
        self.site = site
        self.root = os.getcwd()
        self.output = self.site.config["OUTPUT_FOLDER"]
        self.builder = Builder(self.root)  # `nikola build`, forked from a process that has Nikola loaded
        self.server = Server(self.output, self.site.config["CONTENT_SECURITY_POLICY"], uuid.uuid4().hex)
        self.restart = False
        self.pending = False
        self.build_task = None
        self.file_problems = {}  # source: its lines, from the fast path
        self.build_problems = []  # from the last background build
        self.renders = concurrent.futures.ThreadPoolExecutor(1)

    def run(self, address, port):
        print("preview: building the site first (nikola build)", flush=True)
        code, text = self.build()
        self.build_problems = self.report_build(text, code)
        self.renderer = Renderer(self.site)
        self.server.set_status(problems=self.problems())
        try:
            asyncio.run(self.serve(address, port))
        except KeyboardInterrupt:
            pass
        return 0

    # --- building ---------------------------------------------------------------

    def build(self):
        """``nikola build``, in a process of its own: (exit status, what it printed)."""
        return self.builder.run(self.root, ["build"], os.environ)

    def report_build(self, text, code):
        lines = [line for line in text.splitlines() if PROBLEM.match(line)]
        for line in text.splitlines():
            if PROBLEM.match(line) or line.startswith(("nikola build:", "ERROR", "Execution aborted")):
                print(line, file=sys.stderr, flush=True)
        if code != 0 and not lines:
            lines = [f"nikola build failed (exit status {code}); its output is above"]
            print(text, file=sys.stderr, flush=True)
        return lines

    def problems(self):
        lines = list(self.build_problems)
        for source_lines in self.file_problems.values():
            lines.extend(line for line in source_lines if line not in lines)
        return lines

    async def background(self):
        while self.pending:
            self.pending = False
            self.server.set_status(building=True)
            before = html_times(self.output)
            started = time.perf_counter()
            code, text = await asyncio.get_running_loop().run_in_executor(None, self.build)
            self.build_problems = self.report_build(text, code)
            if code == 0:
                self.file_problems.clear()
            after = html_times(self.output)
            changed = sorted(p for p, v in after.items() if before.get(p) != v)
            print(
                f"preview: site up to date in {time.perf_counter() - started:.1f} s ({len(changed)} pages rewritten)",
                flush=True,
            )
            if self.pending:
                continue
            self.server.set_status(
                building=False, generation=self.server.status["generation"] + 1, problems=self.problems()
            )
            if changed:
                self.server.reload(url_paths(self.output, changed))
            if self.restart or self.renderer.stale:
                print("preview: restarting with the new settings, plugins or posts", flush=True)
                os.execv(sys.executable, restart_argv())
        self.build_task = None

    def schedule_build(self):
        self.pending = True
        if self.build_task is None:
            self.build_task = asyncio.ensure_future(self.background())

    # --- changes ----------------------------------------------------------------

    def render(self, source):
        started = time.perf_counter()
        try:
            written = self.renderer.render(source)
        except errors.ContentError as error:
            self.file_problems[source] = error.problems or [str(error)]
            return None
        self.file_problems.pop(source, None)
        print(f"preview: {source} re-rendered in {time.perf_counter() - started:.2f} s", flush=True)
        return written

    async def handle(self, changed):
        loop = asyncio.get_running_loop()
        for path in sorted(changed):
            if path.startswith(RESTART) or path in RESTART:
                self.restart = True
            is_source = path.startswith(("posts" + os.sep, "pages" + os.sep)) and path.endswith(".rst")
            if not is_source:
                continue
            try:
                written = await loop.run_in_executor(self.renders, self.render, path)
            except NotHere:
                self.restart = True  # a new, deleted, renamed or unpublished post: the site changes shape
                continue
            except Exception as error:  # a bug in the fast path: the background build still runs
                print(
                    f"preview: could not re-render {path} ({error!r}); the background build will",
                    file=sys.stderr,
                    flush=True,
                )
                continue
            self.server.set_status(problems=self.problems())
            if written:
                self.server.reload(url_paths(self.output, written))
        self.schedule_build()

    async def watch(self, queue):
        while True:
            changed = {await queue.get()}
            while True:  # wait for a quiet moment: an editor's save is several events
                try:
                    changed.add(await asyncio.wait_for(queue.get(), QUIET))
                except TimeoutError:
                    break
            await self.handle(changed)

    async def serve(self, address, port):
        loop = asyncio.get_running_loop()
        queue = asyncio.Queue()
        observer = Observer()
        handler = Watcher(loop, queue, self.root)
        for folder in WATCHED:
            if os.path.isdir(folder):
                observer.schedule(handler, os.path.abspath(folder), recursive=True)
        root_handler = _RootFiles(loop, queue, self.root)
        observer.schedule(root_handler, self.root, recursive=False)
        observer.start()
        runner = web.AppRunner(self.server.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, address, port)
        await site.start()
        bound = runner.addresses[0]
        print(f"preview: serving {self.output} on http://{bound[0]}:{bound[1]}/ (Ctrl-C to stop)", flush=True)
        try:
            await self.watch(queue)
        finally:
            observer.stop()
            await runner.cleanup()


class _RootFiles(Watcher):
    """conf.py and docutils.conf, in the site's top folder."""

    def on_any_event(self, event):
        if event.event_type not in CHANGES:
            return
        for path in (event.src_path, getattr(event, "dest_path", None)):
            if path and os.path.basename(path) in ROOT_FILES and os.path.dirname(os.path.abspath(path)) == self.root:
                self.loop.call_soon_threadsafe(self.queue.put_nowait, os.path.basename(path))
