"""Golden output: a small site whose whole build is committed, byte for byte.

tests/sites/golden/ holds three posts by two authors that use what posts
use (a note, a footnote, an abbreviation, an image, numbered code with an
emphasized line, a listing, an epigraph, a teaser, a preview image, links
between posts); built with the project's conf.py, plugins, theme and
pages, and the images and listing its posts show, its output/ must equal
tests/golden/output/ file for file and byte for byte, the search index
included (plugins/search_index makes Pagefind's output reproducible). Left
out: Pagefind's own runtime (its JavaScript and WebAssembly, the same for
every site) and the precompressed copies (X.gz, X.br), which
tests/build/test_precompress.py checks against their originals.

After an intended change to the output, regenerate it and review the diff:

    make golden        (runs: .venv/bin/python tests/support/golden.py --update)
"""

import difflib
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for support.*
from support.sitebuild import ROOT, copy_site, nikola_build  # noqa: E402

SITE = ROOT / "tests" / "sites" / "golden"
MEDIA = ("images/ATL.jpg", "images/mid-cycle.jpg", "listings/big-rename-2-message.txt")  # what its posts show
EXPECTED = ROOT / "tests" / "golden" / "output"
RUNTIME = re.compile(r"^pagefind/(pagefind\.js|pagefind-worker\.js|wasm\.[^/]+\.pagefind)$")  # Pagefind's, not compared
COMPRESSED = (".gz", ".br")  # precompressed copies, not compared


def files(output):
    """{relative path: bytes} of every compared file under ``output``."""
    found = {}
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        if path.is_file() and path.suffix not in COMPRESSED and not RUNTIME.match(rel):
            found[rel] = path.read_bytes()
    return found


def build(dest):
    """Build the golden site into ``dest``; return the Build."""
    result = nikola_build(copy_site(dest, overlay=SITE, with_posts=False, media=MEDIA))
    if result.returncode != 0:
        raise RuntimeError("the golden site did not build:\n" + result.log)
    return result


def differences(actual, expected, limit=3, lines=12):
    """Human-readable differences between two {path: bytes} maps ([] if equal)."""
    out = ["only in the build: " + p for p in sorted(set(actual) - set(expected))]
    out += ["missing from the build: " + p for p in sorted(set(expected) - set(actual))]
    changed = [p for p in sorted(set(actual) & set(expected)) if actual[p] != expected[p]]
    for path in changed[:limit]:
        try:
            diff = difflib.unified_diff(
                expected[path].decode().splitlines(),
                actual[path].decode().splitlines(),
                "golden/" + path,
                "build/" + path,
                lineterm="",
                n=1,
            )
            out.append("\n".join(list(diff)[:lines]))
        except UnicodeDecodeError:
            out.append("binary file differs: " + path)
    out += ["differs: " + p for p in changed[limit:]]
    return out


def update():
    with tempfile.TemporaryDirectory() as tmp:
        built = build(Path(tmp) / "golden").output
        if EXPECTED.exists():
            shutil.rmtree(EXPECTED)
        for rel, data in files(built).items():
            target = EXPECTED / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    print(f"wrote {EXPECTED.relative_to(ROOT)}; review it with git diff before committing")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    update()
