"""Text stays text: the theme's templates escape everything by default.

Nikola 8.3.3 creates its Jinja environment with autoescaping off, so a
template shows a post's title, tags, category, author or description as
HTML unless every use remembers ``|e``; and it replaces Jinja's ``tojson``
filter with a plain ``json.dumps``, so ``</script>`` in a title closes the
JSON-LD ``<script>`` element and whatever follows runs
(``nikola/plugins/template/jinja.py``, ``set_directories``).

Not a plugin: conf.py hands these to Nikola's documented settings, so no
internals are patched.

* ``TEMPLATE_ENGINE_FACTORY = environment``: the Jinja environment is made
  with autoescaping on, so every ``{{ value }}`` is escaped for HTML text and
  attributes (HTML the site itself made, a post's body from docutils, conf.py's
  footer, Nikola's hooks, is marked ``|safe`` where a template shows it); its
  compiled templates go to plugins/template_cache.py's bytecode cache, which
  keys compiled code by the environment's settings, escaping included, so
  nothing compiled without escaping is ever reused;
* ``TEMPLATE_FILTERS = FILTERS``: ``tojson`` is Jinja's own
  ``htmlsafe_json_dumps``, which writes ``<``, ``>``, ``&`` and ``'`` as JSON
  ``\\u`` escapes, so the result is the same JSON and can never end a
  ``<script>`` element. (Nikola sets its ``tojson`` after calling the factory,
  then applies TEMPLATE_FILTERS, which therefore wins.)
"""

import jinja2
from jinja2.utils import htmlsafe_json_dumps

from plugins.template_cache import TemplateCache

BYTECODE_PATTERN = "__jinja2_autoescaped_%s.cache"
FILTERS = {"tojson": htmlsafe_json_dumps}


def environment(bytecode_cache=None, **settings):
    """The Jinja environment Nikola asks its factory for, escaping on."""
    if isinstance(bytecode_cache, jinja2.FileSystemBytecodeCache):  # Nikola's, in cache/jinja
        bytecode_cache = TemplateCache(bytecode_cache.directory, BYTECODE_PATTERN)
    return jinja2.Environment(autoescape=True, bytecode_cache=bytecode_cache, **settings)
