#!/usr/bin/env python3
"""Publish a fresh build as a new release and switch readers to it in one step.

    python scripts/deploy.py deploy TARGET [--site DIR] [--keep N] [--reload CMD]
    python scripts/deploy.py rollback TARGET [--reload CMD]
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
  3. The guard: compare output/ with the live release (``current``), if there is
     one. Every URL the live release serves and the new one does not must be
     recorded in the site's redirects.txt (``301`` moved, ``410`` gone), and
     no post's feed GUID may change (a changed slug keeps its old GUID with
     ``.. guid:``); otherwise the release is refused, naming each URL.
  4. rsync output/ into ``releases/.incoming-<id>/`` (files whose bytes equal
     the live release's are hard links to them), then rename that to ``releases/<id>``,
     so a folder named like a release is always complete.
  5. Make a symlink ``.current.tmp`` -> ``releases/<id>`` and rename it over
     ``current`` (``mv -T``, one rename(2)): every request after that instant
     is answered from the new release, every one before from the old.
  6. Run the reload command, if one is given (``--reload CMD`` or
     DEPLOY_RELOAD; on the target's host for an SSH target): the release
     carries the web server's redirect rules, read when it (re)loads.
  7. Remove all but the newest ``--keep`` releases (never the live one).

``rollback`` points ``current`` at the release before the live one, the same
way, then runs the reload command. Nothing on the target changes until
steps 1 to 3 have passed.

Both kinds of target run the same commands (mkdir, readlink, ls, find, rsync,
mv, ln, rm) with the same arguments: locally through subprocess, remotely as
``ssh HOST '<command>'``, with rsync's remote paths written ``HOST:path``.
The ssh command is DEPLOY_SSH if set (``DEPLOY_SSH="ssh -F deploy/ssh_config"``),
else ``ssh``; rsync gets the same command as its ``-e``. tests/e2e/test_deploy.py
runs both paths, the SSH one against OpenSSH's sshd on 127.0.0.1.
"""

import argparse
import datetime
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from plugins.rules import redirects  # noqa: E402 (the same rules as the build and make review)

NIKOLA = str(Path(sys.executable).with_name("nikola"))  # the one beside this Python (.venv)
KEEP = 3
RELEASE = re.compile(r"^\d{8}T\d{6}\.\d{6}Z$")
INCOMING = ".incoming-"


class Refused(Exception):
    """A check refused or a step failed. Readers see a change only at the switch,
    followed only by the reload and pruning, so a refusal before it leaves the
    site as it was."""


