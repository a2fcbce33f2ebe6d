"""Strict reStructuredText: any docutils warning or error fails the build.

Nikola 8.3.3 logs docutils problems, keeps going, exits 0 and publishes the
docutils "System Message" in the page and the feed. Its own ``--strict``
flag turns *every* Python warning into an error (python-dateutil 4.0 emits
a DeprecationWarning), so it cannot be used as the gate.

Root cause, in ``nikola/plugins/compile/rest/__init__.py`` (8.3.3):
``CompileRest.compile`` writes the HTML whatever docutils said and returns
``error_level < 3``, but ``Post.compile`` ignores that value. So this plugin
replaces ``compile`` on the rest compiler (the only patch of Nikola here):

* every docutils message of level WARNING or above is collected, with the
  file and line that Nikola's observer already computes (metadata lines
  included);
* if there is one, the task fails with all of them, GCC style
  (``posts/x.rst:12: ERROR: Unknown directive type "foo".``), and nothing
  is written;
* otherwise the HTML is written atomically (temporary file, then rename).

Because it is a plugin, ``nikola build``, ``nikola auto`` and any other
command that compiles posts get the same protection.
"""

import io
import logging
import os
import re
import tempfile

from nikola.plugin_categories import ConfigPlugin
from nikola.utils import makedirs

NIKOLA_VERSION_PATCHED = "8.3.3"

# Nikola's observer formats a docutils message as "[source:line] text".
_NIKOLA_MESSAGE = re.compile(r"^\[(?P<where>[^\]]*)\] (?P<text>.*)$", re.S)


class ReSTProblems(Exception):
    """One or more docutils messages of level WARNING or above in a post."""

    def __init__(self, source, problems):
        self.source = source
        self.problems = problems
        super().__init__(
            "{0}: {1} reStructuredText problem(s), listed above; nothing was published.".format(
                source, len(problems)))


class _Recorder(logging.LoggerAdapter):
    """Keep every WARNING or worse (reported once, later); forward the rest."""

    def __init__(self, logger):
        super().__init__(logger, {})
        self.problems = []

    def log(self, level, msg, *args, **kwargs):
        if level >= logging.WARNING:
            self.problems.append(_gcc_style(level, str(msg)))
        else:
            self.logger.log(level, msg, *args, **kwargs)


def _gcc_style(level, msg):
    """``[posts/a.rst:3] text`` -> ``posts/a.rst:3: ERROR: text``."""
    name = logging.getLevelName(level)
    if name == "CRITICAL":
        name = "SEVERE"
    m = _NIKOLA_MESSAGE.match(msg)
    if not m:
        return "{0}: {1}".format(name, msg)
    return "{0}: {1}: {2}".format(m.group("where"), name, m.group("text"))


def _write_atomically(dest, text):
    makedirs(os.path.dirname(dest))
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest) or ".", prefix=".tmp-")
    try:
        with io.open(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, dest)
    except BaseException:
        os.unlink(tmp)
        raise


def make_strict_compile(compiler):
    """Return a replacement for ``CompileRest.compile`` bound to ``compiler``."""

    def compile(source, dest, is_two_file=True, post=None, lang=None):
        with io.open(source, "r", encoding="utf-8-sig") as in_file:
            data = in_file.read()
        real_logger = compiler.logger
        recorder = compiler.logger = _Recorder(real_logger)
        try:
            output, _level, deps, shortcode_deps = compiler.compile_string(
                data, source, is_two_file, post, lang)
        finally:
            compiler.logger = real_logger
        if recorder.problems:
            for problem in recorder.problems:
                real_logger.error(problem)
            raise ReSTProblems(source, recorder.problems)
        _write_atomically(dest, output)
        if post is None:
            if deps.list:
                real_logger.error("Cannot save dependencies for post {0} (post unknown)", source)
        else:
            post._depfile[dest] += deps.list
            post._depfile[dest] += shortcode_deps
        return True

    return compile


class RestStrict(ConfigPlugin):
    """Install the strict compile on Nikola's reST compiler."""

    name = "rest_strict"

    def set_site(self, site):
        compiler = site.compilers.get("rest")
        if compiler is not None:
            compiler.compile = make_strict_compile(compiler)
        return super().set_site(site)
