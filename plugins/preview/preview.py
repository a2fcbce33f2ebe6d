"""``nikola preview``: what ``make serve`` and ``make preview`` run.

Like Hugo's fast-render mode, and unlike ``nikola auto`` (a whole
``nikola build`` process per save: about 4 s at 1,000 posts before the page
changes), one long-running process keeps the site loaded (the command is
here; the running preview is plugins/preview/session.py):

1. at start, ``nikola build`` (so output/ is what a clean build gives),
   then the server (plugins/preview/server.py) on --address:--port;
2. a file watcher (watchdog) sees a save; after 20 ms of quiet the changed
   files are handled together;
3. a saved post or page the site already has is re-rendered at once, in
   this process (plugins/preview/renderer.py), and the browsers showing it
   reload. A mistake in it (reST, metadata) is printed as file:line here
   and shown in the browser over the previous page, which stays;
4. then, for any change (a post, a new, deleted or renamed one, a
   template, an image, conf.py, a plugin), ``nikola build`` runs in the
   background and brings the lists, taxonomies, feeds, search and sitemap
   up to date, exactly as a clean build would (it is the same command, in
   a process of its own, forked from one that has Nikola already loaded:
   plugins/preview/builder.py); pages it rewrote reload. Saves during that
   build start another one after it, so the last build always sees the
   last save;
5. when the loaded site is stale (conf.py, docutils.conf or a plugin
   changed, a post was added, deleted or renamed, or its metadata changed),
   the process restarts itself after the background build (browsers
   reconnect and reload), so the next fast render starts from the new site.
"""

from nikola.plugin_categories import Command

from plugins import patches


class Preview(Command):
    name = "preview"
    doc_usage = "[--address ADDRESS] [--port PORT]"
    doc_purpose = "preview the site with live reload; a saved post is re-rendered at once"
    cmd_options = [
        {
            "name": "port",
            "short": "p",
            "long": "port",
            "default": 8000,
            "type": int,
            "help": "port to listen on (0: any free port)",
        },
        {
            "name": "address",
            "short": "a",
            "long": "address",
            "default": "127.0.0.1",
            "type": str,
            "help": "address to listen on",
        },
    ]

    def _execute(self, options, args):
        patches.require("preview")
        from plugins.preview.session import Session  # the server and watcher: for this command only

        return Session(self.site).run(options["address"], options["port"])
