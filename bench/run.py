#!/usr/bin/env python3
"""Build speed and page weight of our blog, side by side with Pelican and Hugo.

    .venv/bin/python bench/run.py --sizes 100 1000 --repeat 3

For each N it generates the synthetic corpus (bench/generate.py) and, for
every repeat, runs in this order (alternating which of ours and Pelican goes
first, so drift on a shared machine hits both alike):

* ours: ``nikola build`` in a fresh copy (full clean build), again with
  nothing changed (no-op), then after appending a paragraph to one post
  (one-post edit), then after each of what else authors do
  (``Ours.scenarios``: a title and tags change, a new post, a deleted post,
  a back-dated post); the same with ``nikola build -n 2`` (what
  ``make site`` runs on two cores); then the preview (``nikola preview``,
  what ``make serve`` runs): five saves of that post, each timed from the
  save until its URL serves the new text, and until the background build
  is done; what precompression (plugins/precompress) costs, by running it
  alone on a copy of the output without its copies; the output's size, by
  part, with and without the ``.gz``/``.br`` copies;
* Pelican (latest 4.x, in bench/work/pelican-venv): the same three, its
  content cache on (the clean build starts without a cache);
* Hugo (Debian's ``hugo``, if installed): the same three on the Markdown twin,
  and the same five saves under ``hugo server`` (its fast render mode);
* the floor: docutils alone on the N bodies in one process (bench/floor.py).

Each build runs in a fresh subprocess; its wall time, CPU time and peak
memory (largest process, from wait4's rusage; and the whole process tree,
sampled from /proc) are recorded, with the number of output files and how
many of them the build (re)wrote. Page weight (HTML + CSS + JS bytes a
reader downloads, images excluded) is measured on the home page and a
typical post of each full build. The raw runs go to bench/results/raw/ (not
in git), one summary per N to bench/results/<date>T<time>Z-<N>.json, and the
tables, computed from the newest summary of each N, to bench/RESULTS.md
(bench/report.py). Nothing here asserts anything about speed.
"""

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402
import goals  # noqa: E402
import report as report_md  # noqa: E402
import search as search_bench  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
OUR_PYTHON = ROOT / ".venv" / "bin" / "python"
PELICAN_VENV = WORK / "pelican-venv"
PELICAN_REQUIREMENTS = BENCH / "requirements-pelican.txt"
RESULTS = BENCH / "results"
SITE_URL = "http://graham.hayes.ie/"  # conf.py's default; links to it are local files

SCENARIOS = goals.SCENARIOS
PREVIEW_EDITS = report_md.PREVIEW_EDITS
PREVIEW_LIMIT = 900  # seconds: start-up at N = 10,000 included
COPIES = (".gz", ".br")


def our_python():
    return OUR_PYTHON if OUR_PYTHON.exists() else Path(sys.executable)


# --- running one build and measuring it --------------------------------------------


