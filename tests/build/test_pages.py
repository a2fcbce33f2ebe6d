"""Pages a reader opens: one heading, unique ids, a title, a language, a description.

What a reader would lose if this failed: pages a screen reader or a search
engine cannot make sense of (no title or language, several h1, an id used
twice so a link lands in the wrong place), post pages without their author,
date, reading time or tags, and tag pages without their feeds.
"""

import collections


def test_no_id_is_duplicated_within_a_page(built):
    dupes = {}
    for page in built.html_pages():
        counts = collections.Counter(built.ids(page))
        repeated = sorted(i for i, n in counts.items() if n > 1)
        if repeated:
            dupes[str(page.relative_to(built.root))] = repeated
    assert dupes == {}


def test_every_page_has_one_h1_a_title_a_language_and_a_description(built):
    problems = []
    for page in built.html_pages():
        soup = built.soup(page)
        name = str(page.relative_to(built.root))
        if len(soup.find_all("h1")) != 1:
            problems.append(name + ": h1 count " + str(len(soup.find_all("h1"))))
        if not (soup.title and soup.title.get_text(strip=True)):
            problems.append(name + ": no <title>")
        if not soup.html.get("lang"):
            problems.append(name + ": no lang")
        desc = soup.find("meta", attrs={"name": "description"})
        if not (desc and desc.get("content", "").strip()):
            problems.append(name + ": no meta description")
    assert problems == []


def test_post_pages_show_author_date_reading_time_category_and_tags(built):
    for page in (built.root / "posts").glob("*/index.html"):
        article = built.soup(page).select_one("article.post")
        assert article is not None, page
        assert article.select_one(".byline .p-author"), page
        time = article.select_one("time.dt-published[datetime]")
        assert time and time["datetime"][:4].isdigit(), page
        assert "min read" in article.select_one(".reading-time").get_text(), page
        assert article.select_one(".byline .p-category"), page
        assert article.select('.tags a[rel="tag"]'), page


def test_taxonomy_pages_declare_and_link_their_feeds(built):
    pages = list((built.root / "categories").glob("*/index.html")) + list((built.root / "authors").glob("*/index.html"))
    assert pages
    for page in (p for p in pages if p not in built.redirect_pages()):  # not an old category's URL
        soup = built.soup(page)
        alternates = {link["href"] for link in soup.select('link[rel="alternate"]')}
        visible = {a["href"] for a in soup.select(".feeds a")}
        assert len(visible) == 2, page
        assert visible <= alternates, page


def test_pages_load_no_third_party_resources(built):
    for page in built.html_pages():
        soup = built.soup(page)
        for el in soup.select("script[src], link[rel=stylesheet], img[src], iframe"):
            url = el.get("src") or el.get("href")
            if el.name == "img":
                continue  # some posts show photos hosted where the author put them
            assert not url.startswith(("http:", "https:", "//")), (page, url)
