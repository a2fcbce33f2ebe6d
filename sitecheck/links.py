"""Links: every internal URL lands on a file and every #fragment on an id.

Pages, feeds (archives too), the sitemaps, robots.txt and stylesheets are
all read (see ``refs``). External URLs are listed, never fetched.
"""

import ipaddress
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .refs import all_refs, is_internal, is_location, parse_html, target_of

# The home page is where a reader starts; the 404 and 410 pages are reached
# by the server, not by a link, so they are exempt from the crawl.
START = "index.html"
NOT_LINKED_ON_PURPOSE = {"404.html", "410.html"}
# Scheme-less URLs that are a machine's file system, not the site.
FILE_PATH = re.compile(r"^(/(home|root|tmp|work|Users|var|etc|usr|opt|mnt|srv)/|~/|[A-Za-z]:[\\/]|\\\\)")
LOCAL_HOSTS = {"localhost", "localhost.localdomain", "0.0.0.0", "ip6-localhost"}


def _internal(site, ref):
    return is_location(ref.url) and is_internal(site, ref.absolute)


def broken_links(site):
    """Internal URLs (links, images, stylesheets, feeds, sitemap entries) with no built file."""
    problems = []
    for ref in all_refs(site):
        if _internal(site, ref):
            target, _ = target_of(site, ref.absolute)
            if not target.is_file():
                problems.append(f"{ref.describe(site.root)} -> no file {_rel(site, target)}")
    return sorted(set(problems))


def anchors(site, page):
    """Every id in a page, and every <a name> (a fragment may name either)."""
    cache = site.__dict__.setdefault("_validate_anchors", {})
    if page not in cache:
        doc = parse_html(page.read_text(encoding="utf-8"))
        found = set() if doc is None else set(doc.xpath("//@id")) | set(doc.xpath("//a/@name"))
        cache[page] = found
    return cache[page]


def broken_fragments(site):
    """Internal URLs whose #fragment is not an id in the page they point at."""
    problems = []
    for ref in all_refs(site):
        if not _internal(site, ref):
            continue
        target, fragment = target_of(site, ref.absolute)
        if not fragment or fragment == "top" or fragment.startswith(":~:") or not target.is_file():
            continue
        if target.suffix != ".html":
            problems.append(f"{ref.describe(site.root)} -> #{fragment} on a non-HTML file")
        elif fragment not in anchors(site, target):
            problems.append(f"{ref.describe(site.root)} -> no id {fragment!r} in {_rel(site, target)}")
    return sorted(set(problems))


def links_to_the_front_page(site):
    """Links in a post's text that land on the home page: a broken ``link://`` or ``:doc:``.

    Nikola resolves ``link://slug/<missing>`` to the site root without a
    word, so such a link looks fine to every other check.
    """
    home = site.root / START
    problems = []
    for page in sorted((site.root / "posts").glob("*/index.html")):
        body = site.soup(page).select_one(".e-content")
        for a in body.find_all("a", href=True) if body is not None else ():
            absolute = urljoin(site.url_of(page), a["href"])
            if is_location(a["href"]) and is_internal(site, absolute) and target_of(site, absolute)[0] == home:
                problems.append(
                    "{0}: {1} leads to the home page (a broken link:// or :doc:?)".format(_rel(site, page), a["href"])
                )
    return problems


def local_links(site, forbidden_paths=()):
    """URLs that point at this machine: localhost, loopback, file: or a file-system path.

    ``forbidden_paths`` (e.g. the build folder and the repository) must not
    appear anywhere in a text file of the build either.
    """
    problems = []
    for ref in all_refs(site):
        parts = urlsplit(ref.url)
        host = (parts.hostname or "").lower()
        bad = parts.scheme.lower() == "file" or host in LOCAL_HOSTS or host.endswith(".localhost")
        try:
            bad = bad or ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
        except ValueError:
            pass
        bad = bad or (not parts.scheme and FILE_PATH.match(ref.url) is not None)
        if bad:
            problems.append(ref.describe(site.root))
    needles = [str(p) for p in forbidden_paths]
    for path in sorted(site.root.rglob("*")):
        if needles and path.is_file() and path.suffix in (".html", ".xml", ".atom", ".css", ".js", ".json", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for needle in needles:
                if needle in text:
                    problems.append(f"{_rel(site, path)}: contains the local path {needle}")
    return sorted(set(problems))


def external_links(site):
    """{external URL: sorted files that refer to it}: the report, nothing is fetched."""
    found = defaultdict(set)
    for ref in all_refs(site):
        if not _internal(site, ref) and not ref.url.lower().startswith(("data:", "about:")):
            found[ref.url].add(ref.source.relative_to(site.root).as_posix())
    return {url: sorted(files) for url, files in sorted(found.items())}


def malformed_external_links(site):
    """External URLs a reader's browser could not follow: no host, spaces, unknown scheme."""
    problems = []
    for url, files in external_links(site).items():
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https", "ftp", "irc", "ircs"):
            ok = bool(parts.hostname) and "." in parts.hostname and not re.search(r"\s", url)
        else:
            ok = scheme in ("mailto", "tel") and bool(parts.path)
        if not ok:
            problems.append(f"{files[0]}: {url}")
    return problems


def external_link_report(site):
    lines = []
    for url, files in external_links(site).items():
        lines.append(url)
        lines.extend("    " + f for f in files)
    return "\n".join(lines) + "\n"


def orphan_pages(site):
    """HTML pages a reader cannot reach from the home page by following links.

    Follows <a href> and GET <form action> (the search box) within the site.
    """
    start = site.root / START
    if not start.is_file():
        return [f"{START}: no home page"]
    seen, todo = {start}, [start]
    while todo:
        page = todo.pop()
        doc = parse_html(page.read_text(encoding="utf-8"))
        if doc is None:
            continue
        base = site.url_of(page)
        urls = doc.xpath("//a/@href | //area/@href")
        urls += [
            f.get("action") for f in doc.iter("form") if (f.get("method") or "get").lower() == "get" and f.get("action")
        ]
        for url in urls:
            absolute = urljoin(base, url.strip())
            if not is_location(url) or not is_internal(site, absolute):
                continue
            target, _ = target_of(site, absolute)
            if target.suffix == ".html" and target.is_file() and target not in seen:
                seen.add(target)
                todo.append(target)
    pages = {p for p in site.html_pages() if _rel(site, p) not in NOT_LINKED_ON_PURPOSE}
    return sorted(f"{_rel(site, p)}: not reachable from {START}" for p in pages - seen)


def leftover_files(site_dir, served=False):
    """`nikola check -f`: files in output/ that no current source would build.

    Run in the site's folder (it reads conf.py and the sources), with the
    settings of its build (``served``: as the site is served, see tests/support/sitebuild.py);
    a file left from a deleted post is reported as an orphan of unknown origin.
    """
    from support.sitebuild import nikola  # the test suite's runner: only the tests call this check

    run = nikola(site_dir, "check", "-f", served=served)
    problems = []
    for line in run.log.splitlines():
        m = re.search(r"check: (output/\S.*)$", line)
        if m:
            problems.append(f"{m.group(1).strip()}: left over (no source builds it)")
    if run.returncode != 0 and not problems:
        problems.append(f"nikola check -f exited {run.returncode}:\n{run.log}")
    return problems


def _rel(site, path):
    try:
        return Path(path).relative_to(site.root).as_posix()
    except ValueError:
        return str(path)