def _descendants(pid):
    """pid and every process below it, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, ()))
    return found


def _pss_kb(pid):
    """Proportional set size (shared pages split between sharers), or RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed PSS of a process tree, sampled every ``interval`` s."""

    def __init__(self, pid, interval=0.2):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            total = sum(_pss_kb(p) for p in _descendants(self.pid))
            self.peak_kb = max(self.peak_kb, total)
            self.done.wait(self.interval)


def measure(cmd, cwd, env=None, sample_tree=True):
    """Run ``cmd`` in a fresh process; wall, CPU and memory of it and its children."""
    run_env = dict(os.environ, NIKOLA_NO_COLOR="1")
    run_env.pop("SITE_URL", None)
    run_env.update(env or {})
    out = open(Path(cwd) / ".bench-last.log", "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=run_env, stdout=out, stderr=subprocess.STDOUT)
    sampler = TreeSampler(proc.pid) if sample_tree else None
    if sampler:
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if sampler:
        sampler.done.set()
        sampler.join()
    out.close()
    result = {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        # Linux: the largest resident set of the process and its waited-for children.
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "peak_tree_pss_mb": (sampler.peak_kb / 1024) if sampler else None,
        "rc": proc.returncode,
    }
    if proc.returncode != 0:
        log = (Path(cwd) / ".bench-last.log").read_text(errors="replace")
        raise RuntimeError(
            "{0} failed in {1} (rc {2}):\n{3}".format(" ".join(map(str, cmd)), cwd, proc.returncode, log[-4000:])
        )
    return result


def snapshot(folder):
    """{relative path: (mtime_ns, size, inode)} of every file under ``folder``."""
    folder = Path(folder)
    found = {}
    if not folder.exists():
        return found
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            p = os.path.join(dirpath, name)
            st = os.stat(p)
            found[os.path.relpath(p, folder)] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return found


def written(before, after):
    """Output files (re)written: {"total": n, "by_folder": {top-level folder: n}}."""
    changed = [k for k, v in after.items() if before.get(k) != v]
    by_folder = {}
    for path in changed:
        top = path.split(os.sep, 1)[0] if os.sep in path else "."
        by_folder[top] = by_folder.get(top, 0) + 1
    return {"total": len(changed), "by_folder": by_folder}


# --- output size, precompression ---------------------------------------------------


def output_parts(folder):
    """Bytes and files of ``folder`` by part, the ``.gz``/``.br`` copies apart."""
    parts = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            if name.endswith(COPIES):
                part = "copies"
            elif rel.startswith("feeds/archive/"):
                part = "feed archives"
            elif name.endswith((".xml", ".atom")) and rel != "sitemap.xml":
                part = "current feeds"
            elif rel.startswith("pagefind/"):
                part = "search index"
            elif name.endswith(".html"):
                part = "pages"
            else:
                part = "other"
            entry = parts.setdefault(part, {"bytes": 0, "files": 0})
            entry["bytes"] += os.path.getsize(path)
            entry["files"] += 1
    own = sum(v["bytes"] for k, v in parts.items() if k != "copies")
    return {"own_bytes": own, "copies_bytes": parts.get("copies", {}).get("bytes", 0), "parts": parts}


def precompress_cost(output):
    """Wall and CPU seconds of plugins/precompress alone, on a copy of ``output`` without its copies."""
    with tempfile.TemporaryDirectory(dir=Path(output).parent.parent) as tmp:
        copy = Path(tmp) / "output"
        shutil.copytree(output, copy, ignore=shutil.ignore_patterns("*.gz", "*.br"))
        code = (
            f"import sys, time, resource; sys.path.insert(0, {str(Path(output).parent)!r});"
            "from plugins.precompress import precompress as p; t = time.perf_counter();"
            f"p.precompress({str(copy)!r}); r = resource.getrusage(resource.RUSAGE_SELF);"
            "c = resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(time.perf_counter() - t, r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime)"
        )
        out = subprocess.run([str(our_python()), "-c", code], capture_output=True, text=True, check=True).stdout
    wall, cpu = map(float, out.split())
    return {"wall": wall, "cpu": cpu}


# --- the preview: save a post, wait until its URL serves the new text -----------


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (TimeoutError, urllib.error.URLError, ConnectionError):
        return None, ""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PreviewServer:
    """A preview server process and what it printed; ``url`` once it serves."""

    def __init__(self, cmd, cwd, url=None, pattern=None):
        self.log, self.url = [], url
        self.proc = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(os.environ, NIKOLA_NO_COLOR="1"),
            start_new_session=True,
        )
        self.ready = threading.Event()

        def read():
            for line in self.proc.stdout:
                self.log.append(line)
                m = pattern and re.search(pattern, line)
                if m:
                    self.url = m.group(1)
                    self.ready.set()

        threading.Thread(target=read, daemon=True).start()

    def wait_serving(self, started):
        while time.perf_counter() - started < PREVIEW_LIMIT:
            if self.proc.poll() is not None:
                raise RuntimeError("the preview server stopped:\n" + "".join(self.log[-30:]))
            if self.url and _get(self.url)[0] == 200:
                return time.perf_counter() - started
            time.sleep(0.05)
        raise RuntimeError("the preview server never served:\n" + "".join(self.log[-30:]))

    def peak_rss_mb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def stop(self):
        os.killpg(self.proc.pid, 15)
        self.proc.wait(30)


def preview_saves(server, source, page_url, status_url=None):
    """Save ``source`` PREVIEW_EDITS times; seconds until ``page_url`` serves each new text (and
    until the background build is done, where the server says so)."""
    saves = []
    for i in range(PREVIEW_EDITS):
        marker = f"Preview save {i + 1} at {time.time() * 1000:.0f}: this sentence is new."
        before = json.loads(_get(status_url)[1]) if status_url else None
        with open(source, "a", encoding="utf-8") as f:
            f.write(f"\n{marker}\n")
        t0 = time.perf_counter()
        while marker not in _get(page_url)[1]:
            if time.perf_counter() - t0 > PREVIEW_LIMIT:
                raise RuntimeError("the preview never served a save:\n" + "".join(server.log[-30:]))
            time.sleep(0.005)
        served = time.perf_counter() - t0
        settled = None
        if status_url:
            while True:
                code, body = _get(status_url)
                status = json.loads(body) if code == 200 else None
                if (
                    status
                    and not status["building"]
                    and (status["generation"] > before["generation"] or status["boot"] != before["boot"])
                ):
                    break
                if time.perf_counter() - t0 > PREVIEW_LIMIT:
                    raise RuntimeError("the background build never ended:\n" + "".join(server.log[-30:]))
                time.sleep(0.05)
            settled = time.perf_counter() - t0
        else:
            time.sleep(1.0)  # let the server finish whatever it does after a save
        saves.append({"served": served, "settled": settled})
    return saves


def our_preview(work, slug):
    started = time.perf_counter()
    server = PreviewServer(
        [our_python().with_name("nikola"), "preview", "--port", "0"], work, pattern=r"on (http://127\.0\.0\.1:\d+/)"
    )
    try:
        startup = server.wait_serving(started)
        saves = preview_saves(
            server,
            Path(work) / "posts" / (slug + ".rst"),
            server.url + f"posts/{slug}/",
            server.url + "__preview/status",
        )
        return {"startup": startup, "saves": saves, "peak_rss_mb": server.peak_rss_mb()}
    finally:
        server.stop()


def hugo_preview(work, slug):
    port = _free_port()
    started = time.perf_counter()
    url = f"http://127.0.0.1:{port}/"
    server = PreviewServer(
        [shutil.which("hugo"), "server", "--bind", "127.0.0.1", "--port", str(port), "--baseURL", url], work, url=url
    )
    try:
        startup = server.wait_serving(started)
        saves = preview_saves(server, Path(work) / "content" / "posts" / (slug + ".md"), url + f"posts/{slug}/")
        return {"startup": startup, "saves": saves, "peak_rss_mb": server.peak_rss_mb()}
    finally:
        server.stop()


# --- page weight -------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.css, self.js = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.css.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])


_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""")


