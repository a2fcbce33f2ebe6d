"""The rules posts are held to, checked in-process in milliseconds (no site build).

What an author would lose if this failed: a URL, a metadata field or a code
block option judged wrongly (a script link let through, a good post refused,
an option Sphinx authors use rejected). The same rules are checked end to end,
with file and line, in test_authoring.py.
"""

import docutils.core
import pytest
from docutils.parsers.rst import directives

from plugins.rules import metadata, urls


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x",
        "http://example.org/",
        "mailto:a@example.org",
        "irc://chat.example.org/#x",
        "/posts/x/",
        "../images/a.jpg",
        "#section",
        "a/b.html",
        "link://slug/x",
        "HTTPS://EXAMPLE.ORG/",
    ],
)
def test_a_link_a_post_may_use(url):
    assert urls.refusal(url) is None


@pytest.mark.parametrize(
    "url,why",
    [
        ("javascript:alert(1)", "'javascript:' is not allowed"),
        (" JavaScript:alert(1)", "'javascript:' is not allowed"),
        ("java\tscript:alert(1)", "'javascript:' is not allowed"),
        ("jav\nascript:alert(1)", "'javascript:' is not allowed"),
        ("\x01javascript:alert(1)", "'javascript:' is not allowed"),
        ("data:text/html,x", "'data:' is not allowed"),
        ("vbscript:x", "'vbscript:' is not allowed"),
        ("file:///etc/passwd", "'file:' is not allowed"),
        ("web+evil:x", "'web+evil:' is not allowed"),
        ("//evil.example/", "scheme-relative"),
        ("\\\\evil.example/", "scheme-relative"),
        ("/\\evil.example/", "scheme-relative"),
        ("\\/evil.example/", "scheme-relative"),
        ("https:evil.example", "has no host"),
        ("link:evil", "'link:' is not allowed"),
    ],
)
def test_a_link_a_post_may_not_use(url, why):
    assert why in (urls.refusal(url) or "")


def test_an_image_may_not_be_a_mail_or_chat_address():
    assert "'mailto:' is not allowed" in urls.refusal("mailto:a@example.org", urls.IMAGE_SCHEMES)
    assert urls.refusal("https://example.org/a.jpg", urls.IMAGE_SCHEMES) is None


def test_a_site_image_must_exist_in_an_image_or_file_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.jpg").write_bytes(b"x")
    folders = {"images": "images", "files": ""}
    assert urls.missing_file("/images/a.jpg", "/posts/p/", folders) is None
    assert urls.missing_file("../../images/a.jpg", "/posts/p/", folders) is None
    assert "not found (looked in images/, files/)" in urls.missing_file("/images/b.jpg", "/posts/p/", folders)


FIELDS = {
    "title": ("T", 1),
    "slug": ("t", 2),
    "date": ("2020-01-01 12:00:00+00:00", 3),
    "tags": ("x", 4),
    "category": ("events", 5),
    "author": ("A", 6),
    "description": ("D", 7),
}


def test_complete_metadata_has_no_problem():
    assert metadata.problems_in("posts/p.rst", FIELDS) == []


def test_a_missing_field_is_named_at_the_line_after_the_last_field():
    fields = {k: v for k, v in FIELDS.items() if k not in ("author", "tags")}
    assert metadata.problems_in("posts/p.rst", fields) == [
        "posts/p.rst:8: ERROR: metadata 'tags' is missing or empty (add '.. tags: ...')",
        "posts/p.rst:8: ERROR: metadata 'author' is missing or empty (add '.. author: ...')",
    ]
    assert metadata.problems_in("posts/p.rst", {})[0].startswith("posts/p.rst:1: ERROR: metadata 'title'")


