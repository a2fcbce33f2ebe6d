"""The theme's copy of an npm package is the package, as pinned.

What a reader would lose if this failed: search results that a hand-edited
or outdated stemmer lets through or leaves out (assets/js/search.js needs
the stem Pagefind gives each word).

themes/openstack/assets/js/porter2.js is written by scripts/vendor_porter2.py
from node_modules/porter2 (package-lock.json pins it); the site is built
without npm, so the copy is in the repository, and here it is compared with
what the script would write now.
"""

import importlib.util

from support.sitebuild import ROOT

spec = importlib.util.spec_from_file_location("vendor_porter2", ROOT / "scripts" / "vendor_porter2.py")
vendor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(vendor)


def test_porter2_js_is_the_pinned_package_as_an_es_module():
    assert vendor.PACKAGE.is_dir(), "node_modules/porter2 is missing: npm ci (make test runs it)"
    written = vendor.TARGET.read_text(encoding="utf-8")
    assert written == vendor.module_text(), "run .venv/bin/python scripts/vendor_porter2.py"
    assert "export function stem(word) {" in written and "exports." not in written
