"""Units of a build, their signatures, and the decision to build one.

A *unit* is what one Nikola task makes: a post's fragment, a page, a list,
a feed document, a copied file. Its *signature* is a digest of everything
its output is made from; a unit is built when its signature differs from the
one recorded when its output was last written (plugins/planner/state.py),
when that output is not as recorded, or when the planner is told to
(``Plan.forced``). Signatures are worked out where Nikola's own task
generators call its renderers, from the very arguments they pass, so the
pages, the posts on each page and the page numbers are Nikola's own:

* a post's page (``Nikola.generic_page_renderer``): the context Nikola gives
  the template (with what the ``render_post`` signal adds, e.g. "more in
  this category"), the post's meta facet (plugins/planner/postcache.py), the
  digest of its compiled text and its reading time, and the meta facets of
  its previous and next posts (the template reads them from the post);
* a list (``Nikola.generic_post_list_renderer``: index pages, the archive,
  tag, category and author pages and their overviews) and any other page
  (``Nikola.generic_renderer``): the context, every post in it by its meta
  facet, and by its reading time, or its text, where the template (with the
  templates it uses) names them;
* for every page, the values of the global context its template (with the
  templates it extends, includes or imports) refers to: the post counts
  change only the pages that show counts;
* a feed document (plugins/blog_feeds, which asks first): its fields, each
  post in it by its meta facet, and by its text where it carries the text;
* any other task (images, listings, copied files, the sitemap): its targets,
  the digests of its file dependencies and the values of its
  ``config_changed`` checks.

A value of a kind not named here makes the unit's signature ``None``: it is
always built (correct, and slow; plugins/planner/planner.py can log them).
What is the same for every unit (the settings, the code, the templates) is
in the keys plugins/planner/inputs.py gives: another key, another build.
"""

import datetime
import hashlib
import os
import re

import jinja2
import jinja2.meta
from nikola import hierarchy_utils, utils
from nikola import nikola as nikola_core
from nikola import post as nikola_post

from plugins import patches, shared_state
from plugins.planner.records import Signed, Template

# Attribute names by which a template can reach a post's text (not only its metadata), or its reading time.
_READS_TEXT = re.compile(r"\.(text|paragraph_count|remaining_paragraph_count|remaining_reading_time)\b")
_READS_TIME = re.compile(r"\breading_time\b")


class Unfamiliar(Exception):
    """A value the signature cannot vouch for: the unit is built every time."""


class Skip(dict):
    """What an intercepted renderer gives for a unit it does not build: a task Nikola may
    still change (add to its ``uptodate``, set its ``basename``), which the planner drops."""

    def __init__(self, name):
        super().__init__(
            basename="", name=name, targets=[], actions=[], uptodate=[], file_dep=[], task_dep=[], clean=True
        )


def unit_id(path):
    return os.path.normpath(path)


class Plan:
    """Which units this build (or this worker of it) builds.

    ``old``: {unit id: records.Unit} from the last build; ``forced``: unit ids built whatever their
    signature; ``settled``: unit ids known to be as the last build left them,
    whose signature need not be worked out (plugins/planner/planner.py, when
    no post's metadata changed); ``share``: (index, count) when the work is
    split between processes: every process sees every unit, and builds every
    count-th unit to build, from its index on.
    """

    def __init__(self, old, forced=(), share=None, settled=()):
        self.old = old
        self.forced = set(forced)
        self.settled = settled
        self.share = share
        self.seen = {}  # unit id: records.Signed, for every unit
        self.todo = []  # the units this process builds
        self.others = 0  # units to build that another process builds
        self._count = 0

    def keeps(self, uid):
        """True (and the unit noted as seen, as it was) for a unit known to be as the last build left it."""
        if uid in self.settled:
            old = self.old[uid]
            self.seen[uid] = Signed(old.signature, old.text_from, old.time_from)
            return True
        return False

    def wants(self, uid, signature, deps=((), ())):
        self.seen[uid] = Signed(signature, list(deps[0]), list(deps[1]))
        old = self.old.get(uid)
        if not (signature is None or old is None or old.signature != signature or uid in self.forced):
            return False
        mine = self.share is None or self._count % self.share[1] == self.share[0]
        self._count += 1
        if mine:
            self.todo.append(uid)
        else:
            self.others += 1
        return mine


