"""A post is written by a stranger: what it supplies is data, never code or a publish button.

What a reader would lose if this failed: a contributor's post could run
script in their browser (through a title, a tag, JSON-LD, a link), a draft
or a scheduled post would be readable (and searchable) before its author
meant it, and a deleted post would stay online.

* tests/support/hostile.py writes posts with hostile text (Hypothesis-drawn, the
  same every run) in every metadata field and in the body; the site is
  built once (tests/conftest.py's hostile_site); every field must come out
  exactly as written, in the page, its JSON-LD, its sharing tags and the
  feeds (and tests/e2e/test_untrusted_posts_browser.py: nothing may run).
* tests/sites/unpublished/ has a draft, a private post, a post drafted
  with the ``draft`` tag and a scheduled one beside a published post: no
  file of the build may hold their text, and ``make preview`` must show
  them in preview/ only.
* A scheduled post appears on the first build after its date, and a
  deleted post leaves the site on the next build.
"""

import datetime
import gzip
import json
import time

import feedparser
import lxml.etree
import pytest
from support import feedrules
from support.hostile import PROPOSE_CHANGE_URL
from support.sitebuild import ROOT, copy_built, copy_site, nikola_build

from sitecheck.site_model import Site, text_of

SITES = ROOT / "tests" / "sites"
DC = {"dc": "http://purl.org/dc/elements/1.1/"}
BLOG_TITLE = "OpenStack Community Blog"


