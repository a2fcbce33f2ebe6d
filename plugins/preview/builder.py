"""``nikola build`` without starting Python each time: forked from a warm process.

A ``nikola`` command spends most of a small site's build starting up:
importing Nikola, docutils, Pygments, Jinja and lxml, and compiling their
regular expressions (0.7 s of a 1 s no-op build on this project's machine).
The builder process does that once; each build is then a fork of it that
runs ``nikola build`` (or any ``nikola`` command: Nikola's ``main`` with the
command's arguments, as the ``nikola`` script calls it) in its own process,
with its own environment and working folder, writing its output to a file,
as the command itself would. The fork ends with ``os._exit`` once it has
sent its answer: it is the builder's child, and must not run the builder's
own clean-up. Nothing of a build (the site's plugins, docutils
registrations, the patches of plugins/patches.py) outlives its process, and
the builder never imports the site's own code: it is run as a script, by
path, and the site's ``plugins`` package is imported in each fork, from the
site being built.

``nikola preview`` builds with it after every save (plugins/preview/session.py),
and so does the test suite (tests/support/sitebuild.py), for every fixture site.

Protocol: JSON lines. A request on the builder's stdin,
``{"id", "site", "args", "env", "log"}``, is answered on its stdout, when
that build has ended, with ``{"id", "code"}``; builds may overlap.
"""

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

# What every build imports (about 0.7 s), imported once by the builder.
PRELOAD = [
    "nikola.__main__",
    "nikola.plugins.compile.rest",
    "docutils.writers.html5_polyglot",
    "mako.template",
    "feedgen.feed",
    "lxml.html",
    "pygments.lexers",
    "PIL.Image",
    "natsort",
    "blinker",
]


def _warm_up(site):
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
    for template in sorted(Path(site, "themes").rglob("*.tmpl")):
        environment.parse(template.read_text(encoding="utf-8"))
    docutils.core.publish_parts(
        "Title\n=====\n\nA *paragraph* with a `link <https://example.org/>`_ [#]_.\n\n"
        ".. note::\n\n   A note.\n\n.. [#] A footnote.\n",
        writer_name="html5_polyglot",
        settings_overrides={"report_level": 5},
    )


def _run_nikola(site, args, env, log_path):
    """In a forked process: ``nikola *args`` in ``site``, output to ``log_path``; returns the exit code."""
    os.chdir(site)
    os.environ.clear()
    os.environ.update(env)
    with open(log_path, "wb", buffering=0) as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    sys.path.insert(0, "")  # as the nikola script has: the site's plugins package
    from nikola.__main__ import main

    try:
        code = main(list(args))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    return code or 0


def serve(site):
    """The builder: imports PRELOAD, warms up on ``site``'s themes, then forks one process per request."""
    import importlib
    import signal

    for name in PRELOAD:
        importlib.import_module(name)
    _warm_up(site)
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    for line in sys.stdin:
        request = json.loads(line)
        if os.fork() == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # a build waits for its own subprocesses
            try:
                code = _run_nikola(request["site"], request["args"], request["env"], request["log"])
            except BaseException as error:  # a bug in the builder: report it, never hang
                Path(request["log"]).write_text(f"builder: {error!r}\n")
                code = 99
            answers.write(json.dumps({"id": request["id"], "code": code}) + "\n")
            answers.flush()
            os._exit(0)


class Builder:
    """The client side: a builder process, started on first use, and builds asked of it."""

    def __init__(self, site=".", env=None):
        self._site = os.path.abspath(site)
        self._env = env  # the builder's own environment (None: this process's)
        self._lock = threading.Lock()
        self._waiting = {}
        self._next = 0
        self._process = None

    def _start(self):
        self._process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), self._site],
            cwd=self._site,
            env=self._env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read, args=(self._process,), daemon=True).start()

    def _read(self, process):
        for line in process.stdout:
            answer = json.loads(line)
            self._waiting.pop(answer["id"]).put(answer["code"])
        for waiting in list(self._waiting.values()):  # the builder is gone: nobody waits forever
            waiting.put(None)

    def run(self, site, args, env, timeout=None):
        """``nikola *args`` in ``site`` with ``env``: (exit status, what it printed)."""
        answer = queue.Queue()
        with tempfile.NamedTemporaryFile(prefix="nikola-", suffix=".log") as log:
            with self._lock:
                if self._process is None or self._process.poll() is not None:
                    self._start()
                self._next += 1
                self._waiting[self._next] = answer
                self._process.stdin.write(
                    json.dumps(
                        {"id": self._next, "site": str(site), "args": list(args), "env": dict(env), "log": log.name}
                    )
                    + "\n"
                )
                self._process.stdin.flush()
            code = answer.get(timeout=timeout)
            if code is None:
                raise RuntimeError("the builder process ended during a build")
            return code, Path(log.name).read_text(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    sys.path.pop(0)  # this file's folder: nothing of plugins/preview/ may shadow what a build imports
    try:
        serve(sys.argv[1])
    except KeyboardInterrupt:  # Ctrl-C in the preview's terminal reaches this process too
        pass
