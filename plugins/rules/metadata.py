"""What a post's metadata must hold, checked with line numbers (Nikola keeps none).

Nikola 8.3.3 silently uses the file name when a post has no title, stops
with a traceback-like message on a missing date, and publishes a post with
no author, category or description. Feeds, previews and taxonomy pages
need all of them. :func:`problems_in` reads a source's metadata block (the
``.. key: value`` comment lines at the top of a one-file reST post) and
lists, as ``file:line: ERROR: ...`` lines, every field that is missing or
empty, a date that is not a date or has no time zone, more than one
category or one with '/' or '\\' (Nikola's subcategory syntax, which it
parses with an exception on a stray backslash), a ``status`` Nikola does
not know (a typo would publish a draft), and a ``previewimage`` that is not
a URL a post may use or names a local image that does not exist, and a
value still ``make post``'s placeholder (``TODO: ...``). Pages (pages/*.rst)
need only a title, a slug and a description.
"""

import datetime
import re

import dateutil.parser

from . import errors, urls

REQUIRED = ("title", "slug", "date", "tags", "category", "author", "description")
REQUIRED_FOR_PAGES = ("title", "slug", "description")  # pages are not dated or classified
STATUSES = ("published", "featured", "draft", "private")
# How scripts/new_post.py (make post) marks a value the author has to write.
PLACEHOLDER = "TODO:"
_FIELD = re.compile(r"^\.\.\s+(?P<key>[A-Za-z_][\w-]*):\s*(?P<value>.*?)\s*$")


def read_fields(text):
    """{key: (value, line)} from the ``.. key: value`` lines at the top of a source's text."""
    fields = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
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


# Code points no page or feed may carry: C0 controls but tab, line feed and
# carriage return (XML 1.0 cannot hold them), DEL and C1 controls (HTML calls
# them parse errors), line and paragraph separators (Nikola splits metadata
# lines at them) and noncharacters.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")


def read_source(path):
    """(text, None) for a source that is UTF-8 text a page can show, else (None, (line, message))."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        start = data.rfind(b"\n", 0, e.start) + 1
        return None, (
            data.count(b"\n", 0, e.start) + 1,
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} at column {e.start - start + 1}): save the file as UTF-8",
        )
    bad = _FORBIDDEN.search(text)
    if bad:
        start = text.rfind("\n", 0, bad.start()) + 1
        return None, (
            text.count("\n", 0, bad.start()) + 1,
            f"character U+{ord(bad.group()):04X} at column {bad.start() - start + 1} cannot be published: remove it",
        )
    return text, None


def source_problems(path, is_post, folders):
    """(problems, fields) of one source: its text, then its metadata (read once).

    What plugins/published_posts checks for every source before a build and
    plugins/preview's fast path for one saved post; ``fields`` is empty when
    the text itself cannot be published."""
    text, bad = read_source(path)
    if bad:
        return [errors.line(path, bad[0], "ERROR", bad[1])], {}
    fields = read_fields(text)
    return problems_in(path, fields, REQUIRED if is_post else REQUIRED_FOR_PAGES, folders), fields


def problems_in(path, fields, required=REQUIRED, folders=None):
    """Every metadata problem of the source ``path`` whose fields are ``fields``."""
    found = []

    def problem(line, message):
        found.append(errors.line(path, line, "ERROR", message))

    # An empty field is named at its own line, a missing one at the line after the last field (where
    # it would go), so that an editor's "go to line" lands where the author has to write.
    after = max((line for _value, line in fields.values()), default=0) + 1
    for key in required:
        value, line = fields.get(key, ("", 0))
        if not value:
            problem(line or after, f"metadata {key!r} is missing or empty (add '.. {key}: ...')")
    # A placeholder is named once, as such: the rules below are for what the author writes instead.
    fields = dict(fields)
    for key, (value, line) in sorted(fields.items(), key=lambda item: item[1][1]):
        if value.startswith(PLACEHOLDER):
            problem(line, f"metadata {key!r} is still the new post's placeholder ({value}): write it")
            fields[key] = ("", line)
    if fields.get("date", ("", 0))[0]:
        value, line = fields["date"]
        try:
            parsed = parse_date(value)
        except (ValueError, OverflowError):
            problem(line, f"date {value!r} is not a date")
        else:
            if parsed.tzinfo is None:
                problem(line, f"date {value!r} has no time zone (add e.g. +00:00)")
    value, line = fields.get("category", ("", 0))
    if "," in value:
        problem(line, f"a post has one category, got {value!r}")
    elif "/" in value or "\\" in value:
        problem(
            line, f"a category is one name, without '/' or '\\' (Nikola reads them as subcategories), got {value!r}"
        )
    value, line = fields.get("status", ("", 0))
    if value and value not in STATUSES:
        # Nikola 8.3.3 (Post.__init__) knows the statuses in lowercase only, and makes any other
        # value a draft with a warning: "Published" would hide the post, "Private" would not.
        problem(
            line,
            "unknown status {0!r}: use one of {1}{2}".format(
                value, ", ".join(STATUSES), " (in lowercase)" if value.lower() in STATUSES else ""
            ),
        )
    value, line = fields.get("previewimage", ("", 0))
    if value:
        why = urls.refusal(value, urls.IMAGE_SCHEMES)
        if why is None and urls.is_site_path(value) and not urls.as_browser_reads(value).startswith("/"):
            why = "write the image's path from the site's root (/images/...) or a full URL"
        if why:
            problem(line, "previewimage: " + why)
    if folders is not None:
        found.extend(file_problems(path, fields, folders))
    return found


def file_problems(path, fields, folders):
    """The problems that depend on other files: a local ``previewimage`` that does not exist."""
    value, line = fields.get("previewimage", ("", 0))
    if (
        value
        and urls.refusal(value, urls.IMAGE_SCHEMES) is None
        and urls.is_site_path(value)
        and urls.as_browser_reads(value).startswith("/")
    ):
        why = urls.missing_file(value, "/", folders)
        if why:
            return [errors.line(path, line, "ERROR", "previewimage: " + why)]
    return []
