"""The site's rules that several plugins apply, each written once.

Not a Nikola plugin (there is no ``.plugin`` file here): a package the
plugins import as ``plugins.rules`` (Nikola runs from the site's folder,
which is on ``sys.path``).

* :mod:`.errors`: how a mistake in a post is reported to its author;
* :mod:`.urls`: which URLs a post may use;
* :mod:`.publication`: which posts are published, and which lists (author pages) exist;
* :mod:`.files`: writing an output file atomically (never half of it on disk).
"""
