"""Code as HTML: reproducible, valid, keyboard and screen-reader friendly.

Nikola 8.3.3's ``code`` directive (``nikola/plugins/compile/rest/listing.py``)
names every line anchor ``rest_code_<uuid4>``, so two builds of the same
post differ, and it puts an empty ``<a href>`` before every line, which
screen readers announce as unnamed links. This directive highlights with
the same Pygments formatter but adds line anchors only when lines are
numbered, named after the block's source line (``code-12-3``: unique in a
page, identical in every build). It replaces Nikola's class everywhere
Nikola installed it, including the ``code`` option of ``listing``.

Pygments starts every numbered line with ``<a id="x-3" name="x-3"></a>``,
which the current Nu Html Checker rejects (an ``a`` without ``href``;
``name`` is obsolete): it becomes ``<span id="x-3"></span>``, so ``#x-3``
links still land. The same goes for listing pages (``listings/*.html``),
whose template shows Nikola's Pygments table through the ``listing_code``
filter registered here, which also keeps the column of line-number links
out of the tab order and away from screen readers, and makes the code
region focusable and named.
"""

import re

import docutils.parsers.rst.directives.body
import docutils.parsers.rst.directives.misc
import pygments
import pygments.util
from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.roles import normalize_options
from markupsafe import Markup, escape
from nikola.plugin_categories import ConfigPlugin
from nikola.plugins.compile.rest import listing as nikola_listing
from nikola.utils import NikolaPygmentsHTML, parselinenos
from pygments.lexers import get_lexer_by_name

from plugins import patches

_LINE_ANCHOR = re.compile(r'<a id="([^"]+)" name="\1"></a>')
_NUMBERS = '<td class="linenos linenodiv"><a href='


def valid_anchors(html):
    return _LINE_ANCHOR.sub(r'<span id="\1"></span>', html)


def focusable(html, label):
    """A block wider than the page scrolls: keyboard users must reach it (WCAG 2.1.1)."""
    return html.replace(
        '<div class="code">', f'<div class="code" tabindex="0" role="region" aria-label="{escape(label)}">', 1
    )


def listing_code(code, title):
    """A listing page's Pygments table, valid and accessible (Markup: Pygments escaped the source)."""
    html = valid_anchors(str(code))
    html = html.replace(_NUMBERS, '<td class="linenos linenodiv" aria-hidden="true"><a tabindex="-1" href=')
    return Markup(focusable(html, title))


class CodeBlock(Directive):
    """``.. code-block:: python`` with every option of Nikola's directive.

    ``:number-lines: [start]`` (or ``:linenos:``), ``:emphasize-lines: 1,3-4``,
    ``:tab-width: 4``, ``:class:`` and ``:name:``; a test checks that no option
    of Nikola's or docutils' ``code`` directive is missing here.
    """

    optional_arguments = 1
    option_spec = dict(nikola_listing.CodeBlock.option_spec)
    has_content = True

    def run(self):
        self.assert_has_content()
        language = self.arguments[0] if self.arguments else "text"
        try:
            lexer = get_lexer_by_name(language)
        except pygments.util.ClassNotFound:
            raise self.error(f'Cannot find Pygments lexer for language "{language}"') from None
        if "tab-width" in self.options:
            self.content = [line.replace("\t", " " * self.options["tab-width"]) for line in self.content]
        self.options = normalize_options(self.options)
        classes = ["code", language] + self.options.get("classes", [])
        numbered = "number-lines" in self.options or "linenos" in self.options
        start = self.options.get("number-lines") or self.options.get("linenos") or 1
        try:
            start = int(start)
        except ValueError:
            raise self.error(f":number-lines: takes a whole number, got {start!r}") from None
        formatter = NikolaPygmentsHTML(
            anchor_ref=f"code-{self.lineno}" if numbered else None,
            classes=classes,
            linenos="table" if numbered else False,
            linenostart=start,
            hl_lines=self.emphasized(),
        )
        html = focusable(
            valid_anchors(pygments.highlight("\n".join(self.content), lexer, formatter)), f"Code ({language})"
        )
        node = nodes.raw("", html, format="html")
        self.add_name(node)
        if "source" in self.options:  # set by include :code: (refused in posts) as in Nikola
            node["source"] = self.options["source"]
        return [node]

    def emphasized(self):
        """Pygments' 1-based ``hl_lines`` for ``:emphasize-lines:``, as Nikola reads it."""
        spec = self.options.get("emphasize-lines")
        if not spec:
            return []
        count = len(self.content)
        try:
            lines = parselinenos(spec, count)
        except ValueError as err:
            raise self.error(f":emphasize-lines: {err}") from err
        if any(n >= count for n in lines):
            raise self.error(f":emphasize-lines: line number spec is out of range(1-{count}): {spec!r}")
        return [n + 1 for n in lines]


class RestCode(ConfigPlugin):
    """Install the directive after Nikola's own (ConfigPlugins load last)."""

    name = "rest_code"

    def set_site(self, site):
        patches.require("rest_code")
        for name in ("code", "code-block", "sourcecode"):
            directives.register_directive(name, CodeBlock)
        # `.. listing::` and `.. include:: :code:` build docutils' CodeBlock.
        docutils.parsers.rst.directives.body.CodeBlock = CodeBlock
        docutils.parsers.rst.directives.misc.CodeBlock = CodeBlock
        return super().set_site(site)
