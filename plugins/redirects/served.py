"""The URLs the site's content will serve, worked out before anything is written.

redirects.txt is checked against them (plugins/rules/redirects.py ``check``)
when the posts have been read, so a bad record stops the build before a
file of ``output/`` changes. Running every task generator to learn their
targets would cost as much as planning the build again (seconds at 1,000
posts), so the pages, lists and feeds are named from the posts and their
classifications, the way the plugins that write them name them; the copied
files (theme assets, files/, images/, listings/) come from those plugins'
own generators, which only list files. tests/build/test_redirects_build.py
compares this set with what a build writes, for the blog and the fixture
sites.

The redirect pages and the web server's file plugins/redirects writes
itself are not in the set: they answer for URLs the content no longer serves.
"""

import contextlib
import os
from urllib.parse import unquote, urlsplit

from nikola import utils

from plugins.blog_feeds.blog_feeds import collect, opml
from plugins.planner.planner import flatten
from plugins.rules import periods, publication
from plugins.rules import redirects as rules

# Nikola's task plugins that copy or list files, and do no rendering in their generators.
FILE_TASKS = ("copy_assets", "copy_files", "scale_images", "render_listings")
# What plugins/sitemap_dates writes, whatever the posts.
FIXED = ("sitemap.xml", "robots.txt")


def _path(link):
    """The decoded site path of a link Nikola gives (absolute or root-relative)."""
    return unquote(urlsplit(link).path)


@contextlib.contextmanager
def _no_folders():
    """Nikola 8.3.3's scale_images and copy_assets make their output folders while they generate
    their tasks (``utils.makedirs``): listing them must leave output/ as it is, should the check fail."""
    real = utils.makedirs
    utils.makedirs = lambda path: None
    try:
        yield
    finally:
        utils.makedirs = real


def file_targets(site):
    """The output files of the copying plugins, from their own task generators (nothing runs)."""
    out = os.path.normpath(site.config["OUTPUT_FOLDER"])
    found = []
    with _no_folders():
        for name in FILE_TASKS:
            info = site.plugin_manager.get_plugin_by_name(name, "Task")
            if info is None or name in site.config.get("DISABLED_PLUGINS", ()):
                continue
            for task in flatten(info.plugin_object.gen_tasks()):
                for target in task.get("targets") or ():
                    rel = os.path.relpath(os.path.normpath(target), out)
                    if not rel.startswith(".."):
                        found.append(rel.replace(os.sep, "/"))
    return found


def _index_pages(site, posts):
    """The home page and the older posts' period pages (plugins/period_index)."""
    _home, by_period, _first = periods.site_pages(site, posts)
    return ["/"] + [periods.page_link(period) for period, _posts in by_period]


def site_urls(site):
    """The decoded paths the content of ``site`` (its posts scanned) will serve."""
    lang = site.config["DEFAULT_LANG"]
    urls = set()
    for post in site.timeline:
        if not publication.why_unpublished(post):
            urls.add(_path(post.permalink(lang)))
    public = publication.published(site)
    urls.update(_index_pages(site, public))
    if site.config.get("CREATE_SINGLE_ARCHIVE"):
        urls.add(_path(site.link("archive", None, lang)))
    urls.add(_path(site.link("tag_index", None, lang)))
    authors = publication.author_pages(site)
    if authors:
        urls.add(_path(site.link("author_index", None, lang)))
    for kind in ("category", "tag") + (("author",) if authors else ()):
        for name, posts in site.posts_per_classification[kind][lang].items():
            if posts:
                urls.add(_path(site.link(kind, name, lang)))
    listing = []
    for spec in collect.feed_specs(site, lang):
        urls.update("/" + rel for rel, _doc, _fmt in collect.documents(site, spec, spec.posts))
        listing.append(spec.summary())
    urls.add("/feeds/")
    urls.update(
        "/" + rel for rel, _data in opml.files(listing, site.config["BLOG_TITLE"](lang), site.config["SITE_URL"])
    )
    files = list(FIXED) + file_targets(site)
    # A folder URL also answers as its index.html, and a page's index.html as its folder.
    for url in list(urls):
        if url.endswith("/"):
            files.append(url[1:] + "index.html")
        else:
            files.append(url[1:])
    return rules.urls_of_files(files)
