"""The shapes of what plugins/planner keeps between builds (plugins/planner/state.py writes them).

Each record is a NamedTuple: a tuple underneath (pickled, compared and
made as quickly as the lists they replace, tens of thousands of them at
10,000 posts), read by field name. ``FORMAT`` is the version of these
shapes: change a field, add one or change what a value means, and bump it;
a record of another format is thrown away whole (the next build takes the
full path), as is one written by another Python.
"""

from typing import NamedTuple, TypedDict

FORMAT = 5


class Unit(NamedTuple):
    """A unit of the last build (plugins/planner/units.py): what it was made from and what it wrote."""

    signature: bytes | None  # None: a value its signature cannot vouch for, so it is built every time
    targets: list | None  # the files it writes; None: its one target is its own id (the usual case)
    text_from: list  # the posts (sources) whose compiled text its signature took
    time_from: list  # the posts whose reading time its signature took


class Signed(NamedTuple):
    """A unit as this build (or one worker of it) signed it, before its targets are known."""

    signature: bytes | None
    text_from: list
    time_from: list


class Compiled(NamedTuple):
    """A post's compiled fragment (its ``.html`` under cache/), as the build that compiled it left it."""

    signature: bytes  # the source, what compiling it read, the compile settings (planner.compile_signature)
    files: list  # files compiling it read besides its source (plugins/rules/reads.py)
    posts: list  # slugs of the posts it links to with :doc:
    text: bytes  # digest of the fragment
    reading_time: int
    dest: str | None  # the fragment file's size and time (planner.stat_text); None: missing


class Template(NamedTuple):
    """What a template, with those it extends, includes or imports, refers to (units.Signer.template)."""

    names: list  # global context names
    reads_text: bool  # a post's text (or its paragraph counts)
    reads_time: bool  # a post's reading time


class FileDigest(NamedTuple):
    """A file's digest, kept with the size and time it had when it was read (inputs.Digests)."""

    size: int
    mtime_ns: int
    digest: bytes


class Source(NamedTuple):
    """A source as plugins/published_posts last checked it: read again only when its size or time changes."""

    size: int
    mtime_ns: int
    is_post: bool
    problems: list  # what its text alone is wrong with (file:line lines)
    fields: dict  # what other files decide on: its slug and preview image, with their lines


class KeptPost(NamedTuple):
    """A post Nikola read, kept so that it need not be read again (plugins/planner/postcache.py)."""

    args: list  # the scanner's arguments it was made with
    stamp: list  # [path, size, mtime_ns] of every file it was read from
    contents: str  # digest of those files' contents
    post: bytes  # the Post's own attributes, pickled
    attributes: bytes  # digest of those attributes (its meta facet's part)


class Record(TypedDict):
    """The index of the last build that succeeded (``index.pickle``)."""

    format: int  # FORMAT
    python: str  # sys.version
    keys: dict  # part ("scan", "compile", "render"): digest (plugins/planner/inputs.py)
    units: dict  # unit id: Unit
    facets: dict  # post source: meta facet (plugins/planner/postcache.py)
    globals: dict  # global context name: digest of its value
    templates: dict  # template name: Template
    compiled: dict  # post source: Compiled
    sources: dict  # source path: Source (plugins/published_posts)
    outputs: bytes  # path, size and time of every file under output/ (planner.outputs_blob)
    digests: dict  # file path: FileDigest
    posts: str | None  # name of the posts file (KeptPost by source, pickled)
    stamp: str | None  # planner.sources_stamp
    due: str | None  # when the next scheduled post is due (ISO 8601)
