"""The site as a web server sends it: server/nginx/blog.conf in front of the session's build.

Every request goes to nginx (tests/support/nginx.py) over plain http.client,
so what is checked is what a browser, a feed reader or a CDN receives: content
types, the 404 page, caching, conditional requests, precompressed files and
security headers. (tests/unit/test_nginx_conf.py reads blog.conf as text.)
"""

import gzip
import runpy
import subprocess

import brotli
import pytest
from support import nginx
from support.nginx import request
from support.sitebuild import ROOT

pytest_plugins = ["support.fixtures"]

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
SHORT = "public, max-age=300, must-revalidate"
IMMUTABLE = "public, max-age=31536000, immutable"
FRAME_ANCESTORS = "frame-ancestors 'none'"


def url_path(built, path):
    return "/" + path.relative_to(built.root).as_posix()


def first(built, pattern):
    found = sorted(built.root.glob(pattern))
    assert found, "the build has no " + pattern
    return url_path(built, found[0])


@pytest.fixture(scope="module")
def paths(built):
    """One URL path of each kind the rules below treat differently."""
    return {
        "home": "/",
        "post": first(built, "posts/*/index.html"),
        "rss": "/rss.xml",
        "tag rss": first(built, "categories/[!c]*.xml"),
        "category rss": first(built, "categories/cat_*.xml"),
        "author rss": first(built, "authors/*.xml"),
        "archive rss": first(built, "feeds/archive/**/*.xml"),
        "atom": "/index.atom",
        "archive atom": first(built, "feeds/archive/**/*.atom"),
        "sitemap": "/sitemap.xml",
        "opml": "/feeds/all.opml",
        "css": "/assets/css/site.css",
        "js": "/assets/js/search.js",
        "pagefind js": "/pagefind/pagefind.js",
        "pagefind entry": "/pagefind/pagefind-entry.json",
        "pagefind bundles": "/pagefind/bundles.json",
        "pagefind wasm": first(built, "pagefind/wasm.*.pagefind"),
        "pagefind meta": first(built, "pagefind/pagefind.*.pf_meta"),
        # A bundle's files (the session's blog is indexed in several: tests/conftest.py).
        "bundle entry": first(built, "pagefind/*/pagefind-entry.json"),
        "pagefind fragment": first(built, "pagefind/*/fragment/*.pf_fragment"),
        "pagefind index": first(built, "pagefind/*/index/*.pf_index"),
        "pagefind filter": first(built, "pagefind/*/filter/*.pf_filter"),
        "bundle meta": first(built, "pagefind/*/pagefind.*.pf_meta"),
        "missing": "/posts/no-such-post/",
    }


# --- content types ----------------------------------------------------------


@pytest.mark.parametrize(
    "kind,expected",
    [
        ("rss", RSS),
        ("tag rss", RSS),
        ("category rss", RSS),
        ("author rss", RSS),
        ("archive rss", RSS),
        ("atom", ATOM),
        ("archive atom", ATOM),
        ("sitemap", "application/xml"),
        ("opml", "text/x-opml; charset=utf-8"),
        ("home", HTML),
        ("post", HTML),
        ("css", "text/css; charset=utf-8"),
        ("js", "text/javascript; charset=utf-8"),
        ("pagefind js", "text/javascript; charset=utf-8"),
    ],
)
def test_content_type(site_url, paths, kind, expected):
    status, headers, _ = request(site_url, paths[kind])
    assert (status, headers["Content-Type"]) == (200, expected)


def test_every_feed_in_the_build_is_served_as_a_feed(site_url, built):
    wrong = {}
    for feed in built.feeds():
        expected = ATOM if feed.suffix == ".atom" else RSS
        _, headers, _ = request(site_url, url_path(built, feed), method="HEAD")
        if headers["Content-Type"] != expected:
            wrong[url_path(built, feed)] = headers["Content-Type"]
    assert len(built.feeds()) > 100 and wrong == {}


def test_every_page_is_html_in_utf_8(site_url, built):
    wrong = {
        url_path(built, p): t
        for p in built.html_pages()
        if (t := request(site_url, url_path(built, p), method="HEAD")[1]["Content-Type"]) != HTML
    }
    assert wrong == {}


# --- errors and redirects -------------------------------------------------------


def test_a_missing_url_gets_the_404_page_with_status_404(site_url, built, paths):
    status, headers, body = request(site_url, paths["missing"])
    assert (status, headers["Content-Type"]) == (404, HTML)
    assert body == (built.root / "404.html").read_bytes()


def test_a_folder_without_its_slash_is_redirected_on_the_same_host(site_url, paths):
    post = paths["post"][: -len("index.html")]
    status, headers, _ = request(site_url, post.rstrip("/"))
    assert (status, headers["Location"]) == (301, post)


