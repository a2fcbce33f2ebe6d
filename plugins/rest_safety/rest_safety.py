"""Safe reStructuredText: a post cannot inject raw HTML or read files.

docutils.conf already sets ``raw_enabled`` and ``file_insertion_enabled``
to false, and conf.py sets ``REST_FILE_INSERTION_ENABLED = False`` (Nikola
passes that value to docutils and it would override docutils.conf). But
Nikola 8.3.3 registers three roles, ``raw-html``, ``html`` and ``sc``, that
emit raw HTML whatever docutils is told (``nikola/plugins/compile/rest/
__init__.py``, ``shortcode_role``), and its ``listing`` directive joins a
post-supplied path to ``listings/`` without checking it, so
``.. listing:: ../../etc/passwd`` would publish that file.

This plugin, activated after Nikola's own reST extensions, registers:

* ``raw``, ``include`` (directives) and ``raw-html``, ``html``, ``sc``
  (roles) as refusals: an ERROR naming the construct, which
  plugins/rest_strict turns into a failed build with file and line;
* ``listing`` as Nikola's listing, restricted to files inside the
  listings folder, so listings still work with file insertion off.
"""

import os

from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles
from nikola.plugin_categories import ConfigPlugin

REFUSED = "{0!r} is not allowed in posts: posts may not include files or raw HTML ({1})."


class RefusedDirective(Directive):
    """Any use is an error; the content is never looked at."""

    optional_arguments = 10
    final_argument_whitespace = True
    has_content = True
    option_spec = None  # accept any option, refuse anyway

    def run(self):
        raise self.error(REFUSED.format(self.name, "directive"))


class _AnyOptions(dict):
    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return directives.unchanged


RefusedDirective.option_spec = _AnyOptions()


def refused_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    msg = inliner.reporter.error(REFUSED.format(name, "role"), line=lineno)
    prb = inliner.problematic(rawtext, rawtext, msg)
    return [prb], [msg]


def make_safe_listing(listing_cls, folders):
    """Nikola's Listing, refusing any path that leaves a listings folder."""
    roots = [os.path.realpath(f) for f in folders]

    class SafeListing(listing_cls):
        def run(self):
            name = self.arguments[0]
            candidates = [name] + [os.path.join(f, name) for f in folders]
            inside = [
                c for c in candidates
                if any(os.path.realpath(c).startswith(r + os.sep) for r in roots)
                and os.path.isfile(c)
            ]
            if not inside:
                raise self.error(
                    "listing {0!r} is not a file inside {1}".format(name, ", ".join(folders)))
            settings = self.state.document.settings
            allowed = settings.file_insertion_enabled
            settings.file_insertion_enabled = True  # only for this checked file
            try:
                return super().run()
            finally:
                settings.file_insertion_enabled = allowed

    return SafeListing


class RestSafety(ConfigPlugin):
    """Register the refusals and the safe listing directive."""

    name = "rest_safety"

    def set_site(self, site):
        for name in ("raw", "include"):
            directives.register_directive(name, RefusedDirective)
        for name in ("raw-html", "html", "sc"):
            roles.register_canonical_role(name, refused_role)
        listing = directives._directives.get("listing")
        if listing is not None:
            folders = list(site.config["LISTINGS_FOLDERS"].keys())
            directives.register_directive("listing", make_safe_listing(listing, folders))
        return super().set_site(site)