def _local(output, page_url, ref):
    """The built file a page's reference points to, or None if it is off-site."""
    url = urljoin(page_url, ref)
    parts = urlsplit(url)
    site = urlsplit(SITE_URL)
    if parts.scheme in ("http", "https") and parts.netloc != site.netloc:
        return None
    path = parts.path
    if path.endswith("/"):
        path += "index.html"
    return Path(output) / path.lstrip("/")


def page_weight(output, page):
    """Bytes of HTML, CSS (with its @imports) and JS a reader downloads for ``page``.

    ``page`` is relative to ``output`` (e.g. ``index.html``). Images and fonts
    are not counted; off-site stylesheets or scripts are listed under
    ``external`` (a reader would download those too).
    """
    output = Path(output)
    page_url = urljoin(SITE_URL, page)
    html = (output / page).read_bytes()
    parser = _Assets()
    parser.feed(html.decode("utf-8", "replace"))
    result = {"page": page, "html": len(html), "css": 0, "js": 0, "files": [page], "external": [], "missing": []}
    gz = len(gzip.compress(html, 9))
    seen = set()

    def add(kind, url):
        nonlocal gz
        path = _local(output, page_url, url)
        if path is None:
            result["external"].append(urljoin(page_url, url))
            return
        if path in seen:
            return
        seen.add(path)
        if not path.is_file():
            result["missing"].append(str(path.relative_to(output)))
            return
        data = path.read_bytes()
        result[kind] += len(data)
        gz += len(gzip.compress(data, 9))
        result["files"].append(str(path.relative_to(output)))
        if kind == "css":
            asset_url = urljoin(SITE_URL, str(path.relative_to(output)))
            for imp in _CSS_IMPORT.findall(data.decode("utf-8", "replace")):
                add("css", urljoin(asset_url, imp))

    for href in parser.css:
        add("css", href)
    for src in parser.js:
        add("js", src)
    result["total"] = result["html"] + result["css"] + result["js"]
    result["total_gzip"] = gz
    return result


