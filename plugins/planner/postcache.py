"""Nikola's Post objects kept between builds: a post is read again only when a file it read changed.

Nikola 8.3.3 makes a ``Post`` for every source on every build: it reads
the file's metadata, parses dates, sorts tags, works out paths (8 s for
10,000 posts here). ``PostCache.factory`` stands in for the ``Post`` class
while Nikola's scanner runs: for a source whose files (the source, its
``.meta`` file, its translations) have the size and time, or failing that
the SHA-256, they had when the kept post was made, and which the scanner
asks for with the same arguments, it gives back the kept post; otherwise it
makes a new one, as Nikola would, and keeps it.

A kept post is the new post's attributes as they were right after
``Post.__init__``, less what the site or the clock gives it: the settings,
the compiler, the messages, the destination setting (given back from the
scanner's arguments), the current time and so whether it is scheduled (both
worked out again, so a scheduled post is published by the first build after
its date), the neighbours and the dependencies Nikola adds later (made
again: ``register_extra_dependencies``). The values Nikola works out from a
post again and again (permalinks, formatted dates, the natural sort key of
the title) are worked out once, when the post is made, and kept with it
(plugins/build_speed uses them).

Each post also gets its *meta facet*: a digest of everything a page other
than its own can show of it (all its attributes, so its metadata, date,
paths, tags, status) with whether it is published now. A list page is
rebuilt when a post it lists changes its facet (plugins/planner/units.py).
"""

import collections
import copyreg
import datetime
import hashlib
import io
import json
import os
import pickle

from nikola import post as nikola_post
from nikola import utils

from plugins.planner.records import KeptPost

# Given back from the site or the scanner, not kept.
SHARED = frozenset(
    (
        "config",
        "compiler",
        "compile_html",
        "messages",
        "translations",
        "metadata_extractors_by",
        "used_extractor",
        "folder_base",
        "current_time",
        "publish_later",
        "use_in_feeds",
        "_prev_post",
        "_next_post",
        "_dependency_file_fragment",
        "_dependency_file_page",
        "_dependency_uptodate_fragment",
        "_dependency_uptodate_page",
        "_depfile",
        "_reading_time",
        "_remaining_reading_time",
        "_paragraph_count",
        "_remaining_paragraph_count",
    )
)


def _none():
    return None


_FACTORIES = {"none": _none, "str": str, "list": list}


def _factory_name(factory):
    if factory is None:
        return None
    value = factory()
    for name, made in (("none", None), ("str", ""), ("list", [])):
        if value == made and type(value) is type(made):
            return name
    raise TypeError(f"a default of {value!r}")


def _functionary(default_lang, factory, items):
    # Functionary.__init__ (a Python call, 20,000 of them at 10,000 posts) is defaultdict's, then this.
    made = utils.Functionary.__new__(utils.Functionary)
    collections.defaultdict.__init__(made, _FACTORIES.get(factory, _none), items)
    made.default_lang = default_lang
    return made


def _defaultdict(factory, items):
    made = collections.defaultdict(_FACTORIES.get(factory))
    made.update(items)
    return made


class _Pickler(pickle.Pickler):
    """Nikola's Functionary and defaultdict attributes, whose defaults are lambdas: kept with their defaults' names."""

    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[utils.Functionary] = lambda f: (
        _functionary,
        (f.default_lang, _factory_name(f.default_factory), dict(f)),
    )
    dispatch_table[collections.defaultdict] = lambda d: (_defaultdict, (_factory_name(d.default_factory), dict(d)))


