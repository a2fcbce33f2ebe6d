"""Text stays text: the theme's templates escape everything by default.

Nikola 8.3.3 creates its Jinja environment with autoescaping off, so a
template shows a post's title, tags, category, author or description as
HTML unless every use remembers ``|e``; and it replaces Jinja's ``tojson``
filter with a plain ``json.dumps``, so ``</script>`` in a title closes the
JSON-LD ``<script>`` element and whatever follows runs
(``nikola/plugins/template/jinja.py``, ``set_directories``).

This plugin is the one place that fixes both, for every template:

* autoescaping on: every ``{{ value }}`` is escaped for HTML text and
  attributes; HTML that the site itself made (a post's body from docutils,
  conf.py's footer, Nikola's hooks) is marked ``|safe`` where a template
  shows it;
* ``tojson`` is Jinja's own ``htmlsafe_json_dumps``, which writes ``<``,
  ``>``, ``&`` and ``'`` as JSON ``\\u`` escapes, so the result is the same
  JSON and can never end a ``<script>`` element;
* templates compiled before (Jinja's in-memory and on-disk bytecode caches
  in cache/jinja) are not reused: they were compiled without escaping. The
  on-disk cache becomes plugins/template_cache.py's, which keys compiled
  code by the environment's settings, escaping included.

The environment is patched in place (see plugins/patches), before any
template is loaded: ConfigPlugins are activated while Nikola starts.
"""

from jinja2 import FileSystemBytecodeCache
from jinja2.utils import htmlsafe_json_dumps
from nikola.plugin_categories import ConfigPlugin

from plugins import patches
from plugins.template_cache import TemplateCache

BYTECODE_PATTERN = "__jinja2_autoescaped_%s.cache"


def enable_escaping(environment):
    environment.autoescape = True
    environment.filters["tojson"] = htmlsafe_json_dumps
    if environment.cache is not None:
        environment.cache.clear()
    old = environment.bytecode_cache
    if isinstance(old, FileSystemBytecodeCache):
        environment.bytecode_cache = TemplateCache(old.directory, BYTECODE_PATTERN)


class SafeTemplates(ConfigPlugin):
    name = "safe_templates"

    def set_site(self, site):
        patches.require("safe_templates")
        system = site.template_system
        if system.name != "jinja":
            raise RuntimeError("plugins/safe_templates knows only Jinja templates, not {0}".format(system.name))
        enable_escaping(system.lookup)
        return super().set_site(site)
