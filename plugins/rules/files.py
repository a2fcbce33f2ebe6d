"""Writing output files so that a reader never sees half of one.

A file is written to a temporary file in its folder, then renamed over the
old one (one atomic step on POSIX): a web server, or the preview server
(plugins/preview) while a background build runs, serves either the old
file or the new one, never a truncated one. The new file gets the
permissions a plain ``open(path, "w")`` would give it (0666 less the umask),
not mkstemp's 0600, so a web server running as another user can read it.
"""

import os
import tempfile


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


MODE = 0o666 & ~_umask()


def write_atomically(path, data, mtime_ns=None):
    """Write ``data`` (str as UTF-8, or bytes) to ``path`` through a temporary file and a rename;
    with ``mtime_ns``, the file has that modification time from its first instant."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, MODE)
        if mtime_ns is not None:
            os.utime(tmp, ns=(mtime_ns, mtime_ns))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
