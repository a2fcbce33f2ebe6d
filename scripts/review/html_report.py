"""review/index.html: the report, in one file that opens from a CI artifact with no server.

Nothing in it is fetched: the site's stylesheets are inlined, local images
are inlined as ``data:`` URIs, and an image from another origin is replaced
by a placeholder naming it; links keep their text and lose their target.
The page's Content-Security-Policy allows no script and no request but
``data:`` images. Each added or changed post is shown as readers will see
it, with the site's own stylesheet, twice: in a light frame and a dark one
(the stylesheet's ``prefers-color-scheme`` queries fixed to one scheme in
each), in sandboxed ``srcdoc`` frames. Every text that comes from a post is
escaped: posts are proposed by anyone.
"""

import base64
import difflib
import html
import mimetypes
import os
import posixpath
import re
from urllib.parse import unquote, urlsplit

import lxml.html

from plugins.rules.redirects import MOVED

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
# A change to a template changes every post: the first posts are shown, the others listed with their diffs.
PREVIEW_LIMIT = 20
IMAGE_LIMIT = 2 * 1024 * 1024  # larger images are named, not inlined: the report stays small enough to open
SCHEME = re.compile(r"\(\s*prefers-color-scheme\s*:\s*(light|dark)\s*\)")
# Media features always true and never true, in place of a scheme query.
ALWAYS, NEVER = "(min-width:0px)", "(max-width:-1px)"
URL_IN_CSS = re.compile(r"url\(\s*(['\"]?)(?!data:)[^)]*\1\s*\)")
DROP = (
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "link",
    "meta",
    "base",
    "video",
    "audio",
    "source",
    "template",
)

STYLE = """
:root{color-scheme:light dark;--fg:#1d2327;--bg:#fff;--muted:#4f5b62;--rule:#d5dbdf;--bad:#a4161a;--bad-bg:#fcefef;
--add:#1d6b36;--add-bg:#edf6f0;--del:#a4161a;--del-bg:#fcefef}
@media (prefers-color-scheme:dark){:root{--fg:#e4e8eb;--bg:#15191c;--muted:#a9b4bb;--rule:#3a4348;--bad:#ff9a9a;
--bad-bg:#2c1719;--add:#7fd69a;--add-bg:#16261b;--del:#ff9a9a;--del-bg:#2c1719}}
body{margin:0 auto;max-width:90rem;padding:1rem 1.5rem 4rem;font:1rem/1.5 system-ui,sans-serif;color:var(--fg);
background:var(--bg)}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid var(--rule)}h3{font-size:1.05rem;margin:1.5rem 0 .5rem}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}
.errors{border:2px solid var(--bad);background:var(--bad-bg);padding:.5rem 1rem}
.errors li{color:var(--bad)}
.ok{color:var(--add)}
.diff{border:1px solid var(--rule);padding:.5rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.diff .a{display:block;color:var(--add);background:var(--add-bg)}
.diff .d{display:block;color:var(--del);background:var(--del-bg)}
.diff .c{display:block;color:var(--muted)}
table{border-collapse:collapse}
th,td{border:1px solid var(--rule);padding:.2rem .5rem;text-align:left;vertical-align:top}
.frames{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
.frames figure{margin:0}.frames figcaption{color:var(--muted);font-size:.9rem}
iframe{width:100%;height:40rem;border:1px solid var(--rule);resize:vertical}
.muted{color:var(--muted)}
"""


def e(value):
    return html.escape(str(value), quote=True)


class Assets:
    """The head build's files a preview uses, read once: stylesheets and images."""

    def __init__(self, output):
        self.output = output
        self._css = {}

    def file(self, page_file, ref):
        """The file of the built site that ``ref`` (a link in ``page_file``) names, or None."""
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        path = unquote(parts.path)
        target = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page_file), path)
        target = posixpath.normpath(target)
        if target.startswith("../") or target == "..":
            return None
        full = os.path.join(self.output, target)
        if full.endswith("/") or os.path.isdir(full):
            full = os.path.join(full, "index.html")
        return full if os.path.isfile(full) else None

    def css(self, page_file, root):
        """The page's stylesheets, in order, as one text with no reference to another file."""
        texts = []
        for link in root.xpath("//head/link[@rel='stylesheet'][@href]"):
            path = self.file(page_file, link.get("href"))
            if path is None:
                continue
            if path not in self._css:
                with open(path, encoding="utf-8", errors="replace") as f:
                    self._css[path] = URL_IN_CSS.sub("none", f.read())
            texts.append(self._css[path])
        return "\n".join(texts)

    def data_uri(self, path):
        if os.path.getsize(path) > IMAGE_LIMIT:
            return None
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if not kind.startswith("image/"):
            return None
        with open(path, "rb") as f:
            return "data:{0};base64,{1}".format(kind, base64.b64encode(f.read()).decode("ascii"))


