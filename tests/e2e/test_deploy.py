"""scripts/deploy.py: only a fresh, successful, orphan-free build goes live, in one step.

A small site (the project's frame plus tests/sites/good and a "marker" post)
is deployed to a temporary target with the script's command line; a few tests
publish plain folders instead, where no build is needed. The last test serves
the target's ``current`` with nginx and reads a page, its stylesheet and a
feed over and over while a different build is deployed.
"""

import http.client
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from support.sitebuild import ROOT, copy_site, nikola_build
from support import nginx

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
POLLED = {"/posts/marker/": "posts/marker/index.html", "/assets/css/site.css": "assets/css/site.css",
          "/rss.xml": "rss.xml"}


def stamp(site, marker):
    """Make ``marker`` appear in the marker post, the stylesheet and (through the post) the feeds."""
    (site / "posts" / "marker.rst").write_text(MARKER_POST.format(marker))
    (site / STYLESHEET).write_text((ROOT / STYLESHEET).read_text() + "\n/*! built as {0} */\n".format(marker))


def run_deploy(*args):
    env = dict(os.environ, NIKOLA_NO_COLOR="1")
    env.pop("SITE_URL", None)
    return subprocess.run(DEPLOY + list(args), env=env, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=600)


def live(target):
    return os.readlink(target / "current")


def tree(folder):
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def fake_output(folder, text):
    """A folder shaped enough like a build for ``publish``."""
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("deploy") / "site", overlay=ROOT / "tests" / "sites" / "good",
                     with_posts=False)
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
        [release_a.split("/")[-1], release_b.split("/")[-1]])
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
    broken.write_text(MARKER_POST.format("broken").replace("slug: marker", "slug: broken")
                      + "\n.. frobnicate::\n")
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
    made = [deploy.publish(fake_output(tmp_path / str(n), "site {0}".format(n)), target, keep=3) for n in range(5)]
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


def test_the_ssh_path_runs_the_same_commands_through_ssh(tmp_path, monkeypatch):
    """A stand-in ``ssh`` runs each command here as sshd would on the host, so
    the quoting, rsync's ``host:path`` and the remote commands are exercised."""
    bin_dir, log = tmp_path / "bin", tmp_path / "ssh.log"
    bin_dir.mkdir()
    (bin_dir / "ssh").write_text(
        "#!/bin/sh\n"
        "while [ $# -gt 0 ]; do case \"$1\" in -l|-p|-o|-i) shift 2;; -*) shift;; *) break;; esac; done\n"
        "echo \"$1\" >> {0}\n"
        "shift\n"
        "exec sh -c \"$*\"\n".format(log))
    (bin_dir / "ssh").chmod(0o755)
    monkeypatch.setenv("PATH", "{0}:{1}".format(bin_dir, os.environ["PATH"]))
    remote = tmp_path / "the host" / "srv blog"  # spaces: the quoting must hold
    target = deploy.Target("www@blog.example.org:" + str(remote))
    assert (target.host, target.path) == ("www@blog.example.org", str(remote))
    first = deploy.publish(fake_output(tmp_path / "a", "a"), target)
    second = deploy.publish(fake_output(tmp_path / "b", "b"), target)
    assert (remote / "current" / "index.html").read_text() == "b"
    assert deploy.rollback(target) == first and (remote / "current" / "index.html").read_text() == "a"
    assert sorted(os.listdir(remote / "releases")) == [first, second]
    assert set(log.read_text().split()) == {"www@blog.example.org", "blog.example.org"}  # ours, and rsync's


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
    broken = [(path, status, body[:80]) for (path, status, body), v in zip(poller.responses, seen, strict=True) if v is None]
    assert broken == [], "an error or a response from neither build (a partial or mixed file)"
    # One switch, at one instant: every response before it is old, every one after it new.
    assert seen[0] == "old" and seen[-1] == "new"
    switch = seen.index("new")
    assert "old" not in seen[switch:], "a request after the switch was answered from the old release"
    # So every poll (page, stylesheet, feed) is wholly old or wholly new, except
    # at most the one in flight at the switch, which starts old and ends new.
