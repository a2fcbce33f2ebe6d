"""The benchmark's verdicts are computed and true, and the benchmark still runs.

(The verdicts themselves, with no build: tests/unit/test_bench_goals.py.)
These run bench/run.py at N = 5 (our build only):
generate the corpus, build it fresh, rebuild with nothing changed, rebuild
after an edit, weigh the pages, run the docutils floor, change a title and
tags, add a post, delete one, add one dated in the middle of the history,
run the preview and save a post five times, measure precompression and the output's size, set search in bundles against
one index (bench/search.py, in Chromium), write the raw run, its summary and
the report, so that the code path cannot rot. Nothing here times anything:
speed is measured by `bench/run.py` and reported in bench/RESULTS.md.
"""

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402


def slow(test):
    """Runs the benchmark: builds, the preview, Chromium."""
    return pytest.mark.e2e(pytest.mark.browser(test))


# --- the benchmark's code path (a build, Chromium) ----------------------------------------------

N = 5


def test_corpus_is_deterministic_and_in_our_metadata_format(tmp_path):
    a = generate.write_nikola_site(generate.make_posts(N, seed=7), tmp_path / "a")
    b = generate.write_nikola_site(generate.make_posts(N, seed=7), tmp_path / "b")
    names = sorted(p.name for p in (a / "posts").iterdir())
    assert len(names) == N
    assert names == sorted(p.name for p in (b / "posts").iterdir())
    for name in names:
        text = (a / "posts" / name).read_text()
        assert text == (b / "posts" / name).read_text()
        for field in ("title", "slug", "date", "tags", "category", "author", "description"):
            assert f"\n.. {field}: " in "\n" + text
        for construct in (".. note::", ".. code-block:: python", ".. [#]", "`__"):
            assert construct in text
    assert ":doc:`" in (a / "posts" / names[-1]).read_text()
    assert (a / "conf.py").is_file() and (a / "plugins" / "rest_strict").is_dir()


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run, "PREVIEW_EDITS", 1)  # the code path, not a median: one save proves it
        queries = run.search_bench.queries  # one query of the three: the code path, in less time
        mp.setattr(run.search_bench, "queries", lambda output, pages: dict(list(queries(output, pages).items())[-1:]))
        return run.bench([N], repeat=1, pelican=False, hugo=False, parallel=False, with_floor=True, work=work), work


@slow
def test_benchmark_reports_every_measurement(bench_run):
    data, work = bench_run
    assert set(data) >= {"date", "machine", "versions", "repeat", "seed", "sizes"}
    assert data["versions"]["nikola"] == "8.3.3"
    size = data["sizes"][str(N)]
    (ours,) = size["runs"]["ours"]
    for phase in ("full", "noop", "edit"):
        assert set(ours[phase]) >= {
            "wall",
            "cpu",
            "peak_rss_mb",
            "peak_tree_pss_mb",
            "output_files",
            "files_written",
            "rc",
        }
        assert ours[phase]["rc"] == 0
    assert ours["noop"]["files_written"] <= ours["edit"]["files_written"]
    for page in ("home", "post"):
        weight = ours["weight"][page]
        assert weight["html"] > 0 and weight["css"] > 0 and not weight["missing"]
    summary = size["summary"]
    assert set(summary["ours"]) >= {"full", "noop", "edit", "peak_rss_mb", "output_files", "weight_home", "weight_post"}
    assert summary["floor_warnings"] == 0
    assert "full_over_floor" in summary
    assert len(ours["preview"]["saves"]) == 1
    assert all(save["served"] > 0 and save["settled"] >= save["served"] for save in ours["preview"]["saves"])
    assert ours["size"]["own_bytes"] > 0 and set(ours["size"]["parts"]) >= {"pages", "current feeds"}
    assert ours["precompress"]["cpu"] >= 0
    for name, _label in run.SCENARIOS:
        assert ours["scenarios"][name]["rc"] == 0 and ours["scenarios"][name]["files_written"] > 0
        assert summary["ours"][name + "_over_edit"]["median"] > 0
    (search,) = size["runs"]["search"]
    # search runs on the site the scenarios left: a new post and a back-dated one added, one deleted
    assert search["posts"] == N + 1 and search["bundles"] >= 1
    assert list(search["queries"]) == ["title"]
    for query in search["queries"].values():
        assert query["bundled"] > 0 and query["single"] > 0 and query["found"][0] == query["found"][1] > 0
    results, markdown = work / "results", work / "RESULTS.md"
    markdown.write_text(f"{report.MARK_START}\nkept by hand\n{report.MARK_END}\n")
    (path,) = run.write_outputs(data, results, markdown)
    assert path.parent == results and json.loads(path.read_text())["summary"] == json.loads(json.dumps(summary))
    assert [p.name for p in (results / "raw").iterdir()] == [json.loads(path.read_text())["raw"][4:]]
    text = markdown.read_text()
    assert f"## N = {N} posts (1 run, `{path.name}`)" in text and "bytes for one query" in text
    assert "\nkept by hand\n" in text  # the hand-written log survives


@slow
def test_benchmark_build_produced_every_post(bench_run):
    data, work = bench_run
    output = work / "run" / "ours" / "output"
    slugs = [p.slug for p in generate.make_posts(N, data["seed"])]
    posts = generate.make_posts(N, data["seed"])
    deleted = posts[generate.delete_target(posts)].slug
    for slug in slugs:
        assert (output / "posts" / slug / "index.html").is_file() == (slug != deleted)
    edited = data["sizes"][str(N)]["edited"]
    page = (output / "posts" / edited / "index.html").read_text()
    assert "An edit made by the benchmark" in page and "(revised)</h1>" in page.replace("\n", "")
    assert (output / "posts" / "bench-new-post" / "index.html").is_file()
    backdated = (output / "posts" / "bench-backdated-post" / "index.html").read_text()
    assert generate.backdated_date(posts).strftime('datetime="%Y-%m-%dT%H:%M:00Z"') in backdated
