"""What the site's plugins hand each other, in one declared place.

Nikola gives a plugin the site object and nothing else to share with other
plugins. The project's plugins add nothing to the site but this: one
``SharedState``, hung on the site the first time a plugin asks for it
(``of(site)``). Each field is one hand-over, with the plugin that writes it
and the plugins that read it; docs/architecture.md shows where each sits in
a build. A field lives as long as the site: one build per process.
"""

import dataclasses
import datetime
from typing import Any


@dataclasses.dataclass
class KeptScan:
    """What the last build read of the sources, for the scanner to reuse (plugins/planner keeps it)."""

    posts: Any  # plugins/planner/postcache.PostCache: the scanner's Post factory
    sources: dict  # source path: plugins/planner/records.Source, updated by the scanner


@dataclasses.dataclass(eq=False)
class SharedState:
    # The planned build (plugins/planner/planner.Build), from the start of its run: its ``plan``
    # and ``signer`` decide which units are built. Written by plugins/planner; read by the
    # renderers it wraps (plugins/planner/units.py) and by plugins/blog_feeds.
    planner: Any | None = None
    # The posts and source checks the last build kept. Written by plugins/planner (and
    # scripts/check_post.py) before the scan; read by plugins/published_posts' scanner.
    kept_scan: KeptScan | None = None
    # slug: (source path, why) of each post left out of the site (a draft, private, scheduled).
    # Written by plugins/published_posts' scanner; read by plugins/rest_doc_links (a :doc: link
    # to one is an error naming it).
    unpublished: dict = dataclasses.field(default_factory=dict)
    # When the next scheduled post is due (aware datetime), or None. Written by
    # plugins/published_posts' scanner; read by plugins/planner (kept in the record: a build
    # after that moment publishes it).
    next_due: datetime.datetime | None = None
    # Every file some task of Nikola's generated tasks writes. Written by
    # plugins/prune_output/task_targets.py; read by plugins/prune_output (a doit build only:
    # the planner prunes by its own record).
    task_targets: set = dataclasses.field(default_factory=set)
    # redirects.txt's problems ("redirects.txt:N: ERROR: ...", or a moved post's missing guid line),
    # found once the posts are classified. Written by plugins/redirects; read by
    # scripts/check_post.py (make check), which sets ``defer_redirect_problems`` first so that they
    # are reported with the posts' own instead of ending the process.
    redirect_problems: list = dataclasses.field(default_factory=list)
    defer_redirect_problems: bool = False


def of(site) -> SharedState:
    """The site's shared state (made on first use)."""
    state = getattr(site, "shared_state", None)
    if state is None:
        state = site.shared_state = SharedState()
    return state
