"""The seed documents in tests/data/, and post bodies reduced to what a reader sees.

Two kinds of seed (copied from the blog we continue, kept here so the tests
need nothing outside the project):

* ``004_*.txt``: the RSS feed of the tag ``openstack``. Each item's
  description is the HTML that Nikola made from the original reST, so a
  built post can be compared with it element by element.
* ``000``-``003``: plain text (old posts one after another, a mail thread,
  a mail). Only their paragraphs can be compared; ``plain_seeds.json``
  says which post each part of a seed became.

Everything here is a pure function of a string or a parsed tree, so the
comparison rules can be tested without building the site.
"""

import difflib
import email.utils
import functools
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from sitecheck.markup import footnote_references, footnotes  # noqa: F401 (the one model; used by test_content)

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_HOST = "http://graham.hayes.ie/"  # the host the seeds were published on
DC = "{http://purl.org/dc/elements/1.1/}"

# "The same text": a post's text and its seed's are at least this similar (difflib)...
MIN_SIMILARITY = 0.98
# ...and, since the similarity allows scattered small differences but a lost or added
# sentence in a long post would hide inside 2%, no longer run of words changed.
MAX_CHANGED_WORDS = 6

# --- the feed seed --------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    author: str
    published: datetime
    tags: frozenset
    description: str  # HTML, as Nikola wrote it into the feed

    @property
    def slug(self) -> str:
        m = re.fullmatch(r"/posts/([^/]+)/", urlsplit(self.link).path)
        if not m:
            raise ValueError(f"feed item link is not a /posts/<slug>/ URL: {self.link}")
        return m.group(1)

    @property
    def is_teaser(self) -> bool:
        return read_more_paragraph(seed_fragment(self.description), self.link) is not None


