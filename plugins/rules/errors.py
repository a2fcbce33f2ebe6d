"""Mistakes in the content are reported to authors, not to programmers.

Every problem is one line an editor can jump to,
``posts/x.rst:12: ERROR: Unknown directive type "frobnicate".``, printed to
stderr as it is (no log prefix), then one summary line. No traceback: that
is for bugs in the build itself, and shown only with ``NIKOLA_DEBUG=1``
(see plugins/author_errors).
"""

import sys


class ContentError(Exception):
    """A post (or page) cannot be published as it is.

    Its problem lines have already been printed by :func:`report`; the
    message is the one-line summary. plugins/author_errors recognises this
    class by name in doit's failure report, so keep the name. ``problems``
    holds those lines (the preview shows them in the browser).
    """

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def line(path, lineno, level, message):
    """``path:line: LEVEL: message`` (``path: LEVEL: message`` when the line is unknown)."""
    where = f"{path}:{lineno}" if lineno else str(path)
    first = str(message).strip().splitlines()[0] if str(message).strip() else ""
    return f"{where}: {level}: {first}"


def report(lines, stream=None):
    """Print problem lines for the author, as they are."""
    stream = stream or sys.stderr
    for text in lines:
        stream.write(text + "\n")
    stream.flush()


def plural(n, word):
    return "{0} {1}{2}".format(n, word, "" if n == 1 else "s")


def stop(lines, summary):
    """Report ``lines`` and end the command with exit status 1, no traceback.

    For mistakes found while Nikola plans the build (metadata, encoding,
    status): nothing has been written yet, and doit's own error report
    (which would add a traceback) is never reached.
    """
    report(lines)
    report([summary])
    raise SystemExit(1)
