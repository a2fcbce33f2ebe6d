#!/usr/bin/env python3
"""Publish a fresh build as a new release and switch readers to it in one step.

    python scripts/deploy.py deploy TARGET [--site DIR] [--keep N]
    python scripts/deploy.py rollback TARGET
    python scripts/deploy.py status TARGET

TARGET is a local folder (``/srv/blog``) or an SSH destination
(``user@host:/srv/blog``; as with rsync, a colon before the first slash
means a host). On the target:

    releases/<id>/   one complete copy of output/ per deploy; <id> is the UTC
                     time of the deploy, so names sort by age
    current          a symlink to releases/<id>: the web server's root

``deploy``:
  1. ``nikola build`` in the site folder; a failed build stops here.
  2. ``nikola check -f``; a file in output/ that no task produces (the page of
     a deleted post, a stray file) stops here: it would be published forever.
  3. rsync output/ into ``releases/.incoming-<id>/`` (files whose bytes equal
     the live release's are hard links to them), then rename that to ``releases/<id>``,
     so a folder named like a release is always complete.
  4. Make a symlink ``.current.tmp`` -> ``releases/<id>`` and rename it over
     ``current`` (``mv -T``, one rename(2)): every request after that instant
     is answered from the new release, every one before from the old.
  5. Remove all but the newest ``--keep`` releases (never the live one).

``rollback`` points ``current`` at the release before the live one, the same
way. Nothing on the target changes until steps 1 and 2 have passed.

Both kinds of target run the same commands (mkdir, readlink, ls, rsync, mv,
ln, rm) with the same arguments: locally through subprocess, remotely as
``ssh HOST '<command>'``, with rsync's destination written ``HOST:path``.
tests/test_deploy.py runs the local path; the SSH path is not tested here.
"""

import argparse
import datetime
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NIKOLA = str(Path(sys.executable).with_name("nikola"))  # the one beside this Python (.venv)
KEEP = 3
RELEASE = re.compile(r"^\d{8}T\d{6}\.\d{6}Z$")
INCOMING = ".incoming-"


class Refused(Exception):
    """A check refused or a step failed. Readers see a change only at the switch,
    the last step but pruning, so a refusal before it leaves the site as it was."""


class Target:
    """A deploy target: commands run here, or on ``host`` through ssh."""

    def __init__(self, spec):
        match = re.match(r"^([^/:]+):(.+)$", spec)
        self.host, self.path = (match.group(1), match.group(2)) if match else (None, str(Path(spec).absolute()))

    def __str__(self):
        return "{0}:{1}".format(self.host, self.path) if self.host else self.path

    def at(self, *parts):
        return "/".join((self.path.rstrip("/"),) + parts)

    def run(self, *argv, capture=False, check=True):
        command = list(argv) if self.host is None else ["ssh", self.host, shlex.join(argv)]
        proc = subprocess.run(command, text=True, stdout=subprocess.PIPE if capture else None)
        if check and proc.returncode != 0:
            raise Refused("{0} failed (exit {1})".format(shlex.join(command), proc.returncode))
        return proc

    def destination(self, path):
        """``path`` as rsync's destination argument."""
        return "{0}:{1}".format(self.host, path) if self.host else path

    def live(self):
        """The release ``current`` points at, or None before the first deploy."""
        proc = self.run("readlink", self.at("current"), capture=True, check=False)
        return proc.stdout.strip().rsplit("/", 1)[-1] if proc.returncode == 0 else None

    def entries(self):
        return self.run("ls", "-1A", self.at("releases"), capture=True).stdout.split()

    def releases(self):
        return sorted(name for name in self.entries() if RELEASE.match(name))

    def switch(self, release):
        """Point ``current`` at ``release`` in one rename."""
        self.run("ln", "-sfn", "releases/" + release, self.at(".current.tmp"))
        self.run("mv", "-T", self.at(".current.tmp"), self.at("current"))


# --- the build ------------------------------------------------------------------

