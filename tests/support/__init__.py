"""What the tests share, imported as ``support.x`` (pytest.ini puts tests/ on the path).

- ``sitebuild``: copy the site (or a fixture site) and build it in a process of its own
- ``golden``:    the golden site's build against tests/golden/output (``make golden`` rewrites it)
- ``seeds``:     the seed documents in tests/data and what a reader sees of a post
- ``hostile``:   posts with hostile text in every field
- ``feedrules``: the W3C Feed Validation Service's rules, for this blog's feeds
- ``nginx``, ``browser``: the built site served by nginx, and Chromium driven by Playwright
- ``fixtures``:  the browser's pytest fixtures (``pytest_plugins = ["support.fixtures"]``)

The checks of a built site (links, fragments, markup) are the top-level
``sitecheck`` package, which ``make links`` runs on output/.
"""
