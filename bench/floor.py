#!/usr/bin/env python3
"""The floor: docutils alone turning N post bodies into HTML in one process.

    python bench/floor.py POSTS_DIR

reads every ``*.rst`` in POSTS_DIR, drops the ``.. key: value`` metadata
block (Nikola compiles only the body), and converts each body with
``docutils.core.publish_parts`` and the html5 writer, using the settings
Nikola 8.3.3 passes to docutils (``initial_header_level`` 1, short Pygments
class names, no docinfo, no file insertion, no raw). ``:doc:`` is registered
as a plain reference, since docutils does not know Nikola's role. Prints one
JSON object: how many bodies, the seconds spent converting them (imports
excluded) and how many docutils warnings there were (should be 0).

No build can compile the posts faster than this, so our full build is
reported as a multiple of it.
"""

import io
import json
import re
import sys
import time
from pathlib import Path

_T0 = time.perf_counter()
import docutils.core  # noqa: E402
from docutils import nodes  # noqa: E402
from docutils.parsers.rst import roles  # noqa: E402

_META = re.compile(r"^\.\.\s+[A-Za-z_][\w-]*:.*$")

SETTINGS = {
    "initial_header_level": 1,
    "syntax_highlight": "short",
    "doctitle_xform": False,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "report_level": 2,
    "halt_level": 5,
    "traceback": True,
    "input_encoding": "unicode",
    "output_encoding": "unicode",
}


def doc_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    m = re.match(r"^(?P<text>.*?)\s*<(?P<slug>[^>]+)>$", text, re.S)
    title, slug = (m.group("text"), m.group("slug")) if m else (text, text)
    return [nodes.reference(rawtext, title, refuri=f"/posts/{slug}/")], []


def body_of(text):
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (_META.match(lines[i]) or not lines[i].strip()):
        i += 1
    return "".join(lines[i:])


def convert(posts_dir):
    roles.register_local_role("doc", doc_role)
    bodies = [body_of(p.read_text(encoding="utf-8")) for p in sorted(Path(posts_dir).glob("*.rst"))]
    warnings = io.StringIO()
    settings = dict(SETTINGS, warning_stream=warnings)
    html_bytes = 0
    t0 = time.perf_counter()
    for body in bodies:
        parts = docutils.core.publish_parts(body, writer_name="html5", settings_overrides=settings)
        html_bytes += len(parts["fragment"])
    seconds = time.perf_counter() - t0
    return {
        "posts": len(bodies),
        "seconds": seconds,
        "import_seconds": t0 - _T0,
        "html_chars": html_bytes,
        "warnings": warnings.getvalue().count("(WARNING/")
        + warnings.getvalue().count("(ERROR/")
        + warnings.getvalue().count("(SEVERE/"),
        "docutils": docutils.__version__,
    }


if __name__ == "__main__":
    print(json.dumps(convert(sys.argv[1])))