def _dumps(value):
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def _canonical(value):
    """JSON-able and the same whatever the process's hash seed (sets sorted)."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return f"{type(value).__module__}.{type(value).__qualname__}"


def stamp(post):
    """[path, size, mtime_ns] of the files a post was read from (None for a candidate that does not exist)."""
    paths = {post.source_path, post.metadata_path}
    for lang in post.translations:
        paths.add(utils.get_translation_candidate(post.config, post.source_path, lang))
        paths.add(utils.get_translation_candidate(post.config, post.metadata_path, lang))
    return _stat(sorted(paths))


def _stat(paths):
    found = []
    for path in paths:
        try:
            st = os.stat(path)
            found.append([path, st.st_size, st.st_mtime_ns])
        except FileNotFoundError:
            found.append([path, None, None])
    return found


def _stamp_holds(kept):
    for path, size, mtime in kept:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            if size is not None:
                return False
            continue
        if size is None or st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return True


def _contents(kept):
    digest = hashlib.sha256()
    for path, size, _mtime in kept:
        if size is not None:
            with open(path, "rb") as f:
                digest.update(path.encode() + b"\0" + f.read())
    return digest.hexdigest()


def publication(post, now=None):
    """Work out again what depends on the clock (Nikola's Post.__init__, at its end); ``now``: the
    current time as Nikola's Post takes it, worked out once for all the posts of a scan."""
    if now is None:
        now = None if post.config["FUTURE_IS_NOW"] else utils.current_time(post.config["__tzinfo__"])
    post.current_time = now
    post.publish_later = False if post.current_time is None else post.date >= post.current_time
    post.use_in_feeds = post.is_post and not post.is_draft and not post.is_private and not post.publish_later


def meta_facet(post):
    """What pages other than the post's own can show of it, as one digest (see the module's docstring)."""
    return hashlib.blake2b(
        f"{post._planner_attributes!r} {post.publish_later} {post.use_in_feeds}".encode(), digest_size=16
    ).digest()


def prepare(post):
    """Work out once what Nikola works out from a post again and again (plugins/build_speed keeps the
    answers on the post, ``_memo``, which is kept with it)."""
    from plugins.build_speed import build_speed

    build_speed.warm(post)
    return post


class PostCache:
    """The scanner's Post factory, with the posts kept by the last build (``entries``)."""

    def __init__(self, blob=None):
        self.entries = {}  # source: records.KeptPost
        if blob:
            try:
                self.entries = pickle.loads(blob)
            except Exception:  # a cache: anything unreadable is read again from the sources
                self.entries = {}
        self.current = {}
        self.made = []  # sources read again in this build
        self.facets = {}  # source: meta facet
        self._now = None
        self._extractors = None

    def factory(
        self,
        base_path,
        config,
        rel_dest_dir,
        use_in_feeds,
        messages,
        template_name,
        compiler,
        destination_base=None,
        metadata_extractors_by=None,
    ):
        """Nikola's ``Post(...)`` as its scanner calls it, from the cache when the post's files did not change."""
        args = [
            rel_dest_dir,
            use_in_feeds,
            template_name,
            compiler.name,
            json.dumps(destination_base.values if destination_base is not None else None, sort_keys=True),
        ]
        kept = self.entries.get(base_path)
        post = None
        if kept is not None and kept.args == args:
            if not _stamp_holds(kept.stamp):
                renewed = _stat([path for path, _size, _mtime in kept.stamp])
                if _contents(renewed) == kept.contents:
                    kept = kept._replace(stamp=renewed)  # touched, not changed
                else:
                    kept = None
            if kept is not None:
                if self._now is None:
                    self._now = (None if config["FUTURE_IS_NOW"] else utils.current_time(config["__tzinfo__"]),)
                    self._extractors = {type(e).__name__: e for e in metadata_extractors_by.get("all", ())}
                post = self._restore(
                    kept.post,
                    config,
                    messages,
                    compiler,
                    destination_base,
                    metadata_extractors_by,
                    self._extractors,
                    self._now[0],
                )
        if post is None:
            post = nikola_post.Post(
                base_path,
                config,
                rel_dest_dir,
                use_in_feeds,
                messages,
                template_name,
                compiler,
                destination_base=destination_base,
                metadata_extractors_by=metadata_extractors_by,
            )
            prepare(post)
            state = {k: v for k, v in vars(post).items() if k not in SHARED}
            state["_extractors"] = {lang: type(e).__name__ for lang, e in post.used_extractor.items() if e}
            files = stamp(post)
            # Pickled now: no later change to the post (Nikola's defaultdicts grow as they are read) is kept.
            attributes = _canonical({k: v for k, v in state.items() if k not in ("_memo", "_extractors")})
            kept = KeptPost(
                args,
                files,
                _contents(files),
                _dumps(state),
                hashlib.blake2b(json.dumps(attributes, sort_keys=True).encode(), digest_size=16).digest(),
            )
            self.made.append(base_path)
        post._planner_attributes = kept.attributes
        self.current[base_path] = kept
        self.facets[base_path] = meta_facet(post)
        return post

    @staticmethod
    def _restore(blob, config, messages, compiler, destination_base, metadata_extractors_by, by_name, now):
        state = pickle.loads(blob)
        extractors = state.pop("_extractors", {})
        post = nikola_post.Post.__new__(nikola_post.Post)
        post.__dict__.update(state)
        post.config, post.messages, post.compiler = config, messages, compiler
        post.compile_html = compiler.compile
        post.translations = config["TRANSLATIONS"]
        post.folder_base = destination_base
        post.metadata_extractors_by = metadata_extractors_by
        post.used_extractor = utils.Functionary(_none, post.default_lang)
        post.used_extractor.update({lang: by_name.get(name) for lang, name in extractors.items()})
        for name in (
            "_dependency_file_fragment",
            "_dependency_file_page",
            "_dependency_uptodate_fragment",
            "_dependency_uptodate_page",
            "_depfile",
        ):
            setattr(post, name, collections.defaultdict(list))
        for lang in post.translations:  # as Post._load_data registers them
            if post.meta[lang].get("data") is not None:
                post.register_depfile(post.meta[lang]["data"], lang=lang)
        publication(post, now)
        compiler.register_extra_dependencies(post)
        return post

    def changed(self):
        """True when the kept posts differ from the last build's (a source read again, added or gone)."""
        return bool(self.made) or set(self.current) != set(self.entries)

    def blob(self):
        return pickle.dumps(self.current, protocol=pickle.HIGHEST_PROTOCOL)
