"""RFC 5005 (Feed Paging and Archiving) for feedgen.

feedgen 1.0 writes only ``rel="self"`` as an ``atom:link`` in RSS, and any
other non-self link silently replaces the RSS channel ``<link>``; it knows
nothing of ``fh:archive``. This extension adds:

* ``<fh:archive/>`` when the document is an archive document (RFC 5005 4),
  and ``<fh:complete/>`` when it is a complete feed, one document holding
  every entry (RFC 5005 2), in both formats;
* ``current``, ``prev-archive`` and ``next-archive`` links as ``atom:link``
  in an RSS channel (Atom feeds get them from feedgen's own ``link()``,
  which accepts those relations).

Usage: ``fg.register_extension("history", HistoryExtension, HistoryEntry)``,
then ``fg.history.archive(True)`` or ``fg.history.complete(True)``, and
``fg.history.link(rel, href)``. feedgen applies extensions before it adds
the entries, so these elements come first, where the W3C validator reads
them (its RFC 5005 checks look only at what precedes the first entry).
"""

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

FH = "http://purl.org/syndication/history/1.0"
ATOM = "http://www.w3.org/2005/Atom"
RELS = ("current", "prev-archive", "next-archive")


class HistoryExtension(BaseExtension):
    def __init__(self):
        self._archive = False
        self._complete = False
        self._links = []

    def extend_ns(self):
        return {"fh": FH}

    def archive(self, is_archive=None):
        if is_archive is not None:
            self._archive = bool(is_archive)
        return self._archive

    def complete(self, is_complete=None):
        if is_complete is not None:
            self._complete = bool(is_complete)
        return self._complete

    def link(self, rel, href, type_):
        if rel not in RELS:
            raise ValueError(f"not an RFC 5005 relation: {rel!r}")
        self._links.append((rel, href, type_))

    def _markers(self, parent):
        if self._archive:
            xml_elem(f"{{{FH}}}archive", parent)
        if self._complete:
            xml_elem(f"{{{FH}}}complete", parent)

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        for rel, href, type_ in self._links:
            xml_elem(f"{{{ATOM}}}link", channel, rel=rel, href=href, type=type_)
        self._markers(channel)
        return rss_feed

    def extend_atom(self, atom_feed):
        self._markers(atom_feed)  # links: feedgen's own link(), which takes these relations
        return atom_feed


class HistoryEntry(BaseEntryExtension):
    """Entries carry nothing of RFC 5005."""
