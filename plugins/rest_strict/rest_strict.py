"""Strict reStructuredText: any docutils warning or error fails the build.

Nikola 8.3.3 logs docutils problems, keeps going, exits 0 and publishes the
docutils "System Message" in the page and the feed. Its own ``--strict``
flag turns *every* Python warning into an error (python-dateutil 4.0 emits
a DeprecationWarning), so it cannot be used as the gate.

Root cause, in ``nikola/plugins/compile/rest/__init__.py`` (8.3.3):
``CompileRest.compile`` writes the HTML whatever docutils said and returns
``error_level < 3``, but ``Post.compile`` ignores that value. Its
``compile_string`` also runs Nikola's shortcodes over the post before
docutils sees it, so ``{{% raw %}}<script>`` in a post is published as a
script, and ``{{% template %}}`` runs Jinja code from the post on the
build machine. So this plugin replaces both methods on the reST compiler
(registered in plugins/patches):

* ``compile_string`` is Nikola's without shortcodes: ``{{% ... %}}`` in a
  post is text like any other;
* every docutils message of level WARNING or above is collected, with the
  file and line that Nikola's observer already computes (metadata lines
  included); if there is one, ``compile`` prints them GCC style
  (``posts/x.rst:12: ERROR: Unknown directive type "foo".``), writes
  nothing and fails the task with a ContentError (plugins/author_errors
  reports it without a traceback);
* docutils giving up (a recursion limit on absurdly deep nesting, a
  severe error) is reported the same way, naming the post;
* otherwise the HTML is written atomically (temporary file, then rename),
  so the preview keeps serving the previous page until a good one.

docutils' settings are made once per process and language, not once per
post: Nikola's ``rst2html`` builds them from every component's option
spec and re-reads docutils.conf for every post (about 2 s of a 1,000-post
build, bench/PROFILE.md). Each post gets a shallow copy with its own
dependency list, the only setting docutils changes while it works.
"""

import logging
import os
import re

import docutils.core
import docutils.io
import docutils.utils
import nikola.plugins.compile.rest as nikola_rest
from nikola.plugin_categories import ConfigPlugin
from nikola.utils import LocaleBorg

from plugins import patches
from plugins.rules import errors, files

# Nikola's observer formats a docutils message as "[source:line] text".
_NIKOLA_MESSAGE = re.compile(r"^\[(?P<where>[^\]]*)\] (?P<text>.*)$", re.S)
_TEMPLATE = os.path.join(os.path.dirname(nikola_rest.__file__), "template.txt")


class _Recorder(logging.LoggerAdapter):
    """Keep every WARNING or worse (reported once, later); forward the rest."""

    def __init__(self, logger):
        super().__init__(logger, {})
        self.problems = []

    def log(self, level, msg, *args, **kwargs):
        if level >= logging.WARNING:
            problem = _gcc_style(level, str(msg))
            if problem not in self.problems:  # e.g. a link's URL is in its target too
                self.problems.append(problem)
        else:
            self.logger.log(level, msg, *args, **kwargs)


def _gcc_style(level, msg):
    """``[posts/a.rst:3] text`` -> ``posts/a.rst:3: ERROR: text`` (first line of text only)."""
    name = logging.getLevelName(level)
    if name == "CRITICAL":
        name = "SEVERE"
    m = _NIKOLA_MESSAGE.match(msg)
    if not m:
        return f"{name}: {msg.strip().splitlines()[0] if msg.strip() else msg}"
    where, _, line = m.group("where").rpartition(":")
    if not where or not line.isdigit():
        where, line = m.group("where"), None
    return errors.line(where, line, name, m.group("text"))


def settings_for(site):
    """Nikola 8.3.3's docutils settings for posts, plus: exceptions reach us."""
    return {
        "initial_header_level": 1,
        "record_dependencies": True,
        "stylesheet_path": None,
        "link_stylesheet": True,
        "syntax_highlight": "short",
        "math_output": "mathjax /assets/js/mathjax.js",  # unused; silences a docutils warning
        "template": _TEMPLATE,
        "language_code": nikola_rest.LEGAL_VALUES["DOCUTILS_LOCALES"].get(LocaleBorg().current_lang, "en"),
        "doctitle_xform": site.config.get("USE_REST_DOCINFO_METADATA"),
        "file_insertion_enabled": site.config.get("REST_FILE_INSERTION_ENABLED"),
        # With traceback off, docutils prints "Please report errors to
        # docutils-users" and calls sys.exit() when it gives up.
        "traceback": True,
    }


_SETTINGS = {}


def settings_copy(site):
    """A fresh copy of the docutils settings ``rst2html`` would build, made once per language."""
    overrides = settings_for(site)
    key = overrides["language_code"]
    if key not in _SETTINGS:
        # What rst2html does for every post (Publisher.process_programmatic_settings).
        pub = docutils.core.Publisher(
            nikola_rest.NikolaReader(),
            None,
            None,
            settings=None,
            source_class=docutils.io.StringInput,
            destination_class=docutils.io.StringOutput,
        )
        pub.set_components(None, "restructuredtext", "html5_polyglot")
        pub.process_programmatic_settings(None, overrides, "nikola")
        _SETTINGS[key] = pub.settings
    settings = _SETTINGS[key].copy()
    settings.record_dependencies = docutils.utils.DependencyList()
    return settings


def make_strict(compiler, site):
    """(compile_string, compile) replacements bound to ``compiler``."""

    def compile_string(data, source_path=None, is_two_file=True, post=None, lang=None):
        add_ln = 0
        if not is_two_file:
            m_data, data = compiler.split_metadata(data, post, lang)
            add_ln = len(m_data.splitlines()) + 1
        output, error_level, deps, _document = nikola_rest.rst2html(
            data,
            settings=settings_copy(site),
            logger=compiler.logger,
            source_path=source_path,
            l_add_ln=add_ln,
            transforms=site.rst_transforms,
        )
        if not isinstance(output, str):
            output = output.decode("utf-8")  # as Nikola does for empty files
        return output, error_level, deps, []

    def compile(source, dest, is_two_file=True, post=None, lang=None):
        with open(source, encoding="utf-8-sig") as in_file:
            data = in_file.read()
        real_logger = compiler.logger
        recorder = compiler.logger = _Recorder(real_logger)
        try:
            output, _level, deps, _shortcode_deps = compile_string(data, source, is_two_file, post, lang)
        except RecursionError:
            recorder.problems.append(
                errors.line(
                    source,
                    None,
                    "SEVERE",
                    "docutils gave up: the post nests lists, quotes or sections too deeply; simplify the nesting",
                )
            )
        except docutils.utils.SystemMessage as halt:
            if not recorder.problems:
                recorder.problems.append(errors.line(source, None, "SEVERE", str(halt)))
        finally:
            compiler.logger = real_logger
        if recorder.problems:
            errors.report(recorder.problems)
            raise errors.ContentError(
                "{0}: {1}; nothing of it was published".format(
                    source, errors.plural(len(recorder.problems), "reStructuredText problem")
                ),
                recorder.problems,
            )
        files.write_atomically(dest, output)
        if post is None:
            if deps.list:
                real_logger.error("Cannot save dependencies for post {0} (post unknown)", source)
        else:
            post._depfile[dest] += deps.list
        return True

    return compile_string, compile


class RestStrict(ConfigPlugin):
    """Install the strict compile on Nikola's reST compiler."""

    name = "rest_strict"

    def set_site(self, site):
        patches.require("rest_strict")
        compiler = site.compilers.get("rest")
        if compiler is not None:
            compiler.compile_string, compiler.compile = make_strict(compiler, site)
        return super().set_site(site)
