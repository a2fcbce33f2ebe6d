"""The report: what a change does to pages, feeds and URLs, from two built sites.

``compare(base_output, head_output, head_root)`` reads only what differs
(scripts/review/tree.py), so a review of a one-post edit reads a few dozen
files, not the site. The URL and GUID rules are plugins/rules/redirects.py's,
the ones the build and ``make deploy`` apply.
"""

import difflib
import os
from dataclasses import dataclass, field

from plugins.rules import redirects

from . import feeds, pages, tree

CONTEXT = 1  # lines of unchanged text shown around a change


@dataclass
class PageChange:
    url: str
    status: str  # "added", "changed", "moved" (from old_url) or "removed"
    kind: str  # "post" or "list"
    title: str
    fields: dict = field(default_factory=dict)  # added, removed: {name: value}; changed: {name: (old, new)}
    diff: list = field(default_factory=list)  # changed: unified diff lines of the text
    file: str = ""  # the page's file in the side that has it (relative path)
    old_url: str = ""  # moved: where the base published it


@dataclass
class ItemChange:
    guid: str
    status: str  # "added", "changed" or "removed"
    fields: dict = field(default_factory=dict)  # added, removed: {name: value}; changed: {name: (old, new)}


@dataclass
class FeedChange:
    feed: str  # the decoded path of its current document
    kind: str  # "RSS" or "Atom"
    status: str  # "added", "changed" or "removed" (the feed itself)
    items: list = field(default_factory=list)  # [ItemChange], added, then changed, then removed
    same_as: str = ""  # an Atom feed whose changes are its RSS twin's

    def count(self, status):
        return sum(1 for item in self.items if item.status == status)


@dataclass
class DroppedUrl:
    url: str
    record: object  # redirects.Record, or None: an error


@dataclass
class Report:
    base: str = ""  # what was compared, as words for the reader
    head: str = ""
    errors: list = field(default_factory=list)  # lines, each a reason the change must not merge as it is
    pages: list = field(default_factory=list)  # [PageChange]: posts first
    nav_only: list = field(default_factory=list)  # URLs whose only change is their links to other posts
    markup_only: list = field(default_factory=list)  # URLs changed only in markup or link targets
    feeds: list = field(default_factory=list)  # [FeedChange]
    dropped: list = field(default_factory=list)  # [DroppedUrl]
    records: list = field(default_factory=list)  # [redirects.Record] the change adds to redirects.txt
    files: dict = field(default_factory=dict)  # {"added"|"changed"|"removed": [URL]}: other files
    head_output: str = ""  # for the HTML report's previews
    base_output: str = ""

    def posts(self, status=None):
        return [p for p in self.pages if p.kind == "post" and (status is None or p.status == status)]

    def lists(self, status=None):
        return [p for p in self.pages if p.kind == "list" and (status is None or p.status == status)]

    def feed_groups(self):
        """[(items, [FeedChange])]: the feeds whose subscribers are shown the same changes, together.

        A post is in the blog's feed and its category's, tags' and author's:
        its edit is one change shown in each, listed once. An Atom feed that
        repeats its RSS twin is left out (``same_as``).
        """
        groups = {}
        for feed in self.feeds:
            if not feed.same_as:
                key = tuple((item.guid, item.status, tuple(sorted(item.fields.items()))) for item in feed.items)
                groups.setdefault(key, (feed.items, []))[1].append(feed)
        return list(groups.values())

    def twin_of(self, feed):
        """The Atom feed folded into the RSS ``feed``, or ''."""
        return next((other.feed for other in self.feeds if other.same_as == feed.feed), "")


def url_of(name):
    """The URL path a file of the site is served at (a folder's index.html as the folder)."""
    return "/" + (name[: -len("index.html")] if name == "index.html" or name.endswith("/index.html") else name)


def _field_changes(old, new):
    return {
        name: (old.get(name, ""), new.get(name, ""))
        for name in dict.fromkeys([*old, *new])
        if old.get(name, "") != new.get(name, "")
    }


def _text_diff(old, new):
    return list(difflib.unified_diff(old, new, lineterm="", n=CONTEXT))[2:]


