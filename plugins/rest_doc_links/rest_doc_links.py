"""A ``:doc:`` link to a post that is not published says why it cannot be made.

Nikola 8.3.3's ``doc`` role looks the slug up among the posts the site
publishes; plugins/published_posts leaves drafts, private and scheduled
posts out, so a link to one fails with '"x" slug doesn't exist', which sends
an author looking for a typo. This role reports, at the link's line,
'"x" is a draft (posts/x.rst): it has no page to link to until it is
published' (or private, or scheduled for its date), and hands every other
link to Nikola's role. A preview build (``make preview``) publishes them
all, so there the link is made.

Nikola registers its role when its own plugin is set up, by the module's
name ``doc_role``; this plugin puts its role under that name and registers
it too, so whichever is set up first, this one answers.
"""

import sys

from docutils.parsers.rst import roles
from nikola.plugin_categories import RestExtension
from nikola.utils import slugify, split_explicit_title

from plugins import patches, shared_state
from plugins.rules import reads

# Nikola's module, as its plugin loader loaded it. Not imported here: importing it before
# the loader does gives the loader a second copy, and plugins/build_speed's slug index
# would then patch the copy the role does not use.
NIKOLA_DOC = "nikola.plugins.compile.rest.doc"


def unpublished_target(site, text):
    """(slug, source path, why) if the link's slug names only an unpublished post, else None.

    Nikola looks the slug up as written, then slugified. No two sources share a slug
    (plugins/published_posts), so a slug an unpublished post has is no published post's;
    only a link whose slugified form is an unpublished post's asks whether the slug as
    written is a published one (a walk of the posts, for that rare link alone)."""
    unpublished = shared_state.of(site).unpublished
    if not unpublished:
        return None
    _explicit, _title, slug = split_explicit_title(text)
    slug = slug.split("#", 1)[0]
    if slug not in unpublished:
        written, slug = slug, slugify(slug)
        if slug not in unpublished or any(post.meta("slug") == written for post in site.timeline):
            return None
    reads.post(slug)  # compiled again when that post changes (plugins/planner)
    return (slug,) + unpublished[slug]


def doc_role(name, rawtext, text, lineno, inliner, options={}, content=[]):  # noqa: B006 (Nikola's signature)
    target = unpublished_target(doc_role.site, text)
    if target is None:
        return doc_role.nikola_role(name, rawtext, text, lineno, inliner, options, content)
    slug, source, why = target
    msg = inliner.reporter.error(
        '"{0}" is {1} ({2}): it has no page to link to until it is published'.format(
            slug, "a draft" if why == "draft" else why, source
        ),
        line=lineno,
    )
    return [inliner.problematic(rawtext, rawtext, msg)], [msg]


class RestDocLinks(RestExtension):
    name = "rest_doc_links"

    def set_site(self, site):
        patches.require("rest_doc_links")
        nikola_doc = sys.modules[NIKOLA_DOC]
        if nikola_doc.doc_role is not doc_role:
            doc_role.nikola_role = nikola_doc.doc_role
            nikola_doc.doc_role = doc_role  # what Nikola's plugin registers; its lookup reads doc_role.site
        doc_role.site = site
        roles.register_canonical_role("doc", doc_role)
        return super().set_site(site)
