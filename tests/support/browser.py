"""A real browser on the built site: Debian's Chromium driven by Playwright.

The site is served from its output folder by nginx with the repository's
server/nginx/blog.conf (``serve``, from support.nginx) on 127.0.0.1, so the
pages get the headers readers get (the Content-Security-Policy included) and
the only origin they may use is that one. Requests to any other origin are
recorded and aborted: nothing leaves the machine.
"""

import contextlib
import json
import os
import shutil
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .nginx import serve  # noqa: F401 (the tests call web.serve)

# Playwright's own browser download does not work here: Debian's Chromium, in
# its headless build (package chromium-headless-shell: the same Chromium
# version, and what Playwright itself runs for headless Chromium), which takes
# a quarter less CPU than the full browser run headless (measured on the
# browser tests: 44-50 against 59-65 CPU seconds). CHROMIUM=/usr/bin/chromium
# runs them in the full browser.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HEIGHTS = {390: 844, 1280: 800}
# axe-core tags for WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def launch(playwright):
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install chromium-headless-shell (or set CHROMIUM)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class Visit:
    """What one page load did, besides rendering."""

    url: str
    console_errors: list = field(default_factory=list)
    third_party: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    in_flight: set = field(default_factory=set, repr=False)  # requests not answered yet

    def problems(self):
        return (
            ["console error: " + e for e in self.console_errors]
            + ["third-party request: " + u for u in self.third_party]
            + ["failed request: " + f for f in self.failed]
        )


def new_context(browser, base_url, width, scheme, motion="no-preference", bypass_csp=False, axe=False):
    """A browser context at ``width`` px in the ``scheme`` colour scheme that
    aborts (and records on ``context.third_party``) every request that leaves
    ``base_url``'s origin. ``motion="reduce"`` asks for instant scrolling;
    ``bypass_csp`` lets a test inject a fault the site's policy would block;
    ``axe``: for a context where most page loads are checked with axe-core."""
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHTS.get(width, 800)},
        color_scheme=scheme,
        reduced_motion=motion,
        base_url=base_url,
        service_workers="block",
        bypass_csp=bypass_csp,
    )
    if axe:
        # axe-core in every document from its start: a script the browser keeps
        # compiled, instead of half a megabyte sent and parsed for each page
        # checked. It costs every page load a third more, checked or not.
        from axe_playwright_python.base import AXE_SCRIPT

        context.add_init_script(AXE_SCRIPT)
    context.third_party = []
    origin = _origin(base_url)

    def guard(route):
        url = route.request.url
        if _origin(url) == origin or not url.startswith(("http:", "https:", "ws:", "wss:")):
            route.continue_()
        else:
            context.third_party.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    return context


def _origin(url):
    parts = urlsplit(url)
    return (parts.scheme, parts.hostname, parts.port)


