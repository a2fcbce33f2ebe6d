"""plugins/rules/periods.py: the period a post is listed in, for every list cut by date
(the home page's older posts, the feeds' archives, the search bundles)."""

from datetime import UTC, datetime

import pytest

from plugins.rules import periods


def when(year, month, day=1):
    return datetime(year, month, day, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("count", "level"),
    [(1, "year"), (10, "year"), (11, "half"), (20, "half"), (21, "quarter"), (40, "quarter"), (41, "month")],
)
def test_a_year_is_cut_only_as_far_as_its_own_count_needs(count, level):
    assert periods.level(count, 10) == level


def test_how_a_year_is_cut_depends_on_that_year_alone():
    busy = {f"b{i}": when(2016, 1 + i % 12, 1 + i % 28) for i in range(30)}
    quiet = {"q1": when(2015, 3), "q2": when(2017, 9)}
    assigned = periods.assign({**busy, **quiet}, 10)
    assert assigned["q1"] == "2015" and assigned["q2"] == "2017"
    assert {assigned[k] for k in busy} == {"2016-q1", "2016-q2", "2016-q3", "2016-q4"}
    # One more post in 2017 changes nothing in 2016 or 2015.
    again = periods.assign({**busy, **quiet, "q3": when(2017, 10)}, 10)
    assert all(again[k] == assigned[k] for k in assigned)


@pytest.mark.parametrize(
    ("key", "label", "path"),
    [
        ("2016", "2016", "2016"),
        ("2016-h2", "July to December 2016", "2016/h2"),
        ("2016-q1", "January to March 2016", "2016/q1"),
        ("2016-03", "March 2016", "2016/03"),
    ],
)
def test_a_period_has_a_readers_name_and_a_path(key, label, path):
    assert periods.label(key) == label
    assert periods.path(key) == path


@pytest.mark.parametrize("level", periods.LEVELS)
def test_period_keys_sort_by_time(level):
    dates = [when(2015, 12), when(2016, 1), when(2016, 4), when(2016, 7), when(2016, 10), when(2016, 12)]
    keys = [periods.key(d, level) for d in dates]
    assert keys == sorted(keys)


class P:
    def __init__(self, date):
        self.date = date


def test_the_home_page_holds_the_newest_posts_and_links_the_period_of_the_next_older_one():
    posts = [P(when(y, m)) for y in (2018, 2017, 2016) for m in (11, 6, 2)]  # newest first
    home, by_period, first_older = periods.pages(posts, 4, 100)
    assert home == posts[:4]
    assert [p for p, _ in by_period] == ["2018", "2017", "2016"]
    assert first_older == "2017"  # the fifth newest post is from 2017
    assert periods.page_link("2016-h1") == "/2016/h1/"


def test_a_site_whose_posts_fit_on_the_home_page_has_no_period_pages():
    posts = [P(when(2016, m)) for m in (9, 5, 1)]
    assert periods.pages(posts, 10, 100) == (posts, [], None)


def test_a_deleted_post_changes_only_its_own_periods_page():
    posts = [P(when(y, m)) for y in (2018, 2017, 2016, 2015) for m in (11, 6, 2)]
    _home, before, _ = periods.pages(posts, 3, 100)
    _home, after, _ = periods.pages([p for p in posts if p is not posts[7]], 3, 100)  # a 2016 post
    changed = [period for (period, held), (_p, was) in zip(after, before, strict=True) if held != was]
    assert changed == ["2016"]
