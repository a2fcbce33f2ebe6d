"""redirects.txt in the build: checked before anything is written, then answered for.

When the posts have been read and classified (before any post
is compiled or any file of ``output/`` changes), the records of
redirects.txt (plugins/rules/redirects.py) are checked; a problem stops the
build with ``redirects.txt:N: ERROR: ...`` and exit status 1:

* a line that is not a record (plugins/rules/redirects.py ``parse``);
* a record that does not fit the site about to be published (``check``,
  against :mod:`.served`): a move to a page not served or itself moved, a
  recorded URL the site still serves;
* a moved post that would change its feed GUID: a post that is the target
  of a move from a post URL must keep the GUID its readers hold, with
  ``.. guid: <FEED_GUID_BASE><old path>`` (the build stops at the post's
  file, at the line to add it).

Then, as tasks: an HTML redirect page at each moved page's old URL (Nikola's
own ``REDIRECTIONS`` page, ``utils.create_redirect``, for static hosts that
read no server rules; never at a feed or other file's URL), the nginx file
of exact 301 and 410 answers (:mod:`.server_rules`), and ``410.html``, the
page nginx shows with a 410. Nikola's ``REDIRECTIONS`` setting is not fed:
it is a setting, and a changed setting takes plugins/planner's full path
(every post compiled again); these tasks' up-to-date values are the records
themselves, so a changed line rebuilds what it changes.
"""

import os
from urllib.parse import unquote, urljoin

from blinker import signal
from nikola import utils
from nikola.plugin_categories import Task

from plugins import patches, shared_state
from plugins.redirects import served, server_rules
from plugins.rules import errors, files
from plugins.rules import redirects as rules


def _metadata_end(path):
    """The line after a post's ``.. key: value`` header: where a new metadata line goes."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    end = 0
    for number, text in enumerate(lines, 1):
        if text.startswith(".. ") and ":" in text and not text.startswith(".. role::"):
            end = number
        elif text.strip():
            break
    return end + 1


class Redirects(Task):
    name = "redirects"

    def set_site(self, site):
        patches.require("redirects")
        self.records = []
        # Sent when the posts have been read and classified (the check reads the classifications):
        # "scanned" itself reaches its receivers in no set order.
        signal("taxonomies_classified").connect(self.check_site)
        return super().set_site(site)

    def check_site(self, site):
        records, problems = self.problems(site)
        shared = shared_state.of(site)
        shared.redirect_problems = problems
        if problems and not shared.defer_redirect_problems:  # make check reports them with the posts' own
            errors.stop(
                problems,
                "nikola build: {0} with moved and removed URLs ({1}); nothing was built.".format(
                    errors.plural(len(problems), "problem"), rules.FILE
                ),
            )
        self.records = [] if problems else records

    def problems(self, site):
        """(records, problem lines) of redirects.txt against the site as scanned."""
        records, problems = rules.read(".")
        if not records or problems:
            return records, problems  # nothing to check: a site without redirects.txt pays nothing
        problems = rules.check(records, served.site_urls(site))
        if not problems:
            problems = self.guid_problems(site, records)
        return records, problems

    def post_folders(self, site):
        """The URL prefixes of posts (``/posts/``): a move from one of these moves a feed item."""
        return tuple("/" + dest.strip("/") + "/" for _src, dest, _tmpl in site.config["POSTS"])

    @staticmethod
    def is_post_url(path, prefixes):
        """True for a post's page URL, ``/posts/<slug>/`` (not a file beside it, such as its old source)."""
        for prefix in prefixes:
            rest = path[len(prefix) :]
            if path.startswith(prefix) and rest.endswith("/") and rest.count("/") == 1 and len(rest) > 1:
                return True
        return False

    def guid_problems(self, site, records):
        lang = site.config["DEFAULT_LANG"]
        base = site.config["FEED_GUID_BASE"]
        prefixes = self.post_folders(site)
        posts = {rules.page_key(unquote(post.permalink(lang))): post for post in site.posts}
        wanted = {}
        for record in records:
            if record.status == rules.MOVED and self.is_post_url(rules.page_key(record.old), prefixes):
                post = posts.get(rules.page_key(record.new))
                if post is not None:
                    wanted.setdefault(post.source_path, (post, []))[1].append(record)
        problems = []
        for source, (post, moves) in sorted(wanted.items()):
            # What the feeds gave the post at its old URL (plugins/blog_feeds: FEED_GUID_BASE + its permalink).
            guids = [urljoin(base, utils.encodelink(rules.page_key(record.old))) for record in moves]
            if post.meta[lang].get("guid") in guids:
                continue
            first = moves[0]
            have = post.meta[lang].get("guid")
            problems.append(
                errors.line(
                    source,
                    _metadata_end(source),
                    "ERROR",
                    (
                        "moved here from {0} ({1}:{2}): its feed GUID must stay the one readers hold; "
                        "{3}add the line `.. guid: {4}` to its metadata"
                    ).format(
                        first.old,
                        rules.FILE,
                        first.line,
                        f"its guid {have!r} is none of its old ones; " if have else "",
                        guids[0],
                    ),
                )
            )
        return problems

    def gen_tasks(self):
        site = self.site
        site.scan_posts()  # the records are read and checked when the posts are
        out = site.config["OUTPUT_FOLDER"]
        records = self.records
        yield self.group_task()
        if not records:
            return
        for old, new in server_rules.redirect_pages(records):
            target = os.path.join(out, old.lstrip("/"))
            if target.endswith("/"):
                target += site.config["INDEX_FILE"]
            yield {
                "basename": self.name,
                "name": target,
                "targets": [target],
                "uptodate": [utils.config_changed({"to": new}, "redirects:" + target)],
                "actions": [(utils.create_redirect, (target, new))],
                "clean": True,
            }
        target = os.path.join(out, server_rules.FOLDER, server_rules.NAME)
        text = server_rules.nginx_text(records)
        yield {
            "basename": self.name,
            "name": target,
            "targets": [target],
            "uptodate": [utils.config_changed({"text": text}, "redirects:" + target)],
            "actions": [(files.write_atomically, (target, text))],
            "clean": True,
        }
        if any(r.status == rules.GONE for r in records):
            yield self.gone_page()

    def gone_page(self):
        """410.html: what nginx shows with a 410 (blog.conf's error_page), like 404.html."""
        site = self.site
        lang = site.config["DEFAULT_LANG"]
        output_name = os.path.join(site.config["OUTPUT_FOLDER"], "410.html")
        context = {
            "title": "Gone",
            "description": "This page was removed from the blog on purpose.",
            "permalink": "/410.html",
            "pagekind": ["gone_page"],
        }
        task = site.generic_renderer(
            lang, output_name, "gone.tmpl", site.config["FILTERS"], context=context, url_type="full_path"
        )
        task["basename"] = self.name
        return task