def _page_changes(base_out, head_out, diff, covered, records, report):
    def title(page):
        return page.fields.get("title", "")

    def changed(url, old, new, name, old_url=""):
        if old.fields != new.fields or old.text != new.text or old.kind != new.kind:
            report.pages.append(
                PageChange(
                    url,
                    "moved" if old_url else "changed",
                    new.kind,
                    title(new),
                    _field_changes(old.fields, new.fields),
                    _text_diff(old.text, new.text),
                    name,
                    old_url,
                )
            )
        elif old_url:
            report.pages.append(PageChange(url, "moved", new.kind, title(new), {}, [], name, old_url))
        elif old.nav != new.nav:
            report.nav_only.append(url)
        else:
            report.markup_only.append(url)

    # A page the change moves (a 301 record to a page it adds) is shown once, as a move, with what else changed.
    # A page is gone from the base when its file is, or when a record now answers for its URL (the change's
    # build may write a redirect page there).
    added = {url_of(name): name for name in diff.added if name.endswith(".html") and url_of(name) not in covered}
    gone = sorted(
        name
        for name in diff.removed + diff.changed
        if name.endswith(".html") and (name in diff.removed or url_of(name) in covered)
    )
    moves = {}
    for name in gone:
        record = redirects.covering(url_of(name), records)
        target = record.new if record is not None and record.status == redirects.MOVED else None
        target = url_of(target[1:]) if target else None
        if target in added:
            moves[name] = added.pop(target)
    for url, name in added.items():
        page = pages.read(os.path.join(head_out, name))
        report.pages.append(
            PageChange(url, "added", page.kind, title(page), page.fields, ["+" + line for line in page.text], name)
        )
    for name in gone:
        if name in moves:
            changed(
                url_of(moves[name]),
                pages.read(os.path.join(base_out, name)),
                pages.read(os.path.join(head_out, moves[name])),
                moves[name],
                url_of(name),
            )
        else:
            page = pages.read(os.path.join(base_out, name))
            report.pages.append(
                PageChange(
                    url_of(name),
                    "removed",
                    page.kind,
                    title(page),
                    page.fields,
                    ["-" + line for line in page.text],
                    name,
                )
            )
    for name in diff.changed:
        if name.endswith(".html") and url_of(name) not in covered:
            changed(
                url_of(name), pages.read(os.path.join(base_out, name)), pages.read(os.path.join(head_out, name)), name
            )
    order = {"post": 0, "list": 1}
    states = {"added": 0, "moved": 1, "changed": 2, "removed": 3}
    report.pages.sort(key=lambda p: (order[p.kind], states[p.status], p.url))


class FeedIndex:
    """Every feed document of one built site, read once and kept (as digests) while its file is unchanged."""

    def __init__(self, folder, listing, state_file=None):
        self.folder = folder
        known = tree.load(state_file, str(folder)) if state_file is not None else {}
        kept = {}
        for name, stat in listing.items():
            if not name.endswith(feeds.FEED_SUFFIXES):
                continue
            record = known.get(name)
            if record is None or record["stat"] != stat:
                doc = feeds.read(os.path.join(folder, name), "/" + name)
                record = (
                    {"stat": stat, "feed": None}
                    if doc is None
                    else {
                        "stat": stat,
                        "kind": doc.kind,
                        "feed": doc.feed,
                        "items": {guid: feeds.digest(fields) for guid, fields in doc.items.items()},
                        "links": {
                            guid: feeds.path_of(fields["link"])
                            for guid, fields in doc.items.items()
                            if fields.get("link")
                        },
                    }
                )
            kept[name] = record
        self.docs = {name: record for name, record in kept.items() if record["feed"]}
        self.by_feed = {}
        for name, record in self.docs.items():
            self.by_feed.setdefault(record["feed"], []).append(name)
        if state_file is not None and kept != known:
            tree.save(state_file, str(folder), kept)

    def feed(self, feed):
        """(kind, {GUID: (document, digests)}) of a feed, each item from its current document first."""
        names = sorted(self.by_feed.get(feed, ()), key=lambda n: ("/" + n) != feed)
        if not names:
            return None
        items = {}
        for name in names:
            for guid, digests in self.docs[name]["items"].items():
                items.setdefault(guid, (name, digests))
        return self.docs[names[0]]["kind"], items

    def documents_of(self, feed):
        return self.by_feed.get(feed, [])

    def guid_links(self):
        """{GUID: link path} of every RSS item, as redirects.feed_items gives it."""
        links = {}
        for name in sorted(self.docs):
            if self.docs[name]["kind"] == "RSS":
                for guid, path in self.docs[name]["links"].items():
                    links.setdefault(guid, path)
        return links


def _item_fields(folder, name, guid, cache):
    """The item's fields as a reader sees them."""
    if name not in cache:
        doc = feeds.read(os.path.join(folder, name), "/" + name)
        cache[name] = doc.items if doc is not None else {}
    return {field: feeds.shown(field, value) for field, value in cache[name].get(guid, {}).items()}


def _differences(before, after, names):
    """{field: (old, new)} as a reader sees them; HTML that changed only in markup says so."""
    found = {}
    for name in names:
        old, new = before.get(name, ""), after.get(name, "")
        if old == new:
            old, new = "(the same text; its HTML changed)", "(the same text; its HTML changed)"
        found[name] = (old, new)
    return found


