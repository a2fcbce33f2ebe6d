"""Every link a reader can follow inside the blog lands somewhere real.

Nikola's `check -l` ignores #fragments and skips feeds; these tests do not.
"""

import pytest

URL_ATTRS = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"))


def internal_links(site, page):
    soup = site.soup(page)
    for tag, attr in URL_ATTRS:
        for el in soup.find_all(tag):
            url = el.get(attr)
            if url and site.is_internal(url) and not url.startswith(("mailto:", "tel:", "data:")):
                yield tag, url


def test_every_internal_link_resolves_to_a_file(built):
    broken = []
    for page in built.html_pages():
        for tag, url in internal_links(built, page):
            target, _ = built.resolve(page, url)
            if not target.is_file():
                broken.append("{0}: <{1}> {2}".format(page.relative_to(built.root), tag, url))
    assert broken == []


def test_every_fragment_resolves_to_an_id_in_its_target(built):
    broken = []
    for page in built.html_pages():
        for tag, url in internal_links(built, page):
            target, fragment = built.resolve(page, url)
            if fragment and target.suffix == ".html" and target.is_file():
                if fragment not in built.ids(target):
                    broken.append("{0}: {1} (no id {2!r} in {3})".format(
                        page.relative_to(built.root), url, fragment, target.relative_to(built.root)))
    assert broken == []


def test_footnote_references_and_back_links_pair_up(built):
    problems, pairs = [], 0
    for page in built.html_pages():
        soup = built.soup(page)
        for ref in soup.select('a[role="doc-noteref"]'):
            note_id = ref["href"].split("#", 1)[1]
            note = soup.find(id=note_id)
            if note is None:
                problems.append("{0}: reference {1} has no footnote".format(page, ref["href"]))
                continue
            backs = [a["href"].split("#", 1)[1] for a in note.select('a[role="doc-backlink"]')]
            if ref.get("id") not in backs:
                problems.append("{0}: footnote {1} does not link back to {2}".format(page, note_id, ref.get("id")))
            pairs += 1
        for note in soup.select('[role="doc-footnote"]'):
            for back in note.select('a[role="doc-backlink"]'):
                target = soup.find(id=back["href"].split("#", 1)[1])
                if target is None or target.get("role") != "doc-noteref":
                    problems.append("{0}: back-link {1} leads nowhere".format(page, back["href"]))
    assert problems == []
    assert pairs > 0, "no footnotes found: the check checked nothing"


@pytest.mark.parametrize("page_kind", ["posts", "categories", "authors"])
def test_no_link_points_at_localhost_or_a_file_path(built, page_kind):
    bad = []
    for page in (built.root / page_kind).rglob("*.html"):
        for tag, attr in URL_ATTRS:
            for el in built.soup(page).find_all(tag):
                url = el.get(attr) or ""
                if url.startswith(("file:", "http://localhost", "http://127.", "/work/", "/tmp/")):
                    bad.append("{0}: {1}".format(page.relative_to(built.root), url))
    assert bad == []
