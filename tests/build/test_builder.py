"""plugins/preview/builder.py: a build forked from the warm builder is a build of its own.

What an author would lose if this failed: a preview (and a test suite) whose
builds differ from ``nikola build`` run by hand, such as a step of the build
that fails (Pagefind, any command a plugin runs) and is taken for a success.
"""

from support.sitebuild import nikola

# Nikola reads conf.py for every command: these record what a command they run returned
# and what the build's environment holds. (As the site's conf.py, they turn off `nikola
# auto`, whose import costs most of a bare command.)
QUICK = 'DISABLED_PLUGINS = ["auto"]\n'
CONF = (
    QUICK
    + """\
import pathlib, subprocess
pathlib.Path("exit-status").write_text(str(subprocess.run(["sh", "-c", "exit 3"]).returncode))
"""
)


def test_a_build_sees_the_exit_status_of_the_commands_it_runs(tmp_path):
    (tmp_path / "conf.py").write_text(CONF)
    run = nikola(tmp_path, "version")
    assert run.returncode == 0 and "Nikola v" in run.log, run.log
    assert (tmp_path / "exit-status").read_text() == "3"


def test_a_build_has_its_own_folder_and_environment(tmp_path):
    (tmp_path / "conf.py").write_text(
        QUICK + 'import os, pathlib\npathlib.Path("seen").write_text(os.environ["PROBE"])\n'
    )
    assert nikola(tmp_path, "version", env={"PROBE": "this build's"}).returncode == 0
    assert (tmp_path / "seen").read_text() == "this build's"
    assert nikola(tmp_path, "no-such-command").returncode != 0
