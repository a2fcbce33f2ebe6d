"""The built site served as readers get it: by nginx, with the repository's config.

``serve(root)`` writes a minimal nginx.conf into a temporary folder (pid file,
logs and temp paths all inside it, so it runs as root or not and never touches
/var/log or /run), with one server on a free port of 127.0.0.1 whose ``root``
is the given folder and which ``include``s server/nginx/blog.conf, the file
production uses, and the site's own 301 and 410 rules (``.nginx/*.conf``,
plugins/redirects), as server/nginx/example.conf does. nginx runs in the foreground (``daemon off``) as a child of
the test process and is stopped by its process id.
"""

import contextlib
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
BLOG_CONF = ROOT / "server" / "nginx" / "blog.conf"
MODULES = Path(os.environ.get("NGINX_MODULES", "/usr/lib/nginx/modules"))
# blog.conf needs brotli_static; Debian ships it as a dynamic module.
BROTLI_STATIC = "ngx_http_brotli_static_module.so"
INSTALL = "apt-get install nginx libnginx-mod-http-brotli-static (.ci/run does)"

CONF = """\
# Written by tests/support/nginx.py for one test run.
{load_module}
{user}
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        include {blog_conf};
        include {root}/.nginx/*.conf;
    }}
}}
"""


def nginx_binary():
    found = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(found, os.X_OK):
        raise RuntimeError("nginx not found (set NGINX=path or " + INSTALL + ")")
    return found


def load_module_line():
    """The brotli_static module, unless this nginx has it built in."""
    version = subprocess.run([nginx_binary(), "-V"], capture_output=True, text=True).stderr
    if "brotli" in version:
        return ""
    module = MODULES / BROTLI_STATIC
    if not module.is_file():
        raise RuntimeError(f"nginx has no brotli_static module ({module} missing): {INSTALL}")
    return f"load_module {module};"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_conf(tmp, root, port, blog_conf=BLOG_CONF):
    # As root, nginx would run its workers as `nobody`, who cannot read
    # pytest's private temporary folders: run them as the current user.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    conf = Path(tmp) / "nginx.conf"
    conf.write_text(
        CONF.format(
            load_module=load_module_line(),
            user=user,
            tmp=tmp,
            port=port,
            root=Path(root).absolute(),
            blog_conf=blog_conf,
        )
    )
    return conf


def check_conf(conf):
    """``nginx -t`` on ``conf``: (ok, output)."""
    proc = subprocess.run(
        [nginx_binary(), "-t", "-q", "-p", str(conf.parent), "-e", str(conf.parent / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    return proc.returncode == 0, proc.stdout + proc.stderr


def _wait_for(port, proc, tmp, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {proc.returncode}:\n{_log(tmp)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"nginx did not answer on port {port} within {timeout} s:\n{_log(tmp)}")


def _log(tmp):
    logs = [Path(tmp) / name for name in ("error.log", "stderr.log")]
    return "".join(p.read_text(errors="replace") for p in logs if p.exists()) or "(nothing logged)"


@contextlib.contextmanager
def serve(root, blog_conf=BLOG_CONF):
    """Serve ``root`` with nginx on http://127.0.0.1:<free port>; yields the base URL."""
    binary = nginx_binary()
    with tempfile.TemporaryDirectory(prefix="nginx-") as tmp:
        for attempt in range(3):  # another process may take the free port first
            port = free_port()
            conf = write_conf(tmp, root, port, blog_conf)
            with open(os.path.join(tmp, "stderr.log"), "wb") as stderr:
                proc = subprocess.Popen(
                    [binary, "-p", tmp, "-e", tmp + "/error.log", "-c", str(conf)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
            try:
                _wait_for(port, proc, tmp)
                break
            except RuntimeError:
                stop(proc)
                if attempt == 2 or "Address already in use" not in _log(tmp):
                    raise
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(proc)


def stop(proc, sig=signal.SIGQUIT):
    """Stop a server by its process id (nginx: QUIT lets open responses finish); KILL after 10 s."""
    if proc.poll() is None:
        os.kill(proc.pid, sig)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def request(site_url, path, headers=None, method="GET"):
    """(status, headers, body) exactly as sent: http.client decodes nothing."""
    parts = urlsplit(site_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()
