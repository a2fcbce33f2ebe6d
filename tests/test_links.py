"""Footnotes: every reference reaches its note, and every note leads back.

Links, fragments and local paths across pages, feeds and the sitemap are
checked in test_validation.py (with tests/validate/links.py).
"""


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