# --- the engines ----------------------------------------------------------------


class Engine:
    """One generator on one copy of the corpus: full, no-op and edit builds."""

    name = "?"
    output_dir = "output"

    def __init__(self, corpus, work, n):
        self.corpus, self.work, self.n = Path(corpus), Path(work), n

    def fresh_copy(self):
        if self.work.exists():
            shutil.rmtree(self.work)
        shutil.copytree(self.corpus, self.work, symlinks=True)

    def build_cmd(self):
        raise NotImplementedError

    def post_source(self, slug):
        raise NotImplementedError

    def post_page(self, slug):
        return f"posts/{slug}/index.html"

    def build(self):
        out = self.work / self.output_dir
        before = snapshot(out)
        m = measure(self.build_cmd(), self.work)
        after = snapshot(out)
        m["output_files"] = len(after)
        w = written(before, after)
        m["files_written"] = w["total"]
        m["files_written_by_folder"] = w["by_folder"]
        return m

    def cycle(self, edit_slug, typical_slug, preview=False, delete_slug=None, backdated_when=None):
        """Full clean build, no-op rebuild, one-post edit (ours: then a title and tags change, a new
        post, a deleted post, a back-dated post); page weight and size after the full build; with
        ``preview``, the preview's saves after the edit."""
        self.fresh_copy()
        full = self.build()
        out = self.work / self.output_dir
        weight = {"home": page_weight(out, "index.html"), "post": page_weight(out, self.post_page(typical_slug))}
        result = {"full": full, "weight": weight, "size": output_parts(out)}
        if preview and isinstance(self, Ours):
            result["precompress"] = precompress_cost(out)
        result["noop"] = self.build()
        with open(self.post_source(edit_slug), "a", encoding="utf-8") as f:
            f.write(generate.EDIT_PARAGRAPH)
        result["edit"] = self.build()
        if isinstance(self, Ours):
            result["scenarios"] = self.scenarios(edit_slug, delete_slug, backdated_when)
        if preview:
            result["preview"] = self.preview(edit_slug)
        return result

    def preview(self, slug):
        return None


