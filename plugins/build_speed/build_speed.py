"""Repeated work removed from Nikola 8.3.3 and doit 0.37.0, found by profiling.

bench/PROFILE.md has the measurements (1,000 posts). Every patch here is
the same computation done once instead of thousands of times; none changes
what is built, which bench/run.py checks by comparing builds byte for byte.
Like every patch of the project, they are registered in plugins/patches.py
with the version they were written for: remove a patch when that version
has fixed the cost.

1. doit 0.37.0 ``Dependency.get_status`` calls ``inspect.signature`` on every
   up-to-date callable of every task on every run (14,579 calls in a no-op
   build). A callable object's signature is its class's, so it is cached per
   class (per function for plain functions and methods).
2. Nikola 8.3.3 ``utils.config_changed`` serialises its dict to JSON and
   hashes it for every task, although the page tasks of one build share the
   same dicts (the same ``kw`` for all 1,000 post pages). The digest is
   cached per dict object for the life of the process; Nikola builds these
   dicts while generating tasks and does not change them afterwards.
3. Nikola 8.3.3 ``Post._set_date`` parses every date with dateutil. Our
   dates are ISO 8601 (plugins/rules/metadata.py requires a time zone), which
   ``datetime.fromisoformat`` reads ten times faster; anything else still
   goes to Nikola's parser.
4. Nikola 8.3.3's ``:doc:`` role finds its target by scanning the whole
   timeline (``_find_post``), once per link: O(posts x links). A slug index,
   built once after the scan, answers the same question.
5. Nikola 8.3.3 ``Nikola.sort_posts_chronologically`` natural-sorts by title
   with natsort, which splits every title with a regular expression on
   every call (34 calls, 10,000 keys in a no-op build), then sorts three
   times more. Each post's key is worked out once (and kept with the post,
   ``_memo``); one sort by it gives the same order.
6. Nikola 8.3.3 ``Post.reading_time`` asks ``Post.text`` twice (plain and
   HTML), and each call reads the compiled HTML, parses it with lxml, makes
   its links absolute and serialises it, then parses the result again: four
   parses per post to count words and images, when one gives the same
   counts (links and serialisation change no text and no element).
7. lxml 6.1 ``HtmlMixin.iterlinks`` (used by ``rewrite_links`` and
   ``make_links_absolute``: Nikola rewrites the links of every page, every
   post's text and every feed entry) walks every element in Python and
   tests each of 16 attribute names: 6 s of a 1,000-post build under the
   profiler. One XPath query finds the elements that carry a link
   attribute; the links are the same, in the same order. A document with
   the elements and attributes whose links lxml finds elsewhere (``object``,
   ``meta``, ``param``, ``style``, a ``style`` attribute) takes lxml's path.
8. Nikola 8.3.3 ``JinjaTemplates.get_string_deps`` finds a template's
   dependencies by parsing it, and again every template it includes, for
   every template a task renders: the theme's base templates are parsed
   six times each, 36 % of a one-post build. Each text is parsed once; the
   names it refers to are kept, for the process and beside the compiled
   templates in cache/jinja (plugins/template_cache.py), and the
   dependencies are put together from them exactly as Nikola does.
9. Nikola 8.3.3 ``Post.permalink`` builds the path from the post's folders
   and slug, joins it to SITE_URL and percent-encodes it on every call
   (9,000 calls for a 1,000-post site's plan); ``Post.formatted_date`` and
   ``formatted_updated`` format the same dates with Babel again and again.
   Each answer is kept on the post (``post._memo``, kept with the post
   between builds by plugins/planner/postcache.py): a post's date, slug
   and folders do not change after Nikola has read it. So is
   ``Post.destination_path``.
10. Nikola 8.3.3 ``Nikola.scan_posts`` checks that a post is not yet in a
   tag's list by searching the list (``post not in posts_per_tag[tag]``):
   quadratic, 0.5 s of 10,000 posts; it slugifies every tag into a set it
   never reads, and deduplicates the list of tags once per post. This is
   the same method with a set beside each list, without the unused set,
   and the tags deduplicated once.
11. Nikola 8.3.3 ``Post.text`` reads, parses and serialises a post's compiled
   file on every call: once for its page and once for the blog's feeds.
   The whole text (not a teaser, which shows the title and reading time) is
   kept per process, keyed by everything it is made from (the file by size
   and time), within a budget of characters.
"""