def publishing_environment():
    """The environment of a build that publishes: never a preview (conf.py's
    BLOG_PREVIEW builds drafts into preview/), always the site's own settings."""
    env = dict(os.environ)
    env.pop("BLOG_PREVIEW", None)
    return env


def build(site):
    if not Path(NIKOLA).is_file():
        raise Refused("no {0}: run this with the virtualenv's Python (make deploy does)".format(NIKOLA))
    if subprocess.run([NIKOLA, "build"], cwd=site, env=publishing_environment()).returncode != 0:
        raise Refused("the build failed: nothing was deployed")


def orphans(site):
    """Files in output/ that no build task produces, as ``nikola check -f`` lists them."""
    proc = subprocess.run([NIKOLA, "check", "-f"], cwd=site, text=True, env=publishing_environment(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    found = re.findall(r"check: (output/\S.*)$", proc.stdout, re.MULTILINE)
    if proc.returncode != 0 and not found:
        raise Refused("nikola check -f failed (exit {0}):\n{1}".format(proc.returncode, proc.stdout))
    return found


# --- the commands -----------------------------------------------------------------

def new_release_id():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")


def publish(output, target, keep=KEEP):
    """Copy ``output`` into a new release on ``target`` and make it live. Returns its id."""
    if not Path(output, "index.html").is_file():
        raise Refused("{0} holds no built site".format(output))
    target.run("mkdir", "-p", target.at("releases"))
    live = target.live()
    for name in target.entries():
        if name.startswith(INCOMING):  # left by a deploy that stopped half-way
            target.run("rm", "-rf", target.at("releases", name))
    release = new_release_id()
    incoming = target.at("releases", INCOMING + release)
    # Files equal to the live release's are hard links to them (relative to the
    # destination folder). --checksum: rsync's quick check (size and time to the
    # second) would link a changed file of the same size written in the same second.
    link_dest = ["--link-dest=../" + live] if live else []
    target.run("rsync", "-a", "--checksum", *link_dest,
               str(output).rstrip("/") + "/", target.destination(incoming) + "/")
    target.run("mv", "-T", incoming, target.at("releases", release))
    target.switch(release)
    for old in target.releases()[:-keep]:
        if old != release:
            target.run("rm", "-rf", target.at("releases", old))
    return release


def deploy(site, target, keep=KEEP):
    build(site)
    found = orphans(site)
    if found:
        raise Refused("output/ holds files no source builds; nothing was deployed:\n  " + "\n  ".join(found)
                      + "\nRemove them (nikola check -f --clean-files, or make clean) and deploy again.")
    return publish(Path(site) / "output", target, keep)


def rollback(target):
    """Point ``current`` at the release before the live one. Returns its id."""
    live = target.live()
    if live is None:
        raise Refused("nothing is live on {0}".format(target))
    earlier = [r for r in target.releases() if r < live]
    if not earlier:
        raise Refused("no release older than {0} on {1}".format(live, target))
    target.switch(earlier[-1])
    return earlier[-1]


def status(target):
    live = target.live()
    return "\n".join("{0} {1}".format("*" if r == live else " ", r) for r in target.releases())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("deploy", "build, check for orphans, publish a new release and switch to it"),
                       ("rollback", "switch back to the release before the live one"),
                       ("status", "list the releases; * marks the live one")):
        command = commands.add_parser(name, help=text)
        command.add_argument("target", help="a folder, or user@host:/path")
        if name == "deploy":
            command.add_argument("--site", default=str(ROOT), help="the site's folder (default: this repository)")
            command.add_argument("--keep", type=int, default=KEEP, help="releases to keep (default: %(default)s)")
    args = parser.parse_args(argv)
    target = Target(args.target)
    try:
        if args.command == "deploy":
            if args.keep < 2:
                parser.error("--keep must be at least 2, or there is nothing to roll back to")
            print("live: {0}".format(target.at("releases", deploy(args.site, target, args.keep))))
        elif args.command == "rollback":
            print("live: {0}".format(target.at("releases", rollback(target))))
        else:
            print(status(target))
    except Refused as refused:
        print("deploy.py {0}: {1}".format(args.command, refused), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