class Ours(Engine):
    def __init__(self, corpus, work, n, jobs=1):
        super().__init__(corpus, work, n)
        self.jobs = jobs
        self.name = "ours" if jobs == 1 else f"ours_n{jobs}"

    def build_cmd(self):
        cmd = [our_python().with_name("nikola"), "build"]
        if self.jobs > 1:
            cmd += ["-n", str(self.jobs)]
        return cmd

    def post_source(self, slug):
        return self.work / "posts" / (slug + ".rst")

    def scenarios(self, edit_slug, delete_slug, backdated_when):
        """What else authors do, each then the same build, in this order (each on the site the one
        before left): the edited post's title and tags changed; a new post (dated an hour ago, the
        newest); another post, from a third of the way in, deleted; a new post dated in the middle
        of the history at ``backdated_when`` (an imported old post, a corrected date). The back-dated
        post comes last so that the three before it are measured on the same site as before it was
        added, and comparable with older runs."""
        source = self.post_source(edit_slug)
        text = source.read_text(encoding="utf-8")
        source.write_text(generate.retitle(text), encoding="utf-8")
        done = {"retitle": self.build()}
        when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        self.post_source("bench-new-post").write_text(generate.new_post(text, "bench-new-post", when), encoding="utf-8")
        done["new"] = self.build()
        self.post_source(delete_slug).unlink()
        done["delete"] = self.build()
        self.post_source("bench-backdated-post").write_text(
            generate.new_post(text, "bench-backdated-post", backdated_when, "A back-dated post for the benchmark"),
            encoding="utf-8",
        )
        done["backdated"] = self.build()
        return done

    def preview(self, slug):
        return our_preview(self.work, slug)


class Pelican(Engine):
    name = "pelican"

    def build_cmd(self):
        return [PELICAN_VENV / "bin" / "pelican", "-s", "pelicanconf.py", "-o", "output", "content"]

    def post_source(self, slug):
        return self.work / "content" / (slug + ".rst")


class Hugo(Engine):
    name = "hugo"
    output_dir = "public"

    def build_cmd(self):
        return [shutil.which("hugo"), "--quiet"]

    def post_source(self, slug):
        return self.work / "content" / "posts" / (slug + ".md")

    def preview(self, slug):
        return hugo_preview(self.work, slug)


def ensure_pelican():
    """bench/work/pelican-venv with the pinned Pelican; returns its version or None."""
    pelican = PELICAN_VENV / "bin" / "pelican"
    if not pelican.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PELICAN_VENV)], check=True)
        subprocess.run(
            [
                PELICAN_VENV / "bin" / "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(PELICAN_REQUIREMENTS),
            ],
            check=True,
        )
    return _version(PELICAN_VENV / "bin" / "python", "pelican")


