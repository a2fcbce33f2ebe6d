"""Which URLs a post may put in front of a reader.

A post's links may be ``http:``, ``https:`` or ``mailto:`` URLs, and
``irc:``/``ircs:`` (inert chat addresses: a post from the blog we continue
links its IRC channel); its images, figure targets' images and
``previewimage`` ``http:`` or ``https:``. Both may be references inside the site (a
path, a relative path, a ``#fragment``, or Nikola's ``link://`` form that
``:doc:`` and ``listing`` produce). Anything else (``javascript:``,
``data:``, ``vbscript:``, ``file:``, any other scheme, and scheme-relative
``//host`` forms, which browsers also accept as ``\\\\host`` or ``/\\host``)
is refused with the URL in the message.

URLs are judged the way a browser reads them (WHATWG URL): tabs and line
breaks anywhere and control characters or spaces at either end are ignored,
so ``java\\tscript:`` is ``javascript:``.
"""

import os
import re
from urllib.parse import unquote, urljoin, urlsplit

from . import reads

LINK_SCHEMES = ("http", "https", "mailto", "irc", "ircs")
IMAGE_SCHEMES = ("http", "https")
# Nikola's internal form, resolved to a site path when the page is written.
NIKOLA_LINK = "link"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_IGNORED_INSIDE = re.compile(r"[\t\n\r]")
_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space


def as_browser_reads(url):
    return _IGNORED_INSIDE.sub("", url).strip(_EDGES)


def refusal(url, schemes=LINK_SCHEMES):
    """Why ``url`` may not be published, or None if it may."""
    seen = as_browser_reads(url)
    if seen[:2].replace("\\", "/") == "//":
        return f"scheme-relative URL {url!r} is not allowed: write https://..."
    match = _SCHEME.match(seen)
    if not match:
        return None  # a path, a relative path or a #fragment: inside the site
    scheme = match.group(1).lower()
    if scheme == NIKOLA_LINK and seen[len(scheme) + 1 :].startswith("//"):
        return None
    if scheme not in schemes:
        return "URL scheme '{0}:' is not allowed in {1!r}: use {2} or a path on this site".format(
            scheme, url, ", ".join(s + ":" for s in schemes)
        )
    if scheme in ("http", "https") and not urlsplit(seen).netloc:
        return f"URL {url!r} has no host: write {scheme}://host/..."
    return None


def is_site_path(url):
    """True for a URL that stays on this site (no scheme, not scheme-relative)."""
    seen = as_browser_reads(url)
    return not _SCHEME.match(seen) and seen[:2].replace("\\", "/") != "//"


def site_folders(config):
    """Where the site's images and files come from: {source folder: output folder}."""
    return dict(config["IMAGE_FOLDERS"], **config["FILES_FOLDERS"])


def source_of(url, page_url, folders):
    """The source file a site URL on page ``page_url`` is copied from, or None.

    ``folders`` maps source folders to their place in the output, as
    Nikola's IMAGE_FOLDERS and FILES_FOLDERS do (``{"images": "images"}``).
    Returns (found file or None, the folders looked in).
    """
    path = unquote(urlsplit(urljoin(page_url, as_browser_reads(url))).path)
    looked = []
    for source, destination in folders.items():
        prefix = "/" + destination.strip("/") + "/" if destination.strip("/") else "/"
        looked.append(source)
        if path.startswith(prefix):
            candidate = os.path.join(source, *path[len(prefix) :].split("/"))
            reads.file(candidate)  # a post that shows it is compiled again if it comes or goes (plugins/planner)
            if os.path.isfile(candidate):
                return candidate, looked
    return None, looked


def missing_file(url, page_url, folders):
    """Why a site URL of an image has no file behind it, or None."""
    found, looked = source_of(url, page_url, folders)
    if found:
        return None
    return "image {0!r} not found (looked in {1})".format(url, ", ".join(folder.rstrip("/") + "/" for folder in looked))
