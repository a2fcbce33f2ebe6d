"""plugins/template_cache.py: compiled templates shared by copies of the site, never stale.

What an author would lose if this failed: a page made from an old version
of a template, or from one compiled without escaping (plugins/safe_templates),
or an error that points at another copy's file; and what the suite's speed
rests on, copies that compile nothing their neighbours have compiled.
"""

import shutil
import traceback

import jinja2
import pytest
from jinja2 import pass_context
from support.sitebuild import ROOT

from plugins.build_speed import build_speed
from plugins.template_cache import TemplateCache

THEME = ROOT / "themes" / "openstack" / "templates"


class Counting(jinja2.Environment):
    """Counts the templates it compiles."""

    compiled = 0

    def compile(self, *args, **kwargs):
        type(self).compiled += 1
        return super().compile(*args, **kwargs)


@pytest.fixture
def counted():
    Counting.compiled = 0
    yield Counting


def environment(templates, cache, **settings):
    settings = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, **settings}
    return Counting(
        loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=TemplateCache(str(cache)), **settings
    )


def copy_theme(dest):
    shutil.copytree(THEME, dest)
    return dest


def test_a_copy_in_another_folder_compiles_nothing_and_names_its_own_files(tmp_path, counted):
    cache = tmp_path / "cache"
    cache.mkdir()
    first = environment(copy_theme(tmp_path / "one"), cache)
    for name in ("base.tmpl", "post.tmpl", "index.tmpl"):
        first.get_template(name)
    assert counted.compiled >= 3
    counted.compiled = 0
    copy = tmp_path / "two"
    copy_theme(copy)
    second = environment(copy, cache)
    template = second.get_template("post.tmpl")
    assert counted.compiled == 0
    assert template.filename == str(copy / "post.tmpl")
    codes = [template.root_render_func.__code__, *(b.__code__ for b in template.blocks.values())]
    assert {c.co_filename for c in codes} == {str(copy / "post.tmpl")}


def test_an_error_in_a_cached_template_points_at_the_copy_that_raised_it(tmp_path, counted):
    cache = tmp_path / "cache"
    cache.mkdir()
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "t.tmpl").write_text("line one\n{{ 1 // zero }}\n")
    environment(tmp_path / "one", cache).get_template("t.tmpl")
    template = environment(tmp_path / "two", cache).get_template("t.tmpl")
    assert counted.compiled == 1
    with pytest.raises(ZeroDivisionError) as raised:
        template.render(zero=0)
    frames = traceback.extract_tb(raised.tb)
    assert (frames[-1].filename, frames[-1].lineno) == (str(tmp_path / "two" / "t.tmpl"), 2)


def test_an_edited_template_is_compiled_again(tmp_path, counted):
    cache = tmp_path / "cache"
    cache.mkdir()
    (tmp_path / "t").mkdir()
    page = tmp_path / "t" / "page.tmpl"
    page.write_text("<p>{{ title }}</p>")
    assert environment(tmp_path / "t", cache).get_template("page.tmpl").render(title="x") == "<p>x</p>"
    page.write_text("<h1>{{ title }}</h1>")
    assert environment(tmp_path / "t", cache).get_template("page.tmpl").render(title="x") == "<h1>x</h1>"
    assert counted.compiled == 2


@pytest.mark.parametrize(
    "settings",
    [
        {"autoescape": False},  # compiled without escaping: never for the site
        {"trim_blocks": False},
        {"filters": {"shout": pass_context(lambda context, value: value.upper())}},
    ],
    ids=["autoescape", "trim_blocks", "filter-called-with-context"],
)
def test_code_compiled_with_other_settings_is_not_reused(tmp_path, counted, settings):
    cache = tmp_path / "cache"
    cache.mkdir()
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.tmpl").write_text("{% if x %}\n<p>{{ x|shout }}</p>\n{% endif %}\n")

    def render(**chosen):
        filters = chosen.pop("filters", {"shout": lambda value: value.upper()})
        env = environment(tmp_path / "t", cache, **chosen)
        env.filters.update(filters)
        return env.get_template("page.tmpl").render(x="<b>")

    site = render()
    other = render(**settings)
    assert counted.compiled == 2
    assert render() == site and counted.compiled == 2  # the site's own code is still there
    if "autoescape" in settings:
        assert "&lt;B&gt;" in site and "<B>" in other


def test_a_templates_references_are_worked_out_once_for_every_copy(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    parsed = []
    parse = build_speed._parse_references
    monkeypatch.setattr(build_speed, "_parse_references", lambda env, text: parsed.append(text) or parse(env, text))
    text = (THEME / "post.tmpl").read_text(encoding="utf-8")
    answers = []
    for folder in ("one", "two"):
        monkeypatch.setattr(build_speed, "_referenced", {})  # a new build process
        env = environment(copy_theme(tmp_path / folder), cache)
        answers.append(build_speed._referenced_templates(env, text))
    assert len(parsed) == 1
    assert answers[0] == answers[1] == parse(env, text)
    assert answers[0][0]  # post.tmpl refers to other templates


def test_a_finalize_called_another_way_compiles_again(tmp_path, counted):
    cache = tmp_path / "cache"
    cache.mkdir()
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.tmpl").write_text("<p>{{ x }}</p>")
    plain = environment(tmp_path / "t", cache, finalize=lambda value: value or "-")
    with_context = environment(tmp_path / "t", cache, finalize=pass_context(lambda context, value: value or "-"))
    assert plain.get_template("page.tmpl").render(x="") == "<p>-</p>"
    assert with_context.get_template("page.tmpl").render(x="") == "<p>-</p>"
    assert counted.compiled == 2