import collections
import datetime
import functools
import inspect
import math
import operator
import os
import sys

import jinja2.meta
import jinja2.nodes
import lxml.html
import lxml.html.defs
import natsort
from doit import dependency
from lxml import etree
from nikola import nikola as nikola_core
from nikola import post as nikola_post
from nikola import utils
from nikola.plugin_categories import ConfigPlugin

from plugins import patches
from plugins.rules import reads
from plugins.template_cache import TemplateCache

# --- 1. doit: inspect.signature per class -----------------------------------


class _CachedSignatures:
    """Stands in for the ``inspect`` module inside ``doit.dependency``."""

    def __init__(self):
        self._cache = {}

    def signature(self, obj):
        if inspect.isfunction(obj):
            key = obj
        elif inspect.ismethod(obj):
            key = ("method", obj.__func__)
        elif not (isinstance(obj, type) or inspect.isroutine(obj) or isinstance(obj, functools.partial)):
            key = ("instance", type(obj))  # a callable object: its class's __call__
        else:
            return inspect.signature(obj)
        if key not in self._cache:
            self._cache[key] = inspect.signature(obj)
        return self._cache[key]

    def __getattr__(self, name):
        return getattr(inspect, name)


# --- 2. Nikola: one digest per config dict ----------------------------------

_digest = utils.config_changed._calc_digest
_digests = {}


def _calc_digest_once(self):
    config = self.config
    if not isinstance(config, dict):
        return _digest(self)
    cached = _digests.get(id(config))
    if cached is None or cached[0] is not config:
        cached = _digests[id(config)] = (config, _digest(self))  # keeps config alive: ids stay unique
    return cached[1]


# --- 3. Nikola: ISO 8601 dates without dateutil ------------------------------

_to_datetime = nikola_post.to_datetime


def _to_datetime_fast(value, tzinfo=None):
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    return _to_datetime(value, tzinfo)


# --- 4. Nikola: the :doc: role's slug index ----------------------------------


def _install_slug_index(site):
    doc = sys.modules.get("nikola.plugins.compile.rest.doc")
    if doc is None:
        return
    index = {}

    def find_post(slug):
        reads.post(slug)  # the linking post is compiled again when this one changes (plugins/planner)
        if not index:
            for p in site.timeline:
                index.setdefault(p.meta("slug"), []).append(p)
        found = index.get(slug, [])
        return (found[0] if found else None), len(found) > 1

    doc._find_post = find_post


# --- 5. Nikola: natural sort keys once per title -----------------------------

_natural = natsort.natsort_keygen(alg=natsort.ns.F | natsort.ns.IC)


def chrono_key(post, lang):
    """The post's place in Nikola's order, kept on the post (``_memo``): (-priority, -date, title's natural
    key, source path). Nikola sorts by source path, then by title, then by date (newest first), then by
    priority (highest first), each sort stable: one sort by this key gives the same order."""
    key = ("chrono", lang, utils.LocaleBorg().current_lang)
    memo = post.__dict__.setdefault("_memo", {})
    found = memo.get(key)
    if found is None:
        priority = post.meta("priority")
        found = memo[key] = (
            -(int(priority) if priority else 0),
            -post.date.timestamp(),
            _natural(post.title(lang)) if lang is not None else (),
            post.source_path,
        )
    return found


def sort_posts_chronologically(posts, lang=None):
    """Nikola 8.3.3's order (priority, date, title, source path), each post's key worked out once.

    The key is also put on the post as an attribute of its own, which the sort reads with no Python
    call per post: the scan and the taxonomies sort 100,000 posts at 10,000 (0.3 s with a key function)."""
    name = f"_chrono {lang} {utils.LocaleBorg().current_lang}"
    for post in posts:
        if name not in post.__dict__:
            post.__dict__[name] = chrono_key(post, lang)
    return sorted(posts, key=operator.attrgetter(name))


_destination_path = nikola_post.Post.destination_path


