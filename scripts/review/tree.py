"""Which files of two built sites differ: by size and time first, bytes only where those say nothing.

At 1,000 posts a build holds some 10,000 files and a one-post edit changes a
few dozen. Reading both trees whole on every review would cost more than the
build; so the pair of (size, time) each file had at the last review is kept
with the answer, and a file whose pair is unchanged on both sides keeps its
answer. A file of a different size differs; only files of equal size whose
times moved are read.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

# Not files a reader fetches: precompressed copies (served for their file,
# which is compared), and Pagefind's index (named by content, replaced whole).
SKIP_DIRS = ("pagefind",)
COMPRESSED = (".gz", ".br")


def listing(folder):
    """{relative path: (size, mtime_ns)} of the files of a built site."""
    found = {}

    def walk(path, rel):
        with os.scandir(path) as entries:
            for entry in entries:
                name = rel + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if name not in SKIP_DIRS:
                        walk(entry.path, name + "/")
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[name] = (st.st_size, st.st_mtime_ns)

    if os.path.isdir(folder):
        walk(folder, "")
    return {name: stat for name, stat in found.items()
            if not (name.endswith(COMPRESSED) and name[:-3] in found)}


def _same_bytes(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(1 << 16), fb.read(1 << 16)
            if ca != cb:
                return False
            if not ca:
                return True


@dataclass
class TreeDiff:
    base: dict                                     # {path: (size, mtime)} of the base's files
    head: dict
    added: list = field(default_factory=list)      # relative paths, sorted
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)


def diff(base_dir, head_dir, state_file=None):
    """The files added, removed and changed from ``base_dir`` to ``head_dir``."""
    base, head = listing(base_dir), listing(head_dir)
    known = {}
    if state_file is not None:
        try:
            known = json.loads(Path(state_file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        known = known.get("files", {}) if known.get("dirs") == [str(base_dir), str(head_dir)] else {}
    result = TreeDiff(base, head, sorted(set(head) - set(base)), sorted(set(base) - set(head)))
    kept = {}
    for name in sorted(set(base) & set(head)):
        key = [*base[name], *head[name]]
        record = known.get(name)
        if record is not None and record[:4] == key:
            same = record[4]
        elif base[name][0] != head[name][0]:
            same = False
        else:
            same = _same_bytes(os.path.join(base_dir, name), os.path.join(head_dir, name))
        kept[name] = key + [same]
        if not same:
            result.changed.append(name)
    if state_file is not None:
        tmp = Path(str(state_file) + ".tmp")
        record = {"dirs": [str(base_dir), str(head_dir)], "files": kept}
        tmp.write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, state_file)
    return result
