"""plugins/post_outline: section links and a contents list on a post's page (see outline.py).

The theme's post template calls ``post_outline(post.text())``, a function in
the global template context; the compiled post is not changed, so feeds
carry the post as written.
"""

from nikola.plugin_categories import SignalHandler

from plugins.post_outline.outline import outline


class PostOutline(SignalHandler):
    name = "post_outline"

    def set_site(self, site):
        site.GLOBAL_CONTEXT["post_outline"] = outline
        return super().set_site(site)