def destination_path(self, lang=None, extension=".html", sep=os.sep):
    if lang is None:
        lang = utils.LocaleBorg().current_lang
    key = ("destination", lang, extension, sep)
    memo = self.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = _destination_path(self, lang, extension, sep)
    return memo[key]


# --- 10. Nikola: the scan, without its quadratic check -----------------------------


def scan_posts(self, really=False, ignore_quit=False, quiet=False):
    """Nikola 8.3.3's Nikola.scan_posts (nikola/nikola.py), with the changes the module's docstring lists."""
    from collections import defaultdict

    from blinker import signal

    if self._scanned and not really:
        return
    self.posts = []
    self.all_posts = []
    self.posts_per_year = defaultdict(list)
    self.posts_per_month = defaultdict(list)
    self.posts_per_tag = defaultdict(list)
    self.posts_per_category = defaultdict(list)
    self.tags_per_language = defaultdict(list)
    self.category_hierarchy = {}
    self.post_per_file = {}
    self.post_per_input_file = {}
    self.timeline = []
    self.pages = []
    for p in sorted(self.plugin_manager.get_plugins_of_category("PostScanner"), key=lambda p: p.name):
        try:
            timeline = p.plugin_object.scan()
        except Exception:
            utils.LOGGER.error("Error reading timeline")
            raise
        self.timeline.extend(timeline)
    quit = False
    langs = list(self.config["TRANSLATIONS"].keys())
    tagged = defaultdict(set)  # tag: ids of the posts in posts_per_tag[tag]
    for post in self.timeline:
        if post.use_in_feeds:
            self.posts.append(post)
            self.posts_per_year[str(post.date.year)].append(post)
            self.posts_per_month[f"{post.date.year}/{post.date.month:02d}"].append(post)
            for lang in langs:
                tags = post.tags_for_language(lang)
                for tag in tags:
                    if id(post) not in tagged[tag]:
                        tagged[tag].add(id(post))
                        self.posts_per_tag[tag].append(post)
                self.tags_per_language[lang].extend(tags)
            self._add_post_to_category(post, post.meta("category"))
        if post.is_post:
            self.all_posts.append(post)
        else:
            self.pages.append(post)
        for lang in langs:
            dest = post.destination_path(lang=lang)
            src_dest = post.destination_path(lang=lang, extension=post.source_ext())
            src_file = post.translated_source_path(lang=lang)
            if dest in self.post_per_file:
                utils.LOGGER.error(
                    f"Two posts are trying to generate {dest}: "
                    f"{self.post_per_file[dest].source_path} and {post.source_path}"
                )
                quit = True
            if (src_dest in self.post_per_file) and self.config["COPY_SOURCES"]:
                utils.LOGGER.error(
                    f"Two posts are trying to generate {src_dest}: "
                    f"{self.post_per_file[dest].source_path} and {post.source_path}"
                )
                quit = True
            self.post_per_file[dest] = post
            self.post_per_file[src_dest] = post
            if src_file is not None:
                self.post_per_input_file[src_file] = post
    for lang in langs:
        self.tags_per_language[lang] = list(set(self.tags_per_language[lang]))
    self.timeline = self.sort_posts_chronologically(self.timeline)
    self.posts = self.sort_posts_chronologically(self.posts)
    self.all_posts = self.sort_posts_chronologically(self.all_posts)
    self.pages = self.sort_posts_chronologically(self.pages)
    self._sort_category_hierarchy()
    for i, p in enumerate(self.posts[1:]):
        p.next_post = self.posts[i]
    for i, p in enumerate(self.posts[:-1]):
        p.prev_post = self.posts[i + 1]
    self._scanned = True
    if not self.quiet:
        print("done!", file=sys.stderr)
    if quit and not ignore_quit:
        sys.exit(1)
    signal("scanned").send(self)


def warm(post):
    """Work out the answers this plugin keeps on a post (plugins/planner keeps the post with them)."""
    date_format = post.config.get("DATE_FORMAT")
    for lang in post.translated_to:
        post.permalink(lang)
        post.permalink(lang, absolute=True)
        post.destination_path(lang)
        post.destination_path(lang, post.compiler.extension())
        post.destination_path(lang, post.source_ext())
        chrono_key(post, lang)
    chrono_key(post, None)
    for fmt in (date_format, "webiso"):
        post.formatted_date(fmt)
        post.formatted_updated(fmt)


