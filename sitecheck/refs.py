"""Every URL a built site refers to, wherever it is written.

Pages (every attribute that holds a URL), feeds (RSS and Atom, current and
archived: the feed's own links, each item's links and the HTML it carries),
the sitemaps, robots.txt and the stylesheets. Each reference keeps the file
it was found in, where in that file, the URL as written and the absolute URL
a browser or a feed reader would follow.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html

# (tag, attribute) pairs whose value is a URL, or a srcset list of them.
URL_ATTRS = (
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("base", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("script", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("form", "action"),
    ("blockquote", "cite"),
    ("q", "cite"),
    ("ins", "cite"),
    ("del", "cite"),
)
# <meta> whose content is a URL (Open Graph and Twitter cards).
URL_META = {
    "og:url",
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "og:audio",
    "og:video",
    "twitter:image",
    "twitter:url",
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
NOT_A_LOCATION = ("mailto:", "tel:", "data:", "javascript:", "about:")

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@dataclass(frozen=True)
class Ref:
    source: Path  # the file the URL is written in
    where: str  # e.g. '<img src>', 'rss item <link>', 'sitemap <loc>'
    url: str  # as written
    absolute: str  # resolved against the page, item or file it is in

    def describe(self, root: Path) -> str:
        return f"{self.source.relative_to(root).as_posix()}: {self.where} {self.url}"


def split_srcset(value):
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def html_refs(element, source, base_url, prefix=""):
    """References in an lxml HTML tree (a page, or the HTML a feed item carries)."""
    for tag, attr in URL_ATTRS:
        for el in element.iter(tag):
            value = el.get(attr)
            if value is None:
                continue
            urls = split_srcset(value) if attr == "srcset" else [value.strip()]
            for url in urls:
                yield Ref(source, f"{prefix}<{tag} {attr}>", url, urljoin(base_url, url))
    for el in element.iter("meta"):
        key = (el.get("property") or el.get("name") or "").lower()
        if key in URL_META and el.get("content"):
            url = el.get("content").strip()
            yield Ref(source, f"{prefix}<meta {key}>", url, urljoin(base_url, url))
    for el in element.iter("style"):
        for url in css_urls(el.text or ""):
            yield Ref(source, prefix + "<style> url()", url, urljoin(base_url, url))
    for el in element.iter():
        if isinstance(el.tag, str) and el.get("style"):
            for url in css_urls(el.get("style")):
                yield Ref(source, f"{prefix}<{el.tag} style> url()", url, urljoin(base_url, url))


def css_urls(text):
    for m in CSS_URL.finditer(text):
        yield (m.group(2) or m.group(4)).strip()


def parse_html(text):
    return lxml.html.document_fromstring(text) if text.strip() else None


def page_refs(site, page):
    doc = parse_html(page.read_text(encoding="utf-8"))
    if doc is None:
        return []
    return list(html_refs(doc, page, site.url_of(page)))


def carried_html(text, source, base_url, prefix):
    """The HTML a feed item carries, read as a feed reader would."""
    if not text or not text.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(text, create_parent="div")
    except lxml.etree.ParserError:
        return []
    return list(html_refs(fragment, source, base_url, prefix))


def rss_refs(site, feed, doc):
    feed_url = site.url_of(feed)
    channel = doc.find("channel")
    if channel is None:
        return
    text = (channel.findtext("link") or "").strip()
    if text:
        yield Ref(feed, "rss channel <link>", text, urljoin(feed_url, text))
    for link in channel.findall("atom:link", NS):
        yield Ref(
            feed,
            "rss <atom:link rel={0}>".format(link.get("rel")),
            link.get("href"),
            urljoin(feed_url, link.get("href")),
        )
    for url in channel.findall("image/url") + channel.findall("image/link"):
        yield Ref(feed, "rss <image>", url.text.strip(), urljoin(feed_url, url.text.strip()))
    for item in channel.findall("item"):
        link = (item.findtext("link") or "").strip()
        base = urljoin(feed_url, link) if link else feed_url
        if link:
            yield Ref(feed, "rss item <link>", link, base)
        guid = item.find("guid")
        if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
            yield Ref(feed, "rss item <guid isPermaLink>", guid.text.strip(), urljoin(base, guid.text.strip()))
        for enclosure in item.findall("enclosure"):
            yield Ref(feed, "rss item <enclosure>", enclosure.get("url"), urljoin(base, enclosure.get("url")))
        for name, prefix in (("description", "rss item description "), ("content:encoded", "rss item content ")):
            el = item.find(name, NS)
            if el is not None:
                yield from carried_html(el.text, feed, base, prefix)


def atom_base(el, feed_url):
    """xml:base, inherited down the tree, resolved against the feed's URL."""
    chain = []
    while el is not None:
        if el.get(XML_BASE):
            chain.append(el.get(XML_BASE))
        el = el.getparent()
    base = feed_url
    for value in reversed(chain):
        base = urljoin(base, value)
    return base