def scheme_css(css, scheme):
    """``css`` as it applies under one colour scheme, whatever the reader's system prefers."""
    fixed = SCHEME.sub(lambda m: ALWAYS if m.group(1) == scheme else NEVER, css)
    return fixed + "\n:root{color-scheme:" + scheme + "}"


def _placeholder(text):
    span = lxml.html.Element("span")
    span.set("style", "display:inline-block;border:1px dashed;padding:.5rem;font-size:.85em")
    span.text = text
    return span


def _inert(main, page_file, assets):
    """``main`` with nothing that runs or fetches: images inlined or named, links without targets."""
    for element in list(main.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in DROP:
            element.drop_tree()
            continue
        for name in list(element.attrib):
            if name.startswith("on") or name in ("srcset", "formaction", "action", "ping", "background", "poster"):
                del element.attrib[name]
        if element.tag == "a" and "href" in element.attrib:
            href = element.attrib.pop("href")
            if not href.startswith("#"):
                element.set("title", href)
            else:
                element.set("href", href)
        if element.tag == "img":
            src = element.get("src", "")
            path = assets.file(page_file, src)
            data = assets.data_uri(path) if path else None
            if data:
                element.set("src", data)
            else:
                where = "from another site" if urlsplit(src).scheme else "not in the build"
                label = "[image {0}: {1}{2}]".format(
                    where, src, " (" + element.get("alt") + ")" if element.get("alt") else ""
                )
                element.addprevious(_placeholder(label))
                element.drop_tree()
    return main


def preview_document(output, page_file, assets, scheme):
    """A post's page reduced to what a reader sees, as one HTML document for a ``srcdoc`` frame."""
    root = lxml.html.parse(os.path.join(output, page_file)).getroot()
    main = root.find(".//main")
    css = scheme_css(assets.css(page_file, root), scheme)
    body = lxml.html.tostring(_inert(main, page_file, assets), encoding="unicode") if main is not None else ""
    # No policy of its own: a srcdoc frame inherits the report's (a second one
    # left Chromium's frame blank), and the sandbox runs no script anyway.
    return (
        '<!DOCTYPE html><html lang="{0}"><head><meta charset="utf-8"><style>{1}</style></head><body>{2}</body></html>'
    ).format(e(root.get("lang", "en")), css.replace("</", "<\\/"), body)


def message(text):
    """An error line: its `quoted` parts as code."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:
        return e(text)
    return "".join(f"<code>{e(part)}</code>" if i % 2 else e(part) for i, part in enumerate(parts))


def _diff(lines):
    out = ['<pre class="diff">']
    for line in lines:
        cls = {"+": "a", "-": "d", "@": "c"}.get(line[:1], "")
        out.append(f'<span class="{cls}">{e(line)}</span>' if cls else e(line) + "\n")
    out.append("</pre>")
    return "".join(out)


def _fields(page):
    if not page.fields:
        return ""
    rows = []
    for name, value in page.fields.items():
        if page.status in ("changed", "moved"):
            old, new = value
            rows.append(f"<tr><th>{e(name)}</th><td><del>{e(old)}</del></td><td><ins>{e(new)}</ins></td></tr>")
        else:
            rows.append(f"<tr><th>{e(name)}</th><td>{e(value)}</td></tr>")
    head = "<tr><th></th><th>base</th><th>change</th></tr>" if page.status in ("changed", "moved") else ""
    return "<table>{0}{1}</table>".format(head, "".join(rows))


def _post(report, page, assets, preview=True):
    parts = [
        '<section class="post"><h3>{0}: {1}<code>{2}</code> {3}</h3>'.format(
            e(page.status), f"<code>{e(page.old_url)}</code> to " if page.old_url else "", e(page.url), e(page.title)
        ),
        _fields(page),
    ]
    if page.status in ("changed", "moved") and page.diff:
        parts.append("<h4>Text</h4>" + _diff(page.diff))
    if page.status != "removed" and not preview:
        parts.append(f'<p class="muted">Not shown here: the report shows the first {PREVIEW_LIMIT} posts.</p>')
    elif page.status != "removed":
        frames = []
        for scheme in ("light", "dark"):
            doc = preview_document(report.head_output, page.file, assets, scheme)
            frames.append(
                f"<figure><figcaption>{scheme}, as readers will see it</figcaption>"
                f'<iframe sandbox="" title="{e(page.url)} ({scheme})" srcdoc="{e(doc)}"></iframe></figure>'
            )
        parts.append('<div class="frames">{0}</div>'.format("".join(frames)))
    elif page.diff:
        parts.append(f"<details><summary>Its text</summary>{_diff(page.diff)}</details>")
    parts.append("</section>")
    return "".join(parts)


def _list_page(page):
    body = _fields(page) + (_diff(page.diff) if page.diff else "")
    return "<details><summary>{0}: {1}<code>{2}</code> {3}</summary>{4}</details>".format(
        e(page.status), f"<code>{e(page.old_url)}</code> to " if page.old_url else "", e(page.url), e(page.title), body
    )


def _item(item):
    if item.status == "changed":
        rows = "".join(
            "<tr><th>{0}</th><td>{1}</td></tr>".format(
                e(name),
                _diff(list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))[2:])
                if name in ("content", "summary")
                else f"<del>{e(old)}</del> &rarr; <ins>{e(new)}</ins>",
            )
            for name, (old, new) in item.fields.items()
        )
    else:
        rows = "".join(
            "<tr><th>{0}</th><td>{1}</td></tr>".format(
                e(name), e(value if name not in ("content", "summary") else value[:300])
            )
            for name, value in item.fields.items()
            if value
        )
    return "<li>{0} <code>{1}</code> {2}<table>{3}</table></li>".format(
        e(item.status), e(item.guid), e(item.fields.get("title", "") if item.status != "changed" else ""), rows
    )


def _list(urls):
    return (
        "<ul>{0}</ul>".format("".join(f"<li><code>{e(url)}</code></li>" for url in urls))
        if urls
        else '<p class="muted">None.</p>'
    )


def write(report):
    """The HTML text of the report."""
    assets = Assets(report.head_output)
    out = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>Review: what this change does for readers</title><style>{STYLE}</style></head><body>",
        "<h1>What this change does for readers</h1>",
        f"<p>Base: {e(report.base)}. Change: {e(report.head)}.</p>",
    ]
    if report.errors:
        out.append(
            '<section class="errors"><h2>Errors</h2><ul>{0}</ul></section>'.format(
                "".join(f"<li>{message(error)}</li>" for error in report.errors)
            )
        )
    else:
        out.append('<p class="ok">No errors.</p>')

    out.append("<h2>Posts</h2>")
    posts = report.posts()
    out.extend(_post(report, page, assets, i < PREVIEW_LIMIT) for i, page in enumerate(posts))
    if not posts:
        out.append('<p class="muted">No post is added, changed or removed.</p>')

    out.append("<h2>Other pages</h2>")
    lists = report.lists()
    out.extend(_list_page(page) for page in lists)
    if not lists:
        out.append('<p class="muted">No other page changes in what a reader sees.</p>')
    if report.nav_only:
        out.append(
            f"<details><summary>{len(report.nav_only)} pages changed only in their links to other posts</summary>"
            f"{_list(report.nav_only)}</details>"
        )
    if report.markup_only:
        out.append(
            f"<details><summary>{len(report.markup_only)} pages changed only in markup or link targets</summary>"
            f"{_list(report.markup_only)}</details>"
        )

    out.append('<h2>Feeds</h2><p class="muted">Items by GUID: a feed reader shows a new GUID as a new item.</p>')
    for items, group in report.feed_groups():
        names = []
        for feed in group:
            twin = report.twin_of(feed)
            names.append(
                "<li>{0} <code>{1}</code>{2}{3}</li>".format(
                    e(feed.kind),
                    e(feed.feed),
                    f" and Atom <code>{e(twin)}</code>" if twin else "",
                    "" if feed.status == "changed" else f" (the feed is {e(feed.status)})",
                )
            )
        out.append(
            '<section class="feed"><h3>{0}</h3><ul>{1}</ul><p>{2} subscribers are shown:</p><ul>{3}</ul>'
            "</section>".format(
                "In this feed" if len(group) == 1 else f"In these {len(group)} feeds",
                "".join(names),
                "Its" if len(group) == 1 else "Their",
                "".join(_item(item) for item in items),
            )
        )
    if not report.feeds:
        out.append('<p class="muted">No feed item is added, changed or removed.</p>')

    out.append("<h2>URLs the base publishes that this change removes</h2>")
    if report.dropped:
        rows = []
        for dropped in report.dropped:
            record = dropped.record
            what = (
                f"moved to <code>{e(record.new)}</code> (redirects.txt:{record.line})"
                if record and record.status == MOVED
                else f"gone: 410 (redirects.txt:{record.line})"
                if record
                else '<strong class="errors">nothing answers: ERROR</strong>'
            )
            rows.append(f"<tr><td><code>{e(dropped.url)}</code></td><td>{what}</td></tr>")
        out.append("<table><tr><th>URL</th><th>what this change does</th></tr>{0}</table>".format("".join(rows)))
    else:
        out.append('<p class="muted">None.</p>')
    if report.records:
        out.append(
            "<p>Lines this change adds to <code>redirects.txt</code>:</p><ul>{0}</ul>".format(
                "".join(
                    "<li>{0}: <code>{1} {2}{3}</code></li>".format(
                        record.line, record.status, e(record.old), " " + e(record.new) if record.new else ""
                    )
                    for record in report.records
                )
            )
        )

    out.append("<h2>Other files</h2>")
    for status in ("added", "changed", "removed"):
        urls = report.files.get(status, [])
        if urls:
            out.append(f"<details><summary>{len(urls)} {e(status)}</summary>{_list(urls)}</details>")
    if not any(report.files.values()):
        out.append('<p class="muted">None.</p>')
    out.append("</body></html>\n")
    return "".join(out)
