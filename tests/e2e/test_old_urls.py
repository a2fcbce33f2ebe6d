"""Every URL the old blog (graham.hayes.ie) published answers here, through nginx and the project's config.

tests/data/old-site-urls.txt lists them (its header says how it was made).
Each answers 200 (the page or feed itself), 301 to a URL served here, or 410
Gone (redirects.txt says which, and why); never 404. A feed URL never answers
with an HTML page: it is a feed, a 301 to a feed, or 410.
"""

import pytest
from support.nginx import request
from support.sitebuild import ROOT

pytest_plugins = ["support.fixtures"]

LIST = ROOT / "tests" / "data" / "old-site-urls.txt"
URLS = [
    line.strip() for line in LIST.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")
]
FEED_TYPES = ("application/rss+xml", "application/atom+xml")


def is_feed(url):
    name = url.rsplit("/", 1)[-1]
    return name.endswith(".atom") or (name.endswith(".xml") and not name.startswith("sitemap"))


def content_type(headers):
    return (headers.get("Content-Type") or "").split(";")[0].strip()


def test_the_list_is_the_old_sites_whole_history():
    assert len(URLS) == len(set(URLS)) > 400
    for url in (
        "/categories/cat_openstack.xml",
        "/posts/dublin-ptg-summary/index.rst",
        "/Designate%20Workshop%20-%20Austin%202016.pdf",
        "/2016/",
        "/assets/css/bootstrap.min.css",
    ):
        assert url in URLS


@pytest.mark.parametrize("url", URLS)
def test_an_old_url_answers_200_301_or_410(site_url, url):
    status, headers, _body = request(site_url, url)
    assert status in (200, 301, 410), (url, status)
    if status == 301:
        location = headers["Location"]
        assert location.startswith("/") and not location.startswith("//"), location  # this site, this host
        status, headers, _body = request(site_url, location)
        assert status == 200, (url, location, status)
    if status == 200 and is_feed(url):
        assert content_type(headers) in FEED_TYPES, (url, headers.get("Content-Type"))


def test_planet_openstacks_feed_moves_to_the_openstack_tag_feed(site_url):
    status, headers, _body = request(site_url, "/categories/cat_openstack.xml")
    assert (status, headers["Location"]) == (301, "/categories/openstack.xml")


def test_a_gone_url_gets_the_410_page(site_url):
    status, headers, body = request(site_url, "/posts/welcome-to-nikola/")
    assert status == 410 and content_type(headers) == "text/html"
    assert b'<h1 class="page-title">Gone</h1>' in body


def test_the_web_servers_rules_are_not_served(site_url, built):
    assert (built.root / ".nginx" / "redirects.conf").is_file()
    status, _headers, _body = request(site_url, "/.nginx/redirects.conf")
    assert status == 404


def test_a_url_is_matched_decoded_as_the_old_feeds_wrote_it(site_url):
    """The old feeds linked /posts/wireguard-%2B-unifi/; its files are at wireguard-+-unifi."""
    assert request(site_url, "/posts/wireguard-%2B-unifi/")[0] == 410
    assert request(site_url, "/posts/wireguard-+-unifi/")[0] == 410
