"""A build that cannot be right stops before it publishes anything.

What an author would lose if this failed: after an upgrade, a site built
without one of its plugins (Nikola 8.3.3 would carry on without it), or a
mistyped PROPOSE_CHANGE_URL published as a broken link on every post. The
checks themselves, on strings, are tests/unit/test_patches.py's and
tests/unit/test_propose_change.py's.
"""

import pytest
from support.sitebuild import ROOT, copy_site, nikola_build


@pytest.mark.e2e  # Nikola waits two seconds after a plugin fails to load
def test_a_plugin_that_cannot_be_loaded_stops_the_build(tmp_path):
    """After an upgrade a plugin's import can break: Nikola 8.3.3 would build without it.
    (rest_abbr is loaded last, with the reST compiler: Nikola waits once, not twice.)"""
    site = copy_site(tmp_path / "site", overlay=ROOT / "tests" / "sites" / "good", with_posts=False)
    with open(site / "plugins" / "rest_abbr" / "rest_abbr.py", "a") as plugin:
        plugin.write('\nraise ImportError("a name that moved in an upgrade")\n')
    build = nikola_build(site)
    assert build.returncode == 1, build.log
    assert "rest_abbr" in build.log and "a name that moved in an upgrade" in build.log
    assert "nothing was built without it" in build.log
    assert not (site / "output").exists()


def test_a_bad_setting_stops_the_build_naming_it(tmp_path):
    root = copy_site(
        tmp_path / "site",
        overlay=ROOT / "tests" / "sites" / "good",
        with_posts=False,
        settings={"PROPOSE_CHANGE_URL": "javascript:alert(1)//{path}"},
    )
    build = nikola_build(root)
    assert build.returncode != 0
    assert "conf.py: ERROR: PROPOSE_CHANGE_URL = 'javascript:alert(1)//{path}' must be an http://" in build.log
    assert "Traceback" not in build.log and not (root / "output" / "posts").exists()
