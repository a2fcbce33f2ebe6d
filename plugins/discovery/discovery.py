"""Post counts and "more in this category", with correct rebuilds.

* ``post_counts`` (global template context): ``{kind: {name: count}}`` for
  ``category``, ``tag`` and ``author``. It is plain data, so every page that
  shows a count is rebuilt when a count changes (Nikola puts the global
  context into each page's up-to-date check).
* On each post page (Nikola's ``render_post`` signal): ``related``, the
  three other posts of the same category nearest it in time (the three
  before it; for the oldest of a category, the nearest after it fill the
  list), newest first, and the titles of the
  previous and next posts, added to the page's context *and* to its
  up-to-date data. Nikola 8.3.3 tracks only the previous/next permalinks,
  so a renamed neighbour would otherwise leave a stale title behind.

Nearest, not newest: with the category's three newest posts, every new post
changed the page of every post of its category (a seventh of the site,
1,400 pages at 10,000 posts); with the nearest, it changes the pages of the
three after it, and an incremental build rebuilds what a reader would see
change (plugins/planner).
"""

from blinker import signal
from nikola.plugin_categories import SignalHandler

from plugins.rules import publication

RELATED = 3
KINDS = ("category", "tag", "author")


class Discovery(SignalHandler):
    name = "discovery"

    def set_site(self, site):
        self.site = site
        self._by_category = None
        signal("scanned").connect(self.count)
        signal("render_post").connect(self.add_to_post_page)
        return super().set_site(site)

    def count(self, site):
        self._by_category = None  # the posts were read again
        # Counted from the published posts, not from Nikola's classification,
        # which is made by another handler of the same signal (order not defined).
        lang = site.config["DEFAULT_LANG"]
        counts = {kind: {} for kind in KINDS}
        for post in publication.published(site):
            names = {
                "category": [post.meta("category", lang)],
                "tag": post.tags_for_language(lang),
                "author": post.authors(lang),
            }
            for kind in KINDS:
                for name in names[kind]:
                    if name:
                        counts[kind][name] = counts[kind].get(name, 0) + 1
        site.GLOBAL_CONTEXT["post_counts"] = counts

    def newest_by_category(self, lang):
        """({category: its public posts, newest first}, {id(post): its place there}), made once per build
        (every post page asks, while Nikola generates its tasks: 10,000 at 10,000 posts)."""
        if self._by_category is None:
            self._by_category = {
                name: sorted(posts, key=lambda p: p.date, reverse=True)
                for name, posts in self.site.posts_per_classification["category"][lang].items()
            }
            self._places = {id(p): i for posts in self._by_category.values() for i, p in enumerate(posts)}
        return self._by_category, self._places

    def related(self, post, lang):
        category = post.meta("category", lang)
        if not category or not post.is_post:
            return []
        by_category, places = self.newest_by_category(lang)
        newest = by_category.get(category, [])
        here = places.get(id(post))
        if here is None or here >= len(newest) or newest[here] is not post:
            # A post the preview read again since (plugins/preview swaps it in), or not published.
            here = next((i for i, p in enumerate(newest) if p.source_path == post.source_path), None)
            if here is None:
                return []
        older = newest[here + 1 : here + 1 + RELATED]
        newer = newest[max(0, here - (RELATED - len(older))) : here]
        return newer + older

    def add_to_post_page(self, event):
        post, lang = event["post"], event["lang"]
        related = self.related(post, lang)
        event["context"]["related"] = related
        deps = event["deps_dict"]
        deps["related"] = [(p.permalink(lang), p.title(lang), p.formatted_date("webiso")) for p in related]
        deps["pager_titles"] = [p.title(lang) for p in (post.prev_post, post.next_post) if p]
