"""What a reader sees of a built page: its fields and its text, not its markup.

A post's page is read as its title, date, author, category, tags,
description and text (the article without its header and footer); any other
page (the index, the archive, a tag's, a category's or an author's page, the
feeds page) as its title and the text of its ``<main>``. Links between posts
(the contents list, "more in this category", older and newer post, page
numbers) are kept apart as navigation: a new post changes them on many
pages, and the report counts those pages rather than listing each diff.
"""

import re
from dataclasses import dataclass, field

import lxml.html

# Elements after which a reader sees a new line.
BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "nav",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "pre",
    "blockquote",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "caption",
    "hr",
    "br",
    "details",
    "summary",
    "form",
    "address",
}
CELLS = {"td", "th"}
HIDDEN = {"script", "style", "template", "noscript"}
SPACE = re.compile(r"\s+")


@dataclass
class Page:
    kind: str  # "post" or "list" (every other page)
    fields: dict = field(default_factory=dict)  # {name: text} a reader sees about the page
    text: list = field(default_factory=list)  # its lines of text
    nav: list = field(default_factory=list)  # lines of its links to other pages


def _lines(element, skip=()):
    """The text of ``element`` as a reader sees it, one line per block, ``skip``ped elements left out."""
    lines, current = [], []

    def flush():
        line = SPACE.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    def visit(node, pre):
        if not isinstance(node.tag, str) or node.tag in HIDDEN or node in skip or node.get("hidden") is not None:
            return
        block = node.tag in BLOCKS
        if block:
            flush()
        if node.tag == "img" and node.get("alt"):
            current.append("[image: {0}]".format(node.get("alt")))
        if node.text:
            current.append(node.text)
        for child in node:
            visit(child, pre or node.tag == "pre")
            if child.tail:
                current.append(child.tail)
        if node.tag in CELLS:
            current.append(" | ")
        elif node.tag == "time":  # a list's date, then the title beside it
            current.append(" ")
        if block:
            if node.tag == "pre":  # code keeps its lines
                text = "".join(current)
                current.clear()
                lines.extend(line.rstrip() for line in text.strip("\n").split("\n"))
            flush()

    visit(element, False)
    return lines


def _text(element):
    return SPACE.sub(" ", element.text_content()).strip() if element is not None else ""


def _all(root, xpath):
    return [_text(e) for e in root.xpath(xpath)]


def read(path):
    """The reader's view of the HTML page at ``path``."""
    root = lxml.html.parse(str(path)).getroot()
    main = root.find(".//main")
    if main is None:
        main = root.find("body")
    if main is None:  # not a page: a redirect document or a fragment
        return Page("list", {"title": _text(root.find(".//title"))}, _lines(root))
    navs = main.xpath(".//nav")
    posts = main.xpath("./article[contains(concat(' ', @class, ' '), ' post ')]")
    if len(posts) == 1:
        article = posts[0]
        header = article.find("header")
        footer = article.find("footer")
        fields = {
            "title": " ".join(_all(article, ".//*[contains(concat(' ', @class, ' '), ' p-name ')]")[:1]),
            "date": " ".join(_all(article, ".//time[contains(concat(' ', @class, ' '), ' dt-published ')]")[:1]),
            "author": ", ".join(_all(article, ".//*[contains(concat(' ', @class, ' '), ' p-author ')]")),
            "category": ", ".join(_all(article, ".//*[contains(concat(' ', @class, ' '), ' p-category ')]")),
            "tags": ", ".join(_all(article, ".//ul[contains(concat(' ', @class, ' '), ' tags ')]/li")),
            "description": (root.xpath("string(.//meta[@name='description']/@content)") or "").strip(),
        }
        skip = {e for e in (header, footer) if e is not None} | set(navs)
        return Page("post", fields, _lines(article, skip), [line for nav in navs for line in _lines(nav)])
    fields = {"title": _text(root.find(".//title"))}
    return Page("list", fields, _lines(main, set(navs)), [line for nav in navs for line in _lines(nav)])
