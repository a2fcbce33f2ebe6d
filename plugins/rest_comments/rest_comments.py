"""reST comments are notes for the post's authors and reviewers, never published.

docutils writes a comment (``.. embargoed until Monday``) into the HTML as
``<!-- embargoed until Monday -->``: in the page's source, the feeds and
anything else made from the post's text. This plugin removes every comment
from the document before it is written, except Nikola's teaser break
(``.. TEASER_END``, or ``.. TEASER_END: Read on`` with its link text).

Nikola finds the teaser by that comment in the compiled HTML
(``Post.text(teaser_only=True)`` splits at ``TEASER_REGEXP``,
nikola/post.py), so it must survive until then; ``Post.text`` is wrapped to
take it out of whatever it returns: the teaser has been split off by then,
and the marker reaches no page, feed or search index.
"""

from docutils import nodes
from docutils.transforms import Transform
from nikola import post as nikola_post
from nikola.plugin_categories import ConfigPlugin

from plugins import patches


def make_comment_removal(teaser_regexp):
    class RemoveComments(Transform):
        default_priority = 880  # any time after parsing; before the writer

        def apply(self):
            for comment in list(self.document.findall(nodes.comment)):
                # The HTML docutils would write for it (_html_base.visit_comment), as Nikola matches it.
                if not teaser_regexp.fullmatch(f"<!-- {comment.astext()} -->"):
                    comment.parent.remove(comment)

    return RemoveComments


def make_text(text, teaser_regexp):
    def text_without_marker(self, *args, **kwargs):
        return teaser_regexp.sub("", text(self, *args, **kwargs))

    text_without_marker.__wrapped__ = text
    return text_without_marker


class RestComments(ConfigPlugin):
    """Register the transform and take the teaser marker out of Post.text."""

    name = "rest_comments"

    def set_site(self, site):
        patches.require("rest_comments")
        teaser_regexp = site.config.get("TEASER_REGEXP", nikola_post.TEASER_REGEXP)
        site.rst_transforms.append(make_comment_removal(teaser_regexp))
        text = nikola_post.Post.text
        nikola_post.Post.text = make_text(getattr(text, "__wrapped__", text), teaser_regexp)
        return super().set_site(site)
