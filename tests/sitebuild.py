"""Build a copy of the site (or of a tiny fixture site) in a temporary folder.

Tests never read the project's own output/: they copy the sources, build
with the same Nikola, plugins and theme, and read only that build.

Each build runs ``nikola build`` in a process of its own, as an author's
would, but not a fresh interpreter: the processes are forked from a build
server (:func:`serve`) that has already imported Nikola and its heaviest
dependencies (about 0.7 s of every ``nikola`` command). Nothing of a build
(plugins, docutils registrations, patches) outlives its process. Set
SITEBUILD_SUBPROCESS=1 to run the real ``nikola`` executable instead.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a site is made of; everything else in the repository is not the site.
SITE_PARTS = ("conf.py", "docutils.conf", "plugins", "themes", "posts", "pages",
              "images", "files", "listings")
NIKOLA = str(Path(sys.executable).with_name("nikola"))
# Imported once by the fork server, shared by every build it forks.
PRELOAD = ["nikola.__main__", "nikola.plugins.compile.rest",
           "docutils.writers.html5_polyglot", "mako.template", "feedgen.feed", "lxml.html",
           "pygments.lexers", "PIL.Image", "natsort", "blinker"]
TIMEOUT = 900


@dataclass
class Build:
    root: Path        # the site's sources
    returncode: int
    log: str          # stdout and stderr of `nikola build`

    @property
    def output(self) -> Path:
        return self.root / "output"


def copy_site(dest: Path, overlay: Path = None, with_posts=True) -> Path:
    """Copy the project's site into ``dest``; files in ``overlay`` win."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        src = ROOT / part
        if not with_posts and part == "posts":  # pages (search, 404) are part of the frame
            continue
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.is_file():
            shutil.copy2(src, dest / part)
    if overlay is not None:
        shutil.copytree(overlay, dest, dirs_exist_ok=True)
    return dest


def _environment(env, served):
    run_env = dict(os.environ, NIKOLA_NO_COLOR="1")
    run_env.pop("SITE_URL", None)  # tests check the documented default
    run_env.pop("BLOG_PREVIEW", None)
    if not served:  # no X.gz/X.br copies: only a site nginx serves needs them (conf.py)
        run_env["BLOG_PRECOMPRESS"] = "0"
    run_env.update(env or {})
    return run_env


def _run_nikola(site, args, env, log_path):
    """In a forked process: ``nikola *args`` in ``site``, output to ``log_path``; returns the exit code."""
    os.chdir(site)
    os.environ.clear()
    os.environ.update(env)
    with open(log_path, "wb", buffering=0) as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    sys.argv = ["nikola", *args]  # plugins/build_stamp reads it
    sys.path.insert(0, "")  # as the nikola script has: the site's plugins package
    from nikola.__main__ import main
    try:
        code = main(list(args))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    return code or 0


def _warm_up():
    """Fill the caches every build would refill, without touching any shared state.

    Pygments compiles its lexers' file-name patterns and token rules on first
    use, Jinja its lexer's regular expressions once per set of settings, and
    docutils its parser's: using each once, in its vanilla form (no plugin, no
    registration), warms them and Python's own cache of compiled patterns.
    """
    import docutils.core
    import jinja2
    import pygments.lexers
    pygments.lexers.get_lexer_for_filename("x.py")  # compiles every lexer's file-name patterns
    for name in ("python", "text", "html", "bash", "console", "json", "yaml", "ini", "rst"):
        list(pygments.lexers.get_lexer_by_name(name).get_tokens("x = 1\n"))  # its token rules
    environment = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    for template in sorted((ROOT / "themes").rglob("*.tmpl")):
        environment.parse(template.read_text(encoding="utf-8"))
    docutils.core.publish_parts("Title\n=====\n\nA *paragraph* with a `link <https://example.org/>`_ [#]_.\n\n"
                                ".. note::\n\n   A note.\n\n.. [#] A footnote.\n",
                                writer_name="html5_polyglot", settings_overrides={"report_level": 5})


def serve():
    """The build server: imports PRELOAD, then forks one process per request.

    Requests and answers are JSON lines on stdin and stdout; a forked process
    answers for itself (``{"id": ..., "code": ...}``), so builds may overlap.
    """
    import importlib
    import json
    import signal
    for name in PRELOAD:
        importlib.import_module(name)
    _warm_up()
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    for line in sys.stdin:
        request = json.loads(line)
        if os.fork() == 0:
            try:
                code = _run_nikola(request["site"], request["args"], request["env"], request["log"])
            except BaseException as error:  # a bug in the harness: report it, never hang
                Path(request["log"]).write_text("build server: {0!r}\n".format(error))
                code = 99
            answers.write(json.dumps({"id": request["id"], "code": code}) + "\n")
            answers.flush()
            os._exit(0)


class _Server:
    """The client side: one build server per test process, started on first use."""

    def __init__(self):
        import json
        import threading
        self._json = json
        self._lock = threading.Lock()
        self._waiting = {}
        self._next = 0
        self._process = subprocess.Popen(
            [sys.executable, "-c", "import sitebuild; sitebuild.serve()"], cwd=str(Path(__file__).parent),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self._process.stdout:
            answer = self._json.loads(line)
            self._waiting[answer["id"]].put(answer["code"])

    def build(self, site, args, env, log):
        import queue
        answer = queue.Queue()
        with self._lock:
            self._next += 1
            self._waiting[self._next] = answer
            self._process.stdin.write(self._json.dumps(
                {"id": self._next, "site": str(site), "args": list(args), "env": env, "log": log}) + "\n")
            self._process.stdin.flush()
        return answer.get(timeout=TIMEOUT)


_server = None


def nikola(site: Path, *args, env=None, served=False) -> Build:
    """``nikola *args`` in the folder ``site``; ``served``: with the copies a web server needs."""
    global _server
    run_env = _environment(env, served)
    if os.environ.get("SITEBUILD_SUBPROCESS"):
        proc = subprocess.run([NIKOLA, *args], cwd=site, env=run_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT)
        return Build(Path(site), proc.returncode, proc.stdout)
    if _server is None:
        _server = _Server()
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        code = _server.build(site, args, run_env, log.name)
        text = Path(log.name).read_text(encoding="utf-8", errors="replace")
    return Build(Path(site), code, text)


def nikola_build(site: Path, *args, env=None, served=False) -> Build:
    return nikola(site, "build", *args, env=env, served=served)


def copy_built(built: Path, dest: Path) -> Path:
    """A copy of a built site (sources, output, cache, doit's state) that builds as the original would.

    Modification times are kept, so the copy's build stamp and doit's
    records still match: a test can change a built site without building
    one of its own first.
    """
    shutil.copytree(built, dest, symlinks=True, copy_function=shutil.copy2)
    return dest
