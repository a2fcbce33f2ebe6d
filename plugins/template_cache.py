"""Compiled templates, kept by what their code depends on, not by where the file is.

Not a plugin: plugins/safe_templates (conf.py's TEMPLATE_ENGINE_FACTORY) makes it the Jinja environment's
bytecode cache (in cache/jinja, as Nikola's). Jinja 3.1.6's own
``FileSystemBytecodeCache`` keys a compiled template by its name and
absolute path, and trusts that one folder serves one environment. This one
keys it by its name and every setting of the environment that the compiled
code depends on (delimiters and whitespace rules, extensions, autoescaping,
``finalize``, and each filter and test with how it is called), and loads it
only if its source is unchanged (Jinja checks a checksum of the text). So a
copy of the site in another folder, or another site with the same theme,
can share the compiled templates: the test suite builds some thirty copies
(tests/support/sitebuild.py), and compiling the theme was a third of each small
build. A template loaded from the cache names its own file in tracebacks.
What else is worked out from a template's text alone (plugins/build_speed:
the templates it refers to) is kept beside it, by the same rules.
"""

import hashlib
import json
import os
import types

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from plugins.rules import files


def _calls(functions):
    """Each filter's or test's name and how Jinja passes it a context (compiled into the call)."""
    return sorted((name, str(getattr(function, "jinja_pass_arg", ""))) for name, function in functions.items())


def fingerprint(environment):
    """What Jinja 3.1 compiles into a template's code besides its text."""
    autoescape = environment.autoescape
    settings = (
        jinja2.__version__,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        sorted(environment.extensions),
        environment.optimized,
        environment.is_async,
        autoescape if isinstance(autoescape, bool) else getattr(autoescape, "__qualname__", repr(autoescape)),
        _calls({"finalize": environment.finalize} if environment.finalize else {}),
        _calls(environment.filters),
        _calls(environment.tests),
    )
    return repr(settings)


def _named(code, filename):
    """``code`` (and the functions compiled inside it) as compiled from ``filename``."""
    if code.co_filename == filename:
        return code
    consts = tuple(_named(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


class TemplateCache(FileSystemBytecodeCache):
    def get_bucket(self, environment, name, filename, source):
        key = hashlib.sha1(f"{name}\0{fingerprint(environment)}".encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        if bucket.code is not None and filename:
            bucket.code = _named(bucket.code, filename)
        return bucket

    def remembered(self, environment, kind, text, compute):
        """``compute()`` (a JSON value that depends only on ``text`` and the settings), computed once."""
        key = hashlib.sha1(f"{kind}\0{fingerprint(environment)}\0{text}".encode()).hexdigest()
        path = os.path.join(self.directory, f"{kind}_{key}.json")
        try:
            with open(path, encoding="utf-8") as kept:
                return json.load(kept)
        except (OSError, ValueError):
            pass
        value = compute()
        files.write_atomically(path, json.dumps(value))  # whole or not at all: copies may build at once
        return value
