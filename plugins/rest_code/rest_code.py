"""Reproducible, accessible code blocks.

Nikola 8.3.3's ``code`` directive (``nikola/plugins/compile/rest/listing.py``)
names every line anchor ``rest_code_<uuid4>``, so two builds of the same
post differ, and it puts an empty ``<a href>`` before every line, which
screen readers announce as unnamed links. This directive highlights with
the same Pygments formatter but adds line anchors only when lines are
numbered, named after the block's source line (``code-12-3``: unique in a
page, identical in every build). It replaces Nikola's class everywhere
Nikola installed it, including the ``code`` option of ``listing``.
"""

import docutils.parsers.rst.directives.body
import docutils.parsers.rst.directives.misc
import pygments
import pygments.util
from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.roles import set_classes
from nikola.plugin_categories import ConfigPlugin
from nikola.utils import NikolaPygmentsHTML
from pygments.lexers import get_lexer_by_name


class CodeBlock(Directive):
    """``.. code-block:: python`` with optional ``:number-lines: [start]``."""

    optional_arguments = 1
    option_spec = {
        "class": directives.class_option,
        "name": directives.unchanged,
        "number-lines": directives.unchanged,
        "linenos": directives.unchanged,
    }
    has_content = True

    def run(self):
        self.assert_has_content()
        language = self.arguments[0] if self.arguments else "text"
        try:
            lexer = get_lexer_by_name(language)
        except pygments.util.ClassNotFound:
            raise self.error('Cannot find Pygments lexer for language "{0}"'.format(language))
        set_classes(self.options)
        classes = ["code", language] + self.options.get("classes", [])
        numbered = "number-lines" in self.options or "linenos" in self.options
        start = self.options.get("number-lines") or self.options.get("linenos") or 1
        try:
            start = int(start)
        except ValueError:
            raise self.error(":number-lines: takes a whole number, got {0!r}".format(start))
        formatter = NikolaPygmentsHTML(
            anchor_ref="code-{0}".format(self.lineno) if numbered else None,
            classes=classes,
            linenos="table" if numbered else False,
            linenostart=start,
        )
        html = pygments.highlight("\n".join(self.content), lexer, formatter)
        # A block wider than the page scrolls: keyboard users must reach it (WCAG 2.1.1).
        html = html.replace('<div class="code">', '<div class="code" tabindex="0" role="region" '
                            'aria-label="Code ({0})">'.format(language), 1)
        node = nodes.raw("", html, format="html")
        self.add_name(node)
        return [node]


class RestCode(ConfigPlugin):
    """Install the directive after Nikola's own (ConfigPlugins load last)."""

    name = "rest_code"

    def set_site(self, site):
        for name in ("code", "code-block", "sourcecode"):
            directives.register_directive(name, CodeBlock)
        # `.. listing::` and `.. include:: :code:` build docutils' CodeBlock.
        docutils.parsers.rst.directives.body.CodeBlock = CodeBlock
        docutils.parsers.rst.directives.misc.CodeBlock = CodeBlock
        return super().set_site(site)
