"""tests/sites/redirects/: a post moved (old-slug to new-slug, its 301 and GUID kept) and one withdrawn (410)."""

import re
import shutil

from support.sitebuild import ROOT, copy_site

SITES = ROOT / "tests" / "sites"
GUID = "http://graham.hayes.ie/posts/old-slug/"


# case -> (the file and line the message names, text it must contain)
def site_with(folder, *overlays):
    copy_site(folder, overlay=SITES / "redirects", with_posts=False)
    for overlay in overlays:
        shutil.copytree(SITES / overlay, folder, dirs_exist_ok=True)
    return folder


def before_the_move(root):
    """The site as it was before the slug change: new-slug.rst still old-slug, no 301, no guid."""
    post = root / "posts" / "new-slug.rst"
    text = post.read_text(encoding="utf-8")
    post.write_text(
        re.sub(r"\.\. guid: .*\n", "", text).replace(".. slug: new-slug", ".. slug: old-slug"), encoding="utf-8"
    )
    (root / "redirects.txt").write_text("410  /posts/withdrawn/\n", encoding="utf-8")
