"""An incremental build gives a clean build's output, byte for byte, whatever authors did before it.

What a reader, a subscriber or a deployer would lose if this failed: a
page, feed, archive, sitemap entry or search result that a rebuild left
stale or gone, or one that outlived its post. plugins/planner keeps what a
build learned (cache/planner/) and rebuilds only what a change reaches; its
rule is that the output of a build equals a clean build of the same sources.

A Hypothesis state machine drives a small site through what authors do (edit
a body; change a title, date, tags, category, author, description or slug;
add, delete, draft, undraft or schedule a post and let its date pass; add,
replace or remove an image; edit a listing; link a post to another; edit a
template or conf.py). After each step it builds the site incrementally and a
copy of the same sources from nothing, and compares every file of both
output/ folders: pages, feeds, archives, sitemap, search bundles and the
.gz and .br copies. A step that leaves a post with a mistake (an image it
shows removed, a link to a post that is gone) must fail both builds, change
nothing in output/, and the next good step must give the clean output again.

``make test`` runs a short profile; ``make test-planner`` a long one
(PLANNER_EXAMPLES, PLANNER_STEPS). Other tests here kill builds part way
(``kill -9``), run two builds at once, and show which changes take the full
path (a template, a setting, the code).
"""

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from support.sitebuild import NIKOLA, SITE_PARTS, copy_site, differences, nikola_build, tree

EXAMPLES = int(os.environ.get("PLANNER_EXAMPLES", "3"))
STEPS = int(os.environ.get("PLANNER_STEPS", "5"))
# A site this small still gets several search bundles, a home page with older posts, feeds with
# archives, and periods cut into halves, quarters and months (plugins/rules/periods.py), so that a
# deleted or back-dated post (add_post dates a post anywhere in the history) moves posts between them.
SETTINGS = {
    "SEARCH_BUNDLE_POSTS": 2,
    "INDEX_DISPLAY_POST_COUNT": 2,
    "PERIOD_POSTS": 1,
    "FEED_LENGTH": 2,
}
CATEGORIES = ("designate", "keystone", "events")
TAGS = ("dns", "ptg", "summit", "release", "python", "tc")
AUTHORS = ("Ann Example", "Bo Sample", "Cy Test")
WORDS = "zone pool record tenant quota region forum goal branch review gate".split()


def png(colour):
    """A small PNG of one colour (Nikola scales images with PIL; a tiny one costs nothing)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format="PNG")
    return out.getvalue()


def write_if_changed(path, data):
    """Write only what changed: an untouched file keeps its time, as an author's editor leaves it."""
    path = Path(path)
    data = data.encode("utf-8") if isinstance(data, str) else data
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class Post:
    def __init__(self, number, rng):
        self.slug = f"post-{number}"
        self.title = f"Post {number} about {rng.choice(WORDS)}"
        self.date = dt.datetime(
            rng.choice((2015, 2016, 2017)), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), tzinfo=dt.UTC
        )
        self.tags = sorted(rng.sample(TAGS, 2))
        self.category = rng.choice(CATEGORIES)
        self.author = rng.choice(AUTHORS)
        self.description = f"What post {number} is about."
        self.paragraphs = [" ".join(rng.choice(WORDS) for _ in range(12)) + "."]
        self.status = None
        self.image = None  # name of an image in images/ the post shows
        self.link = None  # slug of a post it links to with :doc:
        self.listing = False
        self.guid = None  # the feed GUID it keeps after a move (redirects.txt)

    def source(self):
        lines = [
            ".. title: " + self.title,
            ".. slug: " + self.slug,
            ".. date: " + self.date.isoformat(sep=" "),
            ".. tags: " + ", ".join(self.tags),
            ".. category: " + self.category,
            ".. author: " + self.author,
            ".. description: " + self.description,
        ]
        if self.status:
            lines.append(".. status: " + self.status)
        if self.guid:
            lines.append(".. guid: " + self.guid)
        body = ["", "Section", "=======", ""] + [p + "\n" for p in self.paragraphs]
        if self.image:
            body += [f".. image:: /images/{self.image}", "   :alt: An image.", ""]
        if self.listing:
            body += [".. listing:: planner-listing.py python", ""]
        if self.link:
            body += [f"See :doc:`the other post <{self.link}>`.", ""]
        return "\n".join(lines + body) + "\n"