@contextlib.contextmanager
def watching(page):
    """Record, while the block runs, console errors, uncaught exceptions, failed
    requests and requests to other origins (aborted by the context's guard)."""
    record = Visit(page.url)
    context = page.context
    already = len(context.third_party)
    in_flight = record.in_flight

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            record.console_errors.append(
                "{0} ({1}:{2})".format(msg.text, loc.get("url", ""), loc.get("lineNumber", ""))
            )

    def on_response(response):
        if response.status >= 400:
            record.failed.append(f"{response.status} {response.url}")

    def on_failed(request):
        in_flight.discard(request)
        # net::ERR_ABORTED is the browser calling off its own request, not an
        # answer from the site (seen for /favicon.svg, which Chromium fetches
        # on its own schedule, on a busy machine). A missing or broken file is
        # a status of 400 or more (on_response) or a network error: recorded.
        if request.url not in context.third_party and request.failure != "net::ERR_ABORTED":
            record.failed.append(f"{request.url} ({request.failure})")

    def on_pageerror(exc):
        record.console_errors.append(f"uncaught: {exc}")

    def on_request(request):
        in_flight.add(request)

    def on_finished(request):
        in_flight.discard(request)

    listeners = {
        "console": on_console,
        "pageerror": on_pageerror,
        "response": on_response,
        "requestfailed": on_failed,
        "request": on_request,
        "requestfinished": on_finished,
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        yield record
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
        record.third_party = context.third_party[already:]


def visit(page, path, idle=True, record=None):
    """Load ``path`` (relative to the context's base URL) and record what went wrong.

    ``idle`` also waits, after the load event, until no request has been in
    flight for 75 ms (at most 5 s), so requests that scripts make after the
    load event are seen too. (Playwright's "networkidle" waits a fixed 500 ms
    of quiet, which most of a page load's time would be.) With ``record``
    (from :func:`watching`), problems go there."""
    if record is None:
        with watching(page) as record:
            return visit(page, path, idle, record)
    record.url = path
    response = page.goto(path, wait_until="load")
    if idle:
        quiet = 0
        for _ in range(200):  # 25 ms steps: at most 5 s
            page.wait_for_timeout(25)
            quiet = quiet + 1 if not record.in_flight else 0
            if quiet == 3:
                break
    if response is None or response.status != 200:
        record.failed.append(f"{path}: HTTP {response and response.status}")
    return record


# --- axe-core ---------------------------------------------------------------


def axe_violations(page, tags=WCAG_TAGS, rules=None):
    """axe-core violations on the loaded page, one line per rule and element.

    axe-core (from axe-playwright-python) is already in the page when the
    context comes from ``new_context(..., axe=True)`` (an init script), and
    put in once otherwise, not before every run as that package's
    ``Axe.run`` does."""
    from axe_playwright_python.base import AXE_SCRIPT

    options = {
        "runOnly": {"type": "rule", "values": rules} if rules else {"type": "tag", "values": tags},
        "resultTypes": ["violations"],
    }
    if page.evaluate("() => typeof window.axe === 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    response = page.evaluate("(options) => axe.run(document, options)", options)
    out = []
    for v in response["violations"]:
        for node in v["nodes"]:
            out.append(
                "{0} ({1}): {2} at {3}: {4}".format(
                    v["id"],
                    v.get("impact"),
                    v["help"],
                    " ".join(map(str, node.get("target", []))),
                    (node.get("failureSummary") or "").replace("\n", " "),
                )
            )
    return out


# --- keyboard ---------------------------------------------------------------

FOCUS_STYLE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, href: el.getAttribute('href'),
          text: (el.textContent || '').trim().slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                   && !/^(transparent|rgba\(.*,\s*0\))$/.test(s.outlineColor),
          shadow: s.boxShadow !== 'none',
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                   && r.top < innerHeight && r.left < innerWidth};
}"""


def _describe(info):
    return "<{0}{1}{2}> {3!r}".format(
        info["tag"],
        ' id="{0}"'.format(info["id"]) if info["id"] else "",
        ' href="{0}"'.format(info["href"]) if info["href"] else "",
        info["text"],
    )


ACTIVE_IN_VIEW = """() => { const el = document.activeElement; if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth; }"""


def _settles(page, expression, arg=None, timeout=5000):
    """True once ``expression`` holds: the site scrolls smoothly, so a focused
    element or a target comes into view over a few frames, not at once."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(expression, arg=arg, timeout=timeout)
        return True
    except Timeout:
        return False


def focus_problems(page, info):
    problems = []
    if not (info["outline"] or info["shadow"]):
        problems.append("focus not visible (no outline, no box-shadow) on " + _describe(info))
    if not info["visible"] and not _settles(page, ACTIVE_IN_VIEW):
        problems.append("focused element is off screen: " + _describe(info))
    return problems


# Back to the top of the page, with the keyboard's starting point there too: a
# blur alone leaves Tab to continue from the last focused element (after the
# skip link has moved it to #content, Tab would go on from there).
FROM_THE_TOP = r"""() => {
  window.scrollTo({top: 0, left: 0, behavior: 'instant'});
  const mark = document.createElement('span');
  mark.tabIndex = -1;
  document.body.prepend(mark);
  mark.focus({preventScroll: true});
  mark.remove();
}"""


def skip_link_problems(page):
    """First Tab focuses the skip link, visibly; Enter moves focus to main#content."""
    page.evaluate(FROM_THE_TOP)
    page.keyboard.press("Tab")
    info = page.evaluate(FOCUS_STYLE)
    if info is None:
        return ["first Tab focused nothing"]
    if "skip-link" not in str(info["cls"]).split() or info["href"] != "#content":
        return [f"first Tab focused {_describe(info)}, not the skip link to #content"]
    problems = focus_problems(page, info)
    page.keyboard.press("Enter")
    if not _settles(page, "() => location.hash === '#content'"):
        problems.append(f"the skip link did not go to #content (URL is {page.url})")
    landed = page.evaluate(
        "() => { const el = document.activeElement; return el ? el.tagName.toLowerCase() + '#' + el.id : null; }"
    )
    if landed != "main#content":
        problems.append(f"after the skip link focus is on {landed}, not main#content")
    page.evaluate(SCROLL_SETTLED)  # a smooth scroll to #content still under way would undo the next FROM_THE_TOP
    return problems


# Resolves once the page has not scrolled for five frames in a row (at most 2 s).
SCROLL_SETTLED = """() => new Promise((done) => {
  let last = scrollY, still = 0; const until = performance.now() + 2000;
  const frame = () => {
    still = scrollY === last ? still + 1 : 0; last = scrollY;
    if (still >= 5 || performance.now() > until) done(); else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})"""


