"""Write themes/openstack/assets/js/porter2.js, the search page's English stemmer, from npm's porter2.

    .venv/bin/python scripts/vendor_porter2.py      (after `npm ci`; make test does it)

The search page needs the stem Pagefind gives a word (the Snowball English,
or Porter2, algorithm) to tell a bundle's real matches from Pagefind's
fallback (assets/js/search.js, fellBack). The site is built without npm, so
the stemmer is kept in the theme: this is the package's ``dist/index.js``
(porter2 1.1.0, MIT, pinned in package.json) made an ES module, with its
licence on top. tests/unit/test_vendored.py checks that the file is exactly what
this writes.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "porter2"
TARGET = ROOT / "themes" / "openstack" / "assets" / "js" / "porter2.js"
COMMONJS_HEADER = "Object.defineProperty(exports, '__esModule', { value: true })\n"
COMMONJS_EXPORT = "exports.stem = function stem(word) {"


def module_text(package=PACKAGE):
    """The ES module: the licence as a comment, then the package's code exporting ``stem``."""
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    code = (package / "dist" / "index.js").read_text(encoding="utf-8")
    if code.count(COMMONJS_HEADER) != 1 or code.count(COMMONJS_EXPORT) != 1:
        raise SystemExit(
            f"porter2 {version}: dist/index.js is not laid out as 1.1.0's was; update {Path(__file__).name}"
        )
    code = code.replace(COMMONJS_HEADER, "").replace(COMMONJS_EXPORT, "export function stem(word) {")
    licence = (package / "LICENSE").read_text(encoding="utf-8").strip()
    # A /*! comment: the licence stays in the minified copy a reader gets (plugins/minify.py).
    header = (
        f"/*! porter2 {version} (npm), the Porter2 (Snowball English) stemmer, as an ES module.\n"
        "    Written by scripts/vendor_porter2.py from node_modules/porter2: do not edit.\n\n"
    )
    return (
        header
        + "".join("    " + line if line.strip() else "\n" for line in licence.splitlines(True))
        + "\n*/\n\n"
        + code
    )


def main():
    TARGET.write_text(module_text(), encoding="utf-8")
    print("wrote", TARGET.relative_to(ROOT))


if __name__ == "__main__":
    sys.exit(main())