def feed_seed() -> Path:
    found = sorted(DATA.glob("004_*.txt"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one feed seed tests/data/004_*.txt, found {found}")
    return found[0]


def feed_items(text: str = None) -> list:
    """The items of the feed seed (or of ``text``), in feed order."""
    root = ET.fromstring(feed_seed().read_bytes() if text is None else text.encode("utf-8"))
    return [
        FeedItem(
            title=item.findtext("title"),
            link=item.findtext("link"),
            author=item.findtext(DC + "creator"),
            published=email.utils.parsedate_to_datetime(item.findtext("pubDate")),
            tags=frozenset(c.text for c in item.findall("category")),
            description=item.findtext("description"),
        )
        for item in root.iter("item")
    ]


def parse_fragment(html: str) -> Tag:
    """An HTML fragment as the <body> of its own tree."""
    return BeautifulSoup(f"<body>{html}</body>", "lxml").body


@functools.cache
def seed_fragment(html: str) -> Tag:
    """parse_fragment, once per text, for reading only: every test that reads
    a feed item's body gets the same tree (as Site.soup does for pages)."""
    return parse_fragment(html)


def read_more_paragraph(body: Tag, link: str):
    """The "Read more…" paragraph Nikola ends a teaser with, or None.

    It is the last paragraph, and links to the post itself (feeds) or has
    the class ``more`` (index pages).
    """
    last = (body.find_all("p") or [None])[-1]
    if last is None:
        return None
    a = last.find("a", href=True)
    if "more" in (last.get("class") or []) or (
        a is not None and a["href"] == link and a.get_text().strip().startswith("Read more")
    ):
        return last
    return None


@functools.cache
def seed_body(item: FeedItem) -> Tag:
    """The post body the item carries: no preview figure, no "Read more" link.

    Nikola puts the post's preview image first in each feed item, as a bare
    ``<figure><img></figure>``; it is not part of the post body. Made once
    per item, for reading only.
    """
    body = parse_fragment(item.description)
    first = next((n for n in body.children if not (isinstance(n, NavigableString) and not n.strip())), None)
    if isinstance(first, Tag) and first.name == "figure" and not first.get("class"):
        first.decompose()
    more = read_more_paragraph(body, item.link)
    if more is not None:
        more.decompose()
    return body


def preview_image(item: FeedItem):
    """The src of the item's leading preview figure, or None."""
    body = parse_fragment(item.description)
    first = next((n for n in body.children if not (isinstance(n, NavigableString) and not n.strip())), None)
    if isinstance(first, Tag) and first.name == "figure" and not first.get("class") and first.img:
        return first.img.get("src")
    return None


def teaser_part(body: Tag, teaser: Tag) -> Tag:
    """The start of a built post body that a feed's ``teaser`` shows: as many of
    its top-level elements as the teaser has.

    Nikola's teaser mark (``<!-- TEASER_END -->``) is not published
    (plugins/rest_comments), so the break is found by the teaser's length;
    the tests comparing the two still see any block lost, added or changed.
    """

    def tags(node):
        return [n for n in node.children if isinstance(n, Tag)]

    shown = tags(teaser)
    if len(shown) == 1 and shown[0].name == "div" and not shown[0].attrs:  # Nikola wraps a teaser in a div
        shown = tags(shown[0])
    blocks, wanted = tags(body), len(shown)
    if len(blocks) < wanted:
        raise ValueError(f"the post body has {len(blocks)} blocks, fewer than its teaser's {wanted}")
    return parse_fragment("".join(str(n) for n in blocks[:wanted]))


# --- what a reader sees -------------------------------------------------------------

BLOCK_TAGS = frozenset(
    """
    address article aside blockquote body br caption dd details div dl dt figcaption figure
    footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td
    tfoot th thead tr ul""".split()
)
UNSEEN_TAGS = frozenset(("script", "style", "template", "head"))


def visible_text(node: Tag, link_base: str = None) -> str:
    """The text a reader sees, white space collapsed; blocks are separated by a space.

    With ``link_base``, every link is shown as its target (resolved against
    ``link_base``) instead of its text: the way a plain-text copy of the
    page shows a link whose text is its own URL.
    """
    parts = []
    _collect_text(node, parts, link_base)
    return " ".join("".join(parts).split())


def _collect_text(node, parts, link_base):
    for child in node.children:
        if isinstance(child, Tag):
            if child.name in UNSEEN_TAGS or "backrefs" in (child.get("class") or []):
                continue  # a footnote's "(1, 2)" back-links are navigation, not text
            block = child.name in BLOCK_TAGS
            if block:
                parts.append(" ")
            if link_base is not None and child.name == "a" and child.get("href"):
                parts.append(urljoin(link_base, child["href"]))
            else:
                _collect_text(child, parts, link_base)
            if block:
                parts.append(" ")
        elif type(child) is NavigableString:  # not a comment, CDATA, doctype...
            parts.append(str(child))


def without_hosts(text: str, hosts) -> str:
    """Write the site's own URLs as paths, whatever host the site was built for."""
    for host in hosts:
        text = text.replace(host.rstrip("/") + "/", "/")
    return text


_FOOTNOTE_MARK = re.compile(r"\[\s*\d+\s*\]")


def footnote_marker(text: str) -> str:
    """Every footnote marker, "[1]" or "[ 12 ]", written as "[#]"."""
    return _FOOTNOTE_MARK.sub("[#]", text)


def similarity(expected: str, actual: str) -> float:
    """difflib's ratio over the words of two normalised texts (1.0 = identical)."""
    return difflib.SequenceMatcher(None, expected.split(), actual.split(), autojunk=False).ratio()


def changed_runs(expected: str, actual: str, longer_than: int) -> list:
    """Each stretch of more than ``longer_than`` words lost, added or replaced."""
    a, b = expected.split(), actual.split()
    runs = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal" and max(i2 - i1, j2 - j1) > longer_than:
            runs.append("{0}: {1!r} -> {2!r}".format(tag, " ".join(a[i1:i2]), " ".join(b[j1:j2])))
    return runs


def first_difference(expected: str, actual: str, width: int = 80) -> str:
    """A short quote of where two texts first differ, for assertion messages."""
    i = next(
        (k for k, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b), min(len(expected), len(actual))
    )
    start = max(0, i - width // 2)
    return f"expected ...{expected[start : i + width]!r}...\n  actual ...{actual[start : i + width]!r}..."


# --- structure of a post body -------------------------------------------------------


def section_ids(body: Tag) -> list:
    return [s["id"] for s in body.select("section[id]")]


def section_outline(body: Tag) -> list:
    """[(section id, heading level)] in document order: the ids and how they nest."""
    outline = []
    for section in body.select("section[id]"):
        heading = section.find(re.compile(r"^h[1-6]$"), recursive=False)
        outline.append((section["id"], heading.name if heading else None))
    return outline


def admonition_titles(body: Tag) -> list:
    return [
        " ".join(t.get_text(" ").split()) if (t := a.select_one(".admonition-title")) else None
        for a in body.select(".admonition")
    ]


def label(node: Tag) -> str:
    """A footnote reference's or footnote label's text without its brackets."""
    return visible_text(node).strip("[] ")


def epigraph_attributions(body: Tag) -> list:
    """One entry per epigraph: its attribution text, or None."""
    return [
        visible_text(a) if (a := q.select_one(".attribution")) else None for q in body.select("blockquote.epigraph")
    ]


def abbreviations(body: Tag) -> list:
    return sorted((visible_text(a), " ".join(a.get("title", "").split())) for a in body.find_all("abbr"))


def image_sources(body: Tag, base: str, hosts) -> list:
    return [without_hosts(urljoin(base, img.get("src", "")), hosts) for img in body.find_all("img")]


def link_targets(body: Tag, base: str, hosts) -> Counter:
    """Every link's target, resolved and with the site's host as a path."""
    return Counter(without_hosts(urljoin(base, a["href"]), hosts) for a in body.find_all("a", href=True))


# --- plain text in a page ------------------------------------------------------------


@dataclass
class ParagraphReport:
    found: list
    missing: list
    out_of_order: list


def find_paragraphs(paragraphs, shown: str, linked: str) -> ParagraphReport:
    """Look for each paragraph, in order, in a page's text.

    ``shown`` is the text a reader sees; ``linked`` is the same text with
    each link written as its target (see visible_text), so a URL that
    became a link is found by its target, never by loosening the match.
    Each text is searched from where the previous paragraph was found in it.
    """
    report = ParagraphReport([], [], [])
    position = {"shown": 0, "linked": 0}
    texts = {"shown": shown, "linked": linked}
    for paragraph in paragraphs:
        hits = {k: texts[k].find(paragraph, position[k]) for k in texts}
        if any(hit >= 0 for hit in hits.values()):
            for k, hit in hits.items():
                if hit >= 0:
                    position[k] = hit + len(paragraph)
            report.found.append(paragraph)
        elif any(paragraph in text for text in texts.values()):
            report.out_of_order.append(paragraph)
        else:
            report.missing.append(paragraph)
    return report


# --- post sources -------------------------------------------------------------------

_META = re.compile(r"^\.\.\s+(?P<key>[A-Za-z_][\w-]*):\s*(?P<value>.*?)\s*$")


def post_metadata(path: Path) -> dict:
    """The ``.. key: value`` lines at the top of a one-file reST post."""
    meta = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        m = _META.match(line)
        if not m:
            if line.strip():
                break
            continue
        meta[m.group("key").lower()] = m.group("value")
    return meta


def has_teaser_end(path: Path) -> bool:
    return re.search(r"^\.\.\s+(TEASER_END|END_TEASER)\b", path.read_text(encoding="utf-8"), re.M) is not None


# --- the plain-text seeds -----------------------------------------------------------


@dataclass(frozen=True)
class PlainPost:
    seed: str  # file name in tests/data/
    slug: str
    title_line: str  # the seed line this post starts at
    lines: tuple = field(repr=False)  # the seed's lines for this post, title line first
    paragraphs: tuple = field(repr=False)  # the seed's paragraphs for this post, normalised
    title: str = None  # the page title, when the title line is not in the text as it is
    omitted: tuple = ()  # ((paragraph, reason), ...) deliberately left out of the post
    author: str = None  # a mail's sender, as its archive header names them
    date_line: str = None  # a mail's archive date line, "Thu Aug 14 08:05:21 UTC 2014"

    def sent(self) -> datetime:
        """The date of a mail, from its archive header line (always UTC)."""
        return datetime.strptime(self.date_line, "%a %b %d %H:%M:%S UTC %Y").replace(tzinfo=UTC)

    def expected_paragraphs(self) -> list:
        """The paragraphs the post's text must contain."""
        left_out = {p for p, _ in self.omitted}
        if self.title is not None:
            left_out.add(clean_line(self.title_line, False))
        expected = [p for p in self.paragraphs if p not in left_out]
        # The old pages showed some titles twice (page title, then the same
        # words as the first heading); the post needs them once.
        if expected[1:2] == expected[:1] == [clean_line(self.title_line, False)]:
            del expected[1]
        return expected


def plain_config() -> dict:
    return json.loads((DATA / "plain_seeds.json").read_text(encoding="utf-8"))


# A line that is only markup: a heading underline/overline ("==" under "CI"), a mail separator.
_MARKUP_ONLY = re.compile(r"^\s*([-=_~^*#+`:.'\"])\1+\s*$")
# A list marker that reST turns into a bullet or a number the reader sees as such.
_LIST_MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\(?\d{1,2}[.)])\s+")


def clean_line(line: str, strip_quotes: bool) -> str:
    """One seed line as post text: no quote marks (mail), no list marker."""
    if strip_quotes:
        line = re.sub(r"^\s*(>\s*)+", "", line)
    if _MARKUP_ONLY.match(line):
        return ""
    return " ".join(_LIST_MARKER.sub("", line, count=1).split())


def paragraphs(lines, mode: str, strip_quotes: bool = False) -> list:
    """The seed's paragraphs: one per line ("lines") or per blank-line block ("blocks")."""
    cleaned = [clean_line(line, strip_quotes) if line.strip() else None for line in lines]
    if mode == "lines":
        found = [c for c in cleaned if c]
    elif mode == "blocks":
        found, block = [], []
        for c in cleaned + [None]:
            if c is None:
                if block:
                    found.append(" ".join(block))
                block = []
            elif c:
                block.append(c)
    else:
        raise ValueError(f"paragraph mode is 'lines' or 'blocks', not {mode!r}")
    # Text with no letter or digit ("." after inline code, "-----") proves nothing.
    return [p for p in found if re.search(r"\w", p)]


def split_posts(lines, starts) -> list:
    """Cut ``lines`` at each start line, in order; return [(start, lines)].

    Each start line is looked for after the previous one, so a post title
    that is repeated as its first heading stays inside that post.
    """
    cuts = []
    position = 0
    for start in starts:
        try:
            position = lines.index(start, position)
        except ValueError:
            raise ValueError(f"start line {start!r} not found (in order) in the seed") from None
        cuts.append(position)
        position += 1
    if cuts and any(line.strip() for line in lines[: cuts[0]]):
        raise ValueError(f"the seed has text before its first post: {lines[: cuts[0]]!r}")
    ends = cuts[1:] + [len(lines)]
    return [(lines[a], lines[a:b]) for a, b in zip(cuts, ends, strict=True)]


def plain_posts(config: dict = None) -> list:
    """Every post made from a plain-text seed, with the paragraphs it must contain."""
    config = plain_config() if config is None else config
    posts = []
    for name, seed in sorted(config.items()):
        if name.startswith("_"):
            continue
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        quotes = seed.get("mail", False)
        by_start = {p["starts_at"]: p for p in seed["posts"]}
        for start, part in split_posts(lines, [p["starts_at"] for p in seed["posts"]]):
            entry = by_start[start]
            omitted = tuple((clean_line(p, quotes), why) for p, why in entry.get("omitted", {}).items())
            posts.append(
                PlainPost(
                    seed=name,
                    slug=entry["slug"],
                    title_line=start,
                    lines=tuple(part),
                    paragraphs=tuple(paragraphs(part, seed["paragraphs"], quotes)),
                    title=entry.get("title"),
                    omitted=omitted,
                    author=entry.get("author"),
                    date_line=entry.get("date_line"),
                )
            )
    return posts
