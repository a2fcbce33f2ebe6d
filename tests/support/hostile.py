"""Posts written by a stranger: hostile text in every field a post supplies.

Hypothesis draws the text (markup, quotes, ``</script>``, ``]]>``, comment
and CDATA markers, template syntax, bidi controls, emoji, right-to-left
scripts, tabs, and any other printable character), derandomized so every
run writes the same posts. Each post carries the text in its title, tags,
category, author and description, and in its body: a paragraph, a note,
an abbreviation's expansion, an inline literal, a code block and the
titles of three sections (two h2, one h3: the post's contents list and
section links show them).
"""

import functools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FRAGMENTS = [
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "</title><script>alert(4)</script>",
    "</textarea>",
    "<!--",
    "-->",
    "]]>",
    "<![CDATA[",
    "&amp;",
    "&lt;b&gt;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "`",
    "\\",
    "{{ 7*7 }}",
    "{{% raw %}}",
    "{% if %}",
    "${x}",
    "javascript:alert(5)",
    "\t",
    "\u202e",
    "\u200f",
    "\u2066",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u0631\u062d\u0628\u0627",
    "\U0001f389",
    "\U0001f1ee\U0001f1ea",
    "\u00e9",
    "\u2014",
]
# Printable text: control characters are refused by the build (see
# plugins/rules/metadata.py), and are tested as bad input elsewhere. Without
# the surrogates (Cs) every character is UTF-8; Hypothesis's codec="utf-8"
# would say so again, at 2.5 s per process the first time it runs.
PRINTABLE = st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp"), exclude_characters="\ufeff")
TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(PRINTABLE, min_size=1, max_size=6)), min_size=1, max_size=6
).map("".join)
POSTS = 6
# The hostile site's PROPOSE_CHANGE_URL (plugins/propose_change): each post links its source.
PROPOSE_CHANGE_URL = "https://git.example.org/blog/_edit/main/{path}"


def _one_line(text, banned=""):
    """A metadata value: one line, no leading or trailing space, none of ``banned``."""
    text = re.sub(rf"[{re.escape(banned)}]", "", text) if banned else text
    return " ".join(part for part in text.split(" ") if part.strip() or part == "\t").strip()


def escape_rest(text):
    """Text that reST shows exactly as written: every ASCII punctuation escaped."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


@functools.cache  # one draw per process: the site's builder and its readers ask
def drawn_texts(count):
    """``count`` hostile texts, the same on every run.

    Text number i holds every count-th of FRAGMENTS (so each fragment is in
    some post) and the richest of what Hypothesis drew (its first examples
    are the simplest).
    """
    drawn = []

    @settings(
        derandomize=True, database=None, max_examples=count * 10, suppress_health_check=list(HealthCheck), deadline=None
    )
    @given(TEXT)
    def draw(text):
        if text.strip() and text not in drawn:
            drawn.append(text)

    draw()
    richest = sorted(drawn, key=lambda t: (-len(set(t)), t))[:count] or ["x"]
    return ["".join(FRAGMENTS[i::count]) + " " + richest[i % len(richest)] for i in range(count)]


def post(number, text):
    """(file name, source, expected values) of one hostile post."""
    # A word of its own in each name keeps slugs distinct (Nikola refuses
    # two tags with one slug) and no name is exactly "draft" or "private".
    value = _one_line(text) or "x"
    name = _one_line(text, ",") or "x"
    expected = {
        "slug": f"hostile-{number}",
        "title": f"{value} title{number}".strip(),
        "tags": [f"{name} tagone{number}".strip(), f"tagtwo{number} {name}".strip()],
        "category": "{0} category{1}".format(_one_line(text, ",/\\") or "x", number).strip(),
        "author": f"{name} author{number}".strip(),
        "description": f"{value} description{number}".strip(),
        "sections": [
            "{0} {1}section{2}".format(" ".join(text.split()) or "x", word, number)
            for word in ("first", "second", "third")
        ],
    }
    literal = " ".join(text.replace("`", "'").split()) or "x"
    expansion = " ".join(escape_rest(re.sub(r"[()`]", "", text)).split()) or "x"
    code = "\n".join("   " + line for line in text.replace("\t", "    ").splitlines() or ["x"])
    source = "\n".join(
        [
            ".. title: " + expected["title"],
            ".. slug: " + expected["slug"],
            f".. date: 2021-0{number % 9 + 1}-01 12:00:00+00:00",
            ".. tags: " + ", ".join(expected["tags"]),
            ".. category: " + expected["category"],
            ".. author: " + expected["author"],
            ".. description: " + expected["description"],
            "",
            escape_rest(" ".join(text.split()) or "x") + " (paragraph)",
            "",
            ".. note::",
            "",
            "   " + escape_rest(" ".join(text.split()) or "x"),
            "",
            f"An :abbr:`HX ({expansion})` and ``{literal}``.",
            "",
            ".. code-block:: html",
            "",
            code,
            "",
        ]
    )
    for title, underline in zip(expected["sections"], "-~-", strict=True):
        # An underline longer than any title's width (wide characters take two columns).
        written = escape_rest(title)
        source += "\n".join(["", written, underline * (2 * len(written) + 4), "", "A section.", ""])
    return f"hostile-{number}.rst", source, expected


def posts(count=POSTS):
    """[(file name, reST source, expected values)] of ``count`` hostile posts, the same on every run."""
    return [post(number, text) for number, text in enumerate(drawn_texts(count), 1)]


def expected_values(count=POSTS):
    """The posts' expected values by slug (what write_posts returns), without writing them."""
    return {values["slug"]: values for _, _, values in posts(count)}


def write_posts(folder, count=POSTS):
    """Write the hostile posts into ``folder``; return their expected values by slug."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source, _ in posts(count):
        (folder / name).write_text(source, encoding="utf-8")
    return expected_values(count)
