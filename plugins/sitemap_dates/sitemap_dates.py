"""A reproducible sitemap.xml, and robots.txt.

Nikola 8.3.3's sitemap takes ``lastmod`` from file modification times, so
every clean build gives a different sitemap, and search engines are told
that every page changed. Here a post's ``lastmod`` is its ``updated`` date
(its ``date`` unless the post says otherwise), and a list page's is the
newest date of the posts it lists. Pages (pages/*.rst) have no date and
get none; a page with ``.. nositemap: True`` (the 404 page) is left out.
The entries come from the posts and their classifications, never from the
files of ``output/``, so only live URLs are listed: not the redirect pages
at moved pages' old URLs, nor 410.html (plugins/redirects).
"""

import os
from urllib.parse import urljoin
from xml.sax.saxutils import escape

from nikola import utils
from nikola.plugin_categories import Task

from plugins.rules import files, periods, publication

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def iso(date):
    return date.isoformat(timespec="seconds")


def render_sitemap(entries):
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NS}">']
    for loc, lastmod in entries:
        lines.append(
            "  <url><loc>{0}</loc>{1}</url>".format(escape(loc), f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


class SitemapDates(Task):
    name = "sitemap_dates"

    def entries(self, lang):
        site = self.site
        absolute = lambda link: urljoin(site.config["SITE_URL"], link)  # noqa: E731
        public = publication.published(site)
        newest = lambda posts: iso(max(p.updated for p in posts)) if posts else None  # noqa: E731
        found = {absolute("/"): newest(public)}
        authors = publication.author_pages(site)
        for link in ("/archive.html", site.link("tag_index", None, lang)) + (
            (site.link("author_index", None, lang),) if authors else ()
        ):
            found[absolute(link)] = newest(public)
        for post in site.timeline:
            if publication.why_unpublished(post) or post.meta("nositemap"):
                continue
            found[post.permalink(lang, absolute=True)] = iso(post.updated) if post.is_post else None
        for kind in ("category", "tag") + (("author",) if authors else ()):
            for name, posts in site.posts_per_classification[kind][lang].items():
                if posts:
                    found[absolute(site.link(kind, name, lang))] = newest(posts)
        found[absolute("/feeds/")] = newest(public)
        _home, by_period, _first = periods.site_pages(site, public)
        for period, posts in by_period:
            found[absolute(periods.page_link(period))] = newest(posts)
        return sorted(found.items())

    def gen_tasks(self):
        site = self.site
        site.scan_posts()
        out = site.config["OUTPUT_FOLDER"]
        lang = site.config["DEFAULT_LANG"]
        yield self.group_task()
        sitemap = render_sitemap(self.entries(lang))
        robots = "User-agent: *\nDisallow:\n\nSitemap: {0}\n".format(urljoin(site.config["SITE_URL"], "/sitemap.xml"))
        for name, text in (("sitemap.xml", sitemap), ("robots.txt", robots)):
            target = os.path.join(out, name)
            yield {
                "basename": self.name,
                "name": target,
                "targets": [target],
                "uptodate": [utils.config_changed({"text": text}, "sitemap_dates:" + name)],
                "actions": [(files.write_atomically, (target, text))],
                "clean": True,
            }
