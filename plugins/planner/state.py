"""What plugins/planner keeps between builds, in cache/planner/<output folder>/ (the design:
plugins/planner/planner.py). ``make site`` (output/) and ``make preview`` (preview/) keep their own.

* ``index.pickle``: the record of the last build that succeeded
  (plugins/planner/records.py has its shapes and their format version;
  pickled, written whole through a temporary file and a rename, so it is
  either the old record or the new one): the keys it was made with, every
  unit's signature and targets, every post's compile record, the size and
  time of every output file, and file digests;
* ``posts-<digest>.pickle``: the posts Nikola read (plugins/planner/postcache.py),
  named by its content and written before the index that names it;
* ``building.log``: each unit a build is about to write or remove, one per
  line, written before it does; removed once the build's record is saved. If
  a build finds it, the one before was killed: those units are built again,
  and output/ is checked whole;
* ``lock``: held (``flock``) for the whole of a build: a second build (the
  preview's, and ``make site``) waits for the first to end.

Everything here is a cache: a missing, unreadable or foreign file only means
more work. A part recorded under other keys (plugins/planner/inputs.py) is
dropped: other settings or code mean other posts, other code another
fragment, another theme other pages.
"""

import contextlib
import fcntl
import hashlib
import os
import pickle
import sys
import time

from plugins.planner.records import FORMAT, Record
from plugins.rules import files


def empty() -> Record:
    """The record of no build (records.Record says what each part holds)."""
    return Record(
        format=FORMAT,
        python=sys.version,
        keys={},
        units={},
        facets={},
        globals={},
        templates={},
        compiled={},
        sources={},
        outputs=b"",
        digests={},
        posts=None,
        stamp=None,
        due=None,
    )


class Store:
    """The record of the builds of one output folder."""

    def __init__(self, output):
        self.folder = os.path.join("cache", "planner", os.path.normpath(output).replace(os.sep, "_"))
        self.index = os.path.join(self.folder, "index.pickle")
        self.building = os.path.join(self.folder, "building.log")
        self.lock_path = os.path.join(self.folder, "lock")

    def load(self, keys) -> Record:
        """The last record, the parts made under other ``keys`` dropped; an empty one if there is none,
        or if it has another format (records.FORMAT) or was written by another Python."""
        try:
            with open(self.index, "rb") as f:
                state = pickle.loads(f.read())
        except Exception:  # a cache: anything unreadable is an empty record
            state = None
        if not isinstance(state, dict) or state.get("format") != FORMAT or state.get("python") != sys.version:
            state = empty()
        state = dict(empty(), **state)
        old = state.get("keys", {})
        if old.get("scan") != keys["scan"]:
            state["sources"], state["posts"] = {}, None
        if old.get("compile") != keys["compile"]:
            state["compiled"] = {}
        if old.get("render") != keys["render"]:
            state["units"], state["templates"], state["globals"] = {}, {}, {}
        state["keys"] = dict(keys)
        return state

    def forget(self):
        """Drop the record (a build the planner did not make changed output/)."""
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.index)

    def save(self, state, posts_blob=None):
        """Write the record; ``posts_blob``: new contents for the posts file (None: the same file)."""
        os.makedirs(self.folder, exist_ok=True)
        if posts_blob is not None:
            name = f"posts-{hashlib.sha256(posts_blob).hexdigest()[:16]}.pickle"
            if not os.path.exists(os.path.join(self.folder, name)):
                files.write_atomically(os.path.join(self.folder, name), posts_blob)
            state["posts"] = name
        files.write_atomically(self.index, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        for name in os.listdir(self.folder):  # posts files no record names any more
            if name.startswith("posts-") and name != state["posts"]:
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(self.folder, name))

    def read_posts(self, state):
        """The bytes of the posts file the record names, or None."""
        if not state.get("posts"):
            return None
        try:
            with open(os.path.join(self.folder, state["posts"]), "rb") as f:
                return f.read()
        except OSError:
            return None

    def interrupted(self):
        """The units a killed build was writing (a list), or None if the last build ended."""
        try:
            with open(self.building, encoding="utf-8", errors="replace") as f:
                return [line.rstrip("\n") for line in f if line.endswith("\n")]
        except FileNotFoundError:
            return None

    def note_building(self):
        """The log to write each unit to before writing it."""
        os.makedirs(self.folder, exist_ok=True)
        return open(self.building, "a", encoding="utf-8")

    def clear_building(self):
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.building)

    @contextlib.contextmanager
    def locked(self, report=print):
        """Hold the build lock; wait (saying so) while another build holds it."""
        os.makedirs(self.folder, exist_ok=True)
        with open(self.lock_path, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                report("planner: another build of this site is running; waiting for it to end")
                started = time.monotonic()
                fcntl.flock(lock, fcntl.LOCK_EX)
                report(f"planner: the other build ended after {time.monotonic() - started:.1f} s")
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
