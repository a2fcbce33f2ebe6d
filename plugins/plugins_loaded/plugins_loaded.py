"""No site built without one of its plugins.

Nikola 8.3.3 treats a plugin that cannot be loaded (an import error, a
syntax error, a broken .plugin file) as a warning: it logs the error, waits
two seconds and builds the site without that plugin, and the command exits
0. For this site that can mean pages without plugins/rest_safety's checks
or plugins/rest_strict's. This plugin stops the command instead,
after Nikola's warning (which names the plugin and its error), before any
task runs. It has no imports of its own beyond Nikola's plugin category, so
that nothing but Nikola can keep it from loading.
"""

import sys

from nikola.plugin_categories import ConfigPlugin


class PluginsLoaded(ConfigPlugin):
    name = "plugins_loaded"

    def set_site(self, site):
        if site.plugin_manager.has_warnings:
            sys.stderr.write(
                "nikola: a plugin could not be loaded (Nikola's warning above names it and its error); "
                "nothing was built without it.\n"
            )
            raise SystemExit(1)
        return super().set_site(site)
