"""Check a built site by hand and list its external links (never fetched).

    .venv/bin/python -m sitecheck output      (or: make links)

Prints each static check's problems, then every external URL with the files
that refer to it. Exits 1 if a check found a problem.
"""

import sys
from pathlib import Path

from . import links, markup
from .site_model import Site

CHECKS = (
    links.broken_links,
    links.broken_fragments,
    links.local_links,
    links.orphan_pages,
    links.malformed_external_links,
    markup.images_without_alt,
)


def main(argv):
    site = Site(Path(argv[1] if len(argv) > 1 else "output").resolve())
    failed = False
    for check in CHECKS:
        problems = check(site)
        failed |= bool(problems)
        print("{0}: {1}".format(check.__name__, len(problems) or "ok"))
        for problem in problems:
            print("  " + problem)
    external = links.external_links(site)
    print(f"\nexternal links ({len(external)}, not fetched):")
    sys.stdout.write(links.external_link_report(site))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