class Site:
    """The author's site: a model of its posts and files, written to a folder."""

    def __init__(self, root, seed):
        self.root = Path(root)
        self.rng = random.Random(seed)
        self.posts = {}
        self.next_number = 1
        self.images = {}
        self.listing = "print('hello')\n"
        self.template_variant = 0
        self.conf_variant = 0
        self.moves = {}  # redirects.txt: old slug -> the slug its post has now
        copy_site(self.root, with_posts=False, settings=SETTINGS)
        self.conf = (self.root / "conf.py").read_text(encoding="utf-8")
        self.template_path = self.root / "themes" / "openstack" / "templates" / "index.tmpl"
        self.template = self.template_path.read_text(encoding="utf-8")
        for _ in range(5):
            self.add()

    def add(self):
        post = Post(self.next_number, self.rng)
        self.next_number += 1
        self.posts[post.slug] = post
        return post

    def write(self):
        posts = self.root / "posts"
        posts.mkdir(exist_ok=True)
        wanted = {post.slug + ".rst": post.source() for post in self.posts.values()}
        for name in os.listdir(posts):
            if name not in wanted:
                os.remove(posts / name)
        for name, text in wanted.items():
            write_if_changed(posts / name, text)
        images = self.root / "images"
        for path in images.glob("planner-*.png"):
            if path.name not in self.images:
                path.unlink()
        for name, data in self.images.items():
            write_if_changed(images / name, data)
        write_if_changed(self.root / "listings" / "planner-listing.py", self.listing)
        write_if_changed(
            self.root / "redirects.txt",
            "".join(f"301 /posts/{old}/ /posts/{new}/\n" for old, new in sorted(self.moves.items())),
        )
        write_if_changed(
            self.root / "conf.py",
            self.conf + ('\nBLOG_DESCRIPTION = "Changed by the planner test."\n' if self.conf_variant else ""),
        )
        write_if_changed(
            self.template_path,
            self.template.replace("Latest posts", "Newest posts") if self.template_variant else self.template,
        )

    def copy_sources(self, dest):
        dest = Path(dest)
        for part in SITE_PARTS:
            src = self.root / part
            if src.is_dir():
                shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
            elif src.is_file():
                shutil.copy2(src, dest / part)
        return dest


def clean_build(site, tmp):
    """A build of a copy of ``site``'s sources from nothing."""
    dest = Path(tempfile_dir(tmp))
    site.copy_sources(dest)
    return nikola_build(dest, served=True)


def tempfile_dir(tmp):
    import tempfile

    return tempfile.mkdtemp(prefix="clean-", dir=tmp)


