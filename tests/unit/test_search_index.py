"""plugins/search_index: a search index in bundles, rebuilt only where posts changed, the same bytes every time.

What a reader or a deployer would lose if this failed: search results that
miss a post or show a deleted one, an index that changes on every build (so
every deploy uploads it again), or an edit that re-indexes the whole site.
These tests run the plugin's own functions on small sets of post pages
(Pagefind itself runs, on a few pages); tests/e2e/test_search.py searches a
built site in Chromium.
"""

import datetime as dt
import gzip
import os
import random

import cbor2
import pytest

from plugins.search_index import bundles, pagefind_run, search_index


def date(text):
    return dt.datetime.fromisoformat(text)


# --- which bundle a post is in ---------------------------------------------------


def test_a_small_site_is_one_bundle():
    dates = {"a": date("2016-01-01T10:00:00+00:00"), "b": date("2019-05-01T10:00:00+00:00")}
    assert bundles.assign(dates, max_pages=2) == {"a": "all", "b": "all"}


def test_a_larger_site_is_split_by_year_and_a_busy_year_by_half_quarter_or_month():
    dates = {f"y{i}": date(f"2015-03-{i % 28 + 1:02d}T10:00:00+00:00") for i in range(3)}
    dates.update({f"h{i}": date(f"2016-{i * 5 % 12 + 1:02d}-10T10:00:00+00:00") for i in range(5)})
    dates.update({f"q{i}": date(f"2017-{i % 12 + 1:02d}-10T10:00:00+00:00") for i in range(12)})
    dates.update({f"m{i}": date(f"2018-{i % 12 + 1:02d}-10T10:00:00+00:00") for i in range(13)})
    found = bundles.assign(dates, max_pages=3)
    assert {found[k] for k in dates if k.startswith("y")} == {"2015"}
    assert {found[k] for k in dates if k.startswith("h")} == {"2016-h1", "2016-h2"}
    assert {found[k] for k in dates if k.startswith("q")} == {"2017-q1", "2017-q2", "2017-q3", "2017-q4"}
    assert {found[k] for k in dates if k.startswith("m")} == {f"2018-{m:02d}" for m in range(1, 13)}
    # Names sort as the periods do.
    assert sorted(set(found.values())) == sorted(set(found.values()), key=lambda n: (n[:4], n[5:]))


def test_a_post_moves_only_with_its_own_year():
    rng = random.Random(3)
    dates = {i: date(f"{rng.choice((2015, 2016, 2017))}-{rng.randint(1, 12):02d}-15T12:00:00+00:00") for i in range(40)}
    before = bundles.assign(dates, max_pages=5)
    dates[40] = date("2017-06-01T12:00:00+00:00")
    after = bundles.assign(dates, max_pages=5)
    moved = {i for i in before if before[i] != after[i]}
    assert all(dates[i].year == 2017 for i in moved)


@pytest.mark.parametrize("count,chunk", [(1, 20000), (2, 10000), (3, 5000), (10, 1250), (23, 625), (1000, 250)])
def test_chunks_shrink_with_the_number_of_bundles(count, chunk):
    assert bundles.chunk_size(count) == chunk


# --- Pagefind's output, made reproducible ------------------------------------------

PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
    '<article data-pagefind-body><h1 data-pagefind-meta="title">{title}</h1>'
    '<span hidden data-pagefind-sort="date:{date}"></span>'
    '<a href="/categories/{tag}/" data-pagefind-filter="tag">{tag}</a>'
    '<a href="/categories/{other}/" data-pagefind-filter="tag">{other}</a>'
    '<span data-pagefind-filter="author">{author}</span>'
    "<p>{text}</p></article></body></html>"
)
WORDS = "zone record pool designate keystone oslo summit tenant quota region forum goal".split()
TAGS = ("dns", "ptg", "tc", "summit", "release", "python")
AUTHORS = ("Ann Example", "Bo Sample", "Cy Test")


def page(i, rng):
    text = " ".join(rng.choice(WORDS) for _ in range(40)) + f" unique{i}word"
    return PAGE.format(
        title=f"Post {i} about {rng.choice(WORDS)}",
        text=text,
        date=f"2016-01-{i % 28 + 1:02d}T10:00:00+00:00",
        tag=rng.choice(TAGS),
        other=rng.choice(TAGS),
        author=rng.choice(AUTHORS),
    ).encode()


def pages(n, seed=1):
    rng = random.Random(seed)
    return [(f"posts/post-{i:03d}/index.html", page(i, rng)) for i in range(n)]


def tree(top):
    return {
        os.path.relpath(os.path.join(root, name), top): open(os.path.join(root, name), "rb").read()
        for root, _, names in os.walk(top)
        for name in names
    }


def test_the_same_pages_give_the_same_bytes_in_any_order_and_either_way_pagefind_reads_them(tmp_path):
    """Page order (Pagefind numbers pages as it finds them) and its HashMap's random order must not show."""
    some = pages(12)
    shuffled = list(some)
    random.Random(7).shuffle(shuffled)
    hubs = [
        pagefind_run.index(some, str(tmp_path / "a"), 1000),
        pagefind_run.index(shuffled, str(tmp_path / "b"), 1000),
        pagefind_run.index(some, str(tmp_path / "c"), 1000, use_cli=False),
    ]
    first = tree(tmp_path / "a")
    assert any(name.startswith("filter/") for name in first) and any(name.startswith("index/") for name in first)
    assert tree(tmp_path / "b") == first
    assert tree(tmp_path / "c") == first
    assert hubs[1] == hubs[0] and hubs[2] == hubs[0]


