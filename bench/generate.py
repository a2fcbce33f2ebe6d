#!/usr/bin/env python3
"""A deterministic corpus of synthetic posts, as a copy of our site and its twins.

    python bench/generate.py N DEST [--seed S] [--pelican DIR] [--hugo DIR]

writes into DEST a complete copy of the blog's sources (conf.py,
docutils.conf, plugins/, themes/, pages/, images/, listings/, files/), so the
benchmark measures our own configuration, with ``posts/`` replaced by N
synthetic posts. Every post uses our metadata block (title, slug, date with
+00:00, tags, one category, author, description) and a body of 2-3 sections
with a ``.. note::``, two auto-numbered footnotes, a ``.. code-block:: python``,
a bullet list, an external link and a ``:doc:`` link to an earlier post (all but
the first).
The posts build with zero docutils warnings (our build is strict).

The same seed and N always give byte-identical files. ``--pelican`` writes
the same posts for Pelican 4 (reST: title heading, then ``:date:``... fields, feeds
per category and tag, its content cache on) and ``--hugo`` their Markdown
twin with a minimal Hugo layout. Only the standard library is used, so any
Python 3 can run this.
"""

import argparse
import datetime as dt
import random
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What our site is made of, minus its posts (see tests/support/sitebuild.py); pages/ (search,
# 404) are part of the frame.
SITE_PARTS = ("conf.py", "docutils.conf", "plugins", "themes", "pages", "images", "files", "listings")
DEFAULT_SEED = 20180308

CATEGORIES = ("designate", "keystone", "neutron", "oslo", "governance", "foundation", "events")
AUTHORS = ("Graham Hayes", "Ben Nemec", "Kiall Mac Innes", "Tim Simmons", "Jean Doe")
TAGS = (
    "openstack",
    "designate",
    "dns",
    "keystone",
    "neutron",
    "oslo",
    "ptg",
    "summit",
    "forum",
    "tc",
    "governance",
    "python",
    "testing",
    "release",
    "rocky",
    "queens",
    "pike",
    "upgrades",
    "security",
    "community",
)
WORDS = (
    "zone transfer pool manager worker producer central api service quota limit policy "
    "tenant project domain record recordset nameserver backend bind powerdns agent "
    "upgrade release cycle milestone review change patch gate job tempest grenade "
    "devstack plugin driver schema migration database message queue rabbit notification "
    "token catalog endpoint region network subnet port router floating address "
    "config option deprecation library team meeting summit forum room etherpad "
    "spec blueprint bug triage backport stable branch cloud operator user deployer "
    "community governance resolution goal election candidate vote foundation member"
).split()
VERBS = (
    "discussed",
    "agreed",
    "proposed",
    "reviewed",
    "merged",
    "tested",
    "deployed",
    "deprecated",
    "documented",
    "released",
    "measured",
    "replaced",
)
LINKS = (
    ("the OpenStack site", "https://www.openstack.org/"),
    ("the review dashboard", "https://review.opendev.org/"),
    ("the governance repository", "https://governance.openstack.org/tc/"),
    ("the mailing list archive", "https://lists.openstack.org/"),
    ("the project documentation", "https://docs.openstack.org/"),
)
CODE = (
    (
        "def {name}(zone, ttl={ttl}):\n"
        '    """Return the records of ``zone`` that expire after {ttl} seconds."""\n'
        "    records = [r for r in zone.records if r.ttl > ttl]\n"
        "    for record in records:\n"
        '        log.info("keeping %s (%d)", record.name, record.ttl)\n'
        "    return sorted(records, key=lambda r: r.name)\n"
    ),
    (
        "class {cname}(object):\n"
        "    limit = {ttl}\n"
        "\n"
        "    def __init__(self, project_id):\n"
        "        self.project_id = project_id\n"
        "        self.used = {{}}\n"
        "\n"
        "    def {name}(self, resource, delta=1):\n"
        "        used = self.used.get(resource, 0) + delta\n"
        "        if used > self.limit:\n"
        "            raise QuotaExceeded(resource, used)\n"
        "        self.used[resource] = used\n"
    ),
)


@dataclass
class Post:
    index: int
    title: str
    slug: str
    date: dt.datetime
    tags: list
    category: str
    author: str
    description: str
    sections: list  # [(heading, [block, ...])]; a block is a dict
    footnotes: list  # two footnote texts
    doc_link: tuple  # (text, slug) of an earlier post, or None
    ext_link: tuple  # (text, url)


def _sentence(rng, words=None, end="."):
    n = words or rng.randint(9, 18)
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    verb = rng.choice(VERBS)
    cut = rng.randint(1, max(1, n - 2))
    parts = text.split(" ")
    parts.insert(cut, verb)
    out = " ".join(parts)
    return out[0].upper() + out[1:] + end


def _paragraph(rng, sentences=None):
    return " ".join(_sentence(rng) for _ in range(sentences or rng.randint(3, 6)))


def make_posts(n, seed=DEFAULT_SEED):
    """The corpus: ``n`` posts, oldest first, fully determined by ``seed``."""
    rng = random.Random(seed)
    start = dt.datetime(2015, 1, 5, 9, 0, tzinfo=dt.UTC)
    # Every post dated in the past (a future date is a scheduled post, left out
    # of the site): two a week up to N = 1,000 (the corpora measured so far),
    # closer together above that (10,000 posts: one every 10 hours).
    step = min(84, 100_000 // max(n, 1))
    posts = []
    for i in range(n):
        category = rng.choice(CATEGORIES)
        topic = " ".join(rng.choice(WORDS) for _ in range(3))
        title = f"{category.capitalize()} {i + 1}: {topic}"
        slug = "bench-{0:05d}-{1}".format(i + 1, topic.replace(" ", "-"))
        # Roughly two posts a week, at varying times of day.
        date = start + dt.timedelta(hours=step * i + rng.randint(0, step * 40 // 84), minutes=rng.randint(0, 59))
        tags = sorted(rng.sample(TAGS, rng.randint(2, 4)))
        sections = []
        for s in range(rng.randint(2, 3)):
            blocks = [{"kind": "para", "text": _paragraph(rng)}]
            if s == 0:
                blocks.append({"kind": "note", "text": _paragraph(rng, 2)})
                blocks.append(
                    {"kind": "list", "items": [_sentence(rng, rng.randint(5, 9)) for _ in range(rng.randint(3, 5))]}
                )
            if s == 1:
                tmpl = rng.choice(CODE)
                blocks.append({"kind": "para", "text": "The change looks like this:"})
                blocks.append(
                    {
                        "kind": "code",
                        "text": tmpl.format(
                            name="_".join(rng.sample(WORDS, 2)),
                            cname="".join(w.capitalize() for w in rng.sample(WORDS, 2)),
                            ttl=rng.choice((60, 300, 3600, 86400)),
                        ),
                    }
                )
            blocks.append({"kind": "para", "text": _paragraph(rng)})
            sections.append((_sentence(rng, rng.randint(3, 5), end="").capitalize(), blocks))
        if i > 0:
            j = rng.randrange(0, i)
            doc_link = ("an earlier post", j)
        else:
            doc_link = None
        posts.append(
            Post(
                index=i,
                title=title,
                slug=slug,
                date=date,
                tags=tags,
                category=category,
                author=rng.choice(AUTHORS),
                description=_sentence(rng, rng.randint(10, 16)),
                sections=sections,
                footnotes=[_sentence(rng), _sentence(rng)],
                doc_link=doc_link,
                ext_link=rng.choice(LINKS),
            )
        )
    for p in posts:  # resolve the earlier post's slug now that every post exists
        if p.doc_link is not None:
            p.doc_link = (p.doc_link[0], posts[p.doc_link[1]].slug)
    return posts


def _wrap(text, indent=""):
    return textwrap.fill(text, width=78, initial_indent=indent, subsequent_indent=indent)


# --- reStructuredText (ours and Pelican's) ---------------------------------


def rst_body(post, link_role):
    """The body in reST; ``link_role(text, slug)`` writes the link to an earlier post."""
    out = []
    for number, (heading, blocks) in enumerate(post.sections):
        out += [heading, "-" * len(heading), ""]
        for b in blocks:
            if b["kind"] == "para":
                out += [_wrap(b["text"]), ""]
            elif b["kind"] == "note":
                out += [".. note::", "", _wrap(b["text"], "   "), ""]
            elif b["kind"] == "list":
                out += ["- " + item for item in b["items"]] + [""]
            elif b["kind"] == "code":
                out += [".. code-block:: python", ""]
                out += ["   " + line if line else "" for line in b["text"].splitlines()] + [""]
        if number == 0:
            text, url = post.ext_link
            out += [_wrap(f"More is on `{text} <{url}>`__, as usual. [#]_"), ""]
        if number == len(post.sections) - 1:
            tail = "That is all for now. [#]_"
            if post.doc_link:
                tail = f"See also {link_role(*post.doc_link)}. {tail}"
            out += [_wrap(tail), ""]
    for fn in post.footnotes:
        out += [_wrap(".. [#] " + fn, "").replace("\n", "\n   "), ""]
    return "\n".join(out)


def nikola_post(post):
    head = [
        ".. title: " + post.title,
        ".. slug: " + post.slug,
        ".. date: " + post.date.strftime("%Y-%m-%d %H:%M:%S+00:00"),
        ".. tags: " + ", ".join(post.tags),
        ".. category: " + post.category,
        ".. author: " + post.author,
        ".. description: " + post.description,
        "",
    ]
    body = rst_body(post, lambda text, slug: f":doc:`{text} <{slug}>`")
    return "\n".join(head) + "\n" + body


def pelican_post(post):
    # Pelican takes the title from the document title (the one top-level
    # section); the fields after it are its metadata (docinfo).
    head = [
        post.title,
        "#" * len(post.title),
        "",
        ":slug: " + post.slug,
        ":date: " + post.date.strftime("%Y-%m-%d %H:%M"),
        ":tags: " + ", ".join(post.tags),
        ":category: " + post.category,
        ":author: " + post.author,
        ":summary: " + post.description,
        "",
    ]
    body = rst_body(post, lambda text, slug: f"`{text} <{{filename}}/{slug}.rst>`_")
    return "\n".join(head) + "\n" + body


PELICAN_CONF = '''\
"""Pelican twin of the benchmark corpus: reST reader, feeds per category and tag."""
AUTHOR = "Graham Hayes"
SITENAME = "OpenStack Community Blog"
SITEURL = "http://graham.hayes.ie"
FEED_DOMAIN = SITEURL
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
# Ten posts per index page, as Nikola's default INDEX_DISPLAY_POST_COUNT.
DEFAULT_PAGINATION = 10
# Every feed our blog has: the blog, each category, tag and author, RSS and Atom.
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category.{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/category.{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/tag.{slug}.atom.xml"
TAG_FEED_RSS = "feeds/tag.{slug}.rss.xml"
AUTHOR_FEED_ATOM = "feeds/author.{slug}.atom.xml"
AUTHOR_FEED_RSS = "feeds/author.{slug}.rss.xml"
# Full posts in feeds, like ours, and ten of them, as ours (Pelican's default is 100: a
# site like this one sets it to what its readers' feeds need).
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 10
# Pelican's cache: a rebuild reads unchanged posts from it.
LOAD_CONTENT_CACHE = True
CACHE_CONTENT = True
CACHE_PATH = "cache"
DELETE_OUTPUT_DIRECTORY = False
RELATIVE_URLS = True
'''


# --- Markdown (Hugo) ----------------------------------------------------------


def hugo_post(post):
    def q(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    head = [
        "+++",
        "title = " + q(post.title),
        "slug = " + q(post.slug),
        "date = " + post.date.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "tags = [" + ", ".join(q(t) for t in post.tags) + "]",
        "categories = [" + q(post.category) + "]",
        "authors = [" + q(post.author) + "]",
        "description = " + q(post.description),
        "+++",
        "",
    ]
    out = []
    notes = iter(range(1, 3))
    for number, (heading, blocks) in enumerate(post.sections):
        out += ["## " + heading, ""]
        for b in blocks:
            if b["kind"] == "para":
                out += [_wrap(b["text"]), ""]
            elif b["kind"] == "note":
                out += ["> **Note:** " + b["text"], ""]
            elif b["kind"] == "list":
                out += ["- " + item for item in b["items"]] + [""]
            elif b["kind"] == "code":
                out += ["```python"] + b["text"].splitlines() + ["```", ""]
        if number == 0:
            text, url = post.ext_link
            out += [f"More is on [{text}]({url}), as usual. [^{next(notes)}]", ""]
        if number == len(post.sections) - 1:
            tail = f"That is all for now. [^{next(notes)}]"
            if post.doc_link:
                text, slug = post.doc_link
                tail = f'See also [{text}]({{{{< ref "{slug}.md" >}}}}). {tail}'
            out += [tail, ""]
    for k, fn in enumerate(post.footnotes, 1):
        out += [f"[^{k}]: {fn}", ""]
    return "\n".join(head) + "\n" + "\n".join(out)


HUGO_CONFIG = """\
baseURL = "http://graham.hayes.ie/"
title = "OpenStack Community Blog"
languageCode = "en"
disableKinds = ["robotsTXT"]
paginate = 10
# Ten items per feed, as ours (Hugo's default, -1, puts every post in every feed).
rssLimit = 10
relativeURLs = true

[taxonomies]
  tag = "tags"
  category = "categories"
  author = "authors"

[permalinks]
  posts = "/posts/:slug/"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]

[markup.highlight]
  noClasses = false
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }} | {{ .Site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Site.Title }}{{ end }}">
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav><a href="{{ "/tags/" | relURL }}">Tags</a> <a href="{{ "/authors/" | relURL }}">Authors</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>Posts are by their named authors.</p></footer>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p>By {{ range .Params.authors }}{{ . }}{{ end }}, {{ .Date.Format "2 January 2006" }},
{{ .ReadingTime }} min read, in {{ range .Params.categories }}<a href="{{ "/categories/" | relURL }}{{ . | urlize }}/">{{ . }}</a>{{ end }}</p>
{{ .Content }}
<p>Tags: {{ range .Params.tags }}<a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
<nav>{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = where .Site.RegularPages "Type" "posts" }}{{ end }}
{{ range (.Paginate $pages).Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2 January 2006" }}</p>
{{ .Summary }}</article>
{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "_default/terms.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
}

HUGO_CSS = "body{max-width:42rem;margin:0 auto;padding:1rem;font-family:system-ui,sans-serif;line-height:1.5}\n"


# --- writing the trees ----------------------------------------------------------


def _reset(dest: Path):
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)


def write_nikola_site(posts, dest: Path):
    """A copy of our site with the synthetic posts in posts/."""
    _reset(dest)
    for part in SITE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.is_file():
            shutil.copy2(src, dest / part)
    (dest / "posts").mkdir()
    for p in posts:
        (dest / "posts" / (p.slug + ".rst")).write_text(nikola_post(p), encoding="utf-8")
    return dest


def write_pelican_site(posts, dest: Path):
    _reset(dest)
    (dest / "content").mkdir()
    (dest / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for p in posts:
        (dest / "content" / (p.slug + ".rst")).write_text(pelican_post(p), encoding="utf-8")
    return dest


def write_hugo_site(posts, dest: Path):
    _reset(dest)
    (dest / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        path = dest / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (dest / "static" / "css").mkdir(parents=True)
    (dest / "static" / "css" / "site.css").write_text(HUGO_CSS, encoding="utf-8")
    (dest / "content" / "posts").mkdir(parents=True)
    for p in posts:
        (dest / "content" / "posts" / (p.slug + ".md")).write_text(hugo_post(p), encoding="utf-8")
    return dest


def delete_target(posts):
    """The post the deleted-post benchmark removes: the first from a third of the way into the corpus
    that no other post links to, other than the edited one (deleting a linked post rightly fails the build)."""
    linked = {p.doc_link[1] for p in posts if p.doc_link is not None}
    return next(
        i for i in range(len(posts) // 3, len(posts)) if posts[i].slug not in linked and i != edit_target(len(posts))
    )


def edit_target(n):
    """The post the one-post-edit benchmark changes: one from the middle of the corpus."""
    return n // 2


def backdated_date(posts):
    """When the back-dated post (an imported old post, a corrected date) is dated: a minute after the
    post in the middle of the corpus, so that half the history is newer than it. Posts are hours apart
    at every N the benchmark runs (5 at 10,000), so it falls before the next one."""
    return posts[edit_target(len(posts))].date + dt.timedelta(minutes=1)


EDIT_PARAGRAPH = "\nAn edit made by the benchmark: one more paragraph at the end of the body.\n"


def retitle(text):
    """A post's source with its title changed and its first tag dropped (the others stay)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(".. title: "):
            lines[i] = line + " (revised)"
        elif line.startswith(".. tags: "):
            lines[i] = ".. tags: " + ", ".join(line[len(".. tags: ") :].split(", ")[1:])
    return "\n".join(lines)


def new_post(text, slug, when, title="A new post written for the benchmark"):
    """A new post made from another's source: its own slug and title, dated ``when``."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(".. title: "):
            lines[i] = ".. title: " + title
        elif line.startswith(".. slug: "):
            lines[i] = ".. slug: " + slug
        elif line.startswith(".. date: "):
            lines[i] = ".. date: " + when.strftime("%Y-%m-%d %H:%M:%S+00:00")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of posts")
    ap.add_argument("dest", type=Path, help="folder for our site (replaced)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--pelican", type=Path, help="also write the Pelican twin here")
    ap.add_argument("--hugo", type=Path, help="also write the Hugo (Markdown) twin here")
    args = ap.parse_args(argv)
    posts = make_posts(args.n, args.seed)
    write_nikola_site(posts, args.dest)
    if args.pelican:
        write_pelican_site(posts, args.pelican)
    if args.hugo:
        write_hugo_site(posts, args.hugo)


if __name__ == "__main__":
    main()
