"""Section links and a contents list, on a post's page and nowhere else.

Long reports are read in parts and cited by part. On a post's page every
``h2``/``h3`` section heading gets a link to itself (``#`` shown on hover
and on keyboard focus by the theme's CSS; its accessible name is
"Link to section: <title>"), and a post with ``MIN_SECTIONS`` or more such
sections gets a contents list, which the theme's post template shows before
the body.

Both are made when the page is rendered, from the post's compiled HTML
(``post.text()``): the template calls ``post_outline(post.text())`` (a
function in the global template context). The compiled fragment itself is
not changed, so the feeds (plugins/blog_feeds, which read ``post.text()``
too) carry the post as its author wrote it. On the page, the links hold no
text (the ``#`` is the theme's CSS) and the contents list is marked
``data-pagefind-ignore``, so the search index reads the same words. The section ids are docutils' own, so
links made before keep working. A heading's title is read as text (markup
and footnote references dropped), so a title stays text in the contents
list and in the link's label, however it was written.

A page's up-to-date check needs nothing more: the outline is a function of
the post's compiled text, which is already a dependency of its page (for
Nikola and for plugins/planner).
"""

import re
from copy import deepcopy
from dataclasses import dataclass, field

import lxml.html

# A post with fewer sections than this reads fine without a contents list.
MIN_SECTIONS = 3
LEVELS = {"h2": 2, "h3": 3}
LABEL = "Link to section: {0}"
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space: a title's other spaces are its own


@dataclass
class Section:
    id: str
    title: str  # plain text
    level: int  # 2 or 3
    children: list["Section"] = field(default_factory=list)


@dataclass
class Outline:
    html: str  # the body with a link on every h2/h3 section heading
    sections: list[Section]  # every h2/h3 section, in order
    contents: list[Section]  # the contents list (h3 under their h2), empty for a short post


def _heading(section):
    """The title element of a docutils ``<section>``: its first child after any id-only spans
    (docutils writes a section's extra ids as ``<span id="..."></span>`` before the title)."""
    for child in section:
        if child.tag == "span" and len(child) == 0 and not (child.text or "").strip() and set(child.attrib) == {"id"}:
            continue
        return child if child.tag in LEVELS else None
    return None


def title_text(heading):
    """A heading's text as a reader sees it, without footnote references."""
    copy = deepcopy(heading)
    for ref in copy.xpath('.//*[@role="doc-noteref"]'):
        ref.drop_tree()
    return _SPACE.sub(" ", copy.text_content()).strip()


def outline(html):
    """The :class:`Outline` of a post's compiled HTML."""
    if "<section" not in html:
        return Outline(html, [], [])
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    sections = []
    for section in wrapper.iter("section"):
        heading = _heading(section)
        ident = section.get("id")
        if heading is None or not ident:
            continue
        title = title_text(heading)
        link = lxml.html.Element("a")
        link.set("class", "section-link")
        link.set("href", "#" + ident)
        link.set("aria-label", LABEL.format(title))
        heading.append(link)
        sections.append(Section(ident, title, LEVELS[heading.tag]))
    body = (wrapper.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in wrapper)
    return Outline(body, sections, contents(sections))


def contents(sections):
    """The contents list: the h2 sections, each with its h3 sections (an h3 before any h2 stands alone)."""
    if len(sections) < MIN_SECTIONS:
        return []
    top = []
    for section in sections:
        entry = Section(section.id, section.title, section.level)
        if section.level == 3 and top and top[-1].level == 2:
            top[-1].children.append(entry)
        else:
            top.append(entry)
    return top
