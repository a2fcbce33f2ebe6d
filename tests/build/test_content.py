"""Fidelity to the seeds: each post says what the blog we continue said.

What this protects (the seeds are copied into tests/data/):

* ``004_*.txt`` is the RSS feed of the tag ``openstack``; each item's
  description is the HTML Nikola made from the original reST. For every
  item, the post built at the same ``/posts/<slug>/`` has the same title,
  author, date (to the second), tags and preview image, the same section
  ids in the same order (and heading levels), the same admonitions, footnotes, epigraphs
  (with attributions), abbreviations (with titles), images and links, and
  the same text: difflib similarity of at least MIN_SIMILARITY (printed;
  ``pytest -rA`` shows it) and no run of more than MAX_CHANGED_WORDS words
  lost or added. The one teaser item (cut short, "Read more…") is
  compared with the post's text before its ``.. TEASER_END``.
* ``000``-``003`` are plain text: every one of their paragraphs is in the
  post that ``data/plain_seeds.json`` names, in the same order; a URL may
  have become a link whose target is that URL. A mail's post has the
  sender and date of the mail's archive header.
* Every post: footnote references and back-links meet, no docutils
  "System Message" is published, internal links resolve.
* The comparison rules themselves catch a deliberately broken copy
  (tests/unit/test_seeds.py, with no build).

A post missing from the build fails its tests; nothing here is skipped.
"""

import copy
from datetime import datetime
from urllib.parse import urljoin

import pytest
from support import seeds
from support.seeds import MAX_CHANGED_WORDS, MIN_SIMILARITY, SEED_HOST, visible_text
from support.sitebuild import ROOT

from sitecheck.site_model import text_of

# Where things are on a built post page. Only these depend on the theme.
BODY = ".e-content"
SECTION_LINK = "a.section-link"
TITLE = "h1"
DATE = "time.dt-published"
AUTHOR = ".p-author"
TAGS = 'a[rel~="tag"]'

ITEMS = seeds.feed_items()
PLAIN_POSTS = seeds.plain_posts()


def post_sources(posts_folder):
    """{slug: source file} for every post in a posts/ folder."""
    return {seeds.post_metadata(p).get("slug", p.stem): p for p in sorted(posts_folder.glob("*.rst"))}


ALL_SLUGS = sorted(set(post_sources(ROOT / "posts")) | {i.slug for i in ITEMS} | {p.slug for p in PLAIN_POSTS})


def by_slug(item):
    return item.slug


def plain_id(post):
    return f"{post.seed[:3]}:{post.slug}"


# --- reading a built post ----------------------------------------------------------


def post_page(built, slug):
    page = built.post_page(slug)
    assert page.is_file(), f"no post at /posts/{slug}/ in the build (looked for {page})"
    return page


def post_body(built, slug):
    """The post's text on its page, without the page's own additions (section links: plugins/post_outline)."""
    bodies = built.soup(post_page(built, slug)).select(BODY)
    assert len(bodies) == 1, f"/posts/{slug}/: expected one post body {BODY!r}, found {len(bodies)}"
    body = copy.copy(bodies[0])  # the page's soup is cached and shared by the tests
    for link in body.select(SECTION_LINK):
        link.decompose()
    return body


def compared_bodies(built, item):
    """(seed body, built body) for an item: a teaser is compared with as much of the post as it shows."""
    body, seed = post_body(built, item.slug), seeds.seed_body(item)
    if item.is_teaser:
        try:
            body = seeds.teaser_part(body, seed)
        except ValueError as e:
            pytest.fail(f"/posts/{item.slug}/ is a teaser in the feed, but {e}")
    return seed, body


def post_source(built, slug):
    """The source the build made /posts/<slug>/ from.

    The ``built`` fixture builds a copy of the site with output/ inside it,
    so the copy's posts/ is next to output/; else the project's own.
    """
    folder = built.root.parent / "posts"
    source = post_sources(folder if folder.is_dir() else ROOT / "posts").get(slug)
    assert source is not None, f"no source in posts/ has slug {slug!r}"
    return source


def hosts(built):
    return (SEED_HOST, built.site_url)


