"""Nikola settings for the OpenStack community project blog.

Only what differs from Nikola 8.3.3's defaults is here, each with its reason.
Everything else (URL layout, taxonomy paths, feed names) keeps Nikola's
defaults on purpose: the blog we continue used them, so readers' links and
feed subscriptions keep working.
"""

import os

# --- Identity -----------------------------------------------------------
BLOG_TITLE = "OpenStack Community Blog"
BLOG_AUTHOR = "Graham Hayes"  # default author for posts that name none
BLOG_DESCRIPTION = (
    "Notes from the OpenStack community: Designate, the Technical Committee, "
    "the Foundation, summits, PTGs and the mailing lists."
)
# The host of the blog we continue, so post URLs and feed GUIDs stay the same.
# Override for a preview or a mirror: SITE_URL=https://example.org/ nikola build
SITE_URL = os.environ.get("SITE_URL", "http://graham.hayes.ie/")

# --- Content ------------------------------------------------------------
# reStructuredText only: one format means one set of safety and strictness rules.
POSTS = (("posts/*.rst", "posts", "post.tmpl"),)
PAGES = (("pages/*.rst", "", "page.tmpl"),)
COMPILERS = {"rest": (".rst",)}
DATE_FORMAT = "d MMMM y"
# A mistake must never be published: `.. include::` of any file is refused.
REST_FILE_INSERTION_ENABLED = False
# Images keep the /images/ URLs the seed feed links to (Nikola's default is the root).
IMAGE_FOLDERS = {"images": "images"}
# Source files are not part of the site.
COPY_SOURCES = False
SHOW_SOURCELINK = False
# "Propose a change to this post" links each post's page to its source in the
# repository (plugins/propose_change): a URL with {path}, the source file from
# the repository's root, e.g. https://github.com/OWNER/REPO/edit/main/{path}
# (docs/writing.md, "Propose a change"). Empty: no link (no Git host is named yet).
PROPOSE_CHANGE_URL = ""

# --- Pages and navigation ----------------------------------------------
THEME = "openstack"
NAVIGATION_LINKS = {
    "en": (
        ("/archive.html", "Archive"),
        ("/categories/", "Tags"),
        ("/authors/", "Authors"),
        ("/feeds/", "Feeds"),
    ),
}
# A fixed footer: no build-time year, so two builds are identical.
CONTENT_FOOTER = (
    "Posts are by their named authors. Built with "
    '<a href="https://getnikola.com/">Nikola</a>; no trackers, no third-party fonts.'
)
# One archive page listing every post by year, instead of a page per year.
CREATE_SINGLE_ARCHIVE = True
# The home page shows the newest posts and links the older ones by the period they were
# published in (/2016/; plugins/period_index), not by Nikola's pages numbered by count,
# which a deleted or back-dated post shifted all at once. Nikola's own are off.
DISABLE_INDEXES = True
# One stylesheet, written by hand: no bundling step and no webassets.
USE_BUNDLES = False
# The theme's CSS and JavaScript are shipped minified (plugins/minify.py: rcssmin and
# rjsmin, no web service), keeping what a reader downloads within the 30 KB budget.
from plugins.minify import minify_css, minify_js  # noqa: E402

FILTERS = {".css": [minify_css], ".js": [minify_js]}
# No comment widget: the site loads nothing from other hosts.
COMMENT_SYSTEM = ""

# --- Feeds -------------------------------------------------------------
# plugins/blog_feeds writes every feed (RSS, Atom, RFC 5005 archives) with
# feedgen, so Nikola's own PyRSS2Gen feeds are off: no feed is written twice.
GENERATE_RSS = False
GENERATE_ATOM = False
# A post's GUID is this base plus its path, whatever SITE_URL a build uses:
# the GUIDs the old blog's subscribers have seen never change.
FEED_GUID_BASE = "http://graham.hayes.ie/"

# --- Publishing ----------------------------------------------------------
# Drafts, private and future-dated posts are left out of the site entirely
# (plugins/published_posts). `make preview` sets BLOG_PREVIEW=1 to see them:
# that build goes to preview/, never to output/, which is what `make site`
# and `make deploy` publish.
PREVIEW_UNPUBLISHED = os.environ.get("BLOG_PREVIEW") == "1"
# doit decides that a file changed by its modification time, not by an MD5 of
# its bytes after every task (1.5 s of a 1,000-post build, bench/PROFILE.md).
# Its reporter prints a post's mistakes as file:line and one summary, no traceback.
from plugins.author_errors.author_errors import AuthorReporter  # noqa: E402

DOIT_CONFIG = {"check_file_uptodate": "timestamp", "reporter": AuthorReporter}
if PREVIEW_UNPUBLISHED:
    OUTPUT_FOLDER = "preview"
    DOIT_CONFIG["dep_file"] = ".doit-preview.db"  # its own record of what is built
# The second line of defence if an escaping bug ever slips in: only the
# site's own scripts and styles run (Pagefind's search needs WebAssembly),
# images may come from https hosts (some posts show photos hosted elsewhere).
# The theme writes it in a <meta> tag; server/nginx sends it as a header too.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' https:; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'"
)
GLOBAL_CONTEXT = {"content_security_policy": CONTENT_SECURITY_POLICY}
# The first line: templates escape every value (Nikola's Jinja environment has
# autoescaping off and a tojson that </script> in a title can close), and
# listing pages get their code from plugins/rest_code.
# (Names, not modules: every name here is a setting, and the planner's digest of the
# settings must not hold a module's path.)
from plugins.rest_code.rest_code import listing_code  # noqa: E402
from plugins.safe_templates.safe_templates import FILTERS as ESCAPING_FILTERS  # noqa: E402
from plugins.safe_templates.safe_templates import environment as escaping_environment  # noqa: E402

TEMPLATE_ENGINE_FACTORY = escaping_environment
TEMPLATE_FILTERS = {**ESCAPING_FILTERS, "listing_code": listing_code}

# --- Build -------------------------------------------------------------
# plugins/sitemap_dates writes sitemap.xml (lastmod from post dates, not file
# times) and robots.txt, and plugins/published_posts scans the posts: Nikola's
# own versions are off. Nikola 8.3.3 imports every plugin it is not told to
# leave alone, for every command: `nikola auto` (replaced by `nikola preview`,
# plugins/preview; it imports aiohttp's client, a quarter of a second of every
# `nikola build`), the Mako template engine (the theme is Jinja) and the
# commands that import Mako for a site that exists already (`init`,
# `import_wordpress`, `rst2html`: 45 ms of every command) are off.
DISABLED_PLUGINS = ["sitemap", "robots", "scan_posts", "auto", "mako", "init", "import_wordpress", "rst2html"]
# plugins/precompress writes X.gz and X.br beside every text file for the web
# server. BLOG_PRECOMPRESS=0 skips it (the test suite does, for the fixture
# sites that do not test serving: it is most of a small build's time).
if os.environ.get("BLOG_PRECOMPRESS") == "0":
    DISABLED_PLUGINS.append("precompress")
