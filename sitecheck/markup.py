"""HTML: the Nu Html Checker, alt text, footnotes and docutils debris on every page.

vnu.jar comes from the npm package ``vnu-jar``, pinned in package.json and
package-lock.json (``make test`` installs it into node_modules/), and runs on
the machine's Java (17 here). It starts slowly, so it is run once over
every file it is given.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from .refs import parse_html, target_of

VNU_JAR = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_jar() -> Path:
    if not VNU_JAR.is_file():
        raise RuntimeError(f"no {VNU_JAR}: run `make test` (npm ci installs the pinned vnu-jar)")
    return VNU_JAR


def vnu_messages(files, java="java"):
    """Every message vnu.jar gives for ``files`` (HTML and CSS), as vnu's JSON dicts.

    A missing Java is an error, never a skip: the check must not pass
    because it did not run.
    """
    files = [str(f) for f in files]
    if not files:
        raise ValueError("vnu: no files to check")
    if shutil.which(java) is None:
        raise RuntimeError("vnu needs Java: install a JRE (Debian: apt-get install default-jre-headless)")
    # One short run: the JIT's first tier only and the serial collector use
    # about half the CPU of the defaults for the same report (the first tier
    # needs a bigger thread stack for vnu's schema evaluation).
    cmd = [
        java,
        "-Xss4m",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-jar",
        str(vnu_jar()),
        "--format",
        "json",
        "--exit-zero-always",
    ]
    if any(f.endswith(".css") for f in files):
        cmd.append("--also-check-css")
    proc = subprocess.run(cmd + files, capture_output=True, text=True, timeout=900)
    try:
        report = json.loads(proc.stderr or proc.stdout)
    except ValueError:
        raise RuntimeError(
            f"vnu gave no JSON report (exit {proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        ) from None
    return report["messages"]


def vnu_report(files, root=None, java="java"):
    """(errors, warnings) from one vnu run, one line each: 'file:line:col: message'.

    Errors include fatal and I/O failures (vnu type "error" and
    "non-document-error"); warnings are reported to people, not failed on.
    """
    errors, warnings = [], []
    for m in vnu_messages(files, java):
        where = unquote(urlsplit(m.get("url", "")).path)
        if root is not None:
            try:
                where = Path(where).resolve().relative_to(Path(root).resolve()).as_posix()
            except ValueError:
                pass
        line = "{0}:{1}:{2}: {3}".format(
            where, m.get("lastLine", "?"), m.get("firstColumn", m.get("lastColumn", "?")), m.get("message", "")
        )
        if m.get("type") != "info":
            errors.append(line)
        elif m.get("subType") == "warning":
            warnings.append(line)
    return errors, warnings


def vnu_errors(files, root=None, java="java"):
    return vnu_report(files, root, java)[0]


IMAGE_NAME = re.compile(r"^\S+\.(jpe?g|png|gif|svg|webp|avif|bmp|tiff?)$", re.I)
DECORATIVE = ("presentation", "none")


def alt_is_missing(img):
    """Why an <img> has no real alt text, or None if it has one.

    docutils writes the image's URI as its alt when ``:alt:`` is missing, so
    an alt that is the src, its path or file name, or any bare file name or
    URL, is no alt. An empty alt is only right on a decorative image
    (role="presentation" or "none", or aria-hidden="true") or outside <main>
    (the page's chrome).
    """
    alt = img.get("alt")
    if alt is None:
        return "no alt attribute"
    alt = alt.strip()
    decorative = img.get("role") in DECORATIVE or img.get("aria-hidden") == "true"
    if not alt:
        in_content = any(el.tag == "main" for el in img.iterancestors())
        return "empty alt on a content image" if in_content and not decorative else None
    src = (img.get("src") or "").strip()
    path = unquote(urlsplit(src).path)
    name = PurePosixPath(path).name
    candidates = {src, path, name, PurePosixPath(name).stem, unquote(src)}
    if alt in candidates or unquote(alt) in candidates or PurePosixPath(unquote(urlsplit(alt).path)).name == name:
        return f"alt is the image's file name {alt!r}"
    if IMAGE_NAME.match(alt) or re.match(r"^(https?:)?//", alt):
        return f"alt is a file name or URL {alt!r}"
    return None


def images_without_alt(site):
    """Every <img> on every page has alt text that says something."""
    problems = []
    for page in site.html_pages():
        doc = parse_html(page.read_text(encoding="utf-8"))
        if doc is None:
            continue
        for img in doc.iter("img"):
            why = alt_is_missing(img)
            if why:
                problems.append(
                    "{0}: <img src={1!r}>: {2}".format(page.relative_to(site.root).as_posix(), img.get("src"), why)
                )
    return problems


# --- footnotes: the one model of a reference and its note meeting ----------------


def footnote_references(body) -> list:
    return body.select('a.footnote-reference, a[role~="doc-noteref"]')


def footnotes(body) -> list:
    return body.select(".footnote")


def footnote_backlinks(footnote) -> list:
    return footnote.select('a[role~="doc-backlink"], .backrefs a, a.fn-backref')


def footnote_problems(body, resolve, page) -> list:
    """Where footnote references and footnotes fail to link to each other.

    ``resolve(href)`` returns the (file, fragment) an href reaches, and
    ``page`` is the file ``body`` is in: a reference must reach a footnote
    on this page that links back to the reference's own id, and every
    back-link must reach a reference.
    """
    problems = []
    notes = {n.get("id"): n for n in footnotes(body)}
    ref_ids = set()
    for ref in footnote_references(body):
        name = "footnote reference [{0}] (href {1!r})".format(ref.get_text().strip("[] "), ref.get("href"))
        target, fragment = resolve(ref.get("href", ""))
        if target != page:
            problems.append(name + " points at another page")
        elif fragment not in notes:
            problems.append(name + f": no footnote with id {fragment!r} in the body")
        elif not ref.get("id"):
            problems.append(name + " has no id, so nothing can link back to it")
        elif (page, ref["id"]) not in [resolve(b["href"]) for b in footnote_backlinks(notes[fragment])]:
            problems.append(name + ": footnote {0!r} does not link back to {1!r}".format(fragment, ref["id"]))
        if ref.get("id"):
            ref_ids.add(ref["id"])
    for note_id, note in notes.items():
        if not note_id:
            problems.append("a footnote has no id: {0!r}".format(" ".join(note.get_text().split())[:60]))
        for back in footnote_backlinks(note):
            target, fragment = resolve(back["href"])
            if target != page or fragment not in ref_ids:
                problems.append(
                    "footnote {0!r}: back-link {1!r} reaches no footnote reference".format(note_id, back["href"])
                )
    return problems


def unpaired_footnotes(site):
    """Footnote references and back-links that do not meet, on every page."""
    problems = []
    for page in site.html_pages():
        body = site.soup(page).body
        if body is None:
            continue
        resolve = lambda href, page=page: target_of(site, urljoin(site.url_of(page), href))  # noqa: E731
        rel = page.relative_to(site.root).as_posix()
        problems += [f"{rel}: {p}" for p in footnote_problems(body, resolve, page)]
    return problems


# --- docutils debris ------------------------------------------------------------------


def system_messages(site):
    """Pages that publish a docutils "System Message" (a reST problem shown to readers)."""
    return [
        "{0}: {1}".format(page.relative_to(site.root).as_posix(), " ".join(m.get_text().split())[:120])
        for page in site.html_pages()
        for m in site.soup(page).select(".system-message, .system-messages, .problematic")
    ] + [
        f"{page.relative_to(site.root).as_posix()}: 'System Message' in the text"
        for page in site.html_pages()
        if "System Message" in site.soup(page).get_text()
    ]
