"""The home page and the older posts, listed by the period they were published in.

Nikola 8.3.3's index (``plugins/task/indexes.py`` through
``Nikola.generic_index_renderer``) cuts the posts into pages of
``INDEX_DISPLAY_POST_COUNT`` numbered from the oldest (``index-1.html``...),
so a post deleted or dated in the middle of the history moved a post onto
every newer page: at 10,000 posts a deletion wrote 1,000 index pages again.
conf.py turns Nikola's index pages off (``DISABLE_INDEXES``) and this task
writes:

* ``index.html``: the newest ``INDEX_DISPLAY_POST_COUNT`` posts, with a link
  to the older posts;
* one page per period holding posts (plugins/rules/periods.py): ``/2016/``
  for a year, or, for a year with more than ``PERIOD_POSTS`` posts, its
  halves, quarters or months (``/2016/h1/``, ``/2016/q3/``, ``/2016/07/``),
  every post of the period newest first, linked to the periods before and
  after it.

A deleted or back-dated post changes the page of its own period, the home
page if it is among the newest, and the links of the periods beside its own
when that period empties or appears. The old blog's year pages (``/2015/``)
answer again. Pages are rendered through ``generic_post_list_renderer``, so
the build planner (plugins/planner/units.py) signs and skips them as any list.
"""

import os

from nikola.plugin_categories import Task

from plugins.rules import periods, publication


class PeriodIndex(Task):
    """One task per page: the home page and each period's page."""

    name = "period_index"

    def gen_tasks(self):
        site = self.site
        site.scan_posts()
        yield self.group_task()
        # The blog is written in one language (conf.py): its pages are at the site's root.
        yield from self._pages(site.config["DEFAULT_LANG"])

    def _pages(self, lang):
        site = self.site
        posts = publication.published(site)
        home, by_period, first_older = periods.site_pages(site, posts)
        base = {
            "title": site.config["BLOG_TITLE"](lang),
            "description": site.config["BLOG_DESCRIPTION"](lang),
            "kind": "index",
        }
        yield self._page(
            lang,
            home,
            "index.html",
            {**base, "pagekind": ["main_index", "index"], "permalink": "/"},
            nextlink=periods.page_link(first_older) if first_older else None,
        )
        for number, (period, held) in enumerate(by_period):
            newer = periods.page_link(by_period[number - 1][0]) if number > 0 else "/"
            older_period = by_period[number + 1][0] if number + 1 < len(by_period) else None
            link = periods.page_link(period)
            yield self._page(
                lang,
                held,
                link[1:] + "index.html",
                {
                    **base,
                    "title": "Posts of " + periods.label(period),
                    "period_label": periods.label(period),
                    "pagekind": ["index", "period_index"],
                    "permalink": link,
                },
                prevlink=newer,
                nextlink=periods.page_link(older_period) if older_period else None,
            )

    def _page(self, lang, posts, path, context, prevlink=None, nextlink=None):
        site = self.site
        output_name = os.path.join(site.config["OUTPUT_FOLDER"], path)
        context = {**context, "prevlink": prevlink, "nextlink": nextlink}
        task = site.generic_post_list_renderer(lang, posts, output_name, "index.tmpl", site.config["FILTERS"], context)
        task["basename"] = self.name
        return task
