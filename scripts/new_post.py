"""Start a new post: what `make post TITLE="..."` runs.

    .venv/bin/python scripts/new_post.py "Designate at the Epoxy PTG"

writes ``posts/<slug>.rst`` with every field the build requires, in the
order docs/writing.md gives: the title, its slug (Nikola's own slugify, so the URL is
the one the build will make), the date now with its offset, the author from
``git config user.name`` (or a placeholder), and placeholders for the tags,
the category and the description. Under the fields, a reST comment (never
published, plugins/rest_comments; the author deletes it) lists the categories
in use and the most used tags to pick from.
A placeholder is a value starting with ``TODO:``: the build refuses it
(plugins/rules/metadata.py), each at its field's line, so an unedited stub
cannot be published.

A title whose slug is empty, or taken by another post or page, is refused
before anything is written (exit status 2).
"""

import collections
import datetime
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plugins.rules import metadata  # noqa: E402

TAGS_SHOWN = 15


def existing(root):
    """(categories in use, tags by how many posts use them, {slug: source}) of the site's posts and pages."""
    categories, tags, slugs = collections.Counter(), collections.Counter(), {}
    for folder in ("posts", "pages"):
        for path in sorted((root / folder).glob("*.rst")):
            text, bad = metadata.read_source(path)
            if bad:
                continue
            fields = metadata.read_fields(text)
            slug = fields.get("slug", ("", 0))[0] or path.stem
            slugs.setdefault(slug, f"{folder}/{path.name}")
            if folder == "posts":
                category = fields.get("category", ("", 0))[0]
                if category and not category.startswith(metadata.PLACEHOLDER):
                    categories[category] += 1
                for tag in fields.get("tags", ("", 0))[0].split(","):
                    if tag.strip() and not tag.strip().startswith(metadata.PLACEHOLDER):
                        tags[tag.strip()] += 1
    return categories, tags, slugs


def git_author():
    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    name = out.stdout.strip()
    return name or None


def stub(title, slug, now, author, categories, tags):
    lines = [
        ".. title: " + title,
        ".. slug: " + slug,
        ".. date: " + now.strftime("%Y-%m-%d %H:%M:%S%z")[:-2] + ":" + now.strftime("%z")[-2:],
        f".. tags: {metadata.PLACEHOLDER} two to four tags separated by commas",
        f".. category: {metadata.PLACEHOLDER} one category for the project or area",
        ".. author: " + (author or f"{metadata.PLACEHOLDER} your name as readers should see it"),
        f".. description: {metadata.PLACEHOLDER} one sentence for the home page, link previews and feed readers",
        "",
        ".. A comment: never published, not even in the page's source. Delete it when the fields",
        f"   above are written (the build refuses a value that still starts with {metadata.PLACEHOLDER}).",
        "   Categories in use: {0}.".format(", ".join(sorted(categories, key=str.lower)) or "none yet"),
    ]
    most_used = ", ".join(
        f"{tag} ({n})" for tag, n in sorted(tags.items(), key=lambda i: (-i[1], i[0].lower()))[:TAGS_SHOWN]
    )
    lines += textwrap.wrap(
        "Most used tags: {0}.".format(most_used or "none yet"),
        88,
        initial_indent="   ",
        subsequent_indent="   ",
        break_on_hyphens=False,
    )
    lines += [
        "   Write the post below; its sections start with a title underlined with ---,",
        "   and docs/writing.md lists what a post can use.",
        "",
        "",
    ]
    return "\n".join(lines)


def main(argv=None, root=None, now=None):
    argv = sys.argv[1:] if argv is None else argv
    root = Path.cwd() if root is None else Path(root)
    if len(argv) != 1 or not argv[0].strip():
        print('usage: make post TITLE="My title"', file=sys.stderr)
        return 2
    title = " ".join(argv[0].split())
    from nikola import utils

    slug = utils.slugify(title, lang="en")
    if not slug:
        print(f"make post: the title {title!r} gives no slug (no letters or digits): choose another", file=sys.stderr)
        return 2
    categories, tags, slugs = existing(root)
    target = root / "posts" / (slug + ".rst")
    if slug in slugs or target.exists():
        print(
            "make post: the slug {0!r} is already used by {1}: choose another title (nothing was written)".format(
                slug, slugs.get(slug, f"posts/{slug}.rst")
            ),
            file=sys.stderr,
        )
        return 2
    now = now or datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    text = stub(title, slug, now, git_author(), categories, tags)
    with open(target, "x", encoding="utf-8") as f:
        f.write(text)
    print(
        f"Wrote {os.path.relpath(target, root)}: replace its TODO values, write the post, and see it with `make serve`."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
