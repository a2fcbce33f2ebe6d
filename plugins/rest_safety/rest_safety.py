"""Safe reStructuredText: a post cannot inject HTML, read files or link to script.

docutils.conf already sets ``raw_enabled`` and ``file_insertion_enabled``
to false, and conf.py sets ``REST_FILE_INSERTION_ENABLED = False`` (Nikola
passes that value to docutils and it would override docutils.conf). But
Nikola 8.3.3 registers roles and directives that emit raw HTML whatever
docutils is told: the roles ``raw-html``, ``html`` and ``sc``
(``nikola/plugins/compile/rest/__init__.py``, ``shortcode_role``), and the
directives ``youtube``, ``vimeo``, ``soundcloud`` and ``gist``, which paste
their argument into HTML unescaped (``.. youtube:: "><script>...``) and
embed players or scripts from other hosts. Its ``listing`` directive joins
a post-supplied path to ``listings/`` without checking it, so
``.. listing:: ../../etc/passwd`` would publish that file. And docutils
itself publishes any URL scheme: ``javascript:`` links, ``data:`` images.

This plugin, activated after Nikola's own reST extensions, registers:

* every construct in REFUSED as a refusal: an ERROR naming the construct
  and why, which plugins/rest_strict turns into a failed build with file
  and line;
* ``listing`` as Nikola's listing, restricted to files inside the
  listings folder, so listings still work with file insertion off;
* a docutils transform (Nikola's ``rst_transforms``) that checks every URL
  in the document, links, link targets, images and figure targets, against
  plugins/rules/urls.py, and that every image on this site exists.
"""

import os

from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles
from docutils.transforms import Transform
from nikola.plugin_categories import ConfigPlugin

from plugins import patches
from plugins.rules import reads, urls

_RAW = "posts may not include files or raw HTML"
_EMBED = "it embeds a player or script from another host, and this site loads nothing from other hosts: link to it"
REFUSED_DIRECTIVES = {
    "raw": _RAW,
    "include": _RAW,
    "youtube": _EMBED,
    "vimeo": _EMBED,
    "soundcloud": _EMBED,
    "soundcloud_playlist": _EMBED,
    "gist": _EMBED,
    "media": _EMBED,
    "chart": "charts are not supported",
    "post-list": "posts may not render other posts' lists",
    "post_list": "posts may not render other posts' lists",
}
REFUSED_ROLES = {"raw-html": _RAW, "html": _RAW, "sc": _RAW}
REFUSED = "{0!r} is not allowed in posts: {1}."


class _AnyOptions(dict):
    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return directives.unchanged


class RefusedDirective(Directive):
    """Any use is an error; the content is never looked at."""

    optional_arguments = 10
    final_argument_whitespace = True
    has_content = True
    option_spec = _AnyOptions()  # accept any option, refuse anyway

    def run(self):
        raise self.error(REFUSED.format(self.name, REFUSED_DIRECTIVES.get(self.name, _RAW)))


def refused_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    msg = inliner.reporter.error(REFUSED.format(name, REFUSED_ROLES.get(name, _RAW)), line=lineno)
    prb = inliner.problematic(rawtext, rawtext, msg)
    return [prb], [msg]


def make_safe_listing(listing_cls, folders):
    """Nikola's Listing, refusing any path that leaves a listings folder."""
    roots = [os.path.realpath(f) for f in folders]

    class SafeListing(listing_cls):
        def run(self):
            name = self.arguments[0]
            candidates = [name] + [os.path.join(f, name) for f in folders]
            for candidate in candidates:
                reads.file(candidate)  # its text is copied into the post (plugins/planner)
            inside = [
                c
                for c in candidates
                if any(os.path.realpath(c).startswith(r + os.sep) for r in roots) and os.path.isfile(c)
            ]
            if not inside:
                raise self.error("listing {0!r} is not a file inside {1}".format(name, ", ".join(folders)))
            settings = self.state.document.settings
            allowed = settings.file_insertion_enabled
            settings.file_insertion_enabled = True  # only for this checked file
            try:
                return super().run()
            finally:
                settings.file_insertion_enabled = allowed

    return SafeListing


def _with_line(node):
    """``node``, or the first node inside it that knows its source line.

    The reference docutils wraps around an image with a ``:target:`` has no
    line of its own; the image has.
    """
    for candidate in node.findall():
        if candidate.line:
            return candidate
    return node


def make_url_check(site):
    """A transform refusing URLs a post may not use, and images that do not exist."""
    folders = urls.site_folders(site.config)

    def page_url(document):
        post = site.post_per_input_file.get(getattr(document.settings, "_nikola_source_path", None))
        return post.permalink() if post is not None else "/"

    class SafeUrls(Transform):
        # After docutils has resolved link targets (references: 640-680).
        default_priority = 890

        def apply(self):
            here = None
            for node in self.document.findall(nodes.Element):
                for attr in ("refuri", "uri"):
                    url = node.get(attr)
                    if url is None or isinstance(node, nodes.system_message):
                        continue
                    is_image = isinstance(node, nodes.image)
                    why = urls.refusal(url, urls.IMAGE_SCHEMES if is_image else urls.LINK_SCHEMES)
                    if why is None and is_image and urls.is_site_path(url):
                        here = here or page_url(self.document)
                        why = urls.missing_file(url, here, folders)
                    if why:
                        self.document.reporter.error(why, base_node=_with_line(node))

    return SafeUrls


class RestSafety(ConfigPlugin):
    """Register the refusals, the safe listing directive and the URL check."""

    name = "rest_safety"

    def set_site(self, site):
        patches.require("rest_safety")
        for name in REFUSED_DIRECTIVES:
            directives.register_directive(name, RefusedDirective)
        for name in REFUSED_ROLES:
            roles.register_canonical_role(name, refused_role)
        listing = directives._directives.get("listing")
        if listing is not None:
            folders = list(site.config["LISTINGS_FOLDERS"].keys())
            directives.register_directive("listing", make_safe_listing(listing, folders))
        site.rst_transforms.append(make_url_check(site))
        return super().set_site(site)
