"""A link from each post's page to its source file, so a reader can propose a change.

conf.py's ``PROPOSE_CHANGE_URL`` is a URL pattern with ``{path}``, the
post's source file from the repository's root (``posts/x.rst``), such as
``https://github.com/OWNER/REPO/edit/main/{path}`` (docs/writing.md,
"Propose a change"). Empty: no link. Each post page's context gets ``propose_change``,
the post's URL (or None), through Nikola's ``render_post`` signal, so the
page is written again when the setting changes (Nikola's up-to-date check
and plugins/planner both see the signal's additions).

A pattern that is not an ``http(s)`` URL with ``{path}`` and no other
placeholder stops the command, naming the setting.
"""

import string
from urllib.parse import quote, urlsplit

from blinker import signal
from nikola.plugin_categories import SignalHandler

from plugins.rules import errors

SETTING = "PROPOSE_CHANGE_URL"


def problem(pattern):
    """Why ``pattern`` cannot be used, or None."""
    if not isinstance(pattern, str):
        return "must be a string"
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as why:
        return f"is not a valid pattern ({why})"
    if names.count("path") != 1 or set(names) != {"path"}:
        return "needs {path} once and no other placeholder, as in https://github.com/OWNER/REPO/edit/main/{path}"
    parts = urlsplit(pattern.replace("{path}", "x"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http:// or https:// URL"
    return None


def url_for(pattern, source_path):
    """The post's source URL: ``{path}`` filled with its repository path, each segment percent-encoded."""
    return pattern.format(path=quote(source_path.replace("\\", "/"), safe="/"))


class ProposeChange(SignalHandler):
    name = "propose_change"

    def set_site(self, site):
        self.pattern = site.config.get(SETTING) or ""
        why = problem(self.pattern) if self.pattern else None
        if why:
            errors.stop(
                [f"conf.py: ERROR: {SETTING} = {self.pattern!r} {why}."],
                f'nikola: fix {SETTING} in conf.py (or set it to "" for no link).',
            )
        signal("render_post").connect(self.add_link)
        return super().set_site(site)

    def add_link(self, event):
        post = event["post"]
        url = url_for(self.pattern, post.source_path) if self.pattern and post.is_post else None
        event["context"]["propose_change"] = url
        event["deps_dict"]["propose_change"] = url
