"""Pagefind over one bundle's pages, giving the same bytes every time.

Two things make Pagefind 1.5's output differ between runs on the same pages
(tests/unit/test_search_index.py shows both):

* page numbers follow the order in which it finds the pages, which for
  ``pagefind --site`` is the order the file system lists a folder in (on
  ext4, an order of name hashes seeded per file system). Every index chunk,
  filter and the metadata file carry page numbers. Here the pages are given
  in one order: the canonical one (``order``), by writing them to a
  temporary folder on tmpfs, whose listing follows the order files were
  created in, and checking that it does; where that cannot be shown, they are
  sent one after another to Pagefind's service mode (``pagefind
  --service``), which numbers pages as they arrive (0.6x the speed).
* a filter file lists its values in the order of a Rust ``HashMap``, seeded
  at random in each run (Pagefind issue #638). ``canonicalise`` sorts them
  and names the file by a hash of what it then holds; the metadata file that
  names the filter files, and ``pagefind-entry.json`` that names it, follow.

Everything else Pagefind writes is already a function of the pages in order
(fragments and chunks are named by hashes of their content).
"""

import base64
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

import cbor2
import pagefind_bin

# Pagefind always writes its ready-made UIs; the theme has its own
# (assets/js/search.js), so these are removed rather than published.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)
# What every index has the same copy of (for one Pagefind version): the search runtime.
RUNTIME = ("pagefind.js", "pagefind-worker.js")
RUNTIME_SUFFIX = ".pagefind"  # wasm.<language>.pagefind
SIGNATURE = b"pagefind_dcd"  # what Pagefind puts before the CBOR of its metadata and filter files
ENTRY = "pagefind-entry.json"


def executable():
    return str(pagefind_bin.get_executable())


def _environment(chunk):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    env["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"] = str(chunk)
    return env


