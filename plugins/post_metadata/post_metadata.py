"""Complete metadata, or no build.

Nikola 8.3.3 silently uses the file name when a post has no title, and
publishes a post with no author, category or description. Feeds, previews
and taxonomy pages need all of them, so after Nikola scans the posts this
handler reads each post's metadata block (the ``.. key: value`` comment
lines at the top of a one-file reST post) and stops the build, naming the
file and line, if a field is missing or empty, a date has no time zone, or
a post has more than one category. Pages (pages/*.rst) need only a title,
a slug and a description.
"""

import datetime
import re

import dateutil.parser
from blinker import signal
from nikola.plugin_categories import SignalHandler

REQUIRED = ("title", "slug", "date", "tags", "category", "author", "description")
REQUIRED_FOR_PAGES = ("title", "slug", "description")  # pages are not dated or classified
_FIELD = re.compile(r"^\.\.\s+(?P<key>[A-Za-z_][\w-]*):\s*(?P<value>.*?)\s*$")


class MetadataError(ValueError):
    """A post's metadata is incomplete; the message lists every problem."""


def read_fields(path):
    """Return {key: (value, line)} from the metadata block at the top of ``path``."""
    fields = {}
    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            m = _FIELD.match(line)
            if not m:
                if line.strip():
                    break
                continue
            fields[m.group("key").lower()] = (m.group("value"), number)
    return fields


def parse_date(value):
    """ISO 8601 quickly (the usual case); anything else the way Nikola reads it."""
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return dateutil.parser.parse(value)


def problems_in(path, required=REQUIRED):
    fields = read_fields(path)
    found = []
    for key in required:
        if not fields.get(key, ("", 0))[0]:
            found.append("{0}:1: metadata {1!r} is missing or empty (add '.. {1}: ...')".format(path, key))
    if fields.get("date", ("", 0))[0]:
        value, line = fields["date"]
        try:
            parsed = parse_date(value)
        except (ValueError, OverflowError):
            found.append("{0}:{1}: date {2!r} is not a date".format(path, line, value))
        else:
            if parsed.tzinfo is None:
                found.append("{0}:{1}: date {2!r} has no time zone (add e.g. +00:00)".format(path, line, value))
    if "," in fields.get("category", ("", 0))[0]:
        value, line = fields["category"]
        found.append("{0}:{1}: a post has one category, got {2!r}".format(path, line, value))
    return found


class PostMetadata(SignalHandler):
    """Check every post (drafts too) right after Nikola has scanned them."""

    name = "post_metadata"

    def set_site(self, site):
        self.site = site
        signal("scanned").connect(self.check)
        return super().set_site(site)

    def check(self, site):
        found = []
        for post in site.timeline:
            found.extend(problems_in(post.source_path, REQUIRED if post.is_post else REQUIRED_FOR_PAGES))
        if found:
            for problem in found:
                self.logger.error(problem)
            raise MetadataError("{0} metadata problem(s), listed above; nothing was built.".format(len(found)))
