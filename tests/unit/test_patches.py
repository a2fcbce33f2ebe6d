"""Every patch of Nikola's, doit's, docutils' or Jinja's internals is registered and checked.

What an author would lose if this failed: after an upgrade of one of those
packages, a build that quietly does something else (publishes a reST error,
runs a shortcode, leaves a draft in place) instead of stopping to say which
patch must be checked against the new version. (That a plugin which cannot be
loaded stops the build is tests/build/test_stops_the_build.py's.)
"""

import re

import pytest
from support.sitebuild import ROOT

from plugins import patches

# What a patch looks like in a plugin: an assignment to another module's
# attribute (x.y.z = ...), or reaching into a private attribute (._name).
ASSIGNS_ELSEWHERE = re.compile(r"^\s+[a-z_][\w.]*\.[A-Za-z_]\w*(\[[^\]]+\])?\s*=(?!=)", re.M)
PRIVATE = re.compile(r"(?<!self)\._[a-z]\w*")
# Nikola's documented ways for a plugin to add to the site.
PUBLIC = ("self.", "site.GLOBAL_CONTEXT[", "site.task_targets", "site.next_due")


def plugin_sources():
    for path in sorted((ROOT / "plugins").glob("*/*.py")) + sorted((ROOT / "plugins").glob("*/*/*.py")):
        yield path.relative_to(ROOT / "plugins").parts[0], path.read_text(encoding="utf-8")


def test_every_registered_plugin_checks_its_patches_first():
    registered = {p.plugin for p in patches.PATCHES}
    checking = {plugin for plugin, text in plugin_sources() if f'patches.require("{plugin}")' in text}
    assert checking == registered


def test_no_plugin_patches_without_registering():
    """A plugin that assigns to another module's attributes or reaches into private
    ones must be in the registry (its own ``self.`` attributes do not count)."""
    registered = {p.plugin for p in patches.PATCHES}
    suspicious = {}
    for plugin, text in plugin_sources():
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        found = [
            m.group(0).strip() for m in ASSIGNS_ELSEWHERE.finditer(code) if not m.group(0).strip().startswith(PUBLIC)
        ]
        found += [m.group(0) for m in PRIVATE.finditer(code)]
        if found and plugin not in registered and plugin not in ("rules", "patches.py"):
            suspicious[plugin] = found[:3]
    assert suspicious == {}


def test_the_installed_packages_are_the_versions_the_patches_were_written_for():
    assert [
        (p.plugin, p.package, p.version, patches.installed(p.package))
        for p in patches.PATCHES
        if patches.installed(p.package) != p.version
    ] == []


def test_another_version_stops_the_build_naming_the_patch(capsys):
    def newer(package):
        return "99.0" if package == "Nikola" else patches.installed(package)

    with pytest.raises(SystemExit) as stop:
        patches.require("rest_strict", versions=newer)
    assert stop.value.code == 1
    message = capsys.readouterr().err
    assert "plugins/rest_strict patches Nikola (CompileRest.compile" in message
    assert "written for Nikola 8.3.3, but Nikola 99.0 is installed" in message


def test_an_unregistered_plugin_cannot_ask():
    with pytest.raises(LookupError):
        patches.require("not_a_plugin")
