"""Read the sources: refuse the broken ones, keep only the published ones.

Nikola 8.3.3's scanner reads every post and page into the site's timeline.
It stops with an "unhandled exception" on a file that is not UTF-8 or has
no date, publishes a post with no title (under its file name) or with a
status it does not know (after a warning), and keeps drafts, private and
future-dated posts in the timeline, so they are rendered into
``output/posts/<slug>/`` (only its feeds and lists leave them out): a
deploy publishes them at a guessable URL and the search index finds their
text. This scanner replaces Nikola's (``scan_posts`` is in
DISABLED_PLUGINS) and is the same scanner with two changes:

* before Nikola reads anything, every source is checked: UTF-8 with no
  control characters (which no page or feed can carry), complete and valid
  metadata (plugins/rules/metadata.py), a slug no other source
  uses. All problems are printed as ``posts/x.rst:7: ERROR: ...`` lines
  and the build stops, having written nothing;
* posts that plugins/rules/publication.py calls unpublished are dropped
  from the timeline, before Nikola classifies anything, unless the site is
  built for a preview (``PREVIEW_UNPUBLISHED``, set by ``make preview``,
  which builds into another folder).
"""

import fnmatch
import os

# The module, not the class: Nikola loads a plugin module only if it defines one plugin class.
from nikola.plugins.misc import scan_posts

from plugins import patches, shared_state
from plugins.planner.records import Source
from plugins.rules import errors, metadata, publication, urls


def sources(post_pages):
    """(path, is_post, destination) for every file Nikola's scanner reads for POSTS and PAGES."""
    for wildcard, destination, _template, is_post in post_pages:
        top, pattern = os.path.dirname(wildcard), os.path.basename(wildcard)
        for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            folder = os.path.join(destination, os.path.relpath(dirpath, top))
            for name in sorted(fnmatch.filter(filenames, pattern)):
                if not name.startswith("."):
                    yield os.path.join(dirpath, name), is_post, folder


def _read(path, is_post, folders, kept):
    """metadata.source_problems, the file read only when its size or time changed (``kept``: plugins/planner's).

    What is kept of a file: its size and time, the problems its text alone has,
    and the fields that other files decide on (its slug, its preview image)."""
    if kept is None:
        return metadata.source_problems(path, is_post, folders)
    st = os.stat(path)
    record = kept.get(path)
    if record is None or record.size != st.st_size or record.mtime_ns != st.st_mtime_ns or record.is_post != is_post:
        problems, fields = metadata.source_problems(path, is_post, None)
        record = kept[path] = Source(
            st.st_size,
            st.st_mtime_ns,
            is_post,
            problems,
            {k: fields[k] for k in ("slug", "previewimage") if k in fields},
        )
    return record.problems + metadata.file_problems(path, record.fields, folders), record.fields


def source_problems(post_pages, folders, kept=None):
    """Every problem of every source, as ``file:line: ERROR: ...`` lines.

    ``kept``: {path: plugins/planner/records.Source} from the last build
    (plugins/planner), updated here: a file is read again only when it changed."""
    problems, slugs = [], {}
    for path, is_post, destination in sources(post_pages):
        found, fields = _read(path, is_post, folders, kept)
        problems.extend(found)
        slug, line = fields.get("slug", ("", 0))
        if slug:
            key = (os.path.normpath(destination), slug)
            if key in slugs:
                problems.append(errors.line(path, line, "ERROR", f"slug {slug!r} is already used by {slugs[key]}"))
            slugs.setdefault(key, path)
    return problems


class PublishedPosts(scan_posts.ScanPosts):
    name = "published_posts"

    def scan(self):
        patches.require("published_posts")
        config = self.site.config
        shared = shared_state.of(self.site)
        kept_scan = shared.kept_scan  # plugins/planner: the posts and checks kept by the last build
        kept = None
        if kept_scan is not None:
            kept = kept_scan.sources
            present = {path for path, _is_post, _destination in sources(config["post_pages"])}
            for gone in set(kept) - present:
                del kept[gone]
        problems = source_problems(config["post_pages"], urls.site_folders(config), kept)
        if problems:
            errors.stop(
                problems,
                "nikola build: {0} in the sources; nothing was built.".format(errors.plural(len(problems), "problem")),
            )
        if kept_scan is not None:
            made, scan_posts.Post = scan_posts.Post, kept_scan.posts.factory
            try:
                timeline = super().scan()
            finally:
                scan_posts.Post = made
        else:
            timeline = super().scan()
        shared.next_due = publication.next_due(timeline)
        if config.get("PREVIEW_UNPUBLISHED"):
            return timeline
        published, shared.unpublished = [], {}
        for post in timeline:
            why = publication.why_unpublished(post)
            if why:
                self.logger.info(f"{post.source_path}: {why}, not published (`make preview` shows it)")
                # slug: (source, why), for plugins/rest_doc_links' message
                shared.unpublished[post.meta("slug")] = (post.source_path, why)
            else:
                published.append(post)
        return published
