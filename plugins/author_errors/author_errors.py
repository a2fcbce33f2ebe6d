"""Errors for authors, not for programmers.

When a task fails, doit 0.37 (Nikola's task runner) prints the exception's
class, a Python traceback and the task's captured output. For a mistake in
a post that is noise: plugins/rest_strict has already printed each problem
as ``posts/x.rst:12: ERROR: ...``. This reporter (conf.py's
``DOIT_CONFIG["reporter"]``, Nikola's documented way to choose doit's
reporter; it subclasses doit's own, see plugins/patches) prints, for such failures
(``plugins.rules.errors.ContentError``), nothing more than one summary line
at the end. Any other failure is a bug in the build: it is reported in one
line, with the traceback only when ``NIKOLA_DEBUG=1`` or
``NIKOLA_SHOW_TRACEBACKS=1`` is set.

Not a plugin: a module conf.py imports. (A reporter named in DOIT_CONFIG
replaces the silent one `nikola build -q` would choose: a quiet build still
lists the tasks it ran, which the planned build, plugins/planner, does not.)
"""

import nikola
from doit.exceptions import UnmetDependency
from doit.reporter import ExecutedOnlyReporter

from plugins import patches
from plugins.rules import errors

CONTENT_ERROR = f"{errors.ContentError.__module__}.{errors.ContentError.__qualname__}: "


def content_summary(fail):
    """The ContentError's message if ``fail`` is one, else None."""
    lines = "".join(fail.traceback).rstrip().splitlines()
    if lines and lines[-1].startswith(CONTENT_ERROR):
        return lines[-1][len(CONTENT_ERROR) :]
    return None


def last_line(fail):
    lines = "".join(fail.traceback).rstrip().splitlines()
    return lines[-1] if lines else fail.message


class AuthorReporter(ExecutedOnlyReporter):
    """doit's reporter with author-sized failure messages."""

    desc = "console; a post's mistakes as file:line, no tracebacks unless NIKOLA_DEBUG=1"

    def __init__(self, outstream, options):
        patches.require("author_errors")
        super().__init__(outstream, options)
        self.debug = nikola.DEBUG or nikola.SHOW_TRACEBACKS  # as Nikola's own show_tracebacks
        self.content_failures = []

    def add_failure(self, task, fail):
        if isinstance(fail, UnmetDependency) and not self.debug:
            return  # a task after a failed one (nikola build -c): the failure itself is reported
        summary = content_summary(fail)
        if summary is None:
            return super().add_failure(task, fail)
        self.content_failures.append((task, summary))

    def _write_failure(self, result, write_exception=True):
        if self.debug:
            return super()._write_failure(result, write_exception)
        self.write("ERROR: the build failed in {0}: {1}\n".format(result["task"].name, last_line(result["exception"])))

    def complete_run(self):
        for task, _summary in self.content_failures:
            if task.verbosity < 1:  # doit hid the task's stderr, where the problems are
                self.write("".join(a.err for a in task.actions if getattr(a, "err", None)))
        if self.debug:
            super().complete_run()
        elif self.runtime_errors:
            self.write("Execution aborted.\n" + "\n".join(self.runtime_errors) + "\n")
        if self.failures and not self.debug:
            self.write("(for the Python traceback, run again with NIKOLA_DEBUG=1)\n")
        if self.content_failures:
            posts = len({summary.split(":", 1)[0] for _task, summary in self.content_failures})
            self.write(
                "nikola build: {0} with mistakes, listed above; nothing of {1} was published.\n".format(
                    errors.plural(posts, "post"), "it" if posts == 1 else "them"
                )
            )
