"""plugins/post_outline on compiled HTML, in process: section links and the contents list.

What a reader would lose if this failed: a section link that points at
another section or reads its title as markup, or a contents list out of
order. tests/build/test_sections.py checks the blog's built pages and feeds.
"""

import importlib.util

from bs4 import BeautifulSoup
from support.sitebuild import ROOT

spec = importlib.util.spec_from_file_location("outline", ROOT / "plugins" / "post_outline" / "outline.py")
outline_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(outline_module)
outline = outline_module.outline


def section(ident, level, title, inner=""):
    return f'<section id="{ident}"><h{level}>{title}</h{level}><p>text</p>{inner}</section>'


def test_every_h2_and_h3_section_gets_a_link_to_its_own_id():
    html = section("a", 2, "First", section("b", 3, "Second", section("c", 4, "Third")))
    soup = BeautifulSoup(outline(html).html, "lxml")
    links = {a.parent.name: (a["href"], a["aria-label"], a.get_text()) for a in soup.select("a.section-link")}
    assert links == {"h2": ("#a", "Link to section: First", ""), "h3": ("#b", "Link to section: Second", "")}
    assert [s["id"] for s in soup.select("section")] == ["a", "b", "c"]  # ids as docutils made them


def test_a_title_is_read_as_text_without_markup_or_footnote_references():
    title = (
        'A &lt;b&gt; &amp; "q" <code>x</code> <abbr title="y">Z</abbr>'
        '<a class="brackets" href="#footnote-1" id="footnote-reference-1" role="doc-noteref">'
        '<span class="fn-bracket">[</span>1<span class="fn-bracket">]</span></a>'
    )
    result = outline(f'<section id="s"><span id="alias"></span><h2>{title}</h2></section>')
    assert [(s.id, s.title) for s in result.sections] == [("s", 'A <b> & "q" x Z')]
    (link,) = BeautifulSoup(result.html, "lxml").select("h2 > a.section-link")
    assert link["aria-label"] == 'Link to section: A <b> & "q" x Z'
    assert "<b>" not in result.html and "&lt;b&gt;" in result.html  # the title's markup stays text


def test_contents_from_three_sections_with_h3_under_their_h2():
    assert outline(section("a", 2, "A") + section("b", 2, "B")).contents == []
    result = outline(section("a", 2, "A", section("a1", 3, "A1") + section("a2", 3, "A2")) + section("b", 2, "B"))
    assert [(e.id, [c.id for c in e.children]) for e in result.contents] == [("a", ["a1", "a2"]), ("b", [])]


def test_html_without_sections_is_left_as_it_is():
    html = '<p>No <em>sections</em>.</p><aside class="footnote-list"><p>a footnote</p></aside>'
    assert outline(html).html == html and outline(html).sections == []
