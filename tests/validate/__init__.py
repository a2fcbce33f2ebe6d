"""Reusable checks of a built site.

Each check takes a ``site_model.Site`` (or an output folder, or a list of
files) and returns a list of problems as short strings naming the file,
so the same function runs on the real build (expect ``[]``) and on a
fixture site with a planted fault (expect that fault, and only it).

- ``refs``:    every URL the build refers to (pages, feeds, sitemaps, CSS)
- ``links``:   broken links and fragments, localhost and file paths,
               orphan pages, leftover files, the external-link report
- ``markup``:  the Nu Html Checker (vnu.jar, needs Java), alt text
- ``nginx``:   the site served by nginx with server/nginx/blog.conf
- ``browser``: Chromium (Playwright) on that server: console errors,
               third-party requests, axe-core, keyboard and footnotes
"""
