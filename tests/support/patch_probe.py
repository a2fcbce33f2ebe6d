"""Each of plugins/build_speed's patches against the code it replaces, in a process of its own.

Run by tests/build/test_patch_differentials.py as ``python tests/support/patch_probe.py SITE``: it
keeps Nikola's, lxml's and doit's own functions before anything patches them, loads
the site as ``nikola build`` does (conf.py, Nikola, every plugin, so every patch is
applied), then calls the patched and the original code on the site's posts and
pages and prints, as JSON, ``{check: [inputs compared, [differences]]}``. A process
of its own, because the patches change classes for the whole process.
"""

import inspect
import json
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

import doit.dependency
import lxml.html
import nikola.nikola as nikola_core
import nikola.post as nikola_post
from nikola import utils

ORIGINAL = {
    "to_datetime": nikola_post.to_datetime,
    "sort": nikola_core.Nikola.sort_posts_chronologically,
    "scan_posts": nikola_core.Nikola.scan_posts,
    "reading_time": nikola_post.Post.reading_time,
    "permalink": nikola_post.Post.permalink,
    "destination_path": nikola_post.Post.destination_path,
    "formatted_date": nikola_post.Post.formatted_date,
    "formatted_updated": nikola_post.Post.formatted_updated,
    "iterlinks": lxml.html.HtmlMixin.iterlinks,
    "text": nikola_post.Post.text,
    "digest": utils.config_changed._calc_digest,
    "inspect": doit.dependency.inspect,
}


def differences(pairs):
    """[compared, [(input, ours, theirs) that differ]] for (input, ours(), theirs()) triples."""
    found = [(repr(what)[:200], repr(ours)[:200], repr(theirs)[:200]) for what, ours, theirs in pairs if ours != theirs]
    return [len(pairs), found]


def main(root):
    root = Path(root).resolve()
    os.chdir(root)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from check_post import load_site  # the build's own way to load the site

    site = load_site(root)
    assert nikola_post.Post.permalink is not ORIGINAL["permalink"], "the patches were not applied"
    site.scan_posts()
    posts = list(site.all_posts)
    lang = site.config["DEFAULT_LANG"]
    report = {}

    tz = site.tzinfo
    dates = sorted(
        {post.meta[lang]["date"] for post in posts}
        | {
            "2019-05-06 14:00:00+00:00",
            "2019-05-06T14:00:00Z",
            "2019-05-06 14:00",
            "2019-05-06",
            "May 6, 2019 2:00 PM +0100",
            "2019-05-06 14:00:00.5-07:30",
        }
    )
    report["to_datetime"] = differences(
        [(d, nikola_post.to_datetime(d, tz), ORIGINAL["to_datetime"](d, tz)) for d in dates]
    )

    shuffled = posts[:]
    random.Random(7).shuffle(shuffled)
    report["sort_posts_chronologically"] = differences(
        [
            (
                language,
                [p.source_path for p in site.sort_posts_chronologically(shuffled, language)],
                [p.source_path for p in ORIGINAL["sort"](shuffled, language)],
            )
            for language in (None, lang)
        ]
    )

    pairs = []
    for post in posts:
        for name, calls in (
            ("permalink", [(lang,), (lang, True), (lang, False, ".xml")]),
            ("destination_path", [(lang,), (lang, ".xml")]),
            ("formatted_date", [("webiso",), (site.config["DATE_FORMAT"],)]),
            ("formatted_updated", [("webiso",)]),
        ):
            for args in calls:
                pairs.append(((post.source_path, name, args), getattr(post, name)(*args), ORIGINAL[name](post, *args)))
    report["post_memos"] = differences(pairs)

    pairs = []
    for post in posts:
        if not os.path.isfile(post.translated_base_path(lang)):
            continue  # not compiled yet: both fall back to Nikola's own
        post._reading_time = None
        ours = post.reading_time
        post._reading_time = None
        pairs.append((post.source_path, ours, ORIGINAL["reading_time"].fget(post)))
    report["reading_time"] = differences(pairs)

    # The kept whole text against Nikola's (rest_comments' marker removal applied to both), asked
    # twice (the second is the kept one), after the compiled file changed (it must be read again),
    # and a teaser (never kept).
    from plugins.rest_comments import rest_comments

    original = rest_comments.make_text(ORIGINAL["text"], site.config.get("TEASER_REGEXP", nikola_post.TEASER_REGEXP))
    pairs = []
    for post in posts:
        path = post.translated_base_path(lang)
        if not os.path.isfile(path):
            continue
        for args in [(lang,), (lang,), (lang, False, True), (lang, True)]:
            pairs.append(((post.source_path, args), post.text(*args), original(post, *args)))
        # The compiled file changed in place (a copy: the build is shared with other tests).
        copy = Path(tempfile.mkdtemp()) / "post.html"
        shutil.copy2(path, copy)
        post._translated_file_path = lambda _lang, copy=copy: (str(copy), lang)
        pairs.append(((post.source_path, "copy"), post.text(lang), original(post, lang)))
        stat = copy.stat()
        copy.write_text(copy.read_text(encoding="utf-8") + "<p>One more paragraph.</p>", encoding="utf-8")
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1000))
        pairs.append(((post.source_path, "changed"), post.text(lang), original(post, lang)))
        del post._translated_file_path
        shutil.rmtree(copy.parent)
    report["text"] = differences(pairs)

    pairs = []
    for page in sorted((root / "output").rglob("*.html")):
        document = lxml.html.fromstring(page.read_bytes())
        for element in (document, *document.iter("article", "nav", "head")):
            pairs.append(
                (
                    (page.name, element.tag),
                    [(e.tag, a, link, pos) for e, a, link, pos in element.iterlinks()],
                    [(e.tag, a, link, pos) for e, a, link, pos in ORIGINAL["iterlinks"](element)],
                )
            )
    report["iterlinks"] = differences(pairs)

    def timeline():
        return (
            [p.source_path for p in site.timeline],
            [p.source_path for p in site.posts],
            {k: [p.source_path for p in v] for k, v in sorted(site.posts_per_tag.items())},
            {k: [p.source_path for p in v] for k, v in sorted(site.posts_per_category.items())},
            {str(k): [p.source_path for p in v] for k, v in sorted(site.posts_per_year.items())},
        )

    site.scan_posts(really=True)
    ours = timeline()
    ORIGINAL["scan_posts"](site, really=True)
    report["scan_posts"] = differences([("timeline, posts, tags, categories, years", ours, timeline())])

    configs = [
        utils.config_changed({"a": 1, "b": [1, 2]}),
        utils.config_changed({"x": posts[0].title(lang)}),
        utils.config_changed({"conf": site.config["BLOG_TITLE"]}, "named"),
    ]
    report["config_digest"] = differences([(c.config, c._calc_digest(), ORIGINAL["digest"](c)) for c in configs])

    def task_action(targets, dependencies):
        return True

    class Callable:
        def __call__(self, task, values):
            return True

    callables = [task_action, Callable(), site.scan_posts, print, len, utils.config_changed({"a": 1})]
    report["signature"] = differences(
        [
            (c, str(doit.dependency.inspect.signature(c)), str(ORIGINAL["inspect"].signature(c)))
            for c in callables
            if callable(c)
        ]
        + [("twice", str(doit.dependency.inspect.signature(task_action)), str(inspect.signature(task_action)))]
    )

    json.dump(report, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
