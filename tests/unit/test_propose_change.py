"""A reader who spots a mistake can reach the post's source: "Propose a change to this post".

What a reader would lose if this failed: the link would lead to the wrong file
(or to a URL a file name could break out of), or a mistyped setting would
publish a broken link on every post instead of stopping the build
(tests/build/test_stops_the_build.py).

conf.py's PROPOSE_CHANGE_URL is a URL pattern with ``{path}`` (plugins/propose_change).
Empty, there is no link (tests/build/test_sections.py checks the blog's pages); set, every
post links its own source (tests/build/test_untrusted_posts.py checks the hostile site's).
"""

import pytest

from plugins.propose_change.propose_change import problem, url_for

GITHUB = "https://github.com/OWNER/REPO/edit/main/{path}"


@pytest.mark.parametrize(
    "pattern",
    [
        GITHUB,
        "https://gitlab.com/OWNER/REPO/-/edit/main/{path}",
        "http://git.example.org/blog/_edit/main/{path}",
        "https://git.example.org/blog/src/branch/main/{path}?display=source",
    ],
)
def test_a_url_pattern_with_path_is_accepted(pattern):
    assert problem(pattern) is None


@pytest.mark.parametrize(
    "pattern",
    [
        "javascript:alert(1)//{path}",
        "//github.com/x/{path}",
        "ftp://host/{path}",
        "https://host/edit/main/",
        "https://host/{path}/{branch}",
        "https://host/{path}/{path}",
        "https://host/{0}",
        "https://host/{path",
        "{path}",
        "https:///{path}",
        42,
    ],
)
def test_anything_else_is_refused(pattern):
    assert problem(pattern)


def test_the_path_is_percent_encoded_segment_by_segment():
    assert (
        url_for(GITHUB, "posts/a b\"<c>&d#e?f'g.rst")
        == "https://github.com/OWNER/REPO/edit/main/posts/a%20b%22%3Cc%3E%26d%23e%3Ff%27g.rst"
    )
