"""server/nginx/blog.conf read as text, with no server started.

What a reader would lose if this failed: the security headers (CSP, HSTS...)
on every response from a location that adds a header of its own (nginx then
drops the server's). tests/e2e/test_hosting.py serves the build with it.
"""

import re

from support import nginx


def test_no_location_in_blog_conf_adds_headers_of_its_own():
    """A location with any add_header drops the server's: the security headers would be lost."""
    depth_of_location, depth, found = [], 0, []
    for number, line in enumerate(nginx.BLOG_CONF.read_text().splitlines(), 1):
        code = line.split("#", 1)[0]
        if re.match(r"\s*location\b", code):
            depth_of_location.append(depth)
        if "add_header" in code and depth_of_location:
            found.append(f"blog.conf:{number}: {line.strip()}")
        for char in code:
            depth += {"{": 1, "}": -1}.get(char, 0)
            if char == "}" and depth_of_location and depth == depth_of_location[-1]:
                depth_of_location.pop()
    assert depth == 0 and found == []