class Signer:
    """Signatures of units, from the facets of the posts and the site's global context."""

    def __init__(self, site, facets, texts, templates=None):
        self.site = site
        self.facets = facets  # post source: meta facet
        self.texts = texts  # post source: records.Compiled (its text's digest and reading time)
        self.templates = templates if templates is not None else {}  # name: records.Template (render key)
        self._globals = {}
        self.unfamiliar = []  # (unit, the kind of value its signature could not vouch for)
        self._post_cache = {}
        self._deps = None

    # --- posts ----------------------------------------------------------------------

    def post_facet(self, post, reads=(False, False)):
        """[meta facet, text digest (if ``reads[0]``), reading time (if ``reads[1]``)]; the posts
        whose text or reading time a signature takes are noted (``deps``)."""
        key = (id(post), reads)
        found = self._post_cache.get(key)
        if found is None:
            source = post.source_path
            compiled = self.texts.get(source)
            found = [
                self.facets.get(source) or _unfamiliar(post),
                compiled.text if reads[0] and compiled is not None else None,
                compiled.reading_time if reads[1] and compiled is not None else None,
            ]
            self._post_cache[key] = found
        if self._deps is not None:
            if reads[0]:
                self._deps[0].add(post.source_path)
            if reads[1]:
                self._deps[1].add(post.source_path)
        return found

    def _begin(self):
        self._deps = (set(), set())

    def _end(self):
        deps, self._deps = self._deps, None
        return [sorted(deps[0]), sorted(deps[1])]

    def page_facet(self, post):
        """A post on its own page: its facet, text and reading time, and its neighbours' meta facets."""
        return [self.post_facet(post, (True, True))] + [
            self.post_facet(p) if p else None for p in (post.prev_post, post.next_post)
        ]

    # --- values ---------------------------------------------------------------------

    def canonical(self, value, reads=(False, False)):
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, nikola_post.Post):
            return ["post"] + self.post_facet(value, reads)
        if isinstance(value, dict):
            return {str(k): self.canonical(v, reads) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        if isinstance(value, (list, tuple)):
            return [self.canonical(v, reads) for v in value]
        if isinstance(value, (set, frozenset)):
            return sorted((self.canonical(v, reads) for v in value), key=repr)
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        if isinstance(value, datetime.tzinfo):
            return ["tz", repr(value)]
        if isinstance(value, utils.TranslatableSetting):
            return ["setting", self.canonical(value.values)]
        if isinstance(value, hierarchy_utils.TreeNode):
            return ["node", self.canonical({k: v for k, v in vars(value).items() if k != "parent"}, reads)]
        if isinstance(value, utils.TemplateHookRegistry):
            return ["hook", self.canonical(value.calculate_deps())]
        if callable(value):  # code: what it does is the code's, in the keys
            return ["code", getattr(value, "__module__", ""), getattr(value, "__qualname__", type(value).__name__)]
        raise Unfamiliar(type(value))

    @staticmethod
    def digest(*parts):
        """A digest of canonical values (their repr: lists, sorted dicts, strings, numbers, the same in any process)."""
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()

    # --- templates ------------------------------------------------------------------

    def template(self, name):
        """records.Template: the global names the template and those it uses refer to, and whether they
        read a post's text or its reading time."""
        if name not in self.templates:
            env = jinja2.Environment()
            names, reads_text, reads_time = set(), False, False
            for path in self.site.template_system.template_deps(name, self.site.GLOBAL_CONTEXT):
                if not path.endswith(".tmpl"):
                    continue
                with open(path, encoding="utf-8") as f:
                    source = f.read()
                names |= jinja2.meta.find_undeclared_variables(env.parse(source))
                reads_text = reads_text or bool(_READS_TEXT.search(source))
                reads_time = reads_time or bool(_READS_TIME.search(source))
            self.templates[name] = Template(sorted(names), reads_text, reads_time)
        return self.templates[name]

    def global_value(self, name):
        if name not in self._globals:
            context = self.site.GLOBAL_CONTEXT
            self._globals[name] = self.canonical(context[name]) if name in context else "-"
        return self._globals[name]

    def page(self, kind, output_name, template_name, lang, context, main_post=None, extra=None):
        """(signature, deps) of a page from ``template_name`` with ``context`` (None: always build it)."""
        self._begin()
        try:
            template = self.template(template_name)
            names, reads = template.names, (template.reads_text, template.reads_time)
            signature = self.digest(
                kind,
                unit_id(output_name),
                template_name,
                lang,
                [[n, self.global_value(n)] for n in names],
                self.canonical({k: v for k, v in context.items() if k != "post"}, reads),
                self.page_facet(main_post) if main_post is not None else None,
                self.canonical(extra, reads),
            )
        except Unfamiliar as why:
            self.unfamiliar.append((output_name, str(why)))
            signature = None
        return signature, self._end()

    def globals_digests(self, names):
        """{name: digest of its value in the global context} (what decides whether no global changed)."""
        found = {}
        for name in sorted(names):
            try:
                found[name] = self.digest(self.global_value(name))
            except Unfamiliar:
                found[name] = None
        return found

    def feed(self, target, doc, fmt):
        """The signature of a feed document laid out with posts as its entries (plugins/blog_feeds):
        its fields, and each post's meta facet, with its text where the document carries it."""
        self._begin()
        try:
            fields = {k: v for k, v in vars(doc).items() if k != "entries"}
            signature = self.digest(
                "feed",
                unit_id(target),
                fmt,
                self.canonical(fields),
                [self.post_facet(post, (doc.with_content, False)) for post in doc.entries],
            )
        except Unfamiliar as why:
            self.unfamiliar.append((target, str(why)))
            signature = None
        return signature, self._end()

    def task(self, task, digests):
        """The signature of a task of any other kind: targets, file dependencies, ``config_changed`` values."""
        try:
            checks = []
            for check in task.get("uptodate") or ():
                if isinstance(check, utils.config_changed):
                    checks.append(self.canonical(check.config))
                elif check is True:
                    checks.append(True)
                else:
                    raise Unfamiliar(type(check))
            return self.digest(
                "task",
                task.get("basename"),
                task.get("name"),
                sorted(task.get("targets") or ()),
                [[d, digests(d)] for d in sorted(task.get("file_dep") or ())],
                checks,
            )
        except Unfamiliar as why:
            self.unfamiliar.append((task.get("name"), str(why)))
            return None


def _unfamiliar(post):
    raise Unfamiliar(type(post))


# --- Nikola's renderers, deciding before they do their work -----------------------------

_generic_post_list_renderer = nikola_core.Nikola.generic_post_list_renderer
_generic_renderer = nikola_core.Nikola.generic_renderer
_generic_page_renderer = nikola_core.Nikola.generic_page_renderer


def _active(site):
    """The planner, when it is deciding (not inside a renderer it already decided for)."""
    planner = shared_state.of(site).planner
    if planner is None or planner.plan is None or planner.inside:
        return None
    return planner


def _decided(planner, output_name, signed, build):
    """Nikola's own renderer for a unit the planner builds (``build()``), else a Skip."""
    signature, deps = signed
    if not planner.plan.wants(unit_id(output_name), signature, deps):
        return Skip(output_name)
    planner.note_unfamiliar(output_name, signature)
    planner.inside = True  # the renderers call each other: one unit, decided once
    try:
        return build()
    finally:
        planner.inside = False


def generic_post_list_renderer(self, lang, posts, output_name, template_name, filters, extra_context):
    planner = _active(self)

    def build():
        return _generic_post_list_renderer(self, lang, posts, output_name, template_name, filters, extra_context)

    if planner is None:
        return build()
    if planner.plan.keeps(unit_id(output_name)):
        return Skip(output_name)
    signed = planner.signer.page(
        "list", output_name, template_name, lang, extra_context or {}, extra={"posts": list(posts)}
    )
    return _decided(planner, output_name, signed, build)


def generic_renderer(
    self,
    lang,
    output_name,
    template_name,
    filters,
    file_deps=None,
    uptodate_deps=None,
    context=None,
    context_deps_remove=None,
    post_deps_dict=None,
    url_type=None,
    is_fragment=False,
):
    planner = _active(self)

    def build():
        return _generic_renderer(
            self,
            lang,
            output_name,
            template_name,
            filters,
            file_deps,
            uptodate_deps,
            context,
            context_deps_remove,
            post_deps_dict,
            url_type,
            is_fragment,
        )

    if planner is None:
        return build()
    if planner.plan.keeps(unit_id(output_name)):
        return Skip(output_name)
    signed = planner.signer.page(
        "render", output_name, template_name, lang, context or {}, extra=[url_type, is_fragment, post_deps_dict]
    )
    return _decided(planner, output_name, signed, build)


def generic_page_renderer(self, lang, post, filters, context=None):
    """Nikola 8.3.3's page context (title, description, permalink, page kind, comments and the
    ``render_post`` signal's additions), signed before Nikola works out the task."""
    planner = _active(self)
    build = lambda: list(_generic_page_renderer(self, lang, post, filters, context))  # noqa: E731
    if planner is None:
        yield from build()
        return
    from blinker import signal

    output_name = os.path.join(self.config["OUTPUT_FOLDER"], post.destination_path(lang, post.compiler.extension()))
    if planner.plan.keeps(unit_id(output_name)):
        yield Skip(output_name)
        return
    probe = dict(context or {})
    probe["title"], probe["description"] = post.title(lang), post.description(lang)
    probe["permalink"] = post.permalink(lang)
    probe["enable_comments"] = True if post.use_in_feeds else self.config["COMMENTS_IN_PAGES"]
    deps_dict = {"comments": probe["enable_comments"], "post_translations": post.translated_to}
    signal("render_post").send({"site": self, "post": post, "lang": lang, "context": probe, "deps_dict": deps_dict})
    signed = planner.signer.page(
        "page", output_name, post.template_name, lang, probe, main_post=post, extra=[post.url_type, deps_dict]
    )
    made = _decided(planner, output_name, signed, build)
    yield from ([made] if isinstance(made, Skip) else made)


def install():
    """Put the deciding renderers in place of Nikola's (registered in plugins/patches.py)."""
    patches.require("planner")
    nikola_core.Nikola.generic_post_list_renderer = generic_post_list_renderer
    nikola_core.Nikola.generic_renderer = generic_renderer
    nikola_core.Nikola.generic_page_renderer = generic_page_renderer
