"""Every page and stylesheet of the build passes the Nu Html Checker (vnu.jar, on Java).

What a reader would lose if this failed: a page a browser has to guess its
way through. The build's other checks (links, fragments, footnotes, alt
text) are tests/build/test_validation.py's.
"""

import pytest

from sitecheck import markup


@pytest.fixture(scope="session")
def vnu(built):
    """One vnu.jar run over every page and stylesheet: (errors, warnings)."""
    files = built.html_pages() + sorted(built.root.rglob("*.css"))
    return markup.vnu_report(files, root=built.root)


@pytest.mark.java
def test_every_page_and_stylesheet_passes_the_nu_html_checker(vnu):
    errors, _warnings = vnu
    assert errors == []
