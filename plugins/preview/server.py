"""The preview's HTTP side: output/ as a web server serves it, plus live reload.

* Every file of the output folder, ``/x/`` as ``/x/index.html``, a missing
  URL as ``/404.html`` with status 404, with the headers server/nginx sends:
  the site's Content-Security-Policy (conf.py's, plus ``frame-ancestors``),
  ``nosniff`` and the referrer policy; nothing is cached.
* Pages get one ``<script src="/__preview/reload.js">`` before ``</body>``
  (a file, as the policy allows only the site's own scripts); the files on
  disk are not changed.
* ``/__preview/events``: server-sent events (same origin): ``hello`` (this
  server's boot id, so a page reloads after a restart), ``reload`` (the URL
  paths rewritten, or ``"*"``) and ``status``;
* ``/__preview/status``: JSON ``{"boot", "generation", "building",
  "problems"}``; ``problems`` are the file:line lines of the posts that
  could not be published, which reload.js shows over the page.

A file is read whole when requested; pages are written atomically
(plugins/preview/atomic_pages.py), so a response is the old page or the
new one, never a mix.
"""

import asyncio
import json
import mimetypes
import os
from urllib.parse import unquote

from aiohttp import web

STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
SCRIPT = b'<script src="/__preview/reload.js"></script>'
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
}


def url_paths(output, files):
    """The URL paths that show ``files`` (paths under ``output``)."""
    paths = []
    for path in files:
        rel = os.path.relpath(path, output).replace(os.sep, "/")
        paths.append("/" + rel)
        if rel == "index.html" or rel.endswith("/index.html"):
            paths.append("/" + rel[: -len("index.html")])
    return paths


class Server:
    def __init__(self, output, csp, boot):
        self.output = os.path.abspath(output)
        self.boot = boot
        self.headers = {
            "Content-Security-Policy": csp + "; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            "Cache-Control": "no-store",
        }
        self.status = {"boot": boot, "generation": 0, "building": False, "problems": []}
        self.listeners = set()

    # --- events ---------------------------------------------------------------

    def publish(self, event, data):
        message = f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()
        for queue in list(self.listeners):
            queue.put_nowait(message)

    def set_status(self, **changes):
        self.status.update(changes)
        self.publish("status", self.status)

    def reload(self, paths):
        self.publish("reload", {"paths": paths if len(paths) <= 500 else "*"})

    async def events(self, request):
        response = web.StreamResponse(headers=dict(self.headers, **{"Content-Type": "text/event-stream"}))
        await response.prepare(request)
        queue = asyncio.Queue()
        self.listeners.add(queue)
        try:
            await response.write(
                "retry: 250\nevent: hello\ndata: {0}\n\n".format(json.dumps({"boot": self.boot})).encode()
            )
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), 15)
                except TimeoutError:
                    message = b": keep-alive\n\n"
                await response.write(message)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.listeners.discard(queue)
        return response

    async def status_json(self, request):
        return web.json_response(self.status, headers=self.headers)

    async def static(self, request):
        name = request.match_info["name"]
        if name not in ("reload.js", "overlay.css"):
            raise web.HTTPNotFound()
        with open(os.path.join(STATIC, name), "rb") as f:
            body = f.read()
        return web.Response(body=body, headers=dict(self.headers, **{"Content-Type": TYPES[os.path.splitext(name)[1]]}))

    # --- the site -------------------------------------------------------------

    def _file(self, url_path):
        rel = unquote(url_path).lstrip("/")
        path = os.path.normpath(os.path.join(self.output, rel))
        if path != self.output and not path.startswith(self.output + os.sep):
            return None, None
        if os.path.isdir(path):
            if not url_path.endswith("/"):
                return None, url_path + "/"
            path = os.path.join(path, "index.html")
        return (path if os.path.isfile(path) else None), None

    def _response(self, path, status=200):
        with open(path, "rb") as f:  # the whole file: a rename replaces it, never a half
            body = f.read()
        ext = os.path.splitext(path)[1].lower()
        if ext == ".html":
            at = body.rfind(b"</body>")
            body = body[:at] + SCRIPT + body[at:] if at >= 0 else body + SCRIPT
        ctype = TYPES.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream"
        return web.Response(body=body, status=status, headers=dict(self.headers, **{"Content-Type": ctype}))

    async def site(self, request):
        path, redirect = self._file(request.path)
        if redirect:
            raise web.HTTPMovedPermanently(redirect, headers=self.headers)
        if path is None:
            missing = os.path.join(self.output, "404.html")
            if os.path.isfile(missing):
                return self._response(missing, 404)
            return web.Response(text="404: not found", status=404, headers=self.headers)
        return self._response(path)

    def app(self):
        app = web.Application()
        app.router.add_get("/__preview/events", self.events)
        app.router.add_get("/__preview/status", self.status_json)
        app.router.add_get("/__preview/{name}", self.static)
        app.router.add_get("/{tail:.*}", self.site)
        return app
