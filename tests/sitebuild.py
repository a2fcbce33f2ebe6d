"""Build a copy of the site (or of a tiny fixture site) in a temporary folder.

Tests never read the project's own output/: they copy the sources, build
with the same Nikola, plugins and theme, and read only that build.
"""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a site is made of; everything else in the repository is not the site.
SITE_PARTS = ("conf.py", "docutils.conf", "plugins", "themes", "posts", "pages",
              "images", "files", "listings")
NIKOLA = str(Path(sys.executable).with_name("nikola"))


@dataclass
class Build:
    root: Path        # the site's sources
    returncode: int
    log: str          # stdout and stderr of `nikola build`

    @property
    def output(self) -> Path:
        return self.root / "output"


def copy_site(dest: Path, overlay: Path = None, with_posts=True) -> Path:
    """Copy the project's site into ``dest``; files in ``overlay`` win."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        src = ROOT / part
        if not with_posts and part == "posts":  # pages (search, 404) are part of the frame
            continue
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.is_file():
            shutil.copy2(src, dest / part)
    if overlay is not None:
        shutil.copytree(overlay, dest, dirs_exist_ok=True)
    return dest


def nikola_build(site: Path, *args, env=None) -> Build:
    run_env = dict(os.environ, NIKOLA_NO_COLOR="1")
    run_env.pop("SITE_URL", None)  # tests check the documented default
    run_env.update(env or {})
    proc = subprocess.run([NIKOLA, "build", *args], cwd=site, env=run_env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=900)
    return Build(site, proc.returncode, proc.stdout)
