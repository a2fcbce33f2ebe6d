"""scripts/deploy.py: only a fresh, successful, orphan-free build that keeps every
URL and feed GUID readers hold goes live, in one step, locally or over SSH.

A small site (the project's frame plus tests/sites/good and a "marker" post)
is deployed to a temporary target with the script's command line; a few tests
publish plain folders instead, where no build is needed. SSH targets are
reached through OpenSSH's sshd on 127.0.0.1 (tests/support/sshd.py), with a
throwaway key, and a link that drops mid-copy (tests/support/cut_link.py).
nginx serves the target's ``current`` as readers get it; one test reads a
page, its stylesheet and a feed over and over while a different build is
deployed.
"""

import http.client
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from support import nginx, sshd
from support.sitebuild import ROOT, copy_site, nikola_build

sys.path.insert(0, str(ROOT / "scripts"))
import deploy  # noqa: E402

pytestmark = pytest.mark.e2e

DEPLOY = [sys.executable, str(ROOT / "scripts" / "deploy.py")]
STYLESHEET = "themes/openstack/assets/css/site.css"
MARKER_POST = """\
.. title: Which build this is
.. slug: marker
.. date: 2020-02-01 12:00:00+00:00
.. tags: test
.. category: events
.. author: Test Author
.. description: Names the build that made this page.

This page was built as {0}.
"""
# What the end-to-end test reads, and the file behind each.
POLLED = {
    "/posts/marker/": "posts/marker/index.html",
    "/assets/css/site.css": "assets/css/site.css",
    "/rss.xml": "rss.xml",
}


def stamp(site, marker):
    """Make ``marker`` appear in the marker post, the stylesheet and (through the post) the feeds."""
    (site / "posts" / "marker.rst").write_text(MARKER_POST.format(marker))
    (site / STYLESHEET).write_text((ROOT / STYLESHEET).read_text() + f"\n/*! built as {marker} */\n")


def run_deploy(*args, **env_vars):
    env = dict(os.environ, NIKOLA_NO_COLOR="1", **env_vars)
    env.pop("SITE_URL", None)
    return subprocess.run(
        DEPLOY + list(args), env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600
    )


def live(target):
    return os.readlink(target / "current")


def tree(folder):
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def fake_output(folder, text, posts=(), guids=None):
    """A folder shaped enough like a build for ``publish``: a home page, a page
    per slug in ``posts`` and an RSS feed of them (``guids``: {slug: GUID})."""
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    items = []
    for slug in posts:
        (folder / "posts" / slug).mkdir(parents=True)
        (folder / "posts" / slug / "index.html").write_text(f"{slug}: {text}")
        guid = (guids or {}).get(slug, f"http://graham.hayes.ie/posts/{slug}/")
        items.append(
            f"<item><title>{slug}</title><link>https://blog.example.org/posts/{slug}/</link><guid>{guid}</guid></item>"
        )
    (folder / "rss.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>t</title>{0}</channel></rss>\n".format("".join(items))
    )
    return folder


