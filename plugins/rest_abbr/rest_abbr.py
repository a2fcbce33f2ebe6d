"""The ``abbr`` role with an expansion, as in Sphinx.

``:abbr:`OSF (OpenStack Foundation)``` renders
``<abbr title="OpenStack Foundation">OSF</abbr>``. docutils' own
``abbreviation`` role has no way to set the title, so readers (and screen
readers) never learn what the letters stand for.
"""

import re

from docutils import nodes
from docutils.parsers.rst import roles
from docutils.writers import html5_polyglot
from nikola.plugin_categories import RestExtension

from plugins import patches

_WITH_EXPANSION = re.compile(r"^(?P<abbr>.+?)\s*\((?P<expansion>[^()]+)\)$", re.S)


def abbr_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    text = nodes.unescape(text)
    m = _WITH_EXPANSION.match(text)
    if not m:
        msg = inliner.reporter.error(
            f":abbr: needs an expansion, as in :abbr:`OSF (OpenStack Foundation)`; got {text!r}", line=lineno
        )
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    node = nodes.abbreviation(rawtext, m.group("abbr"), explanation=" ".join(m.group("expansion").split()))
    return [node], []


def visit_abbreviation(self, node):
    attrs = {}
    if node.get("explanation"):
        attrs["title"] = node["explanation"]
    self.body.append(self.starttag(node, "abbr", "", **attrs))


class RestAbbr(RestExtension):
    """Register the role and teach the HTML writer the title attribute."""

    name = "rest_abbr"

    def set_site(self, site):
        patches.require("rest_abbr")
        roles.register_canonical_role("abbr", abbr_role)
        roles.register_canonical_role("abbreviation", abbr_role)
        html5_polyglot.HTMLTranslator.visit_abbreviation = visit_abbreviation
        return super().set_site(site)
