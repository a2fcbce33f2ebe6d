"""Every place the site changes Nikola's, doit's, docutils' or Jinja's internals.

Not a plugin: a registry the patching plugins consult. A patch replaces or
reaches into something that is not a documented extension point, so it is
only known to be right for the version it was written against. Each
plugin calls :func:`require` with its name before it patches; if an
installed package is not the version its patches were written for, the
command stops with a message saying what to re-check, instead of quietly
building a different site. Upgrading a pinned package means reading each
patch listed for it here against the new source, then updating the version.
"""

import functools
import sys
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Patch:
    plugin: str  # plugins/<plugin>/ applies it
    package: str  # the distribution whose internals it touches
    version: str  # the version it was written against
    target: str  # what it replaces or reaches into
    why: str


PATCHES = (
    Patch(
        "rest_strict",
        "Nikola",
        "8.3.3",
        "CompileRest.compile, CompileRest.compile_string",
        "Nikola publishes whatever docutils said, and runs shortcodes (raw HTML, Jinja) from posts",
    ),
    Patch(
        "rest_strict",
        "docutils",
        "0.23",
        "rst2html settings (traceback; made once, copied per post)",
        "docutils exits the process when it gives up; we report the post instead",
    ),
    Patch(
        "rest_safety",
        "Nikola",
        "8.3.3",
        "the listing directive class (docutils' private directive table)",
        "Nikola's listing reads any path a post gives",
    ),
    Patch(
        "rest_code",
        "docutils",
        "0.23",
        "docutils.parsers.rst.directives.body/misc.CodeBlock",
        "listing and include :code: build docutils' CodeBlock; ours is reproducible",
    ),
    Patch(
        "rest_comments",
        "Nikola",
        "8.3.3",
        "Post.text (wrapped: Nikola's teaser marker taken out of its result)",
        "Nikola finds the teaser by an HTML comment in the post's text, and leaves it in every page and feed",
    ),
    Patch(
        "rest_abbr",
        "docutils",
        "0.23",
        "html5_polyglot.HTMLTranslator.visit_abbreviation",
        "docutils cannot write an abbreviation's title",
    ),
    Patch(
        "author_errors",
        "doit",
        "0.37.0",
        "ExecutedOnlyReporter (subclassed), CatchedException.traceback",
        "the reporter recognises a ContentError by its traceback's last line",
    ),
    Patch(
        "rest_doc_links",
        "Nikola",
        "8.3.3",
        "nikola.plugins.compile.rest.doc.doc_role (the module's name for it)",
        "a :doc: link to a draft says the slug does not exist",
    ),
    Patch(
        "published_posts",
        "Nikola",
        "8.3.3",
        "ScanPosts.scan (subclassed)",
        "Nikola keeps drafts, private and future posts in the timeline",
    ),
    Patch(
        "planner",
        "Nikola",
        "8.3.3",
        "the build command (a Command plugin of that name wins over the one "
        "DoitNikola.get_cmds makes of doit's run, which it finds in site.doit.DOIT_CMDS), each Task plugin's "
        "gen_tasks run without Nikola.gen_tasks, "
        "Nikola.generic_renderer, generic_post_list_renderer, generic_page_renderer (deciding first), "
        "the page context generic_page_renderer builds (plugins/planner/units.py)",
        "Nikola plans and generates every task of the site before it runs one",
    ),
    Patch(
        "planner",
        "Nikola",
        "8.3.3",
        "Post objects made without Post.__init__ from a kept state, "
        "the scanner's Post class swapped (plugins/planner/postcache.py)",
        "Nikola reads every post on every build",
    ),
    Patch(
        "planner",
        "doit",
        "0.37.0",
        "doit.task.Task and Stream, run outside doit's runner (plugins/planner/executor.py)",
        "doit loads every task of the site before it runs one",
    ),
    Patch(
        "preview",
        "Nikola",
        "8.3.3",
        "Nikola.render_template (its write; plugins/preview/atomic_pages.py)",
        "Nikola truncates a page and then writes it: a server can send half of it",
    ),
    Patch(
        "preview",
        "Nikola",
        "8.3.3",
        "Post objects swapped into Nikola's timeline and post lists (plugins/preview/renderer.py)",
        "the preview re-reads one saved post without scanning the whole site",
    ),
    Patch(
        "build_speed",
        "Nikola",
        "8.3.3",
        "utils.config_changed._calc_digest, post.to_datetime, rest.doc._find_post, "
        "Nikola.sort_posts_chronologically, Post.reading_time, JinjaTemplates.get_string_deps, "
        "Post.permalink, Post.formatted_date, Post.formatted_updated, Post.destination_path, "
        "Nikola.scan_posts (a copy of 8.3.3's, changed), Post.text (the whole text kept per process)",
        "the same computation done thousands of times (bench/PROFILE.md)",
    ),
    Patch(
        "build_speed",
        "lxml",
        "6.1.3",
        "lxml.html.HtmlMixin.iterlinks",
        "a Python walk over every element of every page, post and feed entry (bench/PROFILE.md)",
    ),
    Patch(
        "build_speed",
        "doit",
        "0.37.0",
        "doit.dependency.inspect",
        "inspect.signature on every up-to-date callable of every task",
    ),
    Patch(
        "redirects",
        "Nikola",
        "8.3.3",
        "utils.makedirs, a no-op while scale_images and copy_assets generate "
        "their tasks to list their targets (plugins/redirects/served.py)",
        "their generators make output/'s folders, and a refused redirects.txt must leave output/ as it was",
    ),
)


@functools.cache  # asked by each patching plugin, once per package is enough
def installed(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def mismatches(plugin, versions=installed):
    """The patches of ``plugin`` whose package is not the version they were written for."""
    return [p for p in PATCHES if p.plugin == plugin and versions(p.package) != p.version]


def require(plugin, versions=installed):
    """Stop the command if ``plugin``'s patches do not match the installed packages."""
    if not any(p.plugin == plugin for p in PATCHES):
        raise LookupError(f"plugins/{plugin} is not in plugins/patches.py: register its patches")
    wrong = mismatches(plugin, versions)
    if wrong:
        for p in wrong:
            sys.stderr.write(
                "plugins/{0} patches {1} ({2}), written for {1} {3}, but {1} {4} is installed: "
                "read the patch against the new version, then update plugins/patches.py.\n".format(
                    p.plugin, p.package, p.target, p.version, versions(p.package) or "(none)"
                )
            )
        raise SystemExit(1)