def get(base_url, path):
    try:
        with urllib.request.urlopen(base_url + path, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture(scope="module")
def ssh_server(tmp_path_factory):
    try:
        with sshd.serve(tmp_path_factory.mktemp("sshd")) as server:
            yield server
    except sshd.Unavailable as why:
        pytest.skip(str(why))


@pytest.fixture(params=["local", "ssh"])
def place(request, tmp_path):
    """(Target, the folder it is on this machine): a local folder, or the same over SSH."""
    folder = tmp_path / "the host" / "srv blog"  # spaces: the quoting must hold, locally and over ssh
    if request.param == "local":
        return deploy.Target(str(folder)), folder
    server = request.getfixturevalue("ssh_server")
    return deploy.Target(f"{server.host}:{folder}", ssh=server.ssh), folder


def state(folder):
    """What a deploy may change on a target: the live release and every entry under releases/."""
    return os.readlink(folder / "current"), sorted(os.listdir(folder / "releases")), tree(folder / "current")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_site(
        tmp_path_factory.mktemp("deploy") / "site", overlay=ROOT / "tests" / "sites" / "good", with_posts=False
    )
    stamp(root, "first")
    build = nikola_build(root, served=True)
    assert build.returncode == 0, build.log
    return root


# --- the command line, with real builds ---------------------------------------------


def test_deploy_twice_then_roll_back(site, tmp_path):
    target = tmp_path / "target"
    stamp(site, "build A")
    first = run_deploy("deploy", str(target), "--site", str(site))
    assert first.returncode == 0, first.stdout
    release_a, build_a = live(target), tree(site / "output")
    assert tree(target / "current") == build_a
    assert "built as build A" in (target / "current" / "posts" / "marker" / "index.html").read_text()

    stamp(site, "build B")
    second = run_deploy("deploy", str(target), "--site", str(site))
    assert second.returncode == 0, second.stdout
    release_b = live(target)
    assert release_b != release_a and sorted(os.listdir(target / "releases")) == sorted(
        [release_a.split("/")[-1], release_b.split("/")[-1]]
    )
    assert tree(target / "current") == tree(site / "output")
    assert "built as build B" in (target / "current" / "posts" / "marker" / "index.html").read_text()

    back = run_deploy("rollback", str(target))
    assert back.returncode == 0, back.stdout
    assert live(target) == release_a and tree(target / "current") == build_a
    # nothing older than A: a second rollback is refused and changes nothing
    again = run_deploy("rollback", str(target))
    assert again.returncode == 1 and "no release older" in again.stdout
    assert live(target) == release_a


def test_a_failed_build_is_not_deployed(site, tmp_path):
    target = tmp_path / "target"
    deploy.publish(fake_output(tmp_path / "old", "old site"), deploy.Target(str(target)))
    before = (live(target), sorted(os.listdir(target / "releases")))
    broken = site / "posts" / "broken.rst"
    broken.write_text(MARKER_POST.format("broken").replace("slug: marker", "slug: broken") + "\n.. frobnicate::\n")
    try:
        result = run_deploy("deploy", str(target), "--site", str(site))
    finally:
        broken.unlink()
    assert result.returncode == 1 and "the build failed: nothing was deployed" in result.stdout
    assert (live(target), sorted(os.listdir(target / "releases"))) == before
    assert (target / "current" / "index.html").read_text() == "old site"


# A plugin that writes a file into output/ without declaring it as a target,
# after every other task: an orphan that survives the build, for check -f to find.
STRAY_PLUGIN = """[Core]
name = stray_output
module = stray_output

[Nikola]
PluginCategory = LateTask
"""
STRAY_MODULE = """from nikola.plugin_categories import LateTask


def write(path):
    with open(path, "w") as f:
        f.write("no task declares this file")


class StrayOutput(LateTask):
    name = "stray_output"

    def gen_tasks(self):
        yield {"basename": self.name, "name": "stray", "task_dep": ["render_site"], "uptodate": [False],
               "actions": [(write, ("output/stray.txt",))]}
"""


def test_a_build_with_an_orphan_file_is_not_deployed(site, tmp_path):
    target = tmp_path / "target"
    deploy.publish(fake_output(tmp_path / "old", "old site"), deploy.Target(str(target)))
    before = (live(target), sorted(os.listdir(target / "releases")))
    plugin = site / "plugins" / "stray_output"
    plugin.mkdir()
    (plugin / "stray_output.plugin").write_text(STRAY_PLUGIN)
    (plugin / "stray_output.py").write_text(STRAY_MODULE)
    try:
        result = run_deploy("deploy", str(target), "--site", str(site))
    finally:
        shutil.rmtree(plugin)
        (site / "output" / "stray.txt").unlink(missing_ok=True)
    assert result.returncode == 1, result.stdout
    assert "output/stray.txt" in result.stdout and "nothing was deployed" in result.stdout
    assert (live(target), sorted(os.listdir(target / "releases"))) == before


# --- publish and rollback, on plain folders ---------------------------------------------


def test_only_the_newest_releases_are_kept(tmp_path):
    target = deploy.Target(str(tmp_path / "target"))
    made = [deploy.publish(fake_output(tmp_path / str(n), f"site {n}"), target, keep=3) for n in range(5)]
    assert sorted(os.listdir(tmp_path / "target" / "releases")) == made[-3:]
    assert (tmp_path / "target" / "current" / "index.html").read_text() == "site 4"
    assert deploy.rollback(target) == made[3]
    assert (tmp_path / "target" / "current" / "index.html").read_text() == "site 3"
    assert deploy.status(target).splitlines() == ["  " + made[2], "* " + made[3], "  " + made[4]]


def test_a_half_copied_release_is_never_live_and_is_cleared(tmp_path):
    target = deploy.Target(str(tmp_path / "target"))
    first = deploy.publish(fake_output(tmp_path / "a", "a"), target)
    leftover = tmp_path / "target" / "releases" / (deploy.INCOMING + "20000101T000000.000000Z")
    leftover.mkdir()  # what a deploy interrupted during the copy leaves
    assert target.releases() == [first]
    second = deploy.publish(fake_output(tmp_path / "b", "b"), target)
    assert sorted(os.listdir(tmp_path / "target" / "releases")) == [first, second]


# --- over SSH, against a real sshd ---------------------------------------------------


def test_deploy_twice_and_roll_back_over_ssh_as_nginx_serves_it(site, ssh_server, tmp_path):
    remote = tmp_path / "srv"  # no space: tests/support/nginx.py writes it into nginx.conf unquoted
    spec = f"{ssh_server.host}:{remote}"
    ssh = {
        "DEPLOY_SSH": ssh_server.ssh,
        # runs on the target's host after each switch: sshd's session says so
        "DEPLOY_RELOAD": 'echo "$SSH_CONNECTION $(readlink {0})" >> {1}'.format(
            shlex.quote(str(remote / "current")), shlex.quote(str(tmp_path / "reloads"))
        ),
    }
    stamp(site, "build A over ssh")
    first = run_deploy("deploy", spec, "--site", str(site), **ssh)
    assert first.returncode == 0, first.stdout
    release_a = live(remote)
    assert tree(remote / "current") == tree(site / "output")
    with nginx.serve(remote / "current") as base_url:
        assert get(base_url, "/posts/marker/") == (200, (site / "output/posts/marker/index.html").read_text())
        stamp(site, "build B over ssh")
        second = run_deploy("deploy", spec, "--site", str(site), **ssh)
        assert second.returncode == 0, second.stdout
        release_b = live(remote)
        assert release_b != release_a
        assert "built as build B over ssh" in get(base_url, "/posts/marker/")[1]
        back = run_deploy("rollback", spec, **ssh)
        assert back.returncode == 0, back.stdout
        assert live(remote) == release_a
        assert "built as build A over ssh" in get(base_url, "/posts/marker/")[1]
    assert sorted(os.listdir(remote / "releases")) == sorted(r.split("/")[-1] for r in (release_a, release_b))
    # the reload command ran in an SSH session, once after each switch
    reloads = [line.split() for line in (tmp_path / "reloads").read_text().splitlines()]
    assert [line[0] for line in reloads] == ["127.0.0.1"] * 3
    assert [line[-1] for line in reloads] == ["releases/" + r.split("/")[-1] for r in (release_a, release_b, release_a)]


def test_a_failed_reload_says_the_switch_happened_and_how_to_go_back(tmp_path, ssh_server):
    remote = tmp_path / "target"
    target = deploy.Target(f"{ssh_server.host}:{remote}", ssh=ssh_server.ssh)
    first = deploy.publish(fake_output(tmp_path / "a", "a"), target)
    with pytest.raises(deploy.Refused) as refused:
        deploy.publish(fake_output(tmp_path / "b", "b"), target, reload="exit 3")
    message = str(refused.value)
    assert "'exit 3' failed (exit 3)" in message and "switch has already happened" in message
    assert "rollback" in message
    second = live(remote).split("/")[-1]
    assert second != first and (remote / "current" / "index.html").read_text() == "b"
    with pytest.raises(deploy.Refused, match=f"switch has already happened: {first} is live"):
        deploy.rollback(target, reload="exit 3")
    assert (remote / "current" / "index.html").read_text() == "a"


def test_a_connection_cut_during_the_copy_leaves_the_live_release_and_the_next_deploy_works(tmp_path, ssh_server):
    remote = tmp_path / "target"
    target = deploy.Target(f"{ssh_server.host}:{remote}", ssh=ssh_server.ssh)
    first = deploy.publish(fake_output(tmp_path / "a", "a", posts=["kept"]), target)
    before = state(remote)
    big = fake_output(tmp_path / "b", "b", posts=["kept"])
    # Random bytes (nothing to compress) well past the link's cut: the copy is cut mid-file.
    (big / "big.bin").write_bytes(os.urandom(4 * sshd.CUT_AFTER))
    cut = deploy.Target(f"{ssh_server.host}-cut:{remote}", ssh=ssh_server.ssh)
    with pytest.raises(deploy.Refused, match="(?s)rsync .* failed.*readers still get the live release"):
        deploy.publish(big, cut)
    assert [n for n in os.listdir(remote / "releases") if n.startswith(deploy.INCOMING)], (
        "the copy was cut before it began: nothing tested"
    )
    after_cut = state(remote)
    assert after_cut[0] == before[0] and after_cut[2] == before[2]  # readers see the same release
    assert [n for n in after_cut[1] if deploy.RELEASE.match(n)] == [first]
    with nginx.serve(remote / "current") as base_url:
        assert get(base_url, "/posts/kept/") == (200, "kept: a")
        second = deploy.publish(big, target)
        assert get(base_url, "/posts/kept/") == (200, "kept: b")
    assert sorted(os.listdir(remote / "releases")) == [first, second]  # the half copy is gone
    assert tree(remote / "current") == tree(big)


# --- the guard: what readers hold ------------------------------------------------------


def test_a_release_that_drops_a_url_is_refused_until_redirects_txt_answers_for_it(tmp_path, place):
    target, folder = place
    deploy.publish(fake_output(tmp_path / "a", "a", posts=["kept", "gone", "moved"]), target)
    before = state(folder)
    new = fake_output(
        tmp_path / "b", "b", posts=["kept", "moved-here"], guids={"moved-here": "http://graham.hayes.ie/posts/moved/"}
    )
    with pytest.raises(deploy.Refused) as refused:
        deploy.publish(new, target, records=[])
    message = str(refused.value)
    assert "nothing was deployed" in message
    for url in ("/posts/gone/", "/posts/moved/"):
        assert f"{url}: the live release serves it" in message
        assert f"`301 {url} /its/new/path/`" in message and f"`410 {url}`" in message
    assert "/posts/kept/" not in message and "/posts/gone/index.html" not in message  # the page, once
    assert state(folder) == before

    records, problems = deploy.redirects.parse("301 /posts/moved/ /posts/moved-here/\n410 /posts/gone/\n")
    assert problems == []
    release = deploy.publish(new, target, records=records)
    assert live(folder) == "releases/" + release and (folder / "current" / "index.html").read_text() == "b"


def test_a_release_that_changes_a_posts_feed_guid_is_refused(tmp_path, place):
    target, folder = place
    deploy.publish(fake_output(tmp_path / "a", "a", posts=["old-slug"]), target)
    before = state(folder)
    records, _ = deploy.redirects.parse("301 /posts/old-slug/ /posts/new-slug/\n")
    new_guid = fake_output(tmp_path / "b", "b", posts=["new-slug"])  # the GUID follows the new path
    with pytest.raises(deploy.Refused) as refused:
        deploy.publish(new_guid, target, records=records)
    message = str(refused.value)
    assert "/posts/new-slug/ had the feed GUID http://graham.hayes.ie/posts/old-slug/" in message
    assert "add `.. guid: http://graham.hayes.ie/posts/old-slug/`" in message
    assert state(folder) == before

    kept = fake_output(
        tmp_path / "c", "c", posts=["new-slug"], guids={"new-slug": "http://graham.hayes.ie/posts/old-slug/"}
    )
    deploy.publish(kept, target, records=records)
    assert (folder / "current" / "posts" / "new-slug" / "index.html").read_text() == "new-slug: c"


def test_nothing_is_compared_before_the_first_release(tmp_path, place):
    target, folder = place
    deploy.publish(fake_output(tmp_path / "a", "a"), target, records=[])
    assert (folder / "current" / "index.html").read_text() == "a"


def test_a_mistake_in_redirects_txt_stops_the_deploy_with_its_line(tmp_path):
    (tmp_path / "redirects.txt").write_text("410 /posts/a/\n302 /posts/b/ /posts/c/\n")
    with pytest.raises(deploy.Refused, match=r"redirects.txt:2: ERROR: '302'"):
        deploy.records_of(tmp_path)


def test_deleting_a_post_is_refused_until_recorded_as_gone(site, tmp_path):
    target = tmp_path / "target"
    stamp(site, "before the deletion")
    first = run_deploy("deploy", str(target), "--site", str(site))
    assert first.returncode == 0, first.stdout
    before = (live(target), tree(target / "current"))
    marker = (site / "posts" / "marker.rst").read_text()
    (site / "posts" / "marker.rst").unlink()
    try:
        refused = run_deploy("deploy", str(target), "--site", str(site))
        assert refused.returncode == 1, refused.stdout
        assert "/posts/marker/: the live release serves it and this one does not" in refused.stdout
        assert (live(target), tree(target / "current")) == before
        named = [
            line.split(":")[0].strip() for line in refused.stdout.splitlines() if ": the live release serves it" in line
        ]
        (site / "redirects.txt").write_text("".join(f"410 {url}\n" for url in named))
        accepted = run_deploy("deploy", str(target), "--site", str(site))
        assert accepted.returncode == 0, accepted.stdout
        assert not (target / "current" / "posts" / "marker").exists()
    finally:
        (site / "posts" / "marker.rst").write_text(marker)
        (site / "redirects.txt").unlink(missing_ok=True)
        rebuilt = nikola_build(site, served=True)  # the other tests publish the site's output/ as it is
        assert rebuilt.returncode == 0, rebuilt.log


def test_a_target_is_remote_only_with_a_colon_before_any_slash():
    assert deploy.Target("host:/srv/blog").host == "host"
    assert deploy.Target("user@host:relative").host == "user@host"
    assert deploy.Target("/srv/odd:name").host is None
    assert deploy.Target("./odd:name").host is None


# --- readers during a deploy ------------------------------------------------------


class Poller(threading.Thread):
    """Reads every POLLED path in turn, over and over, until told to stop."""

    def __init__(self, base_url):
        super().__init__(daemon=True)
        self.port = int(base_url.rsplit(":", 1)[1])
        self.responses, self.polls_after_stop = [], 0
        self.stopping = threading.Event()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while self.polls_after_stop < 5:
            if self.stopping.is_set():
                self.polls_after_stop += 1
            time.sleep(0.002)  # leave the deploy's build some of the CPU
            for path in POLLED:
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    self.responses.append((path, response.status, response.read()))
                except (OSError, http.client.HTTPException) as error:
                    self.responses.append((path, repr(error), b""))
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.close()


def test_readers_see_the_old_site_or_the_new_one_never_a_mix(site, tmp_path):
    target = tmp_path / "target"
    deploy.publish(site / "output", deploy.Target(str(target)))  # whichever build the site holds
    old = {path: (target / "current" / rel).read_bytes() for path, rel in POLLED.items()}
    stamp(site, "the new build")
    with nginx.serve(target / "current") as base_url:
        poller = Poller(base_url)
        poller.start()
        try:
            result = run_deploy("deploy", str(target), "--site", str(site))
        finally:
            poller.stopping.set()
            poller.join(30)
    assert result.returncode == 0, result.stdout
    new = {path: (target / "current" / rel).read_bytes() for path, rel in POLLED.items()}
    assert all(old[p] != new[p] for p in POLLED), "each polled file must differ between the builds"

    def version(path, status, body):
        return "old" if (status, body) == (200, old[path]) else "new" if (status, body) == (200, new[path]) else None

    seen = [version(*r) for r in poller.responses]
    broken = [
        (path, status, body[:80]) for (path, status, body), v in zip(poller.responses, seen, strict=True) if v is None
    ]
    assert broken == [], "an error or a response from neither build (a partial or mixed file)"
    # One switch, at one instant: every response before it is old, every one after it new.
    assert seen[0] == "old" and seen[-1] == "new"
    switch = seen.index("new")
    assert "old" not in seen[switch:], "a request after the switch was answered from the old release"
    # So every poll (page, stylesheet, feed) is wholly old or wholly new, except
    # at most the one in flight at the switch, which starts old and ends new.
