"""Check posts without building the site: what `make check POST=posts/x.rst` runs.

    .venv/bin/python scripts/check_post.py posts/x.rst [posts/y.rst ...]
    .venv/bin/python scripts/check_post.py          # every post or page changed since the last commit

It runs the build's own checks, with the build's own code, on the posts
named, and prints the same ``file:line: LEVEL: message`` lines the build
would, then one summary line; the exit status is 1 if there is any problem:

1. every source's text and metadata, and slugs used twice
   (plugins/published_posts, plugins/rules/metadata.py): what the build
   checks before it starts; only the named posts' problems are printed;
2. the reST of each named post, compiled by the site's reST compiler with
   the build's settings (plugins/rest_strict: any docutils warning or error;
   plugins/rest_safety: URL rules, local images and listings that must
   exist; the ``:doc:`` links to other posts, against the posts the site
   publishes), into a temporary file: nothing of the site is written;
3. redirects.txt against the posts (plugins/redirects): its records, and
   the feed GUID of a moved post. It is checked with the posts when it
   changed since the last commit (or is named: make check POST=redirects.txt).

The other posts are read as the build reads them, from the posts the last
build kept (cache/planner/, read only) where it can vouch for them. A post
the build would not publish (a draft, a private or scheduled post) is not
compiled by the build, so it is not compiled here either; it is said so.
"""

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCES = ("posts", "pages")
REDIRECTS = "redirects.txt"


def changed_sources(root):
    """The .rst files under posts/ and pages/ changed (or new) since the last commit."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", *SOURCES, REDIRECTS],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = []
    for line in out.splitlines():
        path = line[3:].split(" -> ")[-1].strip('"')
        if (path.endswith(".rst") or path == REDIRECTS) and os.path.isfile(os.path.join(root, path)):
            found.append(path)
    return sorted(set(found))


def load_site(root):
    """The site as ``nikola build`` makes it (conf.py, then Nikola and its plugins), without building."""
    sys.path.insert(0, str(root))
    import importlib.util

    spec = importlib.util.spec_from_file_location("conf", os.path.join(root, "conf.py"))
    conf = importlib.util.module_from_spec(spec)
    sys.modules["conf"] = conf
    spec.loader.exec_module(conf)
    config = conf.__dict__
    config.update(
        {
            "__colorful__": False,
            "__invariant__": False,
            "__quiet__": True,
            "__configuration_filename__": "conf.py",
            "__cwd__": str(root),
        }
    )
    from nikola import Nikola
    from nikola.utils import LOGGER

    site = Nikola(**config)
    site.init_plugins()
    LOGGER.level = 40  # the scan's "not published" notes are for the build's log, not for this check
    return site


def kept_posts(site):
    """What the last build kept (plugins/planner), read only, as the planner hands it to the scanner."""
    from plugins import shared_state
    from plugins.planner import inputs, postcache, state

    store = state.Store(os.path.normpath(site.config["OUTPUT_FOLDER"]))
    record = store.load(inputs.keys(site))
    return shared_state.KeptScan(postcache.PostCache(store.read_posts(record)), record["sources"])


def check(paths, root="."):
    """Print the problems of ``paths`` as the build would: (their number, other sources' problems)."""
    os.chdir(root)
    site = load_site(Path.cwd())
    from plugins.published_posts import published_posts
    from plugins.rules import errors, urls

    config = site.config
    wanted = {os.path.normpath(p) for p in paths}
    problems = published_posts.source_problems(config["post_pages"], urls.site_folders(config))
    by_path = {}
    for line in problems:
        by_path.setdefault(os.path.normpath(line.split(":", 1)[0]), []).append(line)
    mine = [line for path in sorted(wanted) for line in by_path.get(path, [])]
    errors.report(mine)
    if problems:  # the build stops before it compiles anything: so does this check
        return len(mine), len(problems) - len(mine)
    return compile_posts(site, sorted(wanted))


def compile_posts(site, paths):
    """Compile each post of ``paths`` the site publishes, as the build does, into a temporary file;
    (problems of ``paths``, problems of redirects.txt that are not theirs)."""
    from plugins import shared_state
    from plugins.rules import errors

    shared = shared_state.of(site)
    shared.kept_scan = kept_posts(site)
    shared.defer_redirect_problems = True  # plugins/redirects: reported here, not ending the process
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the scanner's "Scanning posts...done!"
            site.scan_posts()
    finally:
        shared.kept_scan = None
    # The build stops on these before it compiles anything; each is counted for the file it names.
    redirects = shared.redirect_problems
    mine = [line for line in redirects if os.path.normpath(line.split(":", 1)[0]) in paths]
    errors.report(mine)
    count, others = len(mine), len(redirects) - len(mine)
    by_source = {os.path.normpath(p.source_path): p for p in site.timeline}
    everything = {os.path.normpath(p.source_path) for p in site.all_posts + site.pages}
    lang = site.config["DEFAULT_LANG"]
    with tempfile.TemporaryDirectory(prefix="check-post-") as tmp:
        for path in paths:
            if path == REDIRECTS:
                continue
            post = by_source.get(path)
            if post is None:
                print(
                    "{0}: not published (a draft, private or scheduled post{1}): the build does not compile "
                    "it, so its text is not checked".format(path, "" if path in everything else ", or not a post"),
                    file=sys.stderr,
                )
                continue
            try:
                post.compiler.compile(
                    post.source_path, os.path.join(tmp, "fragment.html"), post.is_two_file, post, lang
                )
            except errors.ContentError as failed:  # its lines are printed already
                count += len(failed.problems) or 1
    return count, others


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parent.parent if not os.path.exists("conf.py") else Path.cwd()
    paths = argv or changed_sources(root)
    if not paths:
        print("make check: no post changed since the last commit (name one: make check POST=posts/x.rst)")
        return 0
    missing = [p for p in paths if not os.path.isfile(os.path.join(root, p))]
    if missing:
        print("make check: no such file: {0}".format(", ".join(missing)), file=sys.stderr)
        return 2
    count, others = check(paths, root)
    from plugins.rules import errors  # the site's own (check put its folder on the path)

    named = paths[0] if len(paths) == 1 else f"{len(paths)} posts"
    if count:
        print("make check: {0} in {1}, listed above.".format(errors.plural(count, "problem"), named), file=sys.stderr)
    if others:
        print(
            "make check: other sources have {0} (`make site` lists them); the build stops on them "
            "before it compiles {1}.".format(errors.plural(others, "problem"), named),
            file=sys.stderr,
        )
    if count or others:
        return 1
    print(
        "make check: {0} no problem the build would report.".format(
            paths[0] + " has" if len(paths) == 1 else f"{len(paths)} posts have"
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
