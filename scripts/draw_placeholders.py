"""Draw the placeholder images that stand in for pictures the seeds lack,
and the site's default sharing card (images/site-card.png).

The seed feed links /images/me.jpg (the author's portrait) and four other
local images, but their files are not in the seeds. Rather than invent a
picture, each is an original, plainly labelled placeholder at the same path,
so the seed's URLs keep resolving. Run once; the results are committed.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "images"
INK, PAPER, ACCENT = (38, 50, 56), (236, 240, 243), (218, 26, 50)

MISSING = {
    # Labels come from the sentence around each image in the seed, or its file name.
    "oct-2016-projects-prod.jpg": "Image: projects in production, October 2016",
    "ATL.jpg": "Photo: the Designate team in Atlanta",
    "mid-cycle.jpg": "Photo: the last Designate mid-cycle",
    "small_far_away.gif": "Image: \u201csmall, far away\u201d",
}


def font(size):
    return ImageFont.load_default(size=size)


def portrait():
    img = Image.new("RGB", (240, 240), PAPER)
    d = ImageDraw.Draw(img)
    d.ellipse((80, 40, 160, 120), fill=INK)  # head
    d.pieslice((30, 130, 210, 330), 180, 360, fill=INK)  # shoulders
    d.text((120, 222), "placeholder portrait", fill=ACCENT, font=font(14), anchor="ms")
    img.save(OUT / "me.jpg", quality=85, optimize=True)


def card(name, label):
    img = Image.new("RGB", (800, 450), PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle((8, 8, 791, 441), outline=INK, width=4)
    d.text((400, 190), label, fill=INK, font=font(28), anchor="mm")
    d.text((400, 250), "The original image is not in the blog's archive.", fill=INK, font=font(20), anchor="mm")
    d.text((400, 285), "This placeholder keeps its address: /images/" + name, fill=ACCENT, font=font(20), anchor="mm")
    if name.endswith(".gif"):
        img.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(OUT / name, optimize=True)
    else:
        img.save(OUT / name, quality=85, optimize=True)


def site_card():
    """The image link previews show for a page without its own (1200x630)."""
    img = Image.new("RGB", (1200, 630), INK)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 560, 1200, 630), fill=ACCENT)
    d.text((80, 230), "OpenStack Community Blog", fill=PAPER, font=font(72))
    d.text((80, 340), "Designate, governance, the Foundation, summits and PTGs", fill=PAPER, font=font(34))
    img.save(OUT / "site-card.png", optimize=True)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    site_card()
    portrait()
    for name, label in MISSING.items():
        card(name, label)