class Target:
    """A deploy target: commands run here, or on ``host`` through ssh."""

    def __init__(self, spec, ssh=None):
        match = re.match(r"^([^/:]+):(.+)$", spec)
        self.host, self.path = (match.group(1), match.group(2)) if match else (None, str(Path(spec).absolute()))
        self.ssh = shlex.split(ssh if ssh is not None else os.environ.get("DEPLOY_SSH") or "ssh")

    def __str__(self):
        return f"{self.host}:{self.path}" if self.host else self.path

    def at(self, *parts):
        return "/".join((self.path.rstrip("/"),) + parts)

    def run(self, *argv, capture=False, check=True, binary=False):
        return self.shell(shlex.join(argv) if self.host else list(argv), capture, check, binary)

    def shell(self, command, capture=False, check=True, binary=False):
        """Run ``command`` (argv here, or a shell command line) on the target's host."""
        if self.host is not None:
            command = self.ssh + [self.host, command]
        elif isinstance(command, str):
            command = ["sh", "-c", command]
        proc = subprocess.run(command, text=not binary, stdout=subprocess.PIPE if capture else None)
        if check and proc.returncode != 0:
            raise Refused(f"{shlex.join(command)} failed (exit {proc.returncode})")
        return proc

    def rsync(self, *argv):
        """rsync with ``argv`` here, through the same ssh as every other command."""
        command = ["rsync"] + (["-e", shlex.join(self.ssh)] if self.host else []) + list(argv)
        proc = subprocess.run(command)
        if proc.returncode != 0:
            raise Refused(f"{shlex.join(command)} failed (exit {proc.returncode})")

    def remote(self, path):
        """``path`` as an rsync argument."""
        return f"{self.host}:{path}" if self.host else path

    def live(self):
        """The release ``current`` points at, or None before the first deploy."""
        proc = self.run("readlink", self.at("current"), capture=True, check=False)
        return proc.stdout.strip().rsplit("/", 1)[-1] if proc.returncode == 0 else None

    def entries(self):
        return self.run("ls", "-1A", self.at("releases"), capture=True).stdout.split()

    def releases(self):
        return sorted(name for name in self.entries() if RELEASE.match(name))

    def files(self, release):
        """The files of ``release``, as paths relative to it (one ``find``)."""
        found = self.run(
            "find",
            self.at("releases", release),
            "-mindepth",
            "1",
            "(",
            "-type",
            "f",
            "-o",
            "-type",
            "l",
            ")",
            "-printf",
            "%P\\0",
            capture=True,
            binary=True,
        ).stdout
        return [name.decode("utf-8", "surrogateescape") for name in found.split(b"\0") if name]

    def copy_feeds(self, release, into):
        """Copy the feeds (every .xml file) of ``release`` into the local folder ``into``."""
        self.rsync(
            "-a",
            "--prune-empty-dirs",
            "--include=*/",
            "--include=*.xml",
            "--exclude=*",
            self.remote(self.at("releases", release)) + "/",
            str(into).rstrip("/") + "/",
        )

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
        raise Refused(f"no {NIKOLA}: run this with the virtualenv's Python (make deploy does)")
    if subprocess.run([NIKOLA, "build"], cwd=site, env=publishing_environment()).returncode != 0:
        raise Refused("the build failed: nothing was deployed")


