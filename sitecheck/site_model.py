"""Read a built site the way a browser and a feed reader would."""

import re
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup

SITE_URL = "http://graham.hayes.ie/"  # conf.py's documented default


class Site:
    def __init__(self, output: Path, site_url: str = SITE_URL):
        self.root = Path(output)
        self.site_url = site_url
        # One parse per page for this site's lifetime (a functools cache on the method would keep
        # every Site and its pages alive for the whole session).
        self._soups = {}
        self._redirect_pages = None

    # --- files -----------------------------------------------------------
    def html_pages(self):
        """Every page a reader browses: not the redirect pages at moved pages' old URLs (redirects.txt)."""
        moved = self.redirect_pages()
        return sorted(p for p in self.root.rglob("*.html") if "assets" not in p.parts and p not in moved)

    def redirect_pages(self):
        """The files plugins/redirects writes at the old URLs of moved pages (a meta refresh each)."""
        if self._redirect_pages is None:
            from plugins.rules import redirects

            records, _problems = redirects.read(self.root.parent)
            urls = redirects.served_urls(self.root)
            pages = urls - redirects.without_redirect_pages(urls, records)
            self._redirect_pages = frozenset(self.root / url.lstrip("/") for url in pages if url.endswith(".html"))
        return self._redirect_pages

    def feeds(self):
        return sorted(
            p
            for p in self.root.rglob("*")
            if p.suffix in (".xml", ".atom") and p.name not in ("sitemap.xml", "sitemapindex.xml")
        )

    def url_of(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        if rel.endswith("index.html"):
            rel = rel[: -len("index.html")]
        return urljoin(self.site_url, rel)

    def post_page(self, slug: str) -> Path:
        return self.root / "posts" / slug / "index.html"

    def soup(self, path: Path) -> BeautifulSoup:
        if path not in self._soups:
            self._soups[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        return self._soups[path]

    # --- links -----------------------------------------------------------
    def resolve(self, base: Path, url: str):
        """(file, fragment) that ``url``, written on page ``base``, points at (sitecheck/refs.py's model)."""
        from sitecheck.refs import target_of

        return target_of(self, urljoin(self.url_of(base), url))

    def ids(self, path: Path):
        return [el["id"] for el in self.soup(path).find_all(id=True)]


def text_of(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()
