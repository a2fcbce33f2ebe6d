"""The web server's part of redirects.txt: an nginx file of exact locations, and the pages for browsers.

nginx answers every recorded URL itself, before any file is looked at: an
exact ``location =`` (which wins over every prefix and regex location of
server/nginx/blog.conf) returns 301 with the new path, or 410. A folder URL
``/x/`` is also asked for as ``/x/index.html``; both get the answer.

The file is part of the release (``output/.nginx/redirects.conf``), so it
switches with the release's symlink; nginx reads an include when it starts
or reloads (docs/urls.md). blog.conf answers 404 for ``/.nginx/``.
"""

from urllib.parse import quote

from plugins.rules import redirects as rules

FOLDER = ".nginx"
NAME = "redirects.conf"
PATH = FOLDER + "/" + NAME
# Pages a browser shows: only these old URLs get an HTML redirect page for
# static hosts. A feed reader does not follow a meta refresh, and a .pdf or
# .rst URL answered with HTML would be a wrong file: those get nginx's 301 only.
PAGE_SUFFIXES = ("/", ".html", ".htm")

HEADER = """\
# Written by plugins/redirects from redirects.txt at every build: do not edit.
# Included in the blog's server {} block (server/nginx/example.conf); nginx
# reads it when it starts or reloads, so a deploy reloads nginx after the switch.
"""


def wants_page(path):
    return path.endswith(PAGE_SUFFIXES)


def location(path):
    """``path`` (decoded, as nginx matches it) as a quoted nginx string."""
    return '"{0}"'.format(path.replace("\\", "\\\\").replace('"', '\\"'))


def href(path):
    """``path`` percent-encoded: safe in an nginx ``return``, an HTML attribute and a Location header."""
    return quote(path, safe="/-._~")


def _forms(path):
    """The URLs that ask for ``path``: a folder and its index.html."""
    if path.endswith("/"):
        return [path, path + "index.html"]
    if path.endswith("/index.html"):
        return [path[: -len("index.html")], path]
    return [path]


def nginx_text(records):
    lines = [HEADER]
    for record in sorted(records, key=lambda r: r.old):
        answer = f"return 301 {location(href(record.new))};" if record.status == rules.MOVED else "return 410;"
        for url in _forms(record.old):
            lines.append(f"location = {location(url)} {{ {answer} }}\n")
    return "".join(lines)


def redirect_pages(records):
    """(old path, new href) for each move an HTML redirect page answers on a static host."""
    return [
        (record.old, href(record.new)) for record in records if record.status == rules.MOVED and wants_page(record.old)
    ]
