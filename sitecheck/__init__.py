"""Checks of a built site: its links, fragments and markup.

``make links`` runs them on output/ (``python -m sitecheck output``); the
test suite runs the same functions on every build it makes.

Each check takes a ``site_model.Site`` (or an output folder, or a list of
files) and returns a list of problems as short strings naming the file,
so the same function runs on the real build (expect ``[]``) and on a
fixture site with a planted fault (expect that fault, and only it).

- ``site_model``: a built site read as a browser and a feed reader would
- ``refs``:    every URL the build refers to (pages, feeds, sitemaps, CSS)
- ``links``:   broken links and fragments, localhost and file paths,
               orphan pages, leftover files, the external-link report
- ``markup``:  the Nu Html Checker (vnu.jar, needs Java), alt text,
               footnotes, docutils' system messages
"""
