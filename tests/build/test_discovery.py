"""Readers find what they need: metadata that shares well, archives, search index.

What a link preview, a search engine and a reader browsing the blog rely on:
JSON-LD and OpenGraph on every post, a sitemap and an archive that list
every post exactly once with its date, tag and author pages with counts,
"more in this category", a 404 page that offers search, and the Pagefind
index of every post.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from support.sitebuild import ROOT

from sitecheck.site_model import text_of

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def posts(built):
    """{absolute URL: (title, datetime, category, tags)} read from the post pages."""
    found = {}
    for page in sorted((built.root / "posts").glob("*/index.html")):
        soup = built.soup(page)
        found[built.url_of(page)] = (
            soup.h1.get_text(" ", strip=True),
            datetime.fromisoformat(soup.select_one("time.dt-published")["datetime"].replace("Z", "+00:00")),
            soup.select_one(".byline .p-category").get_text(strip=True),
            sorted(a.get_text(strip=True) for a in soup.select('.post-footer a[rel="tag"]')),
        )
    assert len(found) >= 20
    return found


def json_ld(soup):
    return [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


@pytest.fixture(scope="module")
def every_post(built):
    return posts(built)


def test_every_post_has_a_complete_blogposting(built, every_post):
    for url, (title, date, _category, tags) in every_post.items():
        soup = built.soup(built.root / url[len(built.site_url) :] / "index.html")
        (data,) = json_ld(soup)
        assert data["@type"] == "BlogPosting"
        assert data["headline"] == title
        assert datetime.fromisoformat(data["datePublished"].replace("Z", "+00:00")) == date
        assert data["dateModified"]
        assert data["author"] and all(a["@type"] == "Person" and a["name"] for a in data["author"])
        assert sorted(data["keywords"]) == tags
        assert data["image"].startswith(("http://", "https://"))
        assert data["mainEntityOfPage"]["@id"] == url == data["url"]
        assert data["description"] == meta(soup, "description")


def test_home_page_describes_the_blog(built):
    (data,) = json_ld(built.soup(built.root / "index.html"))
    assert data["@type"] == "Blog" and data["name"] and data["url"] == built.site_url
    assert data["blogPost"] and all(p["url"].startswith(built.site_url + "posts/") for p in data["blogPost"])


def test_opengraph_and_twitter_tags_are_present_and_absolute(built, every_post):
    for page in built.html_pages():
        soup = built.soup(page)
        for key in ("og:title", "og:description", "og:url", "og:image", "og:type", "twitter:card", "twitter:image"):
            assert meta(soup, key), (page, key)
        for key in ("og:url", "og:image", "twitter:image"):
            assert meta(soup, key).startswith(("http://", "https://")), (page, key)
        canonical = soup.select_one('link[rel="canonical"]')["href"]
        assert canonical.startswith(built.site_url), page
    for url, (title, date, _category, tags) in every_post.items():
        soup = built.soup(built.root / url[len(built.site_url) :] / "index.html")
        assert meta(soup, "og:type") == "article"
        assert meta(soup, "og:title") == title
        assert datetime.fromisoformat(meta(soup, "article:published_time").replace("Z", "+00:00")) == date
        assert sorted(t["content"] for t in soup.find_all("meta", attrs={"property": "article:tag"})) == tags


def test_a_preview_image_becomes_the_sharing_image(built):
    soup = built.soup(built.root / "posts" / "dublin-ptg-summary" / "index.html")
    assert meta(soup, "og:image") == "https://pbs.twimg.com/media/DXItoxEW4AAqaxV.jpg:medium"
    assert meta(soup, "twitter:card") == "summary_large_image"
    plain = built.soup(built.root / "posts" / "the-big-rename" / "index.html")
    assert meta(plain, "og:image") == built.site_url + "images/site-card.png"
    assert (built.root / "images" / "site-card.png").is_file()


def test_sitemap_lists_every_post_once_with_its_date(built, every_post):
    tree = ET.parse(built.root / "sitemap.xml")
    entries = [(u.findtext(SITEMAP + "loc"), u.findtext(SITEMAP + "lastmod")) for u in tree.getroot()]
    locs = [loc for loc, _ in entries]
    assert len(locs) == len(set(locs))
    dated = dict(entries)
    for url, (_, date, _, _) in every_post.items():
        assert url in dated, url
        assert datetime.fromisoformat(dated[url]) == date, url
    for loc in locs:
        target, _ = built.resolve(built.root / "index.html", loc)
        assert target.is_file(), loc
    assert built.site_url + "404.html" not in dated


def test_robots_txt_points_at_the_sitemap(built):
    robots = (built.root / "robots.txt").read_text()
    assert "Sitemap: " + built.site_url + "sitemap.xml" in robots
    assert "User-agent: *" in robots


def test_archive_lists_every_post_once_grouped_by_year(built, every_post):
    soup = built.soup(built.root / "archive.html")
    seen = []
    for year in soup.select("section.archive-year"):
        label = int(year.h2.get_text().split()[0])
        for item in year.select("li"):
            url = built.resolve(built.root / "archive.html", item.a["href"])[0]
            when = datetime.fromisoformat(item.time["datetime"].replace("Z", "+00:00"))
            assert when.year == label
            seen.append((built.url_of(url), when))
    assert sorted(u for u, _ in seen) == sorted(every_post)
    assert [w for _, w in seen] == sorted((w for _, w in seen), reverse=True)
    assert dict(seen) == {u: v[1] for u, v in every_post.items()}


def test_tag_and_category_index_show_true_counts(built, every_post):
    soup = built.soup(built.root / "categories" / "index.html")
    tag_counts = {}
    for _, _, _category, tags in every_post.values():
        for tag in tags:
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
    shown = {
        li.a.get_text(strip=True): int(li.select_one(".count").get_text().strip("()"))
        for li in soup.select("#tags-heading ~ ul li")
    }
    assert shown == tag_counts
    categories = {}
    for _, _, category, _ in every_post.values():
        categories[category] = categories.get(category, 0) + 1
    shown = {
        li.a.get_text(strip=True): int(li.select_one(".count").get_text().strip("()"))
        for li in soup.select("#categories-heading ~ ul li")
    }
    assert shown == categories


def test_author_pages_list_their_posts_and_feeds(built):
    index = built.soup(built.root / "authors" / "index.html")
    authors = index.select("ul.term-list li a")
    assert len(authors) >= 4
    for link in authors:
        page, _ = built.resolve(built.root / "authors" / "index.html", link["href"])
        soup = built.soup(page)
        assert soup.select("ol.post-list li")
        assert {a.get_text() for a in soup.select(".feeds a")} == {"RSS feed", "Atom feed"}


def test_more_in_this_category_lists_the_three_nearest_in_time(built, every_post):
    """The three posts of the category before this one, newest first; for the oldest of a category, the
    nearest after it fill the list (so a new post changes the pages of three others, not of all)."""
    by_category = {}
    for url, (_, date, category, _) in every_post.items():
        by_category.setdefault(category, []).append((date, url))
    shown_somewhere_older = 0
    for url, (_, _date, category, _) in every_post.items():
        soup = built.soup(built.root / url[len(built.site_url) :] / "index.html")
        related = soup.select(".related li a")
        newest_first = [u for _, u in sorted(by_category[category], reverse=True)]
        here = newest_first.index(url)
        older = newest_first[here + 1 : here + 4]
        expected = newest_first[max(0, here - (3 - len(older))) : here] + older
        shown_somewhere_older += len(older) == 3 and here > 0
        page = built.root / url[len(built.site_url) :] / "index.html"
        assert [built.url_of(built.resolve(page, a["href"])[0]) for a in related] == expected, url
    assert shown_somewhere_older, "no post of the fixture has three older and a newer one in its category"


def test_not_found_page_offers_search_and_works_at_any_depth(built):
    soup = built.soup(built.root / "404.html")
    form = soup.select_one('main form[role="search"]')
    assert form is not None and form["action"] == "/search/"
    assert form.select_one('input[name="q"]')["id"] == form.select_one("label")["for"]
    # Served for any missing URL, so no link may be relative.
    for el in soup.select("a[href], link[href], script[src], form[action]"):
        url = el.get("href") or el.get("src") or el.get("action")
        assert url.startswith(("/", "http://", "https://", "#")), url
    assert meta(soup, "robots") == "noindex"


def test_search_page_and_index_cover_every_post(built, every_post):
    soup = built.soup(built.root / "search" / "index.html")
    assert soup.select_one('form[role="search"] input[name="q"]')
    for kind in ("category", "tag", "author"):
        assert len(soup.select(f"#search-{kind} option")) > 1
    assert (built.root / "pagefind" / "pagefind.js").is_file()
    indexed = 0
    for bundle in json.loads((built.root / "pagefind" / "bundles.json").read_text()):
        entry = json.loads((built.root / "pagefind" / bundle["name"] / "pagefind-entry.json").read_text())
        assert sum(lang["page_count"] for lang in entry["languages"].values()) == bundle["pages"]
        indexed += bundle["pages"]
    assert indexed == len(every_post)


def test_only_the_search_page_loads_search_code(built):
    for page in built.html_pages():
        scripts = [s.get("src", "") for s in built.soup(page).find_all("script") if s.get("src")]
        if page.relative_to(built.root).as_posix() == "search/index.html":
            assert any(s.endswith("assets/js/search.js") for s in scripts)
        else:
            assert scripts == [], page


def test_theme_ships_at_most_30_kb_of_css_and_js(built):
    assets = [p for p in (built.root / "assets").rglob("*") if p.suffix in (".css", ".js")]
    assert assets
    assert sum(p.stat().st_size for p in assets) <= 30 * 1024


def test_print_stylesheet_shows_link_urls_and_hides_navigation(built):
    css = (built.root / "assets" / "css" / "site.css").read_text()
    printing = css[css.index("@media print") :]
    assert "attr(href)" in printing
    assert ".site-header" in printing and re.search(r"display:\s*none", printing)  # minified or not
    assert ".footnote" in printing


def test_post_text_is_what_the_page_says(built):
    """The search index reads the article body: make sure it is the post, not the chrome."""
    soup = built.soup(built.root / "posts" / "the-big-rename" / "index.html")
    body = soup.select_one("[data-pagefind-body]")
    assert body is not None and body.name == "article"
    assert "Archive" not in text_of(body.select_one(".e-content"))


def test_theme_assets_are_shipped_minified_with_their_licence(built):
    """plugins/minify.py (conf.py's FILTERS): comments and white space out, /*! licences in."""
    for name in ("css/site.css", "js/search.js", "js/porter2.js"):
        shipped = (built.root / "assets" / name).read_text(encoding="utf-8")
        source = (ROOT / "themes" / "openstack" / "assets" / name).read_text(encoding="utf-8")
        assert len(shipped) < 0.85 * len(source), name
        code = re.sub(r"/\*!.*?\*/", "", shipped, flags=re.S)
        assert "\n  " not in code and "// " not in code.replace("://", ""), name
    assert "Permission is hereby granted" in (built.root / "assets" / "js" / "porter2.js").read_text(encoding="utf-8")