def json_ld(soup):
    return [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


# --- text stays text -------------------------------------------------------------


def test_every_field_is_shown_exactly_as_written(hostile_site):
    site, expected = hostile_site
    for slug, post in expected.items():
        soup = site.soup(site.post_page(slug))
        shown = {
            "h1": soup.select_one("h1.p-name").get_text(),
            "title": soup.title.get_text(),
            "og:title": meta(soup, "og:title"),
            "description": meta(soup, "description"),
            "og:description": meta(soup, "og:description"),
            "author": [a.get_text() for a in soup.select(".byline .p-author")],
            "category": soup.select_one(".byline .p-category").get_text(),
            "tags": sorted(a.get_text() for a in soup.select('.post-footer a[rel="tag"]')),
            "article:tag": sorted(m["content"] for m in soup.find_all("meta", attrs={"property": "article:tag"})),
        }
        assert shown == {
            "h1": post["title"],
            "title": "{0} | {1}".format(post["title"], BLOG_TITLE),
            "og:title": post["title"],
            "description": post["description"],
            "og:description": post["description"],
            "author": [post["author"]],
            "category": post["category"],
            "tags": sorted(post["tags"]),
            "article:tag": sorted(post["tags"]),
        }, slug


def test_json_ld_parses_and_holds_the_exact_text(hostile_site):
    site, expected = hostile_site
    for slug, post in expected.items():
        (data,) = json_ld(site.soup(site.post_page(slug)))
        assert (
            data["headline"],
            data["description"],
            sorted(data["keywords"]),
            data["articleSection"],
            [a["name"] for a in data["author"]],
        ) == (post["title"], post["description"], sorted(post["tags"]), post["category"], [post["author"]]), slug
    (blog,) = json_ld(site.soup(site.root / "index.html"))
    assert sorted(p["headline"] for p in blog["blogPost"]) == sorted(p["title"] for p in expected.values())


def test_no_page_has_an_inline_script_but_json_ld(hostile_site):
    site, _ = hostile_site
    found = [
        "{0}: <script type={1!r}>".format(page.relative_to(site.root), s.get("type"))
        for page in site.html_pages()
        for s in site.soup(page).find_all("script")
        if not s.get("src") and s.get("type") != "application/ld+json"
    ]
    assert found == []
    for page in site.html_pages():
        json_ld(site.soup(page))  # every block parses


def test_the_body_text_is_text(hostile_site):
    site, expected = hostile_site
    for slug in expected:
        soup = site.soup(site.post_page(slug))
        body = soup.select_one(".e-content")
        assert body.select("script, iframe, object, embed, svg, [onerror], [onload]") == [], slug
        assert body.select_one(".admonition.note") and body.select_one("abbr[title]") and body.select_one("pre.code")


def test_section_titles_stay_text_in_the_contents_and_the_section_links(hostile_site):
    site, expected = hostile_site
    for slug, post in expected.items():
        article = site.soup(site.post_page(slug)).select_one("article.post")
        toc = article.select_one("nav.toc")
        assert [a.get_text() for a in toc.select("a")] == post["sections"], slug
        assert {t.name for t in toc.find_all(True)} == {"h2", "ol", "li", "a"}, slug
        links = article.select(".e-content a.section-link")
        assert [a["aria-label"] for a in links] == ["Link to section: " + t for t in post["sections"]], slug
        assert [(a.contents, a.parent.get_text().strip()) for a in links] == [([], t) for t in post["sections"]], slug
        assert [a["href"] for a in toc.select("a")] == [a["href"] for a in links], slug


def test_propose_change_links_to_the_posts_source(hostile_site):
    site, expected = hostile_site
    for slug in sorted(expected):
        (link,) = site.soup(site.post_page(slug)).select(".post-footer .propose-change a")
        assert link["href"] == PROPOSE_CHANGE_URL.format(path=f"posts/{slug}.rst"), slug


def test_every_feed_carries_the_exact_text(hostile_site):
    site, expected = hostile_site
    by_link = {site.site_url + f"posts/{slug}/": post for slug, post in expected.items()}
    for feed in site.feeds():
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert [p for p in feedrules.problems(feed, site.url_of(feed)) if not looks_like_html(p)] == []
        if feed.suffix == ".atom":
            for entry in parsed.entries:  # Atom says its titles are text: readers show them as is
                post = by_link[entry.link]
                assert (entry.title, entry.author, sorted(t.term for t in entry.tags)) == (
                    post["title"],
                    post["author"],
                    sorted(post["tags"]),
                ), feed
        else:
            # RSS has no text/HTML flag and feedparser guesses: the XML itself must hold the text.
            for item in lxml.etree.parse(str(feed)).findall("channel/item"):
                post = by_link[item.findtext("link")]
                assert (
                    item.findtext("title"),
                    item.findtext("dc:creator", namespaces=DC),
                    sorted(c.text for c in item.findall("category")),
                ) == (post["title"], post["author"], sorted(post["tags"])), feed


def test_opml_files_parse_and_name_every_feed_exactly(hostile_site):
    site, expected = hostile_site
    opml = lxml.etree.parse(str(site.root / "feeds" / "all.opml")).getroot()
    texts = {o.get("text") for o in opml.iter("outline") if o.get("type") == "rss"}
    for post in expected.values():
        assert {f"{BLOG_TITLE} (Posts about {t})" for t in post["tags"]} <= texts
        assert {
            "{0} (Posts in category {1})".format(BLOG_TITLE, post["category"]),
            "{0} (Posts by {1})".format(BLOG_TITLE, post["author"]),
        } <= texts
    for path in (site.root / "feeds").glob("*.opml"):
        lxml.etree.parse(str(path))  # each parses


# The W3C Feed Validation Service warns when a plain-text element (an RSS
# title or category, an Atom author name or type="text" title) holds text that
# looks like HTML, such as "</script>", however it is escaped: a heuristic for
# publishers who put HTML where text belongs. These posts mean that text
# literally, and it must be shown as written (never stripped), so those
# warnings, and only those, are expected here; the real site has none.
LOOKS_LIKE_HTML = ("ContainsHTML", "ContainsUndeclaredHTML", "CharacterData")


def looks_like_html(problem):
    return any(f": WARNING: {name} (" in problem for name in LOOKS_LIKE_HTML)


# --- unpublished means unpublished ---------------------------------------------------

UNPUBLISHED = ("zqxdraft", "zqxprivate", "zqxtagged", "zqxfuture")


@pytest.fixture(scope="module")
def unpublished(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("unpublished") / "site", overlay=SITES / "unpublished", with_posts=False)
    build = nikola_build(root)
    assert build.returncode == 0, build.log
    return build


def file_texts(folder):
    """(path, lower-case text) of every file, gzip-compressed ones (Pagefind's) decompressed."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        yield path, data.decode("utf-8", errors="replace").lower()


def test_drafts_private_and_scheduled_posts_are_in_no_file(unpublished):
    found = [
        f"{path.relative_to(unpublished.output)}: {word}"
        for path, text in file_texts(unpublished.output)
        for word in UNPUBLISHED
        if word in text
    ]
    assert found == []
    assert sorted(p.name for p in (unpublished.output / "posts").iterdir()) == ["published"]
    assert "published" in "".join(text for _, text in file_texts(unpublished.output / "pagefind"))


def test_the_build_says_which_posts_it_left_out(unpublished):
    for post, why in (
        ("draft", "draft"),
        ("private", "private"),
        ("tagged-draft", "draft"),
        ("scheduled", "scheduled for 2999-01-01"),
    ):
        assert f"posts/{post}.rst: {why}" in unpublished.log, unpublished.log


def test_a_preview_shows_them_and_never_touches_output(unpublished):
    before = {p: p.read_bytes() for p in unpublished.output.rglob("*") if p.is_file()}
    preview = nikola_build(unpublished.root, env={"BLOG_PREVIEW": "1"})
    assert preview.returncode == 0, preview.log
    assert {p: p.read_bytes() for p in unpublished.output.rglob("*") if p.is_file()} == before
    shown = unpublished.root / "preview" / "posts"
    assert sorted(p.name for p in shown.iterdir()) == ["draft", "private", "published", "scheduled", "tagged-draft"]
    banner = Site(unpublished.root / "preview").soup(shown / "draft" / "index.html").select_one(".unpublished")
    assert banner is not None and "draft" in text_of(banner)


@pytest.mark.e2e
def test_a_scheduled_post_appears_on_the_first_build_after_its_date(good_site, tmp_path):
    root = copy_built(good_site.root, tmp_path / "site")
    due = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(seconds=2)
    (root / "posts" / "soon.rst").write_text(
        (SITES / "good" / "posts" / "post.rst")
        .read_text(encoding="utf-8")
        .replace("a-good-post", "soon")
        .replace("2020-01-01 12:00:00+00:00", due.isoformat()),
        encoding="utf-8",
    )
    first = nikola_build(root)
    assert first.returncode == 0, first.log
    assert not (first.output / "posts" / "soon").exists()
    time.sleep(max(0.0, (due - datetime.datetime.now(datetime.UTC)).total_seconds()) + 0.5)
    second = nikola_build(root)  # no file changed: only the clock
    assert second.returncode == 0 and "nothing changed" not in second.log, second.log
    assert (second.output / "posts" / "soon" / "index.html").is_file()
    assert site_link("soon") in (second.output / "rss.xml").read_text(encoding="utf-8")


def site_link(slug):
    return f"http://graham.hayes.ie/posts/{slug}/"


# --- nothing lingers -------------------------------------------------------------------


def test_a_deleted_post_leaves_the_site_on_the_next_build(good_site, tmp_path):
    root = copy_built(good_site.root, tmp_path / "site")
    gone = root / "posts" / "gone.rst"
    gone.write_text(
        (SITES / "good" / "posts" / "post.rst")
        .read_text(encoding="utf-8")
        .replace("a-good-post", "gone-post")
        .replace(".. tags: test", ".. tags: test, zqxgone"),
        encoding="utf-8",
    )
    first = nikola_build(root)
    assert first.returncode == 0, first.log
    assert (first.output / "posts" / "gone-post" / "index.html").is_file()
    gone.unlink()
    second = nikola_build(root)
    assert second.returncode == 0, second.log
    left = [
        f"{path.relative_to(second.output)}: {word}"
        for path, text in file_texts(second.output)
        for word in ("gone-post", "zqxgone")
        if word in text
    ]
    assert left == []
    assert (second.output / "posts" / "a-good-post" / "index.html").is_file()