# --- 6. Nikola: reading time from one parse -----------------------------------

_MEDIA = (".//img", ".//picture", ".//video", ".//audio", ".//object", ".//iframe")
_reading_time = nikola_post.Post.reading_time


def reading_time(self):
    """Nikola 8.3.3's formula: words / 220 + 0.33 per embedded medium, at least 1."""
    if self._reading_time is None:
        file_name, _real_lang = self._translated_file_path(utils.LocaleBorg().current_lang)
        if not os.path.isfile(file_name) or self.compiler.extension() == ".php" or self.hyphenate:
            return _reading_time.fget(self)
        with open(file_name, encoding="utf-8-sig") as f:
            data = f.read().strip()
        if not data:  # a page all template (search): Nikola's formula's minimum; 8.3.3 itself cannot parse ""
            self._reading_time = 1
            return 1
        document = lxml.html.fragment_fromstring(data, "body")
        words = len(document.text_content().split())
        # Nikola counts media below the root lxml.html.fromstring gives: a lone
        # element is its own root, and not counted.
        root = document
        if len(document) == 1 and not (document.text or "").strip() and not (document[0].tail or "").strip():
            root = document[0]
        media = sum(len(root.findall(path)) * 0.33 for path in _MEDIA)
        self._reading_time = int(math.ceil((words / 220) + media)) or 1
    return self._reading_time


# --- 7. lxml: the elements that carry links, found by one XPath query ---------

_iterlinks = lxml.html.HtmlMixin.iterlinks
_LINK_ATTRS = lxml.html.defs.link_attrs
_ELSEWHERE = etree.XPath("descendant-or-self::*[self::object or self::meta or self::param or self::style or @style]")
_LINKED = etree.XPath(
    "descendant-or-self::*[{0}]".format(
        " or ".join("@" + a if ":" not in a else f"@*[name()='{a}']" for a in sorted(_LINK_ATTRS))
    )
)


def iterlinks(self):
    if _ELSEWHERE(self):
        yield from _iterlinks(self)
        return
    for el in _LINKED(self):
        attribs = el.attrib
        for attrib in _LINK_ATTRS:
            if attrib in attribs:
                yield (el, attrib, attribs[attrib], 0)


# --- 8. Nikola: each template parsed once for its dependencies -----------------

_referenced = {}


def _parse_references(environment, text):
    """[names, [[pattern, variable], ...]]: JSON's shape, as it is kept in cache/jinja."""
    ast = environment.parse(text)
    return [
        [d for d in jinja2.meta.find_referenced_templates(ast) if d],
        [
            [imp.template.left.value, imp.template.right.name]
            for imp in ast.find_all(jinja2.nodes.Import)
            if isinstance(imp.template, jinja2.nodes.Mod)
        ],
    ]


def _referenced_templates(environment, text):
    """The names ``text`` extends, includes or imports, and its ``'name_%s' % variable`` imports."""
    found = _referenced.get(text)
    if found is None:
        cache = environment.bytecode_cache
        if isinstance(cache, TemplateCache):
            found = cache.remembered(environment, "references", text, lambda: _parse_references(environment, text))
        else:
            found = _parse_references(environment, text)
        _referenced[text] = found
    return found


def get_string_deps(self, text, context=None):
    """Nikola 8.3.3's JinjaTemplates.get_string_deps, each text parsed once."""
    deps = set()
    simple, formatted = _referenced_templates(self.lookup, text)
    for dep_name in simple + [pattern % (context[name],) for pattern, name in formatted]:
        filename = self.lookup.loader.get_source(self.lookup, dep_name)[1]
        sub_deps = [filename] + self.get_deps(filename, context)
        self.dependency_cache[dep_name] = sub_deps
        deps |= set(sub_deps)
    return list(deps)


# --- 9. Nikola: a post's permalinks and formatted dates, worked out once --------------

_permalink = nikola_post.Post.permalink
_formatted_date = nikola_post.Post.formatted_date
_formatted_updated = nikola_post.Post.formatted_updated


