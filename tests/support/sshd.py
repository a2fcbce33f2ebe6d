"""OpenSSH's sshd on 127.0.0.1, for the deploy tests: a real server, a throwaway identity.

``serve(tmp)`` makes a host key and a user key in ``tmp``, writes an
sshd_config (keys, pid file and authorized_keys all in ``tmp``; public keys
only: no PAM, no passwords) and an ssh_config for the client, and runs
``sshd -D -e`` on a free port as a child of the test process, stopped by
its process id. It yields a :class:`Server`: ``ssh`` is the client command
(``ssh -F <tmp>/ssh_config``) and ``host`` the name to give it.

As root (CI), sshd logs in as root with the key only; its privilege
separation needs the empty, root-owned /run/sshd, made here if missing (a
systemd unit would make it). As another user, sshd runs as that user and can
only log in as that user; it needs no /run/sshd then. Either way, without
PAM sshd admits no account it reads as locked (a system account such as
nobody). Where sshd cannot run or admit the user at all,
:class:`Unavailable` says why, and the tests that need it are skipped with
that reason.

The ssh_config also names ``<host>-cut``: the same server reached through
tests/support/cut_link.py, which drops the connection once the client has
sent ``CUT_AFTER`` bytes on it, as a network that goes away mid-copy would.
The client shares one connection per host name among its commands
(ControlMaster), and ends them before sshd is stopped.
"""

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .nginx import free_port, stop

SSHD = os.environ.get("SSHD", "/usr/sbin/sshd")  # absolute: sshd re-executes itself by this path
PRIVSEP = Path("/run/sshd")
INSTALL = "apt-get install openssh-server (.ci/run does)"
HOST = "deploytest"
CUT_AFTER = 1 << 20  # bytes: more than any command's, less than the big file's
CUT_LINK = Path(__file__).with_name("cut_link.py")

SSHD_CONFIG = """\
# Written by tests/support/sshd.py for one test run.
ListenAddress 127.0.0.1
Port {port}
HostKey {tmp}/host_key
PidFile {tmp}/sshd.pid
AuthorizedKeysFile {tmp}/authorized_keys
AllowUsers {user}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
LogLevel VERBOSE
"""

SSH_CONFIG = """\
# Written by tests/support/sshd.py for one test run.
Host {host} {host}-cut
    HostName 127.0.0.1
    Port {port}
    User {user}
    HostKeyAlias {host}
    IdentityFile {tmp}/user_key
    IdentitiesOnly yes
    UserKnownHostsFile {tmp}/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    BatchMode yes
    LogLevel ERROR
    # One connection per host name for all of a test's commands: a login costs
    # a second or two on a loaded machine, and a deploy runs a dozen commands.
    ControlMaster auto
    ControlPath {tmp}/master-%n
    ControlPersist 120
Host {host}-cut
    ProxyCommand {python} {cut_link} %h %p {cut_after}
"""


class Unavailable(Exception):
    """sshd cannot run here at all (not a failure of the code under test)."""


@dataclass
class Server:
    host: str  # the client's name for it (ssh_config's Host)
    ssh: str  # the client command, for DEPLOY_SSH
    user: str
    log: Path  # sshd's own log (-e): why a login was refused


def _keygen(path):
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deploy-test", "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )


def _privsep_dir():
    if os.geteuid() != 0 or PRIVSEP.is_dir():
        return
    try:
        PRIVSEP.mkdir(mode=0o755)
    except OSError as error:
        raise Unavailable(f"sshd runs as root here and needs {PRIVSEP}, which cannot be made: {error}") from error


def _wait_for(server, proc, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited with {proc.returncode}:\n{server.log.read_text()}")
        probe = subprocess.run(shlex.split(server.ssh) + [server.host, "true"], capture_output=True, text=True)
        if probe.returncode == 0:
            return
        if "account is locked" in server.log.read_text():
            raise Unavailable(
                f"sshd runs, but admits no login as {server.user}, even with a key: "
                f'"User {server.user} not allowed because account is locked" ({server.log}). '
                "Without PAM, sshd refuses an account it reads as locked; run the tests as an account that can log in"
            )
        time.sleep(0.1)
    raise RuntimeError(f"no login to sshd within {timeout} s ({probe.stderr.strip()}):\n{server.log.read_text()}")


@contextlib.contextmanager
def serve(tmp):
    """Run sshd for the duration of the block; yields a :class:`Server`."""
    if not os.access(SSHD, os.X_OK) or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        raise RuntimeError("sshd, ssh or ssh-keygen not found (set SSHD=path or " + INSTALL + ")")
    _privsep_dir()
    tmp = Path(tmp)
    user = pwd.getpwuid(os.geteuid()).pw_name
    _keygen(tmp / "host_key")
    _keygen(tmp / "user_key")
    shutil.copy(tmp / "user_key.pub", tmp / "authorized_keys")
    host_key = (tmp / "host_key.pub").read_text().split()
    (tmp / "known_hosts").write_text(f"{HOST} {host_key[0]} {host_key[1]}\n")
    for attempt in range(3):  # another process may take the free port first
        port = free_port()
        (tmp / "sshd_config").write_text(SSHD_CONFIG.format(port=port, tmp=tmp, user=user))
        (tmp / "ssh_config").write_text(
            SSH_CONFIG.format(
                host=HOST, port=port, user=user, tmp=tmp, python=sys.executable, cut_link=CUT_LINK, cut_after=CUT_AFTER
            )
        )
        server = Server(HOST, "ssh -F {0}".format(shlex.quote(str(tmp / "ssh_config"))), user, tmp / "sshd.log")
        test = subprocess.run([SSHD, "-t", "-f", str(tmp / "sshd_config")], capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError("sshd -t refused the test config:\n" + test.stderr)
        with open(server.log, "wb") as log:
            proc = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(tmp / "sshd_config")],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for(server, proc)
            break
        except Unavailable:
            stop(proc, signal.SIGTERM)
            raise
        except RuntimeError:
            stop(proc, signal.SIGTERM)
            if attempt == 2 or "Address already in use" not in server.log.read_text():
                raise
    try:
        yield server
    finally:
        for host in (HOST, HOST + "-cut"):  # the shared connections, each a process of its own
            subprocess.run(shlex.split(server.ssh) + ["-O", "exit", host], capture_output=True)
        stop(proc, signal.SIGTERM)  # the listening sshd; its sessions end with their clients
