"""Each speed patch gives exactly what the code it replaces gives (plugins/patches.py).

What a reader would lose if this failed: a page, feed or list that is subtly
different from what Nikola itself would make (a post out of order, a wrong date,
a reading time off by a minute, a link the checker never sees), because a patch
written for speed (plugins/build_speed) drifted from Nikola 8.3.3, lxml or doit.
tests/support/patch_probe.py runs in a process of its own (the patches change classes for
the whole process) on the session's build of the blog, calls each patched
function and the original on the site's posts and built pages, and lists
the differences. The patches that change behaviour on purpose are tested by what
they are for: rest_strict, rest_safety and rest_doc_links in test_authoring.py and
test_untrusted_posts.py, rest_code and rest_abbr in test_rest_rules.py and the
golden output, published_posts in test_content.py, the planner (incremental equals
clean) in test_planner.py, the preview's writes in test_preview.py.
"""

import json
import subprocess
import sys

import pytest
from support.sitebuild import ROOT

PROBE = ROOT / "tests" / "support" / "patch_probe.py"


@pytest.fixture(scope="module")
def report(built):
    proc = subprocess.run(
        [sys.executable, str(PROBE), str(built.root.parent)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize(
    "check, at_least",
    [
        ("to_datetime", 20),
        ("sort_posts_chronologically", 2),
        ("post_memos", 100),
        ("reading_time", 15),
        ("text", 90),
        ("iterlinks", 50),
        ("scan_posts", 1),
        ("config_digest", 3),
        ("signature", 6),
    ],
)
def test_the_patch_gives_what_the_code_it_replaces_gives(report, check, at_least):
    compared, different = report[check]
    assert compared >= at_least, "the probe compared too little to tell"
    assert different == []
