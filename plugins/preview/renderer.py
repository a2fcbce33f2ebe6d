"""The preview's fast path: one saved post re-read, recompiled and re-rendered in place.

The preview process keeps the site loaded (Nikola's scanned timeline, its
compiler, templates and plugins). When an author saves a post that the
site already has, this builds a new ``Post`` for the file, checks its
metadata the way plugins/published_posts does (one file, not the whole
site), compiles it with the strict reST compiler (plugins/rest_strict: a
mistake raises ContentError with its file:line problems and writes
nothing) and renders its page with Nikola's own page renderer, written
atomically. Everything else (lists, taxonomies, feeds, search, sitemap)
is the background build's job (plugins/preview/session.py).

The new ``Post`` replaces the old one in Nikola's timeline and post lists
(registered in plugins/patches.py): other structures still hold the old
object, which is harmless for rendering this post's page, and the preview
restarts itself after the background build when the saved metadata
differs from what the site has loaded (``stale``).
"""

import os

from nikola.post import Post

from plugins.rules import errors, metadata, publication, urls


def _fields(meta):
    """A post's metadata without the empty defaults Nikola's scan adds (``priority``)."""
    return {k: v for k, v in meta.items() if v not in ("", None)}


class NotHere(Exception):
    """The file is not a post or page the loaded site has: the background build handles it."""


class Renderer:
    def __init__(self, site):
        self.site = site
        site.scan_posts()
        self.stale = False  # the loaded site no longer matches the sources

    def find(self, source):
        for post in self.site.timeline:
            if os.path.normpath(post.source_path) == source:
                return post
        return None

    def check(self, source, old):
        """Metadata problems of ``source``, as plugins/published_posts reports them."""
        found, fields = metadata.source_problems(source, old.is_post, urls.site_folders(self.site.config))
        if not fields:
            return found
        slug = fields.get("slug", ("", 0))
        for post in self.site.timeline:
            if (
                post is not old
                and post.meta("slug") == slug[0]
                and post.folder_relative == old.folder_relative
                and post.is_post == old.is_post
            ):
                found.append(
                    errors.line(source, slug[1], "ERROR", f"slug {slug[0]!r} is already used by {post.source_path}")
                )
        return found

    def render(self, source):
        """Recompile and re-render the post read from ``source``; returns the files written.

        Raises ContentError (with file:line problems) for a post with
        mistakes, NotHere for a file the loaded site does not have or no
        longer publishes.
        """
        site = self.site
        old = self.find(source)
        if old is None or not os.path.isfile(source):
            raise NotHere(source)
        problems = self.check(source, old)
        if problems:
            errors.report(problems)
            raise errors.ContentError("{0}: {1}".format(source, errors.plural(len(problems), "problem")), problems)
        new = Post(
            old.source_path,
            site.config,
            old.folder_relative,
            old.is_post,
            site.MESSAGES,
            old._template_name,
            old.compiler,
            destination_base=old.folder_base,
            metadata_extractors_by=site.metadata_extractors_by,
        )
        lang = site.config["DEFAULT_LANG"]
        if _fields(new.meta[lang]) != _fields(old.meta[lang]):
            self.stale = True  # titles, dates, tags... of lists: restart after the background build
        if publication.why_unpublished(new) and not site.config.get("PREVIEW_UNPUBLISHED"):
            self.stale = True
            raise NotHere(source)
        new.prev_post, new.next_post = old.prev_post, old.next_post
        written = []
        for lang in site.config["TRANSLATIONS"]:
            if not new.is_translation_available(lang) and not site.config["SHOW_UNTRANSLATED_POSTS"]:
                continue
            new.compile(lang)
            context = {"pagekind": ["post_page"]} if new.is_post else {"pagekind": ["story_page", "page_page"]}
            for task in site.generic_page_renderer(lang, new, site.config["FILTERS"], context):
                for action in task["actions"]:
                    if callable(action):
                        action()
                    else:
                        function, args, kwargs = (tuple(action) + ({},))[:3]
                        function(*args, **kwargs)
                written.extend(task["targets"])
        self._swap(old, new)
        return written

    def _swap(self, old, new):
        site = self.site
        for name in ("timeline", "posts", "all_posts", "pages"):
            posts = getattr(site, name, None)
            if isinstance(posts, list):
                posts[:] = [new if p is old else p for p in posts]
        for mapping in (site.post_per_file, site.post_per_input_file):
            for key, value in list(mapping.items()):
                if value is old:
                    mapping[key] = new
