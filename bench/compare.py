#!/usr/bin/env python3
"""Are two builds the same site? Byte for byte, the precompressed copies and Pagefind's runtime aside.

    python bench/compare.py OUTPUT_A OUTPUT_B

The check every speed change must pass: a clean build of the benchmark corpus
before the change and after it give the same files with the same bytes
(tests/build/test_golden.py does the same for a small site on every test run).
The search index is compared too; X.gz / X.br are derived from X, and
Pagefind's JavaScript and WebAssembly are its own. Exit status 0 when equal, 1
with the differences listed otherwise.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import golden  # noqa: E402


def compare(a, b):
    """(differences, files compared) between the outputs ``a`` and ``b``."""
    files_a = golden.files(Path(a))
    return golden.differences(golden.files(Path(b)), files_a), len(files_a)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    found, n = compare(*argv)
    for line in found:
        print(line)
    print("{0}: {1} files compared".format("equal" if not found else "DIFFERENT", n))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
