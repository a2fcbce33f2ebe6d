"""The seeds and the rules that compare a post with its seed, with no build.

What this protects: tests/build/test_content.py's verdicts. The feed seed is
read whole; every paragraph data/plain_seeds.json says was left out is really
in its seed; and each comparison rule (images, structure, paragraphs in
order, similarity with no long run of changed words) catches a deliberately
broken copy, so a passing fidelity test means the post says what the seed said.
"""

import pytest
from support import seeds
from support.seeds import MAX_CHANGED_WORDS, MIN_SIMILARITY, SEED_HOST, visible_text

ITEMS = seeds.feed_items()
PLAIN_POSTS = seeds.plain_posts()


def plain_id(post):
    return f"{post.seed[:3]}:{post.slug}"


@pytest.mark.parametrize("post", PLAIN_POSTS, ids=plain_id)
def test_plain_seed_omissions_are_real(post):
    """Every paragraph plain_seeds.json says was left out is really in the seed."""
    stale = [p for p, _ in post.omitted if p not in post.paragraphs]
    assert not stale, f"plain_seeds.json omits paragraphs that are not in {post.seed}: {stale}"


def test_feed_seed_is_read_whole():
    assert len(ITEMS) == 10
    assert [i.slug for i in ITEMS if i.is_teaser] == ["openstack-tc-nomination-rocky"]
    assert all(i.title and i.author and i.tags and i.published.tzinfo for i in ITEMS)


def test_preview_figure_is_not_body_but_other_images_are():
    item = next(i for i in ITEMS if i.slug == "openstack-designate-where-we-are")
    body = seeds.seed_body(item)
    assert seeds.preview_image(item) == SEED_HOST + "images/me.jpg"
    assert seeds.image_sources(body, item.link, [SEED_HOST]) == [
        "/images/oct-2016-projects-prod.jpg",
        "/images/ATL.jpg",
        "/images/mid-cycle.jpg",
    ]


def test_a_lost_sentence_is_caught_though_similarity_stays_high():
    item = next(i for i in ITEMS if i.slug == "designate-newton-design-summit")
    text = visible_text(seeds.seed_body(item))
    sentence = "We had a quiet cycle overall, but we did merge some vital features."
    broken = text.replace(sentence, "")
    assert broken != text
    assert seeds.similarity(text, broken) >= MIN_SIMILARITY  # why MAX_CHANGED_WORDS exists
    assert seeds.changed_runs(text, broken, MAX_CHANGED_WORDS)
    assert not seeds.changed_runs(text, text.replace("vital", "vitall"), MAX_CHANGED_WORDS)


def test_structure_differences_are_seen():
    item = next(i for i in ITEMS if i.slug == "equal-opportunities-for-all-openstack-projects")
    seed = seeds.seed_body(item)
    broken = seeds.parse_fragment(
        item.description.replace("\u2014(Paraphrase from", "\u2014(Quote from").replace(
            '<section id="grenade">', '<section id="grende">'
        )
    )
    assert seeds.epigraph_attributions(broken) != seeds.epigraph_attributions(seed)
    assert seeds.section_ids(broken) != seeds.section_ids(seed)


def test_paragraphs_are_found_in_order_and_urls_by_their_link():
    body = seeds.parse_fragment('<p>b c</p><p>See <a href="https://e.org/x">the spec</a>.</p><p>a</p>')
    shown, linked = visible_text(body), visible_text(body, link_base="http://h/")
    report = seeds.find_paragraphs(["b c", "See https://e.org/x.", "a", "zzz"], shown, linked)
    assert (report.found, report.missing, report.out_of_order) == (["b c", "See https://e.org/x.", "a"], ["zzz"], [])
    assert seeds.find_paragraphs(["a", "b c"], shown, linked).out_of_order == ["b c"]
    assert seeds.find_paragraphs(["See https://e.org/y."], shown, linked).missing == ["See https://e.org/y."]


def test_plain_seed_lines_are_cleaned_not_loosened():
    assert seeds.paragraphs(["CI", "==", "", "> >From what", "________________", "- item"], "lines", True) == [
        "CI",
        "From what",
        "item",
    ]
    assert seeds.paragraphs(["one", "two", "", "three"], "blocks") == ["one two", "three"]
    assert [p.slug for p in PLAIN_POSTS].count("the-big-rename") == 1
