"""The URLs this site once served and no longer serves as they were: redirects.txt.

A URL or a feed GUID, once published, is a promise to readers, feed readers and
the sites that link here. ``redirects.txt``, at the site's root, records what
became of each URL the site stopped serving, one per line::

    # status  old URL                      new URL
    301       /posts/old-slug/             /posts/new-slug/
    410       /posts/withdrawn-post/

``301``: the page moved, and readers are sent on to the new path (a path on
this site). ``410``: it is gone for good. Blank lines and ``#`` comments are
ignored. Paths are written as a reader's address bar shows them (percent
escapes allowed) and compared decoded, as the web server matches them; a
folder URL ``/x/`` also covers ``/x/index.html``.

Used by the build (it refuses a bad record, writes the redirects and tells
the web server), by ``make review`` and by ``make deploy`` (each compares the
URLs and feed GUIDs of two builds and names every URL dropped without a
record, and every post whose GUID changed). Not a Nikola plugin: a module of
``plugins.rules``.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import errors
from .urls import as_browser_reads

FILE = "redirects.txt"
MOVED, GONE = 301, 410
# Files that are not addresses a reader holds: precompressed copies (served in
# place of their file), Pagefind's index, whose files are named by their
# content and replaced as a whole by every build that changes it, and the web
# server's rules (.nginx/, plugins/redirects: nginx answers 404 there).
NOT_URLS = ("pagefind/", ".nginx/")
_COMPRESSED = (".gz", ".br")


@dataclass(frozen=True)
class Record:
    status: int  # MOVED or GONE
    old: str  # a decoded site path: /posts/x/
    new: str | None  # MOVED: the decoded site path readers are sent to
    line: int  # where it is written in redirects.txt


def _path(text):
    """A decoded site path, or None with the reason it is not one."""
    seen = as_browser_reads(text)
    parts = urlsplit(seen)
    if parts.scheme or seen[:2].replace("\\", "/") == "//":
        return None, f"{text!r} is not a path on this site: a redirect never leaves the site's origin"
    if not seen.startswith("/"):
        return None, f"{text!r} must start with '/' (a path from the site's root)"
    if parts.query or parts.fragment or "?" in seen or "#" in seen:
        return None, f"{text!r} has a query or #fragment: write the path alone"
    path = unquote(seen)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return None, f"{text!r} has a control character"
    if any(part in (".", "..") for part in path.split("/")):
        return None, f"{text!r} has a '.' or '..' segment"
    return path, None


def parse(text, path=FILE):
    """The records in ``text`` and the problem lines (``path:line: ERROR: ...``)."""
    records, problems, seen = [], [], {}
    for number, raw in enumerate(text.splitlines(), 1):
        words = raw.split("#", 1)[0].split() if not raw.lstrip().startswith("#") else []
        if not words:
            continue

        def problem(message, number=number):
            problems.append(errors.line(path, number, "ERROR", message))

        status, urls = words[0], words[1:]
        if status not in (str(MOVED), str(GONE)):
            problem(f"{status!r}: a line starts with 301 (moved) or 410 (gone)")
            continue
        status = int(status)
        wanted = 2 if status == MOVED else 1
        if len(urls) != wanted:
            problem(
                "301 needs the old and the new path"
                if status == MOVED
                else "410 needs the old path, and nothing after it"
            )
            continue
        paths = []
        for url in urls:
            decoded, why = _path(url)
            if why:
                problem(why)
            paths.append(decoded)
        if None in paths:
            continue
        old, new = paths[0], paths[1] if status == MOVED else None
        if _folder(old) in seen:  # /x/ and /x/index.html are one page, one answer
            problem(f"{old} is already recorded at line {seen[_folder(old)]}")
            continue
        if new is not None and _same(old, new):
            problem(f"{old} is moved to itself")
            continue
        seen[_folder(old)] = number
        records.append(Record(status, old, new, number))
    return records, problems


def read(root="."):
    """The records of ``<root>/redirects.txt`` and its problem lines; none if there is no file."""
    path = Path(root, FILE)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [errors.line(FILE, data[: exc.start].count(b"\n") + 1, "ERROR", "not UTF-8")]
    return parse(text, FILE)


def _same(a, b):
    return a == b or _folder(a) == _folder(b)


def page_key(path):
    """The form two URLs of one page share: ``/x/`` for ``/x/index.html`` (and for ``/x/``)."""
    return _folder(path)


def _folder(path):
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def covering(url, records):
    """The record that answers for ``url`` (a decoded path), or None."""
    for record in records:
        if _same(record.old, url):
            return record
    return None


def check(records, served, path=FILE):
    """Problem lines for records that do not fit the site about to be published.

    ``served`` is the set of decoded paths the site's content serves, the
    redirect pages the build writes for moves left out. A move's target must
    be served and must not be moved itself (a chain or a loop: point every
    move at the final page); a recorded URL must not be served any more.
    """
    served = {_folder(url) for url in served}
    recorded = {_folder(record.old): record for record in records}
    problems = []
    for record in records:

        def problem(message, record=record):
            problems.append(errors.line(path, record.line, "ERROR", message))

        if _folder(record.old) in served:
            what = "moved" if record.status == MOVED else "gone"
            problem(f"{record.old} is recorded as {what}, but the site still serves it: remove the line or the page")
        if record.status != MOVED:
            continue
        target = recorded.get(_folder(record.new))
        if target is not None and target.status == MOVED:
            problem(f"{record.old} moves to {record.new}, which is itself moved: point it at the final page")
        elif target is not None:
            problem(
                f"{record.old} moves to {record.new}, which is gone (line {target.line}): "
                f"record {record.old} as gone too"
            )
        elif _folder(record.new) not in served:
            problem(f"{record.old} moves to {record.new}, which the site does not serve")
    return problems


def served_urls(folder):
    """The decoded paths a built site folder serves (a folder's index.html as ``/x/`` and ``/x/index.html``)."""
    folder = str(folder)
    files = []
    for parent, dirs, names in os.walk(folder):
        rel = os.path.relpath(parent, folder).replace(os.sep, "/")
        rel = "" if rel == "." else rel + "/"
        if rel.startswith(NOT_URLS):
            dirs[:] = []
            continue
        files.extend(rel + name for name in names)
    return urls_of_files(files)


def urls_of_files(files):
    """The decoded paths served by a site whose files are ``files`` (paths relative to its root, with ``/``).

    For a listing made elsewhere, such as ``find`` run on a deploy host.
    """
    files = set(files)
    urls = set()
    for name in files:
        if name.startswith(NOT_URLS) or (name.endswith(_COMPRESSED) and name[:-3] in files):
            continue
        urls.add("/" + name)
        if name == "index.html" or name.endswith("/index.html"):
            urls.add("/" + name[: -len("index.html")])
    return urls


def dropped(before, after, records):
    """Each URL of ``before`` that ``after`` does not serve, with the record that answers for it (or None)."""
    return sorted((url, covering(url, records)) for url in before - after)


def moved_to(url, records):
    """Where a reader asking for ``url`` ends up: the record's new path for a move, else ``url``."""
    record = covering(url, records)
    return record.new if record is not None and record.status == MOVED else url


def guid_changes(before, after, records):
    """Problem lines for posts whose feed GUID changed between two builds.

    ``before`` and ``after`` map each feed item's GUID to its link's path
    (:func:`feed_items`). A post found at the same path, or where a move sends
    its old path, under another GUID would show as a new item in every
    subscriber's reader.
    """
    after_guid = {_folder(path): guid for guid, path in after.items()}
    problems = []
    for guid, path in sorted(before.items()):
        if guid in after:
            continue
        now = _folder(moved_to(path, records))
        if now in after_guid:
            problems.append(
                f"the post at {now} had the feed GUID {guid} and now has {after_guid[now]} "
                "(readers would see it again as new): "
                f"add `.. guid: {guid}` to its metadata"
            )
    return problems


def feed_items(folder):
    """{GUID: link path} of every item in the RSS feeds of a built site folder (archives included)."""
    import lxml.etree  # only the guards need it, not the build's own start-up

    items = {}
    for parent, _dirs, files in os.walk(str(folder)):
        for name in files:
            if not name.endswith(".xml"):
                continue
            try:
                root = lxml.etree.parse(os.path.join(parent, name)).getroot()
            except lxml.etree.XMLSyntaxError:
                continue
            if root.tag != "rss":
                continue
            for item in root.iter("item"):
                guid, link = item.findtext("guid"), item.findtext("link")
                if guid and link:
                    items.setdefault(guid.strip(), unquote(urlsplit(link.strip()).path))
    return items


def without_redirect_pages(urls, records):
    """``urls`` less those a move's redirect page answers (plugins/redirects writes one per moved page):
    what the site's content serves, for :func:`check` on a built folder."""
    moves = [record for record in records if record.status == MOVED]
    return {url for url in urls if covering(url, moves) is None}
