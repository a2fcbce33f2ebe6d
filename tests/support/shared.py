"""Sites built once per test session, whatever the number of workers (the first to ask builds)."""

import fcntl
import json
import os
from pathlib import Path

from support.sitebuild import ROOT, Build

SITES = ROOT / "tests" / "sites"


def session_folder(tmp_path_factory):
    """The test session's temporary folder, shared by its workers."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, above each worker's own
    return base


def shared_build(tmp_path_factory, name, make):
    """``make(folder) -> Build``, run once per session whatever the number of workers."""
    folder = session_folder(tmp_path_factory) / "shared" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(str(folder) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = Path(str(folder) + ".json")
        if record.exists():
            data = json.loads(record.read_text(encoding="utf-8"))
            return Build(Path(data["root"]), data["returncode"], data["log"])
        build = make(folder)
        record.write_text(
            json.dumps({"root": str(build.root), "returncode": build.returncode, "log": build.log}), encoding="utf-8"
        )
        return build