# --- feed items: metadata -------------------------------------------------------------


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_title_matches_feed(built, item):
    titles = built.soup(post_page(built, item.slug)).select(TITLE)
    assert [visible_text(t) for t in titles] == [item.title]


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_author_matches_feed(built, item):
    authors = built.soup(post_page(built, item.slug)).select(AUTHOR)
    assert [visible_text(a) for a in authors] == [item.author]


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_date_matches_feed_to_the_second(built, item):
    times = built.soup(post_page(built, item.slug)).select(DATE)
    assert len(times) == 1, f"expected one {DATE!r} in the post header"
    published = datetime.fromisoformat(times[0]["datetime"])
    assert published.tzinfo is not None, "the page's datetime has no time zone: " + times[0]["datetime"]
    assert published == item.published, f"page {published.isoformat()} != feed {item.published}"


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_tags_match_feed(built, item):
    tags = [visible_text(a) for a in built.soup(post_page(built, item.slug)).select(TAGS)]
    assert sorted(tags) == sorted(item.tags)


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_preview_image_matches_feed(built, item):
    """The feed's leading <figure> is the post's ``.. previewimage:``."""
    source = post_source(built, item.slug)
    base = built.url_of(built.post_page(item.slug))

    def absolute(src):
        return src and seeds.without_hosts(urljoin(base, src), hosts(built))

    expected = seeds.preview_image(item)
    actual = seeds.post_metadata(source).get("previewimage")
    assert absolute(actual) == absolute(expected)


# --- feed items: structure --------------------------------------------------------------


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_section_ids_match_feed(built, item):
    seed, body = compared_bodies(built, item)
    assert seeds.section_ids(body) == seeds.section_ids(seed)
    assert seeds.section_outline(body) == seeds.section_outline(seed), "same ids, different heading levels"


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_admonitions_match_feed(built, item):
    seed, body = compared_bodies(built, item)
    assert seeds.admonition_titles(body) == seeds.admonition_titles(seed)


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_footnotes_match_feed(built, item):
    seed, body = compared_bodies(built, item)
    assert [seeds.label(r) for r in seeds.footnote_references(body)] == [
        seeds.label(r) for r in seeds.footnote_references(seed)
    ], "footnote references"
    assert [seeds.label(f.select_one(".label") or f) for f in seeds.footnotes(body)] == [
        seeds.label(f.select_one(".label") or f) for f in seeds.footnotes(seed)
    ], "footnotes"


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_epigraphs_match_feed(built, item):
    seed, body = compared_bodies(built, item)
    assert seeds.epigraph_attributions(body) == seeds.epigraph_attributions(seed)


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_abbreviations_match_feed(built, item):
    seed, body = compared_bodies(built, item)
    assert seeds.abbreviations(body) == seeds.abbreviations(seed)


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_images_match_feed(built, item):
    seed, body = compared_bodies(built, item)
    base = built.url_of(built.post_page(item.slug))
    actual = seeds.image_sources(body, base, hosts(built))
    expected = seeds.image_sources(seed, item.link, hosts(built))
    assert len(actual) == len(expected), f"number of images: {actual} != {expected}"
    assert actual == expected


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_links_match_feed(built, item):
    seed, body = compared_bodies(built, item)
    base = built.url_of(built.post_page(item.slug))
    actual = seeds.link_targets(body, base, hosts(built))
    expected = seeds.link_targets(seed, item.link, hosts(built))
    assert actual == expected, (
        f"missing: {sorted((expected - actual).elements())}; extra: {sorted((actual - expected).elements())}"
    )


@pytest.mark.parametrize("item", ITEMS, ids=by_slug)
def test_text_matches_feed(built, item, record_property):
    seed, body = compared_bodies(built, item)
    expected = seeds.without_hosts(visible_text(seed), hosts(built))
    actual = seeds.without_hosts(visible_text(body), hosts(built))
    assert len(expected.split()) > 50, f"the feed item's text was not read: {expected[:200]!r}"
    ratio = seeds.similarity(expected, actual)
    record_property("similarity", round(ratio, 4))
    print("similarity /posts/{0}/: {1:.4f}{2}".format(item.slug, ratio, " (teaser)" if item.is_teaser else ""))
    assert ratio >= MIN_SIMILARITY, (
        f"similarity {ratio:.4f} < {MIN_SIMILARITY}; first difference:\n  {seeds.first_difference(expected, actual)}"
    )
    runs = seeds.changed_runs(expected, actual, MAX_CHANGED_WORDS)
    assert not runs, "similarity {0:.4f}, but more than {1} words differ in a row:\n  {2}".format(
        ratio, MAX_CHANGED_WORDS, "\n  ".join(runs)
    )


