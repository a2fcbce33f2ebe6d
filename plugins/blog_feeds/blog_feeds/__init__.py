"""Every feed of the blog, written with feedgen: one source of truth.

For the whole blog and for every category, tag and author this task writes
an RSS 2.0 feed at the path Nikola uses (``rss.xml``,
``categories/<tag>.xml``, ``categories/cat_<category>.xml``,
``authors/<author>.xml``), an Atom feed beside it (Nikola's ``*_atom``
paths: ``index.atom``, ``categories/<tag>.atom``...), and the feed's whole
history as RFC 5005 archive documents under ``feeds/archive/``. It also
renders the Feeds page (``feeds/index.html``) that lists them all, and the
OPML files a feed reader imports to subscribe to many at once
(``feeds/all.opml`` and one per group, :mod:`.opml`).

Nikola's own feeds are switched off in conf.py (GENERATE_RSS and
GENERATE_ATOM are False), so no feed is written twice. What goes into a
feed is decided in :mod:`.collect`; how it is written, in :mod:`.writer`.
"""

import dataclasses
import os

from nikola import utils
from nikola.plugin_categories import Task

from plugins import shared_state
from plugins.rules import files

from . import collect, opml, writer


class BlogFeeds(Task):
    """Yield one doit task per feed file, and one for the Feeds page.

    Generating the tasks is cheap (titles, dates, links); the posts' HTML is
    read only when a feed is written, once per post however many feeds
    hold it.
    """

    name = "blog_feeds"

    def gen_tasks(self):
        site = self.site
        site.scan_posts()  # classifications exist only after the scan
        out = site.config["OUTPUT_FOLDER"]
        self._html = {}
        # plugins/planner, deciding which documents this build writes: each is
        # first laid out with the posts themselves (cheap), and only one it
        # writes gets its entries.
        planner = shared_state.of(site).planner
        deciding = planner is not None and planner.plan is not None
        yield self.group_task()
        listing = []
        for lang in site.config["TRANSLATIONS"]:
            entries = {}
            for spec in collect.feed_specs(site, lang):
                posts = {p.source_path: p for p in spec.posts}
                for rel_path, laid_out, fmt in collect.documents(site, spec, spec.posts):
                    target = os.path.join(out, rel_path)
                    if deciding and (
                        planner.plan.keeps(os.path.normpath(target))
                        or not planner.plan.wants(os.path.normpath(target), *planner.signer.feed(target, laid_out, fmt))
                    ):
                        continue
                    for post in laid_out.entries:
                        if post.source_path not in entries:
                            entries[post.source_path] = collect.entry(site, post, lang)
                    doc = dataclasses.replace(laid_out, entries=[entries[p.source_path] for p in laid_out.entries])
                    yield {
                        "basename": self.name,
                        "name": target,
                        "targets": [target],
                        # The compiled posts whose HTML the document carries.
                        "file_dep": sorted(
                            {posts[e.source].translated_base_path(lang) for e in doc.entries}
                            if doc.with_content
                            else ()
                        ),
                        "uptodate": [
                            utils.config_changed(
                                {"doc": repr(doc), "fmt": fmt, "version": writer.GENERATOR}, "blog_feeds:" + target
                            )
                        ],
                        "actions": [(self.write_feed, (target, doc, fmt, posts, lang))],
                        "clean": True,
                    }
                listing.append(spec.summary())
            yield self._feeds_page(lang, listing)
            yield from self._opml_files(lang, listing)

    def write_feed(self, target, doc, fmt, posts, lang):
        def html(source):
            if (source, lang) not in self._html:
                self._html[source, lang] = collect.content(self.site, posts[source], lang)
            return self._html[source, lang]

        full = (
            doc
            if not doc.with_content
            else dataclasses.replace(
                doc, entries=[dataclasses.replace(e, content_html=html(e.source)) for e in doc.entries]
            )
        )
        files.write_atomically(target, writer.render(full, fmt))

    def _opml_files(self, lang, listing):
        """One task per OPML file; its bytes (a few KB, from the listing) are its up-to-date check."""
        site = self.site
        for rel_path, data in opml.files(listing, site.config["BLOG_TITLE"](lang), site.config["SITE_URL"]):
            target = os.path.join(site.config["OUTPUT_FOLDER"], rel_path)
            yield {
                "basename": self.name,
                "name": target,
                "targets": [target],
                "uptodate": [utils.config_changed({"opml": data.decode("utf-8")}, "blog_feeds:" + target)],
                "actions": [(files.write_atomically, (target, data))],
                "clean": True,
            }

    def _feeds_page(self, lang, listing):
        site = self.site
        output_name = os.path.join(site.config["OUTPUT_FOLDER"], "feeds", "index.html")
        context = {
            "title": "Feeds",
            "description": "Every RSS and Atom feed of {0}, with its post count.".format(
                site.config["BLOG_TITLE"](lang)
            ),
            "permalink": "/feeds/",
            "pagekind": ["feeds_page"],
            "feeds": listing,
            # The page's sections, in the order and with the headings of the OPML files' folders.
            "groups": [{"kind": g.kind, "heading": g.heading, "opml": "/" + opml.path(g.slug)} for g in opml.GROUPS],
            "opml_all": "/" + opml.path(opml.ALL),
        }
        task = site.generic_renderer(lang, output_name, "feeds.tmpl", site.config["FILTERS"], context=context)
        task["basename"] = self.name
        return task
