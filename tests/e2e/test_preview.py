"""The author's preview (``make serve``): a saved post is served at once, its mistakes are shown,
the site ends as a clean build.

What an author would lose if this failed: a preview that shows an old page
after a save, a mistake they only find in the terminal (or not at all), a
half-written page, or a preview whose output/ differs from what ``make site``
publishes after posts were added or deleted.

One preview server (``nikola preview``, plugins/preview) runs on a copy of
the good fixture site for the whole module; the tests edit its sources as
an author would and read what it serves. Nothing here times anything: each
wait polls until the expected text or state appears (or a generous limit
passes, which fails the test).
"""

import json
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from support import golden
from support.sitebuild import NIKOLA, ROOT, _environment, copy_built, copy_site, nikola_build

pytestmark = pytest.mark.e2e
pytest_plugins = ["support.fixtures"]

SITES = ROOT / "tests" / "sites"
LIMIT = 60  # seconds before a wait fails: far above any real duration
POST = "posts/post.rst"
PAGE = "/posts/a-good-post/"


class Preview:
    """A running ``nikola preview --port 0`` and what it printed."""

    def __init__(self, root):
        self.root = root
        self.log = []
        self.proc = subprocess.Popen(
            [NIKOLA, "preview", "--port", "0"],
            cwd=root,
            env=_environment({}, False),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        serving = threading.Event()

        def read():
            for line in self.proc.stdout:
                self.log.append(line)
                m = re.search(r"on (http://127\.0\.0\.1:\d+/)", line)
                if m:
                    self.url = m.group(1)
                    serving.set()

        threading.Thread(target=read, daemon=True).start()
        assert serving.wait(LIMIT), "".join(self.log)

    def get(self, path):
        """(status, headers, body) of ``path``; (None, {}, "") while the server restarts."""
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=10) as r:
                return r.status, dict(r.headers), r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError):
            return None, {}, ""

    def status(self):
        code, _, body = self.get("/__preview/status")
        return json.loads(body) if code == 200 else None

    def wait(self, what, predicate):
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        pytest.fail("the preview never {0}; it printed:\n{1}".format(what, "".join(self.log[-40:])))

    def settled_after(self, before):
        """Wait until the background build after a change is done (or the server restarted after it)."""

        def done():
            s = self.status()
            return s and not s["building"] and (s["boot"] != before["boot"] or s["generation"] > before["generation"])

        return self.wait("finished its background build", done)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def preview(tmp_path_factory, good_site):
    # A copy of the built good site: the preview's first build finds it up to date.
    root = copy_built(good_site.root, tmp_path_factory.mktemp("preview") / "site")
    running = Preview(root)
    yield running
    running.stop()


def save(path, text):
    path.write_text(text, encoding="utf-8")


def test_pages_are_served_with_the_site_policy_and_the_reload_script(preview):
    code, headers, body = preview.get(PAGE)
    assert code == 200
    import runpy

    policy = runpy.run_path(str(ROOT / "conf.py"))["CONTENT_SECURITY_POLICY"]
    assert headers["Content-Security-Policy"] == policy + "; frame-ancestors 'none'"
    assert '<script src="/__preview/reload.js"></script></body>' in body
    code, headers, script = preview.get("/__preview/reload.js")
    assert code == 200 and headers["Content-Type"].startswith("text/javascript")
    assert 'new EventSource("/__preview/events")' in script
    code, _, body = preview.get("/no/such/page/")
    assert code == 404 and "<h1" in body


def test_a_saved_post_is_served_with_its_new_text(preview):
    post = preview.root / POST
    save(post, post.read_text() + "\nA sentence saved by the author, number one.\n")
    preview.wait("served the new text", lambda: "saved by the author, number one" in preview.get(PAGE)[2])


def test_a_post_with_a_mistake_keeps_its_page_and_names_the_file_and_line(preview):
    post = preview.root / POST
    good = post.read_text()
    save(post, good + "\nA sentence saved by the author, number two.\n")
    preview.wait("served the second text", lambda: "number two" in preview.get(PAGE)[2])
    lines = good.count("\n") + 3
    save(post, good + "\nA sentence that never shows.\n\n.. frobnicate::\n")
    problems = preview.wait("reported the mistake", lambda: (preview.status() or {}).get("problems"))
    assert any(p.startswith(f"{POST}:{lines + 1}: ERROR: Unknown directive type") for p in problems), problems
    assert any(f"{POST}:{lines + 1}: ERROR" in line for line in preview.log)  # the terminal too
    before = preview.status()
    preview.settled_after(before)
    page = preview.get(PAGE)[2]
    assert "number two" in page and "never shows" not in page and "frobnicate" not in page
    save(post, good)
    preview.wait("cleared the mistake", lambda: (preview.status() or {"problems": 1})["problems"] == [])


def test_added_and_deleted_posts_end_as_a_clean_build(preview, tmp_path):
    post = preview.root / "posts" / "added.rst"
    text = (
        (SITES / "good" / POST)
        .read_text()
        .replace("a-good-post", "an-added-post")
        .replace("A good post", "An added post")
    )
    before = preview.status()
    save(post, text)
    preview.wait("served the added post", lambda: preview.get("/posts/an-added-post/")[0] == 200)
    preview.settled_after(before)
    assert_output_is_a_clean_build(preview.root, tmp_path / "added")
    before = preview.status()
    post.unlink()
    preview.settled_after(before)
    assert preview.get("/posts/an-added-post/")[0] == 404
    assert_output_is_a_clean_build(preview.root, tmp_path / "deleted")


def assert_output_is_a_clean_build(root, dest):
    clean = copy_site(dest, with_posts=False)
    for part in ("posts", "pages", "images", "listings"):  # the sources as the preview left them
        shutil.rmtree(clean / part, ignore_errors=True)
        if (root / part).is_dir():
            shutil.copytree(root / part, clean / part)
    for name in ("conf.py", "docutils.conf"):
        (clean / name).write_bytes((root / name).read_bytes())
    build = nikola_build(clean)
    assert build.returncode == 0, build.log
    found = golden.differences(golden.files(root / "output"), golden.files(clean / "output"))
    assert found == []


@pytest.mark.browser
def test_the_browser_reloads_and_shows_mistakes_over_the_last_good_page(preview, chromium):
    from support import browser as web

    context = web.new_context(chromium, preview.url, 1280, "light")
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    with page.expect_response("**/__preview/status"):  # reload.js asks once its events are connected
        page.goto(PAGE)
    post = preview.root / POST
    good = post.read_text()
    save(post, good + "\n.. frobnicate::\n")
    page.wait_for_selector("#preview-problems", timeout=LIMIT * 1000)
    assert f"{POST}:" in page.inner_text("#preview-problems")
    assert "Unknown directive type" in page.inner_text("#preview-problems")
    for scheme in ("light", "dark"):  # the overlay is readable over the page in either scheme
        page.emulate_media(color_scheme=scheme)
        assert web.axe_violations(page, rules=["color-contrast"]) == [], scheme
    save(post, good + "\nSeen in the browser after a reload.\n")
    page.wait_for_selector("text=Seen in the browser after a reload.", timeout=LIMIT * 1000)
    page.wait_for_selector("#preview-problems", state="detached", timeout=LIMIT * 1000)
    assert refused == [] and context.third_party == []
    context.close()