@pytest.mark.parametrize("item", [i for i in ITEMS if i.is_teaser], ids=by_slug)
def test_teaser_post_keeps_its_teaser_break(built, item):
    """The feed cut this post short: its source must say where, with ``.. TEASER_END``."""
    post_page(built, item.slug)
    source = post_source(built, item.slug)
    assert seeds.has_teaser_end(source), f"{source} has no '.. TEASER_END' line"


# --- plain-text seeds ------------------------------------------------------------------


@pytest.mark.parametrize("post", PLAIN_POSTS, ids=plain_id)
def test_plain_seed_paragraphs_are_in_post(built, post):
    page = post_page(built, post.slug)
    soup = built.soup(page)
    title = " ".join(visible_text(t) for t in soup.select(TITLE))
    if post.title is not None:
        assert post.title in post.title_line, "plain_seeds.json: title is not part of the start line"
        assert title == post.title
    body = post_body(built, post.slug)
    base = built.url_of(page)
    shown = seeds.without_hosts(title + " " + visible_text(body), hosts(built))
    linked = seeds.without_hosts(title + " " + visible_text(body, link_base=base), hosts(built))
    # A plain seed's "[1]" markers are reST footnotes now; docutils numbers
    # them across the page (a mail thread restarts at [1] in every message),
    # so markers match by position, not by number.
    marker = seeds.footnote_marker
    report = seeds.find_paragraphs(
        [marker(seeds.without_hosts(p, hosts(built))) for p in post.expected_paragraphs()],
        marker(shown),
        marker(linked),
    )
    print(
        f"/posts/{post.slug}/: of {len(post.expected_paragraphs())} paragraphs of {post.seed}, "
        f"{len(report.missing)} missing, {len(report.out_of_order)} out of order"
    )
    assert not report.missing, "{0} paragraph(s) of {1} not in /posts/{2}/:\n{3}".format(
        len(report.missing), post.seed, post.slug, "\n".join("  " + repr(p) for p in report.missing)
    )
    assert not report.out_of_order, "paragraphs of {0} out of order in /posts/{1}/:\n{2}".format(
        post.seed, post.slug, "\n".join("  " + repr(p) for p in report.out_of_order)
    )


MAILS = [p for p in PLAIN_POSTS if p.date_line]


@pytest.mark.parametrize("post", MAILS, ids=plain_id)
def test_mail_post_has_the_senders_name_and_date(built, post):
    header = [line.strip() for line in post.lines[:6]]
    assert post.date_line in header, "plain_seeds.json: date_line is not in the mail's header"
    assert any(line.startswith(post.author) for line in header), "plain_seeds.json: author not in the header"
    soup = built.soup(post_page(built, post.slug))
    assert [visible_text(a) for a in soup.select(AUTHOR)] == [post.author]
    times = soup.select(DATE)
    assert len(times) == 1, f"expected one {DATE!r} in the post header"
    assert datetime.fromisoformat(times[0]["datetime"]) == post.sent()


# --- every post ------------------------------------------------------------------------

# Their only source holds just their opening (the Rocky nomination is a feed
# teaser; the plain-text copy has the other two's first paragraphs, and the
# MiniDNS post's quoted line of code is missing from it).
INCOMPLETE = ("openstack-tc-nomination-rocky", "designate-mid-cycle", "minidns-tcp-and-the-internet")


@pytest.mark.parametrize("slug", INCOMPLETE)
def test_a_post_whose_source_is_incomplete_says_so_on_the_page(built, slug):
    body = text_of(built.soup(built.post_page(slug)).select_one(".e-content"))
    assert "Not preserved" in body and ("only the start" in body or "Only the opening" in body), body[-300:]