# --- caching --------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,expected",
    [
        ("pagefind fragment", IMMUTABLE),
        ("pagefind index", IMMUTABLE),
        ("pagefind filter", IMMUTABLE),
        ("pagefind meta", IMMUTABLE),
        ("bundle meta", IMMUTABLE),
        # Pagefind's names that do not change with their content, and the list of bundles
        ("pagefind js", SHORT),
        ("pagefind entry", SHORT),
        ("pagefind wasm", SHORT),
        ("bundle entry", SHORT),
        ("pagefind bundles", SHORT),
        ("home", SHORT),
        ("post", SHORT),
        ("rss", SHORT),
        ("atom", SHORT),
        ("archive rss", SHORT),
        ("sitemap", SHORT),
        ("css", SHORT),
        ("js", SHORT),
    ],
)
def test_cache_control(site_url, paths, kind, expected):
    status, headers, _ = request(site_url, paths[kind])
    assert (status, headers["Cache-Control"]) == (200, expected)


@pytest.mark.parametrize("encoding", ["", "gzip", "br"])
def test_a_feed_readers_conditional_get_is_answered_304(site_url, paths, encoding):
    asked = {"Accept-Encoding": encoding} if encoding else {}
    status, headers, body = request(site_url, paths["rss"], asked)
    assert status == 200 and body and headers["ETag"] and headers["Last-Modified"]
    for condition in ({"If-None-Match": headers["ETag"]}, {"If-Modified-Since": headers["Last-Modified"]}):
        again = request(site_url, paths["rss"], dict(asked, **condition))
        assert (again[0], again[2]) == (304, b""), condition
        assert again[1]["ETag"] == headers["ETag"] and again[1]["Cache-Control"] == SHORT
    # and a reader holding another version gets the feed
    assert request(site_url, paths["rss"], dict(asked, **{"If-None-Match": '"other"'}))[0] == 200


# --- precompressed files ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["home", "post", "rss", "atom", "archive atom", "sitemap", "css", "js"])
def test_each_client_gets_the_encoding_it_accepts(site_url, built, paths, kind):
    source = built.root / paths[kind].lstrip("/")
    if source.is_dir():
        source = source / "index.html"
    original = source.read_bytes()
    cases = {
        "br": ("br", brotli.decompress),
        "gzip, deflate, br": ("br", brotli.decompress),
        "gzip": ("gzip", gzip.decompress),
        "": (None, bytes),
    }
    for accepted, (encoding, decode) in cases.items():
        status, headers, body = request(site_url, paths[kind], {"Accept-Encoding": accepted} if accepted else {})
        assert (status, headers["Content-Encoding"]) == (200, encoding), accepted
        assert headers["Vary"] == "Accept-Encoding", accepted
        assert decode(body) == original, accepted
        if encoding:
            suffix = ".br" if encoding == "br" else ".gz"
            assert body == source.with_name(source.name + suffix).read_bytes(), "not the precompressed file"


# --- security headers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["home", "post", "rss", "atom", "archive rss", "sitemap", "missing", "css", "pagefind fragment"]
)
def test_security_headers_on_every_kind_of_response(site_url, paths, kind):
    _, headers, _ = request(site_url, paths[kind])
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Content-Security-Policy"].endswith("; " + FRAME_ANCESTORS)


def test_security_headers_on_a_304(site_url, paths):
    etag = request(site_url, paths["rss"])[1]["ETag"]
    assert etag, "no ETag to ask with"
    status, headers, _ = request(site_url, paths["rss"], {"If-None-Match": etag})
    assert status == 304 and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"].endswith("; " + FRAME_ANCESTORS)


def directives(policy):
    return [" ".join(d.split()) for d in policy.split(";") if d.strip()]


def test_the_csp_header_is_conf_pys_policy_plus_frame_ancestors(site_url):
    configured = runpy.run_path(str(ROOT / "conf.py"))["CONTENT_SECURITY_POLICY"]
    sent = directives(request(site_url, "/")[1]["Content-Security-Policy"])
    assert sent[-1] == FRAME_ANCESTORS
    assert sent[:-1] == directives(configured)


# --- the configuration files themselves -------------------------------------------------


def test_the_example_server_passes_nginx_t_without_a_warning(tmp_path):
    """server/nginx/example.conf, with its certificate and include paths pointed at test files, and
    the site's 301 and 410 rules as the build writes them from redirects.txt."""
    from plugins.redirects import server_rules
    from plugins.rules import redirects

    records, problems = redirects.read(ROOT)
    assert records and problems == []
    rules = tmp_path / "release" / ".nginx" / "redirects.conf"
    rules.parent.mkdir(parents=True)
    rules.write_text(server_rules.nginx_text(records), encoding="utf-8")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=blog.example.org",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    example = (ROOT / "server" / "nginx" / "example.conf").read_text()
    for old, new in (
        ("/etc/letsencrypt/live/blog.example.org/fullchain.pem", cert),
        ("/etc/letsencrypt/live/blog.example.org/privkey.pem", key),
        ("/etc/nginx/snippets/openstack-blog.conf", nginx.BLOG_CONF),
        ("/srv/blog/current/.nginx/", rules.parent.as_posix() + "/"),
    ):
        assert old in example
        example = example.replace(old, str(new))
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"{nginx.load_module_line()}\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        f"access_log {tmp_path}/access.log;\n{example}\n}}\n"
    )
    ok, output = nginx.check_conf(conf)
    assert ok, output
    # Any warning fails too (charset_types naming text/html again once gave "duplicate MIME type").
    assert "[warn]" not in output and "warn" not in output.lower(), output