def orphans(site):
    """Files in output/ that no build task produces, as ``nikola check -f`` lists them."""
    proc = subprocess.run(
        [NIKOLA, "check", "-f"],
        cwd=site,
        text=True,
        env=publishing_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    found = re.findall(r"check: (output/\S.*)$", proc.stdout, re.MULTILINE)
    if proc.returncode != 0 and not found:
        raise Refused(f"nikola check -f failed (exit {proc.returncode}):\n{proc.stdout}")
    return found


# --- the guard: what readers already hold ------------------------------------------


def records_of(site):
    """The moves and removals the site's redirects.txt records; a bad line refuses the deploy."""
    records, problems = redirects.read(site)
    if problems:
        raise Refused(
            "{0} has mistakes; nothing was deployed:\n  {1}".format(Path(site, redirects.FILE), "\n  ".join(problems))
        )
    return records


def broken_promises(output, target, records):
    """What the release in ``output`` would break for readers of the live release, as lines.

    Each URL the live release serves that ``output`` does not and no record
    answers for, and each post whose feed GUID changed. None before the first
    deploy: there is nothing to compare with.
    """
    live = target.live()
    if live is None:
        return []
    before = redirects.urls_of_files(target.files(live))
    unanswered = [
        url for url, record in redirects.dropped(before, redirects.served_urls(output), records) if record is None
    ]
    # /x/index.html is the page /x/ names: one line, one record, for both.
    unanswered = [
        url for url in unanswered if not (url.endswith("/index.html") and url[: -len("index.html")] in unanswered)
    ]
    lines = [
        f"{url}: the live release serves it and this one does not; record it in redirects.txt, "
        f"as `301 {url} /its/new/path/` if it moved or `410 {url}` if it is gone for good"
        for url in unanswered
    ]
    with tempfile.TemporaryDirectory(prefix="deploy-feeds-") as feeds:
        target.copy_feeds(live, feeds)
        lines += redirects.guid_changes(redirects.feed_items(feeds), redirects.feed_items(output), records)
    return lines


def guard(output, target, records):
    broken = broken_promises(output, target, records)
    if broken:
        raise Refused(
            "this release would break what readers of {0} hold; nothing was deployed:\n  {1}".format(
                target, "\n  ".join(broken)
            )
        )


# --- the commands -----------------------------------------------------------------


def new_release_id():
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def reload_server(target, command, release):
    """Run the reload command after a switch; the switch stays, and the message says how to undo it."""
    if not command:
        return
    proc = target.shell(command, check=False)
    if proc.returncode != 0:
        raise Refused(
            f"the reload command {command!r} failed (exit {proc.returncode}) on {target}. "
            f"The switch has already happened: {release} is live, "
            "but the web server may still answer with the previous release's redirect rules. Fix the "
            f"server and run the command again, or go back with `deploy.py rollback {target}` "
            "(make rollback)."
        )


def publish(output, target, keep=KEEP, records=None, reload=None):
    """Copy ``output`` into a new release on ``target`` and make it live. Returns its id.

    ``records``: the site's redirects.txt records; given, the guard runs first.
    """
    if not Path(output, "index.html").is_file():
        raise Refused(f"{output} holds no built site")
    if records is not None:
        guard(output, target, records)
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
    try:
        target.rsync("-a", "--checksum", *link_dest, str(output).rstrip("/") + "/", target.remote(incoming) + "/")
    except Refused as failed:
        raise Refused(
            f"{failed}\nThe copy did not finish: readers still get the live release, and the next deploy "
            f"removes the half copy {incoming}."
        ) from failed
    target.run("mv", "-T", incoming, target.at("releases", release))
    target.switch(release)
    reload_server(target, reload, release)
    for old in target.releases()[:-keep]:
        if old != release:
            target.run("rm", "-rf", target.at("releases", old))
    return release


def deploy(site, target, keep=KEEP, reload=None):
    build(site)
    found = orphans(site)
    if found:
        raise Refused(
            "output/ holds files no source builds; nothing was deployed:\n  "
            + "\n  ".join(found)
            + "\nRemove them (nikola check -f --clean-files, or make clean) and deploy again."
        )
    return publish(Path(site) / "output", target, keep, records=records_of(site), reload=reload)


def rollback(target, reload=None):
    """Point ``current`` at the release before the live one. Returns its id."""
    live = target.live()
    if live is None:
        raise Refused(f"nothing is live on {target}")
    earlier = [r for r in target.releases() if r < live]
    if not earlier:
        raise Refused(f"no release older than {live} on {target}")
    target.switch(earlier[-1])
    reload_server(target, reload, earlier[-1])
    return earlier[-1]


def status(target):
    live = target.live()
    return "\n".join("{0} {1}".format("*" if r == live else " ", r) for r in target.releases())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("deploy", "build, check, guard, publish a new release and switch to it"),
        ("rollback", "switch back to the release before the live one"),
        ("status", "list the releases; * marks the live one"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("target", help="a folder, or user@host:/path")
        if name == "deploy":
            command.add_argument("--site", default=str(ROOT), help="the site's folder (default: this repository)")
            command.add_argument("--keep", type=int, default=KEEP, help="releases to keep (default: %(default)s)")
        if name != "status":
            command.add_argument(
                "--reload",
                default=os.environ.get("DEPLOY_RELOAD") or None,
                metavar="CMD",
                help="run on the target's host after the switch, e.g. 'sudo systemctl reload "
                "nginx' (default: $DEPLOY_RELOAD, else nothing)",
            )
    args = parser.parse_args(argv)
    target = Target(args.target)
    try:
        if args.command == "deploy":
            if args.keep < 2:
                parser.error("--keep must be at least 2, or there is nothing to roll back to")
            print("live: {0}".format(target.at("releases", deploy(args.site, target, args.keep, args.reload))))
        elif args.command == "rollback":
            print("live: {0}".format(target.at("releases", rollback(target, args.reload))))
        else:
            print(status(target))
    except Refused as refused:
        print(f"deploy.py {args.command}: {refused}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
