"""plugins/build_speed gives the same answers as the Nikola code it replaces.

What an author would lose if this failed: a faster build that quietly
builds less, such as a page that is not rebuilt after the template it is
made from was edited. (That the whole output is unchanged is proved by
tests/build/test_golden.py and by bench/compare.py.)
"""

from pathlib import Path

import jinja2
import nikola
import pytest
from nikola.plugins.template.jinja import JinjaTemplates
from support.sitebuild import ROOT

from plugins.build_speed import build_speed

THEME = ROOT / "themes" / "openstack" / "templates"
BASE_JINJA = Path(nikola.__file__).parent / "data" / "themes" / "base-jinja" / "templates"  # its parent


class Faster(JinjaTemplates):
    get_string_deps = build_speed.get_string_deps


def templates(cls, loader):
    system = cls()
    system.lookup = jinja2.Environment(loader=loader, trim_blocks=True, lstrip_blocks=True)
    system.dependency_cache = {}
    return system


@pytest.mark.parametrize("name", sorted(p.name for p in THEME.glob("*.tmpl")))
def test_a_theme_templates_dependencies_are_nikolas(name):
    loader = jinja2.FileSystemLoader([str(THEME), str(BASE_JINJA)])
    nikola, ours = templates(JinjaTemplates, loader), templates(Faster, loader)
    filename = str(THEME / name)
    assert sorted(ours.get_deps(filename)) == sorted(nikola.get_deps(filename))
    assert ours.dependency_cache == nikola.dependency_cache


def test_an_import_named_by_a_variable_follows_the_context(tmp_path):
    for name, text in {
        "page.tmpl": "{% extends 'base.tmpl' %}{% import 'helper_%s.tmpl' % kind as h %}",
        "base.tmpl": "{% include 'footer.tmpl' %}",
        "footer.tmpl": "",
        "helper_a.tmpl": "{% import 'macros.tmpl' as m %}",
        "helper_b.tmpl": "",
        "macros.tmpl": "",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    loader = jinja2.FileSystemLoader(str(tmp_path))
    text = (tmp_path / "page.tmpl").read_text(encoding="utf-8")
    for kind in ("a", "b", "a"):  # the second "a" comes from the parse kept by the first
        nikola, ours = templates(JinjaTemplates, loader), templates(Faster, loader)
        assert sorted(ours.get_string_deps(text, {"kind": kind})) == sorted(
            nikola.get_string_deps(text, {"kind": kind})
        )