class AuthorActions(RuleBasedStateMachine):
    """Random sequences of what authors do; after each, incremental == clean."""

    def __init__(self):
        super().__init__()
        self.tmp = None
        self.site = None

    @initialize(seed=st.integers(0, 2**16))
    def start(self, seed):
        import tempfile

        self.tmp = tempfile.mkdtemp(prefix="planner-")
        self.site = Site(Path(self.tmp) / "site", seed)
        self.scheduled = None
        self.build()

    def teardown(self):
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- the comparison, after every step --------------------------------------------------

    def build(self):
        self.site.write()
        before = tree(self.site.root / "output") if (self.site.root / "output").exists() else None
        started = dt.datetime.now(dt.UTC)
        got = nikola_build(self.site.root, served=True)
        want = clean_build(self.site, self.tmp)
        try:
            if self.scheduled is not None and started <= self.scheduled <= dt.datetime.now(dt.UTC):
                return  # a scheduled post came due between the two builds: they rightly differ
            if want.returncode != 0:
                # A post with a mistake: both builds refuse it, and output/ is as it was.
                assert got.returncode != 0, "the clean build failed, the incremental one did not:\n" + want.log
                assert before is None or tree(self.site.root / "output") == before, "a failed build changed output/"
                problems = lambda log: sorted(line for line in log.splitlines() if ": ERROR:" in line)  # noqa: E731
                assert problems(got.log) == problems(want.log), (got.log, want.log)
                return
            assert got.returncode == 0, got.log
            found = differences(tree(got.output), tree(want.output))
            assert found == [], "\n".join(found + ["", got.log[-3000:]])
        finally:
            shutil.rmtree(want.root, ignore_errors=True)

    def pick(self, data):
        return data.draw(st.sampled_from(sorted(self.site.posts)))

    # --- what authors do --------------------------------------------------------------------

    @rule(data=st.data())
    def edit_body(self, data):
        post = self.site.posts[self.pick(data)]
        post.paragraphs.append(" ".join(data.draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=9))) + ".")
        self.build()

    @rule(data=st.data(), word=st.sampled_from(WORDS))
    def retitle(self, data, word):
        self.site.posts[self.pick(data)].title += " and " + word
        self.build()

    @rule(data=st.data(), year=st.sampled_from((2014, 2015, 2016, 2017, 2018)), month=st.integers(1, 12))
    def redate(self, data, year, month):
        post = self.site.posts[self.pick(data)]
        post.date = post.date.replace(year=year, month=month)
        self.build()

    @rule(data=st.data(), tags=st.sets(st.sampled_from(TAGS), min_size=1, max_size=3))
    def retag(self, data, tags):
        self.site.posts[self.pick(data)].tags = sorted(tags)
        self.build()

    @rule(data=st.data(), category=st.sampled_from(CATEGORIES))
    def recategorize(self, data, category):
        self.site.posts[self.pick(data)].category = category
        self.build()

    @rule(data=st.data(), author=st.sampled_from(AUTHORS))
    def reauthor(self, data, author):
        self.site.posts[self.pick(data)].author = author
        self.build()

    @rule(data=st.data())
    def redescribe(self, data):
        self.site.posts[self.pick(data)].description += " Updated."
        self.build()

    @rule()
    def add_post(self):
        self.site.add()
        self.build()

    @precondition(lambda self: len(self.site.posts) > 2)
    @rule(data=st.data())
    def delete_post(self, data):
        del self.site.posts[self.pick(data)]
        self.build()

    @rule(data=st.data())
    def reslug(self, data):
        old = self.pick(data)
        post = self.site.posts.pop(old)
        post.slug = old + "-renamed"
        self.site.posts[post.slug] = post
        self.build()

    @rule(data=st.data())
    def move_post(self, data):
        """A slug change as docs/urls.md asks: a 301 from the old URL, and the post keeps its GUID."""
        old = self.pick(data)
        post = self.site.posts.pop(old)
        post.slug = old + "-moved"
        post.guid = post.guid or f"http://graham.hayes.ie/posts/{old}/"
        self.site.posts[post.slug] = post
        self.site.moves = {o: (post.slug if n == old else n) for o, n in self.site.moves.items()}
        self.site.moves[old] = post.slug
        self.build()

    @rule(data=st.data(), status=st.sampled_from((None, "draft", "private")))
    def set_status(self, data, status):
        self.site.posts[self.pick(data)].status = status
        self.build()

    @precondition(lambda self: self.scheduled is None)
    @rule(data=st.data())
    def schedule(self, data):
        """A post dated a few seconds ahead: not published now, published once the date has passed."""
        post = self.site.posts[self.pick(data)]
        post.date = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=4)).replace(microsecond=0)
        self.scheduled = post.date
        self.build()

    @precondition(lambda self: self.scheduled is not None)
    @rule()
    def let_the_date_pass(self):
        time.sleep(max(0.0, (self.scheduled - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
        self.scheduled = None
        self.build()

    @rule(data=st.data(), colour=st.sampled_from(("red", "green", "blue")))
    def show_an_image(self, data, colour):
        name = f"planner-{data.draw(st.integers(1, 2))}.png"
        self.site.images[name] = png(colour)
        self.site.posts[self.pick(data)].image = name
        self.build()

    @precondition(lambda self: self.site.images)
    @rule(data=st.data())
    def remove_an_image(self, data):
        del self.site.images[data.draw(st.sampled_from(sorted(self.site.images)))]
        self.build()
        for post in self.site.posts.values():  # the author takes it out of the posts too
            if post.image not in self.site.images:
                post.image = None

    @rule(data=st.data())
    def edit_the_listing(self, data):
        self.site.posts[self.pick(data)].listing = True
        self.site.listing += f"print({data.draw(st.sampled_from(WORDS))!r})\n"
        self.build()

    @rule(data=st.data())
    def link_two_posts(self, data):
        source, target = self.pick(data), self.pick(data)
        self.site.posts[source].link = target
        self.build()

    @rule()
    def edit_a_template(self):
        self.site.template_variant ^= 1
        self.build()

    @rule()
    def edit_conf(self):
        self.site.conf_variant ^= 1
        self.build()

    @invariant()
    def moves_point_at_posts(self):
        # A move to a post since deleted, renamed or unpublished is a mistake the build reports
        # (redirects.txt:N); the author then removes the line.
        if self.site is None:
            return
        live = {slug for slug, post in self.site.posts.items() if post.status is None}
        self.site.moves = {old: new for old, new in self.site.moves.items() if new in live}

    @invariant()
    def links_point_at_posts(self):
        # A link to a post that is gone is a mistake the next build reports; the author fixes it then.
        if self.site is None:
            return
        for post in self.site.posts.values():
            if post.link and post.link not in self.site.posts:
                post.link = None


TestAuthorActions = AuthorActions.TestCase
TestAuthorActions.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, suppress_health_check=list(HealthCheck)
)


# --- builds killed part way, builds at once ------------------------------------------------


def nikola_process(root):
    """``nikola build`` as an author's terminal runs it: a process of its own (it can be killed)."""
    env = dict(os.environ, NIKOLA_NO_COLOR="1")
    env.pop("SITE_URL", None)
    env.pop("BLOG_PREVIEW", None)
    return subprocess.Popen(
        [NIKOLA, "build"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def assert_clean(site, tmp):
    got = nikola_build(site.root, served=True)
    assert got.returncode == 0, got.log
    want = clean_build(site, tmp)
    assert want.returncode == 0, want.log
    found = differences(tree(got.output), tree(want.output))
    assert found == [], "\n".join(found + ["", got.log[-3000:]])
    return got


def writing_started(log, before, process, timeout=30):
    """Wait until the build notes the first unit it writes (plugins/planner/state.py's building.log,
    written anew by each build); False if the build ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if os.stat(log).st_mtime_ns != before:
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    return False


@pytest.mark.e2e
def test_a_build_killed_at_any_point_leaves_what_the_next_build_needs(tmp_path):
    """kill -9 during the first build and during later ones: while it starts and reads, or once it
    writes (a random moment after it notes its first unit, so the kill lands while output/ is half
    written whatever the machine's speed); the build after them gives the clean output."""
    rng = random.Random(11)
    site = Site(tmp_path / "site", seed=3)
    site.write()
    log = site.root / "cache" / "planner" / "output" / "building.log"
    killed, killed_writing = 0, 0
    for round_ in range(6):
        if round_:
            post = site.posts[rng.choice(sorted(site.posts))]
            [
                lambda post=post: post.paragraphs.append("More text."),
                lambda post=post: setattr(post, "title", post.title + " again"),
                site.add,
                lambda: setattr(site, "template_variant", site.template_variant ^ 1),
            ][round_ % 4]()
            site.write()
        before = log.stat().st_mtime_ns if log.exists() else None
        process = nikola_process(site.root)
        if round_ % 3 == 1:
            time.sleep(rng.uniform(0.05, 0.4))  # starting, reading the posts, planning
            writing = False
        else:
            writing = writing_started(log, before, process)
            time.sleep(rng.uniform(0, 0.1))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
            killed_writing += writing
        process.wait()
    assert killed >= 4 and killed_writing >= 3, (killed, killed_writing)
    assert_clean(site, tmp_path)


@pytest.mark.e2e
def test_two_builds_at_once_wait_for_each_other_and_give_the_clean_output(tmp_path):
    site = Site(tmp_path / "site", seed=5)
    site.write()
    assert nikola_build(site.root, served=True).returncode == 0
    site.posts[sorted(site.posts)[0]].title += " retitled"
    site.add()
    site.write()
    first, second = nikola_process(site.root), nikola_process(site.root)
    logs = [first.communicate()[0], second.communicate()[0]]
    assert [first.returncode, second.returncode] == [0, 0], logs
    assert any("waiting for it to end" in log for log in logs), logs
    assert_clean(site, tmp_path)


# --- a post with a mistake, in an incremental build ----------------------------------------------


def test_a_mistake_in_an_incremental_build_is_reported_and_publishes_nothing(tmp_path):
    site = Site(tmp_path / "site", seed=9)
    site.write()
    assert nikola_build(site.root, served=True).returncode == 0
    output = site.root / "output"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()}
    post = site.posts[sorted(site.posts)[1]]
    post.paragraphs.append("A directive that does not exist:\n\n.. frobnicate::\n")
    post.title += " and a mistake"
    site.write()
    failed = nikola_build(site.root, served=True)
    assert failed.returncode != 0
    line = next(n for n, text in enumerate(post.source().splitlines(), 1) if "frobnicate" in text)
    assert f"posts/{post.slug}.rst:{line}: ERROR: Unknown directive type" in failed.log, failed.log
    assert failed.log.rstrip().splitlines()[-1].startswith("nikola build: 1 post with mistakes"), failed.log
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()} == before
    post.paragraphs[-1] = "Fixed."
    site.write()
    assert_clean(site, tmp_path)


# --- what takes the full path ---------------------------------------------------------------------


def built_counts(log):
    """(units built, units kept, posts compiled) from a planner build's output."""
    import re

    m = re.search(r"planner: (\d+) units built, (\d+) kept", log)
    return int(m.group(1)), int(m.group(2)), log.count("render_posts:")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("full") / "site", seed=13)
    site.write()
    first = nikola_build(site.root, served=True)
    assert first.returncode == 0, first.log
    return site, built_counts(first.log)


def copy_built_site(built_site, dest):
    site, counts = built_site
    copy = Site.__new__(Site)
    copy.__dict__.update(site.__dict__)
    copy.root = Path(dest)
    shutil.copytree(site.root, copy.root, symlinks=True)
    copy.template_path = copy.root / "themes" / "openstack" / "templates" / "index.tmpl"
    return copy, counts


def test_a_template_change_renders_every_page_again_and_compiles_nothing(built_site, tmp_path):
    site, (units, _kept, posts) = copy_built_site(built_site, tmp_path / "site")
    site.template_variant = 1
    site.write()
    log = assert_clean(site, tmp_path).log
    assert built_counts(log) == (units, 0, 0), log


@pytest.mark.parametrize("change", ["setting", "plugin"])
def test_a_setting_or_code_change_takes_the_full_path(built_site, tmp_path, change):
    site, (units, _kept, posts) = copy_built_site(built_site, tmp_path / "site")
    if change == "setting":
        site.conf_variant = 1
        site.write()
    else:
        path = site.root / "plugins" / "discovery" / "discovery.py"
        path.write_text(path.read_text() + "\n# a change to the code\n")
    log = assert_clean(site, tmp_path).log
    assert built_counts(log) == (units, 0, posts) and posts == len(site.posts) + 2, log  # and the two pages


def test_a_package_upgrade_or_another_python_drops_the_whole_record(tmp_path, monkeypatch):
    """Every part the record keeps is keyed by the code (plugins/, Python, installed distributions):
    an upgrade of Nikola or of any package changes every key, and loading with new keys drops the parts."""
    import types

    from plugins.planner import inputs, state

    monkeypatch.chdir(tmp_path)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "a.py").write_text("x = 1\n")
    (tmp_path / "conf.py").write_text("BLOG_TITLE = 'x'\n")
    site = types.SimpleNamespace(config={"BLOG_TITLE": "x"}, THEMES=[])
    keys = inputs.keys(site)
    assert inputs.keys(site) == keys  # the same inputs, the same keys
    store = state.Store("output")
    record = state.empty()
    record.update(
        keys=keys,
        units={"u": [b"x", None, [], []]},
        compiled={"p": {}},
        sources={"p": []},
        posts="posts-1.pickle",
        templates={"t": []},
        globals={"g": b""},
    )
    store.save(record)
    assert store.load(keys)["units"] == {"u": [b"x", None, [], []]}
    real = inputs.installed()
    for changed in (real + "\nNikola-8.3.4.dist-info", real.replace(real.split("\n")[0], "3.12.0 (main)")):
        monkeypatch.setattr(inputs, "installed", lambda changed=changed: changed)
        upgraded = inputs.keys(site)
        assert all(upgraded[part] != keys[part] for part in keys), (upgraded, keys)
        dropped = store.load(upgraded)
        assert (dropped["units"], dropped["compiled"], dropped["sources"], dropped["posts"]) == ({}, {}, {}, None)


def test_the_listing_of_output_is_the_same_from_find_and_from_a_walk(tmp_path):
    """The record compares GNU find's listing of output/ with its own stat of the files it wrote: both
    must give the same text for the same file, or every build would see changed files (or miss some)."""
    from plugins.planner import planner

    output = tmp_path / "output"
    names = ["index.html", "a b/ü é.html", "tab\there.txt", "deep/er/x.xml.gz", "old.txt"]
    for i, name in enumerate(names):
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * i)
    os.utime(output / "old.txt", ns=(0, 1_000_000_000))  # a whole second: no fraction
    os.utime(output / "index.html", ns=(0, 1_700_000_000_000_000_001))
    walked = planner.scan_output(str(output))
    check = planner.OutputCheck(str(output))
    assert check.process is not None, "GNU find is what the planner uses here"
    assert check.join() == walked
    assert len(walked) == len(names)
    assert planner.outputs_dict(planner.outputs_blob(walked)) == walked
    assert walked[str(output / "old.txt")] == "4\t1.0000000000"


def test_a_link_to_another_post_follows_its_title_and_waits_for_a_draft(tmp_path):
    """``:doc:`post-2``` shows post 2's title: retitling post 2 recompiles the post that links to it
    (plugins/build_speed's slug index notes the lookup). A link to a draft stops the build at the
    link, naming the draft (plugins/rest_doc_links); once the draft is published, the next build
    makes the link, as a clean build does."""
    site = Site(tmp_path / "site", seed=8)
    first, second = sorted(site.posts)[:2]
    site.posts[first].link = second
    site.posts[first].paragraphs.append(f"See :doc:`{second}`.")
    site.write()
    assert nikola_build(site.root, served=True).returncode == 0
    site.posts[second].title = "A new title for the linked post"
    site.write()
    got = assert_clean(site, tmp_path)
    assert "A new title for the linked post" in (got.output / "posts" / first / "index.html").read_text()
    site.posts[second].status = "draft"
    site.write()
    failed = nikola_build(site.root, served=True)
    assert failed.returncode != 0
    assert f'ERROR: "{second}" is a draft (posts/{second}.rst): it has no page to link to' in failed.log
    site.posts[second].status = None
    site.write()
    assert_clean(site, tmp_path)