@pytest.mark.parametrize(
    "key,value,why",
    [
        ("date", "2020-01-01 12:00:00", "posts/p.rst:3: ERROR: date '2020-01-01 12:00:00' has no time zone"),
        ("date", "soon", "posts/p.rst:3: ERROR: date 'soon' is not a date"),
        ("category", "a, b", "posts/p.rst:5: ERROR: a post has one category"),
        ("category", "a/b", "posts/p.rst:5: ERROR: a category is one name"),
        ("title", "", "posts/p.rst:1: ERROR: metadata 'title' is missing or empty"),
        ("author", "", "posts/p.rst:6: ERROR: metadata 'author' is missing or empty"),
        ("status", "drfat", "posts/p.rst:8: ERROR: unknown status 'drfat'"),
        (
            "status",
            "Published",
            "posts/p.rst:8: ERROR: unknown status 'Published': use one of published, featured, "
            "draft, private (in lowercase)",
        ),
        ("status", "Draft", "posts/p.rst:8: ERROR: unknown status 'Draft'"),
        ("previewimage", "javascript:x", "posts/p.rst:8: ERROR: previewimage: URL scheme 'javascript:'"),
        ("previewimage", "a.jpg", "posts/p.rst:8: ERROR: previewimage: write the image's path from the site's root"),
    ],
)
def test_each_metadata_mistake_is_named_with_its_line(key, value, why):
    fields = dict(FIELDS, **{key: (value, FIELDS.get(key, ("", 8))[1])})
    assert [p for p in metadata.problems_in("posts/p.rst", fields) if p.startswith(why)]


@pytest.fixture(scope="module")
def code_block():
    """Our code directive, registered for this test process only (docutils' table is global)."""
    from nikola.utils import LocaleBorg

    from plugins.rest_code import rest_code

    if not LocaleBorg.initialized:
        LocaleBorg.initialize({}, "en")
    saved = {name: directives._directives.get(name) for name in ("code", "code-block")}
    for name in saved:
        directives.register_directive(name, rest_code.CodeBlock)
    yield rest_code
    for name, directive in saved.items():
        if directive is None:
            directives._directives.pop(name, None)
        else:
            directives.register_directive(name, directive)


def html(source):
    return docutils.core.publish_parts(source, writer="html5_polyglot", settings_overrides={"report_level": 5})[
        "fragment"
    ]


def test_the_code_block_keeps_every_option_of_nikolas_and_docutils(code_block):
    from docutils.parsers.rst.directives.body import CodeBlock as DocutilsCode
    from nikola.plugins.compile.rest.listing import CodeBlock as NikolaCode

    assert set(NikolaCode.option_spec) | set(DocutilsCode.option_spec) <= set(code_block.CodeBlock.option_spec)


def test_emphasized_lines_are_marked_and_tabs_expanded(code_block):
    out = html(".. code-block:: python\n   :emphasize-lines: 2\n   :tab-width: 4\n\n   a = 1\n   if a:\n   \tb = 2\n")
    assert out.count('<span class="hll">') == 1 and "if" in out.split('<span class="hll">')[1].split("</span>\n")[0]
    assert "\t" not in out and "    <span" in out


def test_numbered_lines_get_stable_span_anchors(code_block):
    out = html(".. code-block:: python\n   :number-lines: 3\n\n   a = 1\n   b = 2\n")
    assert 'id="code-1-3"' in out and "<a id=" not in out and " name=" not in out
    assert out == html(".. code-block:: python\n   :number-lines: 3\n\n   a = 1\n   b = 2\n")


def test_the_listing_pages_filter_makes_pygments_tables_valid(code_block):
    table = (
        '<div class="code"><table><tr><td class="linenos linenodiv"><a href="#x-1">1</a></td>'
        '<td class="code"><code><a id="x-1" name="x-1"></a>print()</code></td></tr></table></div>'
    )
    out = code_block.listing_code(table, 'a "title" & <b>')
    assert '<span id="x-1"></span>' in out and 'name="x-1"' not in out
    assert 'aria-hidden="true"><a tabindex="-1" href="#x-1"' in out
    assert 'aria-label="a &#34;title&#34; &amp; &lt;b&gt;"' in out
