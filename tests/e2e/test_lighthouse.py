"""Lighthouse scores the home page and a long post at 100 in accessibility, best practices and SEO, and
passes every performance audit but the timed metrics, on a phone and a desktop.

What a reader would lose if this failed: a page that loads slower than it
could, or misses something Lighthouse's performance, accessibility, best
practice or search audits look for (a missing description, an image without
its size, a tap target too small).

Lighthouse (the npm package, pinned in package-lock.json) audits the
session's build served by nginx with the production config, through
Debian's headless Chromium, with its mobile preset (a throttled phone) and
its desktop one. It is the slowest layer (about 10 s a run), so `make test`
leaves it out (marker ``lighthouse``) and `make lighthouse` runs it, as
docs/tests.md says. Pages: the home page, and the Oslo PTG summary, the post
with the most sections (its contents list and section links).
"""

import json
import os
import subprocess

import pytest
from support.browser import CHROMIUM
from support.sitebuild import ROOT

pytest_plugins = ["support.fixtures"]
pytestmark = [pytest.mark.lighthouse, pytest.mark.browser]

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = {"home": "/", "post": "/posts/oslo-ptg-summary/"}
PRESETS = ("mobile", "desktop")
# The performance category's metrics that time the page on this machine (Lighthouse 12).
TIMED = {
    "first-contentful-paint",
    "largest-contentful-paint",
    "speed-index",
    "total-blocking-time",
    "max-potential-fid",
}


def audit(url, preset, out):
    """Lighthouse's JSON report of ``url`` (a local URL only: nothing else is fetched)."""
    args = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=" + str(out),
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
    ]
    if preset == "desktop":
        args.append("--preset=desktop")
    proc = subprocess.run(args, env=dict(os.environ, CHROME_PATH=CHROMIUM), capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def below_full_marks(report):
    """["audit id: title (score)"] of every scored audit that did not pass, for the failure message."""
    return [
        "{0}: {1} ({2})".format(name, a["title"], a["score"])
        for name, a in sorted(report["audits"].items())
        if a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        and a.get("score") is not None
        and a["score"] < 1
    ]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("page", PAGES)
def test_lighthouse_scores_100_in_every_category(site_url, tmp_path, page, preset):
    assert LIGHTHOUSE.exists(), f"no {LIGHTHOUSE}: run `npm ci` (make does)"
    report = audit(site_url + PAGES[page], preset, tmp_path / "report.json")
    scores = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
    assert set(scores) == {"performance", "accessibility", "best-practices", "seo"}
    judged = {name: score for name, score in scores.items() if name != "performance"}
    assert judged == dict.fromkeys(judged, 100), below_full_marks(report)
    # Performance: every audit but the timed metrics, which are this machine's CPU time scaled to a
    # phone's (on a busy shared host a page with no script at all measured 83 to 99); speed is
    # measured in bench/, never asserted in a test.
    performance = {ref["id"] for ref in report["categories"]["performance"]["auditRefs"]} - TIMED
    assert [line for line in below_full_marks(report) if line.split(":")[0] in performance] == []
    assert TIMED <= {ref["id"] for ref in report["categories"]["performance"]["auditRefs"]}  # names still Lighthouse's