def atom_refs(site, feed, doc):
    feed_url = site.url_of(feed)
    root = doc.getroot()
    for link in root.iter(f"{{{NS['atom']}}}link"):
        base = atom_base(link, feed_url)
        yield Ref(
            feed,
            "atom <link rel={0}>".format(link.get("rel", "alternate")),
            link.get("href"),
            urljoin(base, link.get("href")),
        )
    for name in ("icon", "logo"):
        for el in root.iter(f"{{{NS['atom']}}}{name}"):
            yield Ref(feed, f"atom <{name}>", el.text.strip(), urljoin(feed_url, el.text.strip()))
    for entry in root.iter(f"{{{NS['atom']}}}entry"):
        alternate = [
            link.get("href") for link in entry.findall("atom:link", NS) if link.get("rel", "alternate") == "alternate"
        ]
        for name in ("content", "summary"):
            el = entry.find("atom:" + name, NS)
            if el is None:
                continue
            base = atom_base(el, feed_url)
            if alternate and el.get(XML_BASE) is None and entry.get(XML_BASE) is None:
                base = urljoin(base, alternate[0])  # what readers do when there is no xml:base
            prefix = f"atom entry {name} "
            if el.get("type") == "html":
                yield from carried_html(el.text, feed, base, prefix)
            elif el.get("type") == "xhtml":
                for div in el:
                    yield from carried_html(lxml.etree.tostring(div, encoding="unicode"), feed, base, prefix)


def feed_refs(site, feed):
    doc = lxml.etree.parse(str(feed))
    if doc.getroot().tag == "rss":
        return list(rss_refs(site, feed, doc))
    return list(atom_refs(site, feed, doc))


def sitemaps(site):
    return sorted(p for p in site.root.glob("sitemap*.xml"))


def sitemap_refs(site, sitemap):
    doc = lxml.etree.parse(str(sitemap))
    base = site.url_of(sitemap)
    for loc in doc.iter(f"{{{NS['sm']}}}loc"):
        yield Ref(sitemap, "sitemap <loc>", loc.text.strip(), urljoin(base, loc.text.strip()))
    for link in doc.iter(f"{{{NS['xhtml']}}}link"):
        yield Ref(sitemap, "sitemap <xhtml:link>", link.get("href"), urljoin(base, link.get("href")))


def robots_refs(site):
    robots = site.root / "robots.txt"
    if not robots.is_file():
        return
    for line in robots.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            yield Ref(robots, "robots.txt Sitemap:", value.strip(), urljoin(site.url_of(robots), value.strip()))


def stylesheet_refs(site):
    for css in sorted(site.root.rglob("*.css")):
        for url in css_urls(css.read_text(encoding="utf-8")):
            yield Ref(css, "css url()", url, urljoin(site.url_of(css), url))


def all_refs(site):
    """Every reference in the build: pages, feeds, sitemaps, robots.txt, stylesheets."""
    cached = getattr(site, "_validate_refs", None)
    if cached is None:
        cached = []
        for page in site.html_pages():
            cached.extend(page_refs(site, page))
        for feed in site.feeds():
            cached.extend(feed_refs(site, feed))
        for sitemap in sitemaps(site):
            cached.extend(sitemap_refs(site, sitemap))
        cached.extend(robots_refs(site))
        cached.extend(stylesheet_refs(site))
        site._validate_refs = cached
    return cached


# --- where a URL points ------------------------------------------------------


def is_location(url):
    return not url.lower().startswith(NOT_A_LOCATION)


def is_internal(site, absolute):
    """On the site's own host (any scheme), under its path."""
    parts, home = urlsplit(absolute), urlsplit(site.site_url)
    return parts.scheme in ("http", "https") and parts.hostname == home.hostname and parts.path.startswith(home.path)


def target_of(site, absolute):
    """(file, fragment) that an internal absolute URL points at."""
    parts, home = urlsplit(absolute), urlsplit(site.site_url)
    path = unquote(parts.path)[len(home.path) :]
    target = site.root / path
    if path.endswith("/") or path == "" or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)