def press_tab(page):
    """Press Tab the way the keyboard does, in one round trip to the browser.

    Focus moves on the key going down (Chrome DevTools Protocol's raw key-down,
    the event a keyboard sends); Playwright's ``keyboard.press`` also sends the
    key-up and waits twice as long, which a walk over a few hundred stops feels.
    """
    session = getattr(page, "_tab_session", None)
    if session is None:
        session = page._tab_session = page.context.new_cdp_session(page)
    session.send(
        "Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}
    )


# Records every element that receives focus, in order.
RECORD_STOPS = r"""() => {
  window.__stops = [];
  if (window.__recording) return;
  window.__recording = true;
  document.addEventListener('focusin', (event) => window.__stops.push(event.target), true);
}"""
# Each recorded stop, focused again (as the keyboard left it: a script moving
# focus after a keyboard move keeps :focus-visible), so the browser scrolls it
# into view as it did when the Tab reached it (instantly: reduced motion), and
# measured: its focus style and whether it is on screen.
READ_STOPS = r"""() => window.__stops.map((el) => {
  el.focus({focusVisible: true});
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, cls: String(el.className), href: el.getAttribute('href'),
          text: (el.textContent || '').trim().slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                   && !/^(transparent|rgba\(.*,\s*0\))$/.test(s.outlineColor),
          shadow: s.boxShadow !== 'none',
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                   && r.top < innerHeight && r.left < innerWidth,
          first: el === window.__stops[0]};
})"""
FOCUSABLE = (
    "() => document.querySelectorAll('a[href], area[href], input, select, textarea, button, iframe, "
    "[tabindex], [contenteditable]').length"
)


def tab_order_problems(page, schemes=(None,), limit=400):
    """Every element the keyboard reaches shows its focus, on screen.

    Presses Tab once more than the page has candidate stops, recording each
    element that gets focus, until focus has come back to the first one
    (after the last stop it leaves the page, then returns): one round trip
    per press. Then, in each of ``schemes`` (colour schemes; None: as the
    page is), every stop's focus style and place on screen are read. A page
    with more than ``limit`` stops is reported, not half-checked."""
    page.evaluate(FROM_THE_TOP)
    page.evaluate(RECORD_STOPS)
    presses = min(limit, page.evaluate(FOCUSABLE)) + 2
    for _ in range(presses):
        press_tab(page)
    problems = []
    for scheme in schemes:
        label = "" if scheme is None else scheme + ": "
        if scheme is not None:
            page.emulate_media(color_scheme=scheme)
        stops = page.evaluate(READ_STOPS)
        wrapped = next((i for i, stop in enumerate(stops) if i and stop["first"]), None)
        stops = stops[:wrapped]
        if not stops:
            problems.append(label + "Tab reaches nothing on the page")
        elif wrapped is None and presses > limit:
            problems.append(label + f"more than {limit} keyboard stops: not all were checked")
        elif wrapped is None:
            problems.append(label + f"focus never came back round after {presses} presses of Tab (a keyboard trap?)")
        for info in stops:
            if not (info["outline"] or info["shadow"]):
                problems.append(label + "focus not visible (no outline, no box-shadow) on " + _describe(info))
            if not info["visible"]:
                problems.append(label + "focused element is off screen: " + _describe(info))
    return problems


# --- footnotes ----------------------------------------------------------------

IN_VIEW = """(id) => { const el = document.getElementById(id); if (!el) return false;
  const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }"""
TARGET = "() => { const t = document.querySelector(':target'); return t ? t.id : null; }"


def footnote_problems(page, limit=None):
    """Each footnote reference (the first ``limit`` of them) leads to its footnote, and its back-link back to it."""
    refs = page.eval_on_selector_all('a[role="doc-noteref"]', "els => els.map(e => [e.id, e.getAttribute('href')])")
    refs = refs[:limit]
    if not refs:
        return ["no footnote reference on the page"]
    problems = []
    for ref_id, href in refs:
        note_id = href.split("#", 1)[1]
        page.click(_by_id(ref_id))
        _settles(page, "(h) => location.hash === h", "#" + note_id)
        if page.evaluate(TARGET) != note_id:
            problems.append(f"reference {ref_id}: :target is {page.evaluate(TARGET)}, not the footnote {note_id}")
        if not _settles(page, IN_VIEW, note_id):
            problems.append(f"reference {ref_id}: footnote {note_id} is not scrolled into view")
        back = page.query_selector(f'{_by_id(note_id)} a[role="doc-backlink"][href="#{ref_id}"]')
        if back is None:
            problems.append(f"footnote {note_id} has no back-link to {ref_id}")
            continue
        back.click()
        _settles(page, "(h) => location.hash === h", "#" + ref_id)
        if page.evaluate(TARGET) != ref_id:
            problems.append(f"back-link of {note_id}: :target is {page.evaluate(TARGET)}, not the reference {ref_id}")
        if not _settles(page, IN_VIEW, ref_id):
            problems.append(f"back-link of {note_id}: reference {ref_id} is not scrolled into view")
    return problems


def _by_id(value):
    return f"[id={json.dumps(value)}]"
