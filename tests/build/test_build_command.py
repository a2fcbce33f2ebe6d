"""``nikola build`` is one explicit command, its process ends as any command's does, and its state is declared.

What a maintainer would lose if this failed: a build that ends its own
process part way (no clean-up, no flush of what Python still buffers), a
record of an older shape read as if it were today's, or plugins handing
each other data through attributes nobody declared.
"""

import pickle
import re
import subprocess
import sys

from support.sitebuild import ROOT, _environment, copy_built

from plugins import shared_state
from plugins.planner import records, state

# The nikola script (what `make site` runs), with one more clean-up at the end of the process.
SCRIPT = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('the process ended normally', flush=True))\n"
    "from nikola.__main__ import main\n"
    "sys.exit(main())\n"
)


def run_to_the_end(site, *args):
    script = site.parent / "bin" / "nikola"
    script.parent.mkdir(exist_ok=True)
    script.write_text(SCRIPT)
    return subprocess.run(
        [sys.executable, str(script), *args],
        cwd=site,
        env=_environment(None, False),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )


def test_a_planned_build_ends_its_process_normally(good_site, tmp_path):
    site = copy_built(good_site.root, tmp_path / "site")
    post = site / "posts" / "post.rst"
    post.write_text(post.read_text() + "\nOne more paragraph.\n")
    for expected in ("units built", "nothing changed since the last build"):  # a build, then the quick path
        done = run_to_the_end(site, "build")
        assert done.returncode == 0, done.stdout
        assert "planner: " in done.stdout and expected in done.stdout, done.stdout
        assert done.stdout.rstrip().endswith("the process ended normally"), done.stdout


def test_a_task_name_goes_to_nikolas_own_build_and_drops_the_record(good_site, tmp_path):
    site = copy_built(good_site.root, tmp_path / "site")
    index = site / "cache" / "planner" / "output" / "index.pickle"
    assert index.is_file()
    done = run_to_the_end(site, "build", "render_sources")
    assert done.returncode == 0, done.stdout
    assert "planner: " not in done.stdout and "the process ended normally" in done.stdout, done.stdout
    assert not index.exists()  # what doit wrote is not in the record: the next planned build looks at output/ whole


def test_a_record_of_another_format_is_thrown_away(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    keys = {"scan": b"s", "compile": b"c", "render": b"r"}
    store = state.Store("output")
    record = state.empty()
    record.update(keys=keys, units={"u": records.Unit(b"x", None, [], [])})
    store.save(record)
    assert store.load(keys)["units"] == {"u": records.Unit(b"x", None, [], [])}
    record["format"] = records.FORMAT - 1
    store.save(record)
    assert store.load(keys) == state.empty() | {"keys": keys}
    with open(store.index, "wb") as f:  # an older build's positional lists, under no format
        f.write(pickle.dumps({"units": {"u": [b"x", None, [], []]}}))
    assert store.load(keys)["units"] == {}


def nikolas_own_attributes():
    """The attributes Nikola's own class sets on the site."""
    import nikola.nikola

    with open(nikola.nikola.__file__, encoding="utf-8") as f:
        return set(re.findall(r"\bself\.(\w+)\s*=", f.read()))


def test_plugins_hand_data_to_each_other_only_through_shared_state():
    """A plugin may set Nikola's own attributes of the site (swapping its timeline for a while); anything
    else it hands to another plugin is a field of plugins/shared_state.SharedState."""
    own = nikolas_own_attributes()
    assignment = re.compile(r"\b(?:self\.)?site\.(\w+)\s*(?:,[^=\n]*)?=(?!=)|setattr\(\s*(?:self\.)?site\b")
    found = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        if path.name == "shared_state.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in assignment.finditer(line.split("#", 1)[0]):
                if m.group(1) is None or m.group(1) not in own:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_shared_state_is_made_once_per_site():
    class Site:
        pass

    site, other = Site(), Site()
    shared_state.of(site).next_due = "due"
    assert shared_state.of(site).next_due == "due" and shared_state.of(other).next_due is None
