"""sitecheck's markup rules on hand-written HTML, with no build.

What a reader would lose if this failed: a footnote rule or an alt-text rule
that passes a broken page, so that tests/build/test_validation.py stays green
while a footnote leads nowhere or a photo is announced by its file name.
"""

import lxml.html
import pytest
from bs4 import BeautifulSoup
from support.sitebuild import ROOT

from sitecheck import markup


def test_the_footnote_rule_fails_for_each_way_a_pair_can_break():
    page = ROOT / "posts" / "p" / "index.html"

    def resolve(href):
        path, _, fragment = href.partition("#")
        return (page if path == "" else ROOT / path, fragment)

    good = (
        '<p>x <a role="doc-noteref" id="r1" href="#f1">[1]</a></p>'
        '<aside class="footnote" id="f1"><span class="label">'
        '<a role="doc-backlink" href="#r1">1</a></span><p>note</p></aside>'
    )
    assert markup.footnote_problems(fragment(good), resolve, page) == []
    for broken in (
        good.replace('href="#r1"', 'href="#r2"'),  # back-link to nothing
        good.replace('href="#f1"', 'href="#f2"'),  # reference to nothing
        good.replace(' id="r1"', ""),  # nothing to link back to
        good.replace('href="#f1"', 'href="other/#f1"'),
    ):
        assert markup.footnote_problems(fragment(broken), resolve, page), broken


def fragment(html):
    return BeautifulSoup(html, "lxml").body


@pytest.mark.parametrize(
    "img,missing",
    [
        ('<img src="../../images/ATL.jpg">', True),  # no alt at all
        ('<img src="../../images/ATL.jpg" alt="/images/ATL.jpg">', True),  # docutils' default
        ('<img src="../../images/ATL.jpg" alt="../../images/ATL.jpg">', True),
        ('<img src="../../images/ATL.jpg" alt="ATL.jpg">', True),
        ('<img src="https://example.org/p/IMG_1.jpg" alt="https://example.org/p/IMG_1.jpg">', True),
        ('<img src="../../images/ATL.jpg" alt="photo.png">', True),
        ('<img src="../../images/ATL.jpg" alt="">', True),  # empty, in <main>
        ('<img src="../../images/ATL.jpg" alt="" role="presentation">', False),  # decorative
        ('<img src="../../images/ATL.jpg" alt="The Designate team in Atlanta">', False),
    ],
)
def test_the_alt_text_rule(img, missing):
    doc = lxml.html.document_fromstring(f"<html><body><main>{img}</main></body></html>")
    assert bool(markup.alt_is_missing(next(doc.iter("img")))) is missing