def permalink(self, lang=None, absolute=False, extension=".html", query=None):
    if lang is None:
        lang = utils.LocaleBorg().current_lang
    key = ("permalink", lang, absolute, extension, query)
    memo = self.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = _permalink(self, lang, absolute, extension, query)
    return memo[key]


def _format_key(kind, date_format):
    lang = utils.LocaleBorg().current_lang
    if isinstance(date_format, utils.TranslatableSetting):
        date_format = date_format(lang)
    return (kind, date_format, lang) if isinstance(date_format, str) else None


def formatted_date(self, date_format, date=None):
    key = _format_key("date", date_format) if date is None else None
    if key is None:
        return _formatted_date(self, date_format, date)
    memo = self.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = _formatted_date(self, date_format)
    return memo[key]


def formatted_updated(self, date_format):
    key = _format_key("updated", date_format)
    if key is None:
        return _formatted_updated(self, date_format)
    memo = self.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = _formatted_updated(self, date_format)
    return memo[key]


# --- 11. Nikola: a post's whole text worked out once, for its page and for the feeds ---

# Characters of post text kept per process: the whole of a 1,000-post site (7 MB), the newest
# pages' texts of a larger one (the feeds that carry them are written after the pages).
TEXT_BUDGET = 16 * 1024 * 1024
_texts = collections.OrderedDict()
_kept = [0]


def memo_text(text):
    """``Post.text`` (as other plugins wrapped it) for the whole post, worked out once per process.

    Nikola 8.3.3 reads and parses a post's compiled file, makes its links absolute and
    serializes it again on every call: once for its page, once for the blog's feeds
    (plugins/blog_feeds), 1.75 ms each. The whole text (``teaser_only=False``) depends
    only on that file, the post's permalink and its hyphenation and header settings,
    which the key holds (the file by size and time: a post compiled again, as in the
    preview, is read again). A teaser also shows the post's title and reading time:
    it is not kept. Not a ``__wrapped__`` wrapper, so a plugin that unwraps
    ``Post.text`` to wrap Nikola's own (rest_comments) keeps this one's work.
    """

    def text_once(
        self,
        lang=None,
        teaser_only=False,
        strip_html=False,
        show_read_more_link=True,
        feed_read_more_link=False,
        feed_links_append_query=None,
    ):
        args = (lang, teaser_only, strip_html, show_read_more_link, feed_read_more_link, feed_links_append_query)
        if teaser_only:
            return text(self, *args)
        lang = lang or utils.LocaleBorg().current_lang
        file_name, _real_lang = self._translated_file_path(lang)
        try:
            st = os.stat(file_name)
        except FileNotFoundError:  # Nikola compiles it first
            return text(self, *args)
        key = (
            file_name,
            st.st_size,
            st.st_mtime_ns,
            self.permalink(lang),
            self.hyphenate,
            self.demote_headers,
            lang,
            strip_html,
        )
        found = _texts.get(key)
        if found is None:
            found = text(self, *args)
            _texts[key] = found
            _kept[0] += len(found)
            while _kept[0] > TEXT_BUDGET and len(_texts) > 1:
                _kept[0] -= len(_texts.popitem(last=False)[1])
        return found

    return text_once


class BuildSpeed(ConfigPlugin):
    name = "build_speed"

    def set_site(self, site):
        patches.require("build_speed")
        dependency.inspect = _CachedSignatures()
        utils.config_changed._calc_digest = _calc_digest_once
        nikola_post.to_datetime = _to_datetime_fast
        _install_slug_index(site)
        nikola_core.Nikola.sort_posts_chronologically = staticmethod(sort_posts_chronologically)
        nikola_post.Post.reading_time = property(reading_time)
        nikola_post.Post.permalink = permalink
        nikola_post.Post.formatted_date = formatted_date
        nikola_post.Post.formatted_updated = formatted_updated
        nikola_post.Post.destination_path = destination_path
        nikola_post.Post.text = memo_text(nikola_post.Post.text)
        nikola_core.Nikola.scan_posts = scan_posts
        lxml.html.HtmlMixin.iterlinks = iterlinks
        if site.template_system.name == "jinja":  # the class Nikola loaded, not an import of its module
            type(site.template_system).get_string_deps = get_string_deps
        return super().set_site(site)