def _version(python, dist):
    try:
        return subprocess.run(
            [str(python), "-c", f"import importlib.metadata as m; print(m.version({dist!r}))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def hugo_version():
    if not shutil.which("hugo"):
        return None
    out = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
    m = re.search(r"v(\d+\.\d+\.\d+)", out)
    return m.group(1) if m else out.strip()


def floor(posts_dir):
    proc = subprocess.run(
        [str(our_python()), str(BENCH / "floor.py"), str(posts_dir)], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


# --- the whole benchmark --------------------------------------------------------


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024**2, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "os": _os_name(),
        "loadavg_start": os.getloadavg(),
    }


def _os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def versions(pelican=None, hugo=None):
    py = our_python()
    packages = ("nikola", "docutils", "doit", "pygments", "jinja2", "feedgen")
    code = (
        "import json, platform, importlib.metadata as m; print(json.dumps(dict("
        f"python=platform.python_version(), **{{d: m.version(d) for d in {packages!r}}})))"
    )
    v = json.loads(subprocess.run([str(py), "-c", code], capture_output=True, text=True, check=True).stdout)
    v["pelican"] = pelican
    v["pelican_docutils"] = _version(PELICAN_VENV / "bin" / "python", "docutils") if pelican else None
    v["hugo"] = hugo
    return v


def source_state():
    """Which sources were measured: git HEAD, uncommitted site files, a digest of them all."""
    import hashlib

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    digest = hashlib.sha256()
    for part in generate.SITE_PARTS:
        base = ROOT / part
        files = (
            [base]
            if base.is_file()
            else sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        )
        for f in files:
            digest.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    dirty = git("status", "--porcelain", "--", *generate.SITE_PARTS)
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted": dirty.splitlines() if dirty else [],
        "site_digest": digest.hexdigest()[:12],
    }


def log(msg):
    print("[{0}] {1}".format(time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def bench(
    sizes,
    repeat=3,
    pelican=True,
    hugo=True,
    parallel=True,
    with_floor=True,
    work=WORK,
    seed=generate.DEFAULT_SEED,
    repeat_large=1,
    preview=True,
    with_search=True,
):
    """Run every measurement; returns the report as a dict (also what the JSON holds)."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    pelican_v = ensure_pelican() if pelican else None
    hugo_v = hugo_version() if hugo else None
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(pelican_v, hugo_v),
        "source": source_state(),
        "repeat": repeat,
        "repeat_large": repeat_large,
        "seed": seed,
        "sizes": {},
    }
    for n in sizes:
        repeats = repeat if n < 10000 else repeat_large
        corpus = work / f"corpus-{n}"
        posts = generate.make_posts(n, seed)
        generate.write_nikola_site(posts, corpus / "ours")
        if pelican_v:
            generate.write_pelican_site(posts, corpus / "pelican")
        if hugo_v:
            generate.write_hugo_site(posts, corpus / "hugo")
        edit_slug = posts[generate.edit_target(n)].slug
        typical_slug = posts[generate.edit_target(n)].slug
        delete_slug = posts[generate.delete_target(posts)].slug
        backdated_when = generate.backdated_date(posts)
        runs = {"ours": [], "ours_n2": [], "pelican": [], "hugo": [], "floor": [], "search": []}
        for r in range(repeats):
            engines = [Ours(corpus / "ours", work / "run" / "ours", n)]
            if pelican_v:
                p = Pelican(corpus / "pelican", work / "run" / "pelican", n)
                # Paired and alternating: ours, Pelican; then Pelican, ours...
                engines = engines + [p] if r % 2 == 0 else [p] + engines
            if parallel:
                engines.append(Ours(corpus / "ours", work / "run" / "ours", n, jobs=2))
            if hugo_v:
                engines.append(Hugo(corpus / "hugo", work / "run" / "hugo", n))
            for engine in engines:
                log(f"N={n} repeat {r + 1}/{repeats}: {engine.name}")
                result = engine.cycle(
                    edit_slug,
                    typical_slug,
                    preview=preview and engine.name in ("ours", "hugo"),
                    delete_slug=delete_slug,
                    backdated_when=backdated_when,
                )
                log(
                    "  full {0:.1f}s  noop {1:.1f}s  edit {2:.1f}s  peak {3:.0f} MB  files {4}".format(
                        result["full"]["wall"],
                        result["noop"]["wall"],
                        result["edit"]["wall"],
                        max(result[k]["peak_rss_mb"] for k in ("full", "noop", "edit")),
                        result["full"]["output_files"],
                    )
                )
                runs[engine.name].append(result)
                if with_search and engine.name == "ours" and not runs["search"]:
                    log(f"N={n}: search in bundles against one index (bench/search.py)")
                    runs["search"].append(search_bench.run(engine.work))
                    log(
                        "  bundled {0:.1f}s, edit {1:.2f}s, single {2:.1f}s".format(
                            runs["search"][-1]["bundled"]["wall"],
                            runs["search"][-1]["edit"]["wall"],
                            runs["search"][-1]["single"]["wall"],
                        )
                    )
            if with_floor:
                log(f"N={n} repeat {r + 1}/{repeats}: floor")
                runs["floor"].append(floor(corpus / "ours" / "posts"))
                log("  floor {0:.1f}s".format(runs["floor"][-1]["seconds"]))
        report["sizes"][str(n)] = {
            "posts": n,
            "repeats": repeats,
            "edited": edit_slug,
            "typical": typical_slug,
            "runs": {k: v for k, v in runs.items() if v},
            "summary": summarize(runs),
        }
    report["machine"]["loadavg_end"] = os.getloadavg()
    return report


# --- summarising -------------------------------------------------------------------


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def summarize(runs):
    s = {}
    for engine in ("ours", "ours_n2", "pelican", "hugo"):
        rs = runs.get(engine) or []
        if not rs:
            continue
        e = {}
        for phase in ("full", "noop", "edit"):
            e[phase] = stats([r[phase]["wall"] for r in rs])
            e[phase + "_cpu"] = stats([r[phase]["cpu"] for r in rs])
            e[phase + "_written"] = stats([r[phase]["files_written"] for r in rs])
        e["peak_rss_mb"] = stats([max(r[p]["peak_rss_mb"] for p in ("full", "noop", "edit")) for r in rs])
        for phase in ("full", "edit"):
            e[phase + "_peak_mb"] = stats([r[phase]["peak_rss_mb"] for r in rs])
        for name, _label in SCENARIOS:
            done = [r["scenarios"][name] for r in rs if r.get("scenarios")]
            if done:
                e[name] = stats([d["wall"] for d in done])
                e[name + "_peak_mb"] = stats([d["peak_rss_mb"] for d in done])
                e[name + "_over_edit"] = stats(
                    [r["scenarios"][name]["wall"] / r["edit"]["wall"] for r in rs if r.get("scenarios")]
                )
        e["peak_tree_pss_mb"] = stats(
            [max(r[p]["peak_tree_pss_mb"] or 0 for p in ("full", "noop", "edit")) for r in rs]
        )
        e["output_files"] = stats([r["full"]["output_files"] for r in rs])
        e["own_mb"] = stats([r["size"]["own_bytes"] / 1e6 for r in rs if "size" in r])
        e["copies_mb"] = stats([r["size"]["copies_bytes"] / 1e6 for r in rs if "size" in r])
        e["parts"] = rs[-1].get("size", {}).get("parts")
        saves = [save for r in rs if r.get("preview") for save in r["preview"]["saves"]]
        if saves:
            e["preview"] = stats([x["served"] for x in saves])
            e["preview_settled"] = stats([x["settled"] for x in saves])
            e["preview_startup"] = stats([r["preview"]["startup"] for r in rs if r.get("preview")])
            e["preview_rss_mb"] = stats([r["preview"]["peak_rss_mb"] for r in rs if r.get("preview")])
        if any("precompress" in r for r in rs):
            e["precompress"] = stats([r["precompress"]["wall"] for r in rs if "precompress" in r])
            e["precompress_cpu"] = stats([r["precompress"]["cpu"] for r in rs if "precompress" in r])
        for page in ("home", "post"):
            e["weight_" + page] = rs[-1]["weight"][page]
        s[engine] = e
    if runs.get("ours") and runs.get("pelican"):
        s["ratio_ours_pelican"] = {
            phase: stats(
                [o[phase]["wall"] / p[phase]["wall"] for o, p in zip(runs["ours"], runs["pelican"], strict=True)]
            )
            for phase in ("full", "noop", "edit")
        }
        s["ratio_ours_pelican"]["size"] = stats(
            [
                o["size"]["own_bytes"] / p["size"]["own_bytes"]
                for o, p in zip(runs["ours"], runs["pelican"], strict=True)
            ]
        )
        s["ratio_ours_pelican"]["size_with_copies"] = stats(
            [
                (o["size"]["own_bytes"] + o["size"]["copies_bytes"]) / p["size"]["own_bytes"]
                for o, p in zip(runs["ours"], runs["pelican"], strict=True)
            ]
        )
    if runs.get("ours_n2") and runs.get("pelican"):
        # ours_n2 runs after the pair (ours, Pelican) of its repeat: paired with that Pelican run.
        s["ratio_default_pelican"] = {
            phase: stats(
                [o[phase]["wall"] / p[phase]["wall"] for o, p in zip(runs["ours_n2"], runs["pelican"], strict=True)]
            )
            for phase in ("full", "noop", "edit")
        }
    if runs.get("search"):
        found = runs["search"]
        s["search"] = {
            "bundles": found[-1]["bundles"],
            "bundled": stats([f["bundled"]["wall"] for f in found]),
            "edit": stats([f["edit"]["wall"] for f in found]),
            "single": stats([f["single"]["wall"] for f in found]),
            "bundled_peak_mb": stats([max(f["bundled"]["peak_child_mb"], f["edit"]["peak_child_mb"]) for f in found]),
            "single_peak_mb": stats([f["single"]["peak_child_mb"] for f in found]),
            "queries": {
                kind: {
                    "query": row["query"],
                    "bundled": row["bundled"],
                    "single": row["single"],
                    "ratio": row["ratio"],
                    "found": row["found"],
                }
                for kind, row in found[-1]["queries"].items()
            },
        }
    if runs.get("floor"):
        s["floor"] = stats([f["seconds"] for f in runs["floor"]])
        s["floor_warnings"] = max(f["warnings"] for f in runs["floor"])
        if runs.get("ours"):
            s["full_over_floor"] = stats(
                [o["full"]["wall"] / f["seconds"] for o, f in zip(runs["ours"], runs["floor"], strict=True)]
            )
            if runs.get("ours_n2"):
                s["full_n2_over_floor"] = stats(
                    [o["full"]["wall"] / f["seconds"] for o, f in zip(runs["ours_n2"], runs["floor"], strict=True)]
                )
    return s


# --- writing the results ------------------------------------------------------------------


def write_outputs(report, results_dir=RESULTS, markdown=report_md.MARKDOWN):
    """The raw runs to results/raw/ (not in git), one summary per N to results/, then RESULTS.md from the
    newest summary of each N; returns the summaries' paths."""
    results_dir = Path(results_dir)
    (results_dir / "raw").mkdir(parents=True, exist_ok=True)
    stamp = report["date"].replace(":", "").replace("+0000", "Z")
    raw = results_dir / "raw" / f"{stamp}.json"
    raw.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    paths = []
    for n in report["sizes"]:
        path = results_dir / report_md.summary_name(report, n)
        summary = report_md.summary_of(report, n, raw="raw/" + raw.name)
        path.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
        paths.append(path)
    if markdown:
        report_md.write_markdown(report_md.latest(results_dir), markdown)
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-pelican", dest="pelican", action="store_false")
    ap.add_argument("--no-hugo", dest="hugo", action="store_false")
    ap.add_argument("--no-parallel", dest="parallel", action="store_false", help="skip the `nikola build -n 2` runs")
    ap.add_argument("--no-floor", dest="floor", action="store_false")
    ap.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--markdown", type=Path, default=report_md.MARKDOWN)
    ap.add_argument(
        "--repeat-large",
        type=int,
        default=1,
        help="repeats for N >= 10,000 (default 1: a single run, documented as such)",
    )
    ap.add_argument("--no-preview", dest="preview", action="store_false")
    ap.add_argument(
        "--no-search",
        dest="search",
        action="store_false",
        help="skip bench/search.py (search in bundles against one index; needs nginx and Chromium)",
    )
    args = ap.parse_args(argv)
    report = bench(
        args.sizes,
        args.repeat,
        args.pelican,
        args.hugo,
        args.parallel,
        args.floor,
        args.work,
        args.seed,
        args.repeat_large,
        args.preview,
        args.search,
    )
    paths = write_outputs(report, args.results, args.markdown)
    log("wrote {0} and {1}".format(", ".join(str(p) for p in paths), args.markdown))


if __name__ == "__main__":
    main()
