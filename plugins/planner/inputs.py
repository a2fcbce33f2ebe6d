"""What a build reads besides the posts, as digests; and digests of files, read only when they changed.

Three parts of the site decide what every post's fragment, page or list
looks like, so each is a key of what plugins/planner keeps between builds
(see plugins/planner/planner.py):

* the code: every file in plugins/, the Python version and every installed
  distribution with its version (the names of the ``*.dist-info`` folders of
  site-packages: an upgrade of Nikola or of any package changes it);
* the settings: conf.py as written, and the settings Nikola made of it (so
  ``SITE_URL=... nikola build`` is a different site);
* docutils.conf, which only compiling a post reads; and the theme's
  templates, which only rendering a page reads.
"""

import hashlib
import json
import os
import sys
import sysconfig

from nikola import utils

from plugins.planner.records import FileDigest


def tree_digest(top, suffixes=None, skip=("__pycache__",)):
    """Digest of the paths and contents of the files under ``top`` (hidden files and ``skip`` aside)."""
    digest = hashlib.sha256()
    for root, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or (suffixes and not name.endswith(suffixes)):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                data = f.read()
            digest.update(f"{os.path.relpath(path, top)}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def short(data):
    """A 16-byte digest of ``data`` (bytes): what the record keeps for every file, post and unit."""
    return hashlib.blake2b(data, digest_size=16).digest()


def file_digest(path):
    try:
        with open(path, "rb") as f:
            return short(f.read())
    except FileNotFoundError:
        return None


def installed():
    """The Python version and every installed distribution, by the names of its metadata folders."""
    names = set()
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        if os.path.isdir(folder):
            names.update(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
    return sys.version + "\n" + "\n".join(sorted(names))


def settings_json(site):
    """The settings Nikola made of conf.py, as JSON (in the keys and in planner.sources_stamp)."""
    config = {k: v for k, v in site.config.items() if not k.startswith("__")}
    return json.dumps(config, cls=utils.CustomEncoder, sort_keys=True)


def theme_templates(site):
    """Digest of every template of the theme and its parents (Nikola's own themes come with Nikola)."""
    digest = hashlib.sha256()
    nikola_themes = os.path.realpath(os.path.dirname(utils.__file__))
    for folder in site.THEMES:  # the theme chain, as paths
        digest.update(os.path.basename(folder).encode() + b"\0")
        if not os.path.realpath(folder).startswith(nikola_themes):
            digest.update(tree_digest(folder, suffixes=(".tmpl", ".theme", "parent", "engine")).encode())
    return digest.hexdigest()


def keys(site):
    """``{part: digest}`` for the parts of a build a kept result depends on.

    ``scan``: what reading a post's metadata depends on; ``compile``: a post's
    fragment (docutils); ``render``: every page, list and feed.
    """
    code = short((tree_digest("plugins") + installed()).encode())
    conf = short((file_digest("conf.py") or b"") + settings_json(site).encode())
    scan = short(code + conf)
    return {
        "scan": scan,
        "compile": short(scan + (file_digest("docutils.conf") or b"")),
        "render": short(scan + theme_templates(site).encode()),
    }


class Digests:
    """Digests of files, kept by path with the size and time they had: a file is read only when they change."""

    def __init__(self, known=None):
        self.known = dict(known or {})
        self.seen = {}

    def __call__(self, path):
        """The file's digest, or None when it does not exist."""
        if path in self.seen:
            found = self.seen[path]
            return found.digest if found is not None else None
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self.seen[path] = None
            return None
        kept = self.known.get(path)
        if kept is not None and kept.size == st.st_size and kept.mtime_ns == st.st_mtime_ns:
            self.seen[path] = kept
        else:
            self.seen[path] = FileDigest(st.st_size, st.st_mtime_ns, file_digest(path))
        return self.seen[path].digest

    def record(self):
        """What to keep ({path: records.FileDigest}): the files looked at in this build that exist."""
        return {path: found for path, found in self.seen.items() if found is not None and found.digest is not None}