def _feed_changes(base_out, head_out, diff, base_index, head_index, report):
    touched = set(diff.added) | set(diff.removed) | set(diff.changed)
    reached = {index.docs[name]["feed"] for index in (base_index, head_index) for name in touched if name in index.docs}
    base_docs, head_docs = {}, {}
    for feed in sorted(reached):
        base_feed, head_feed = base_index.feed(feed), head_index.feed(feed)
        old = base_feed[1] if base_feed else {}
        new = head_feed[1] if head_feed else {}
        kind = (head_feed or base_feed)[0]
        status = "added" if base_feed is None else "removed" if head_feed is None else "changed"
        change = FeedChange(feed, kind, status)
        for guid in new:
            if guid not in old:
                change.items.append(ItemChange(guid, "added", _item_fields(head_out, new[guid][0], guid, head_docs)))
        for guid in new:
            if guid in old:
                (old_doc, old_digest), (new_doc, new_digest) = old[guid], new[guid]
                differ = [
                    name
                    for name in feeds.FIELDS
                    if name in old_digest and name in new_digest and old_digest[name] != new_digest[name]
                ]
                if differ:
                    before = _item_fields(base_out, old_doc, guid, base_docs)
                    after = _item_fields(head_out, new_doc, guid, head_docs)
                    change.items.append(ItemChange(guid, "changed", _differences(before, after, differ)))
        for guid in old:
            if guid not in new:
                change.items.append(ItemChange(guid, "removed", _item_fields(base_out, old[guid][0], guid, base_docs)))
        if change.items or change.status != "changed":
            report.feeds.append(change)
    by_feed = {change.feed: change for change in report.feeds}
    for change in report.feeds:
        rss = by_feed.get(feeds.twin(change.feed)) if change.kind == "Atom" else None
        if rss is not None and rss.status == change.status and _shape(rss) == _shape(change):
            change.same_as = rss.feed


def _shape(change):
    return sorted(
        (item.guid, item.status, sorted(item.fields) if item.status == "changed" else None) for item in change.items
    )


def compare(base_out, head_out, head_root, state_dir=None, base_root=None):
    """The Report of the change from the site built in ``base_out`` to the one in ``head_out``.

    ``head_root``: the sources of the change (its redirects.txt answers for
    the URLs it drops); ``base_root``: the base's (default: ``base_out``'s
    folder), whose redirects.txt says which records the change adds. ``state_dir``: where what was read is kept for the
    next review of the same two folders (None: nothing kept).
    """
    state = (lambda name: os.path.join(state_dir, name)) if state_dir else (lambda name: None)
    diff = tree.diff(base_out, head_out, state("tree.pickle"))
    report = Report(base_output=str(base_out), head_output=str(head_out))

    records, problems = redirects.read(head_root)
    report.errors.extend(problems)
    base_records = redirects.read(base_root or os.path.dirname(base_out))[0]
    before = {(r.status, r.old, r.new) for r in base_records}
    report.records = [record for record in records if (record.status, record.old, record.new) not in before]
    # The base's own redirect pages are moves it already recorded, not pages this change could drop.
    base_urls = redirects.without_redirect_pages(redirects.urls_of_files(diff.base), base_records)
    head_urls = redirects.urls_of_files(diff.head)
    # URLs a record answers for: the change's build may serve a redirect page there, which is not a page.
    covered = {url for url in base_urls | head_urls if redirects.covering(url, records) is not None}
    live = head_urls - covered
    report.errors.extend(redirects.check(records, live))
    for url, record in redirects.dropped(base_urls, live, records):
        folder = url[: -len("index.html")] if url.endswith("/index.html") else None
        if folder is not None and folder in base_urls and folder not in live:
            continue  # reported as its folder's URL
        report.dropped.append(DroppedUrl(url, record))
        if record is None:
            report.errors.append(
                f"`{url}` is published by the base and not by this change, and redirects.txt says nothing of it: "
                f"add `301 {url} <new path>` if it moved or `410 {url}` if it is gone for good"
            )

    _page_changes(base_out, head_out, diff, covered, records, report)
    base_index = FeedIndex(base_out, diff.base, state("feeds-base.pickle"))
    head_index = FeedIndex(head_out, diff.head, state("feeds-head.pickle"))
    _feed_changes(base_out, head_out, diff, base_index, head_index, report)
    for problem in redirects.guid_changes(base_index.guid_links(), head_index.guid_links(), records):
        report.errors.append(problem)

    feed_docs = set(base_index.docs) | set(head_index.docs)
    for status, names in (("added", diff.added), ("changed", diff.changed), ("removed", diff.removed)):
        report.files[status] = [
            url_of(name)
            for name in names
            if not name.endswith(".html") and name not in feed_docs and url_of(name) not in covered
        ]
    return report
