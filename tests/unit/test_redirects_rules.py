"""redirects.txt, the record of URLs the site stopped serving: what a reader holding
an old link or a feed item would lose if these rules let a mistake through.

Unit tests on plugins/rules/redirects.py alone (no build): the build, `make review`
and `make deploy` all judge with these functions.
"""

from plugins.rules import redirects
from plugins.rules.redirects import GONE, MOVED, Record


def parse(text):
    return redirects.parse(text, "redirects.txt")


def test_moves_and_removals_are_read_with_their_lines():
    records, problems = parse("# moved and gone\n\n301 /posts/a/ /posts/b/  # renamed\n410 /posts/c/\n")
    assert problems == []
    assert records == [Record(MOVED, "/posts/a/", "/posts/b/", 3), Record(GONE, "/posts/c/", None, 4)]


def test_percent_escapes_are_compared_decoded():
    records, problems = parse("410 /Designate%20Workshop.pdf\n")
    assert problems == [] and records[0].old == "/Designate Workshop.pdf"


def test_each_mistake_is_named_at_its_line():
    text = "\n".join(
        [
            "302 /a/ /b/",  # 1: unknown status
            "301 /a/",  # 2: no target
            "410 /a/ /b/",  # 3: a target for a removal
            "301 /a/ https://elsewhere.example/",  # 4: another origin
            "301 /a/ //elsewhere.example/b/",  # 5: scheme-relative
            "410 posts/a/",  # 6: not from the root
            "301 /x/ /x/index.html",  # 7: to itself
            "410 /q/?page=2",  # 8: a query
            "410 /y/",  # 9: fine
            "410 /y/",  # 10: twice
            "410 /../etc/",  # 11: dot segments
        ]
    )
    records, problems = parse(text)
    assert [r.line for r in records] == [9]
    assert [p.split(":")[1] for p in problems] == [str(n) for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11)]
    assert all(p.startswith("redirects.txt:") and ": ERROR: " in p for p in problems)
    assert "origin" in problems[3] and "origin" in problems[4]


def test_check_against_the_site_about_to_be_published():
    records, _ = parse("301 /old/ /new/\n301 /a/ /old/\n301 /b/ /missing/\n410 /still/\n410 /gone/\n")
    served = {"/new/", "/new/index.html", "/still/index.html"}
    problems = redirects.check(records, served)
    assert len(problems) == 3
    assert "redirects.txt:2:" in problems[0] and "itself moved" in problems[0]
    assert "redirects.txt:3:" in problems[1] and "does not serve" in problems[1]
    assert "redirects.txt:4:" in problems[2] and "still serves" in problems[2]
    assert redirects.check(records[:1], served) == []


def test_served_urls_of_a_built_folder(tmp_path):
    for name in (
        "index.html",
        "index.html.gz",
        "posts/a/index.html",
        "rss.xml",
        "rss.xml.br",
        "pagefind/pagefind.js",
        "files/Designate Workshop.pdf",
        "x.gz",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert redirects.served_urls(tmp_path) == {
        "/",
        "/index.html",
        "/posts/a/",
        "/posts/a/index.html",
        "/rss.xml",
        "/files/Designate Workshop.pdf",
        "/x.gz",
    }


def test_dropped_urls_say_what_answers_for_them():
    records, _ = parse("301 /a/ /b/\n410 /c/\n")
    before = {"/a/", "/a/index.html", "/c/", "/d/", "/b/"}
    after = {"/b/"}
    assert redirects.dropped(before, after, records) == [
        ("/a/", records[0]),
        ("/a/index.html", records[0]),
        ("/c/", records[1]),
        ("/d/", None),
    ]


def test_a_changed_guid_is_found_through_a_move():
    records, _ = parse("301 /posts/a/ /posts/b/\n")
    before = {"http://x/posts/a/": "/posts/a/", "http://x/posts/k/": "/posts/k/"}
    kept = {"http://x/posts/a/": "/posts/b/", "http://x/posts/k/": "/posts/k/"}
    assert redirects.guid_changes(before, kept, records) == []
    renamed = {"http://x/posts/b/": "/posts/b/", "http://x/posts/k/": "/posts/k/"}
    (problem,) = redirects.guid_changes(before, renamed, records)
    assert "/posts/b/" in problem and "`.. guid: http://x/posts/a/`" in problem
    retitled = {"http://x/posts/a/": "/posts/b/", "tag:k": "/posts/k/"}
    (problem,) = redirects.guid_changes(before, retitled, records)
    assert "/posts/k/" in problem
    deleted = {"http://x/posts/k/": "/posts/k/"}
    assert redirects.guid_changes(before, deleted, []) == []


def test_feed_items_read_every_rss_file(tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "rss.xml").write_text(
        "<rss><channel><item><guid>g1</guid><link>http://h/posts/a/</link></item></channel></rss>"
    )
    (tmp_path / "feeds" / "1.xml").write_text(
        "<rss><channel><item><guid>g2</guid><link>https://other/posts/b%20c/</link></item></channel></rss>"
    )
    (tmp_path / "sitemap.xml").write_text("<urlset><url><loc>http://h/</loc></url></urlset>")
    assert redirects.feed_items(tmp_path) == {"g1": "/posts/a/", "g2": "/posts/b c/"}


def test_urls_of_a_listing_made_elsewhere():
    listing = ["index.html", "posts/a/index.html", "posts/a/index.html.gz", "pagefind/x.pf_meta", "a.br"]
    assert redirects.urls_of_files(listing) == {"/", "/index.html", "/posts/a/", "/posts/a/index.html", "/a.br"}


def test_a_folder_and_its_index_html_are_one_page_recorded_once():
    """nginx would refuse two exact locations for one URL (plugins/redirects writes both forms)."""
    records, problems = parse("410 /y/\n410 /y/index.html\n")
    assert problems == ["redirects.txt:2: ERROR: /y/index.html is already recorded at line 1"]


def test_a_control_character_is_refused():
    records, problems = parse("410 /a%0Ab/\n")
    assert records == [] and problems == ["redirects.txt:1: ERROR: '/a%0Ab/' has a control character"]


def test_a_built_folders_redirect_pages_are_not_its_content():
    records, _ = parse("301 /old/ /new/\n410 /gone/\n")
    urls = {"/old/", "/old/index.html", "/new/", "/new/index.html", "/410.html"}
    assert redirects.without_redirect_pages(urls, records) == {"/new/", "/new/index.html", "/410.html"}


def test_the_web_servers_rules_are_not_a_url():
    assert redirects.urls_of_files([".nginx/redirects.conf", "index.html"]) == {"/index.html", "/"}


def test_a_move_to_a_removed_url_says_it_is_gone():
    records, _ = parse("410 /gone/\n301 /old/ /gone/\n")
    (problem,) = redirects.check(records, set())
    assert "redirects.txt:2:" in problem and "which is gone (line 1)" in problem
