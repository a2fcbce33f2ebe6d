"""Build a copy of the site (or of a tiny fixture site) in a temporary folder.

Tests never read the project's own output/: they copy the sources, build
with the same Nikola, plugins and theme, and read only that build.

Each build runs ``nikola build`` in a process of its own, as an author's
would, but not a fresh interpreter: the processes are forked from the
builder ``nikola preview`` uses (plugins/preview/builder.py), which has
already imported Nikola and its heaviest dependencies (about 0.7 s of every
``nikola`` command). Nothing of a build (plugins, docutils registrations,
patches) outlives its process. Set SITEBUILD_SUBPROCESS=1 to run the real
``nikola`` executable instead.
"""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a site is made of; everything else in the repository is not the site.
SITE_PARTS = (
    "conf.py",
    "docutils.conf",
    "plugins",
    "themes",
    "posts",
    "pages",
    "images",
    "files",
    "listings",
    "redirects.txt",
)
NIKOLA = str(Path(sys.executable).with_name("nikola"))
TIMEOUT = 900


@dataclass
class Build:
    root: Path  # the site's sources
    returncode: int
    log: str  # stdout and stderr of `nikola build`

    @property
    def output(self) -> Path:
        return self.root / "output"


# What a post brings with it: a fixture site (with_posts=False) takes none of
# the project's but what its own posts use (``media``). The theme's sharing
# card is part of the frame. (Each image is scaled and each listing rendered
# in every build: a fifth of a small fixture site's build.)
POST_MEDIA = ("images", "listings")
FRAME_MEDIA = ("images/site-card.png",)
# A folder where the copies share their compiled templates (cache/jinja is
# a link to it; plugins/template_cache.py keys them by name, settings and
# source, not path). Set by tests/conftest.py for a test session.
TEMPLATE_CACHE = None


def copy_site(dest: Path, overlay: Path = None, with_posts=True, media=(), settings=None) -> Path:
    """Copy the project's site into ``dest``; files in ``overlay`` win.

    ``with_posts=False``: the frame only (conf.py, plugins, theme, pages,
    files), with the project's ``media`` (paths such as "images/ATL.jpg")
    the overlay's posts use. ``settings``: ``{NAME: value}`` added at the end
    of the copy's conf.py.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        src = ROOT / part
        # pages (search, 404) are part of the frame; redirects.txt answers for the blog's own URLs.
        if not with_posts and part in ("posts", "redirects.txt", *POST_MEDIA):
            continue
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.is_file():
            shutil.copy2(src, dest / part)
    for path in () if with_posts else (*FRAME_MEDIA, *media):
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, dest / path)
    if overlay is not None:
        shutil.copytree(overlay, dest, dirs_exist_ok=True)
    if settings:
        with open(dest / "conf.py", "a", encoding="utf-8") as conf:
            conf.write("\n# Set by the test suite (tests/support/sitebuild.py).\n")
            for name, value in settings.items():
                conf.write(f"{name} = {value!r}\n")
    if TEMPLATE_CACHE is not None:
        (dest / "cache").mkdir(exist_ok=True)
        (dest / "cache" / "jinja").symlink_to(TEMPLATE_CACHE, target_is_directory=True)
    return dest


def _environment(env, served):
    run_env = dict(os.environ, NIKOLA_NO_COLOR="1")
    run_env.pop("SITE_URL", None)  # tests check the documented default
    run_env.pop("BLOG_PREVIEW", None)
    if not served:  # no X.gz/X.br copies: only a site nginx serves needs them (conf.py)
        run_env["BLOG_PRECOMPRESS"] = "0"
    run_env.update(env or {})
    return run_env


_builder = None


def _builder_module():
    """plugins/preview/builder.py, by path: sitebuild also runs where ``plugins`` is not importable."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("preview_builder", ROOT / "plugins" / "preview" / "builder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nikola(site: Path, *args, env=None, served=False) -> Build:
    """``nikola *args`` in the folder ``site``; ``served``: with the copies a web server needs."""
    global _builder
    run_env = _environment(env, served)
    if os.environ.get("SITEBUILD_SUBPROCESS"):
        proc = subprocess.run(
            [NIKOLA, *args],
            cwd=site,
            env=run_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=TIMEOUT,
        )
        return Build(Path(site), proc.returncode, proc.stdout)
    if _builder is None:  # one per test process, started on first use
        # Python may cache the fixture sites' compiled plugins (in their temporary
        # folders) even where PYTHONDONTWRITEBYTECODE is set: a site is built,
        # rebuilt, checked and copied built, and each build imports its plugins.
        server_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        _builder = _builder_module().Builder(ROOT, env=server_env)
    code, text = _builder.run(site, args, run_env, timeout=TIMEOUT)
    return Build(Path(site), code, text)


def nikola_build(site: Path, *args, env=None, served=False) -> Build:
    return nikola(site, "build", *args, env=env, served=served)


def copy_built(built: Path, dest: Path) -> Path:
    """A copy of a built site (sources, output, cache, doit's state) that builds as the original would.

    Modification times are kept, so the copy's build stamp and doit's
    records still match: a test can change a built site without building
    one of its own first.
    """
    shutil.copytree(built, dest, symlinks=True, copy_function=shutil.copy2)
    return dest


def tree(output):
    """{relative path: bytes} of every file under ``output``."""
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def differences(got, want, limit=6):
    out = ["only in the incremental build: " + p for p in sorted(set(got) - set(want))]
    out += ["only in the clean build: " + p for p in sorted(set(want) - set(got))]
    out += ["differs: " + p for p in sorted(set(got) & set(want)) if got[p] != want[p]]
    return out[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else [])