def scratch():
    """Where temporary sites go: memory (tmpfs) where the machine has it."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _walk(top):
    """Files under ``top`` in the order a walk that follows the folder listings finds them."""
    found = []

    def visit(folder, rel):
        with os.scandir(folder) as entries:
            for entry in entries:  # the file system's own order, as Pagefind's walker sees it
                child = rel + entry.name
                if entry.is_dir(follow_symlinks=False):
                    visit(entry.path, child + "/")
                else:
                    found.append(child)

    visit(top, "")
    return found


def _tree_in_order(pages, parent):
    """A temporary folder with ``pages`` whose listing walks them in the given order, else None."""
    wanted = [rel for rel, _data in pages]
    for creation in (pages, pages[::-1]):  # tmpfs lists in creation order, or (older kernels) the reverse
        top = tempfile.mkdtemp(prefix="site-", dir=parent)
        for rel, data in creation:
            path = os.path.join(top, *rel.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as out:
                out.write(data)
        if _walk(top) == wanted:
            return top
        shutil.rmtree(top)
    return None


def _run_cli(site, out, chunk, work):
    # cwd is an empty folder: Pagefind reads a pagefind.yml/toml/json from its working folder.
    subprocess.run(
        [executable(), "--site", site, "--output-path", out, "--silent"],
        cwd=work,
        env=_environment(chunk),
        check=True,
        stdout=subprocess.DEVNULL,
    )


class _Service:
    """``pagefind --service``: JSON messages, base64 encoded, each ended by a comma."""

    def __init__(self, chunk, work):
        self.process = subprocess.Popen(
            [executable(), "--service"],
            cwd=work,
            env=_environment(chunk),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.next_id = 0
        self.pending = bytearray()

    def send(self, payload):
        self.next_id += 1
        message = {"message_id": self.next_id, "payload": payload}
        self.process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")

    def receive(self):
        self.process.stdin.flush()
        while b"," not in self.pending:
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                raise RuntimeError("pagefind --service stopped")
            self.pending += chunk
        end = self.pending.index(b",")
        answer = json.loads(base64.b64decode(bytes(self.pending[:end])))
        del self.pending[: end + 1]
        if answer["payload"].get("type") == "Error":
            raise RuntimeError("pagefind --service: {0}".format(answer["payload"].get("message")))
        return answer["payload"]

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def _run_service(pages, out, chunk, work):
    """Pages sent in order (Pagefind numbers them as they arrive), then the index written."""
    service = _Service(chunk, work)
    try:
        service.send({"type": "NewIndex", "config": None})
        index = service.receive()["index_id"]
        for rel, data in pages:
            url = "/" + (rel[: -len("index.html")] if rel.endswith("/index.html") else rel)
            service.send(
                {
                    "type": "AddFile",
                    "index_id": index,
                    "url": url,
                    "file_contents": data.decode("utf-8"),
                    "file_path": None,
                }
            )
        for _page in pages:
            service.receive()
        # GetFiles, not WriteFiles: Pagefind 1.5.2 answers WriteFiles before its writes have
        # reached the disk and exits at once when its input closes, which could leave a file
        # empty (pagefind-entry.json was, once in a few hundred runs). Here the files come back
        # in the answer and are written, whole, by this process.
        service.send({"type": "GetFiles", "index_id": index})
        files = service.receive()["files"]
    finally:
        service.close()
    for item in files:
        path = os.path.join(out, *item["path"].split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(item["content"]))


def index(pages, dest, chunk, use_cli=True):
    """Index ``pages`` (``[(relative path, bytes)]``) into the new folder ``dest``, reproducibly.

    ``dest`` gets the index alone; returned are the hub's files (:func:`hub_files`).
    ``use_cli=False`` takes the service path (the tests compare the two).
    """
    pages = sorted(pages, key=lambda page: page[0].split("/"))  # a walk with each folder's names sorted
    work = tempfile.mkdtemp(prefix="pagefind-", dir=scratch())
    try:
        out = os.path.join(work, "out")
        site = _tree_in_order(pages, work) if use_cli else None
        if site is not None:
            _run_cli(site, out, chunk, work)
        else:
            _run_service(pages, out, chunk, work)
        canonicalise(out)
        hub = hub_files(out)
        for name in hub:
            if name != ENTRY and not name.endswith(".pf_meta"):
                os.remove(os.path.join(out, name))
        shutil.copytree(out, dest)
        return hub
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read(path):
    data = gzip.decompress(open(path, "rb").read())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a Pagefind index file")
    return cbor2.loads(data[len(SIGNATURE) :])


def _write(path, value):
    with open(path, "wb") as out:
        out.write(gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0))


def _name(prefix, value, length):
    return prefix + hashlib.sha256(cbor2.dumps(value)).hexdigest()[:length]


def canonicalise(out):
    """Make Pagefind's output in ``out`` a function of its pages alone (see the module's docstring)."""
    for name in UNUSED:
        if os.path.exists(os.path.join(out, name)):
            os.remove(os.path.join(out, name))
    entry_path = os.path.join(out, ENTRY)
    with open(entry_path, encoding="utf-8") as f:
        entry = json.load(f)
    for language in entry["languages"].values():
        old_meta = os.path.join(out, "pagefind.{0}.pf_meta".format(language["hash"]))
        meta = _read(old_meta)
        prefix = language["hash"].rsplit("_", 1)[0] + "_"
        filters = meta[3]  # [[filter name, file hash], ...]
        for item in filters:
            old = os.path.join(out, "filter", item[1] + ".pf_filter")
            values = _read(old)  # [filter name, [[value, [page numbers]], ...]]
            values[1].sort(key=lambda value: value[0])
            item[1] = _name(prefix, values, 7)
            os.remove(old)
            _write(os.path.join(out, "filter", item[1] + ".pf_filter"), values)
        filters.sort(key=lambda item: item[0])
        language["hash"] = _name(prefix, meta, 10)
        os.remove(old_meta)
        _write(os.path.join(out, "pagefind.{0}.pf_meta".format(language["hash"])), meta)
    with open(entry_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))


def hub_files(out):
    """``{file name: bytes}`` of the hub: the search runtime from one index's output folder
    ``out``, and an index of no pages, the primary index the bundles are merged into."""
    names = list(RUNTIME) + sorted(n for n in os.listdir(out) if n.endswith(RUNTIME_SUFFIX))
    found = {}
    for name in names:
        with open(os.path.join(out, name), "rb") as f:
            found[name] = f.read()
    with open(os.path.join(out, ENTRY), encoding="utf-8") as f:
        entry = json.load(f)
    meta = [entry["version"], [], [], [], [], []]
    name = _name("en_", meta, 10)
    entry["languages"] = {"en": {"hash": name, "wasm": "en", "page_count": 0}}
    found[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    found[f"pagefind.{name}.pf_meta"] = gzip.compress(SIGNATURE + cbor2.dumps(meta), compresslevel=9, mtime=0)
    return found