def test_a_filter_file_lists_its_values_in_order_whatever_order_pagefind_wrote(tmp_path):
    pagefind_run.index(pages(12), str(tmp_path / "a"), 1000)
    out = tmp_path / "a"
    before = tree(out)
    # Write one filter file as a run of Pagefind might have: values in another order, another name.
    path = next((out / "filter").iterdir())
    values = cbor2.loads(gzip.decompress(path.read_bytes())[len(pagefind_run.SIGNATURE) :])
    assert len(values[1]) > 1
    values[1].reverse()
    path.unlink()
    scrambled = out / "filter" / "en_0000000.pf_filter"
    scrambled.write_bytes(gzip.compress(pagefind_run.SIGNATURE + cbor2.dumps(values)))
    meta = next(out.glob("pagefind.*.pf_meta"))
    data = cbor2.loads(gzip.decompress(meta.read_bytes())[len(pagefind_run.SIGNATURE) :])
    data[3] = [
        [name, "en_0000000" if "filter/" + h + ".pf_filter" == path.relative_to(out).as_posix() else h]
        for name, h in data[3]
    ]
    meta.write_bytes(gzip.compress(pagefind_run.SIGNATURE + cbor2.dumps(data)))
    pagefind_run.canonicalise(str(out))
    assert tree(out) == before


def test_the_hub_is_an_index_of_no_pages_beside_pagefinds_runtime(tmp_path):
    hub = pagefind_run.index(pages(3), str(tmp_path / "a"), 1000)
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"} <= set(hub)
    meta = [name for name in hub if name.endswith(".pf_meta")]
    assert len(meta) == 1
    assert cbor2.loads(gzip.decompress(hub[meta[0]])[len(pagefind_run.SIGNATURE) :])[1:] == [[], [], [], [], []]
    assert not (tmp_path / "a" / "pagefind.js").exists()  # the bundle holds its index alone


# --- keeping output/pagefind up to date -------------------------------------------


class Site:
    """An output folder with post pages, indexed with plugins/search_index's update_index."""

    def __init__(self, root, n=18, max_pages=6):
        self.root, self.max_pages = root, max_pages
        self.output = root / "output"
        self.dates = {}
        rng = random.Random(5)
        for i in range(n):
            self.write(i, f"{2014 + i % 3}-{i % 12 + 1:02d}-10T10:00:00+00:00", rng)

    def write(self, i, when, rng=None):
        rel = f"posts/post-{i:03d}/index.html"
        path = self.output / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page(i, rng or random.Random(i)))
        self.dates[rel] = date(when)
        return rel

    def remove(self, rel):
        (self.output / rel).unlink()
        del self.dates[rel]

    def update(self, logs=None):
        class Logger:
            def info(self, message):
                if logs is not None:
                    logs.append(message)

        cwd = os.getcwd()
        os.chdir(self.root)  # the plugin keeps its record in cache/, as Nikola runs from the site's folder
        try:
            search_index.update_index("output", dict(self.dates), self.max_pages, Logger())
        finally:
            os.chdir(cwd)
        return tree(self.output / "pagefind")


def fresh(site, tmp_path):
    """The index a clean build of ``site``'s pages gives."""
    clean = Site(tmp_path / "clean", n=0, max_pages=site.max_pages)
    for rel, when in site.dates.items():
        target = clean.output / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((site.output / rel).read_bytes())
        clean.dates[rel] = when
    return clean.update()


def test_an_edit_reindexes_its_bundle_only_and_equals_a_clean_build(tmp_path):
    site = Site(tmp_path / "site")
    first = site.update()
    manifest = [b["name"] for b in __import__("json").loads(first["bundles.json"])]
    assert manifest == sorted(manifest, reverse=True) and len(manifest) == 3
    logs = []
    site.write(4, "2015-05-10T10:00:00+00:00", random.Random(99))  # post 4 is in 2015: new text
    second = site.update(logs)
    assert logs == ["indexing 1 of 3 search bundles: 2015"]
    changed = {name for name in set(first) | set(second) if first.get(name) != second.get(name)}
    assert changed and all(name.startswith("2015/") for name in changed)
    assert second == fresh(site, tmp_path)


def test_nothing_changed_reindexes_nothing(tmp_path):
    site = Site(tmp_path / "site")
    site.update()
    before = {p: p.stat().st_mtime_ns for p in (site.output / "pagefind").rglob("*")}
    logs = []
    site.update(logs)
    assert logs == []
    assert {p: p.stat().st_mtime_ns for p in (site.output / "pagefind").rglob("*")} == before


def test_a_year_whose_posts_are_gone_leaves_no_bundle(tmp_path):
    site = Site(tmp_path / "site")
    site.update()
    for rel in [rel for rel, when in site.dates.items() if when.year == 2016]:
        site.remove(rel)
    after = site.update()
    assert not any(name.startswith("2016/") for name in after)
    assert after == fresh(site, tmp_path)


def test_a_damaged_or_half_written_bundle_is_indexed_again(tmp_path):
    """A build killed while it synchronised a bundle, or a hand edit: the record does not vouch for it."""
    site = Site(tmp_path / "site")
    good = site.update()
    bundle = site.output / "pagefind" / "2014"
    victim = next((bundle / "fragment").iterdir())
    victim.write_bytes(b"damaged")
    (bundle / "index" / ".tmp-left-by-a-killed-build").write_bytes(b"x")
    (site.output / "pagefind" / "stray.txt").write_bytes(b"x")
    logs = []
    assert site.update(logs) == good
    assert logs == ["indexing 1 of 3 search bundles: 2014"]


def test_a_lost_record_means_everything_is_indexed_again_to_the_same_bytes(tmp_path):
    site = Site(tmp_path / "site")
    good = site.update()
    (site.root / search_index.STATE).write_text("{not json")
    logs = []
    assert site.update(logs) == good
    assert logs == ["indexing 3 of 3 search bundles: 2014, 2015, 2016"]
