"""Pages are written atomically: a server never sends half of one.

Nikola 8.3.3 ``Nikola.render_template`` opens the page with
``open(output_name, "wb+")`` and writes it: between the truncation and the
last write a request gets a partial page. The preview server
(plugins/preview) serves output/ while a background build rewrites it, so
this matters there first, and for any server reading output/ during a
build. Nikola's method is called for what it computes (the template with
the global context) and the rest, the link rewriting and the writing, is
Nikola's own code with the write replaced by plugins/rules/files.py
(temporary file, then rename). The bytes are the same (tests/build/test_golden.py).
Registered in plugins/patches.py.
"""

import os

import lxml.html
from nikola import nikola as nikola_core
from nikola.plugin_categories import ConfigPlugin

from plugins import patches
from plugins.rules import files

_render_template = nikola_core.Nikola.render_template


def render_template(self, template_name, output_name, context, url_type=None, is_fragment=False):
    """Nikola 8.3.3's render_template, written atomically."""
    data = _render_template(self, template_name, None, context, url_type, is_fragment)
    if output_name is None:
        return data
    # From here on, Nikola 8.3.3's code (nikola/nikola.py, render_template).
    if not output_name.startswith(self.config["OUTPUT_FOLDER"]):
        raise ValueError("Output path for templates must start with OUTPUT_FOLDER")
    url_part = output_name[len(self.config["OUTPUT_FOLDER"]) + 1 :]
    src = "/".join(os.path.normpath(os.sep + url_part).split(os.sep))
    parser = lxml.html.HTMLParser(remove_blank_text=True)
    if is_fragment:
        doc = lxml.html.fragment_fromstring(data.strip(), parser)
    else:
        doc = lxml.html.document_fromstring(data.strip(), parser)
    self.rewrite_links(doc, src, context["lang"], url_type)
    if is_fragment:
        data = (doc.text or "").encode("utf-8") + b"".join(
            lxml.html.tostring(child, encoding="utf-8", method="html") for child in doc.iterchildren()
        )
    else:
        data = lxml.html.tostring(doc, encoding="utf8", method="html", pretty_print=True, doctype="<!DOCTYPE html>")
    files.write_atomically(output_name, data)


class AtomicPages(ConfigPlugin):
    name = "atomic_pages"

    def set_site(self, site):
        patches.require("preview")
        nikola_core.Nikola.render_template = render_template
        return super().set_site(site)
