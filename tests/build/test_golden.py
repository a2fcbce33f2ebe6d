"""The small golden site builds exactly the committed output, byte for byte.

What a reader would lose if this failed: an unnoticed change in what the
build gives them (a page, a feed, the sitemap), from a speed change, a
refactoring, an upgrade or a build that is not reproducible. See
tests/support/golden.py; after an intended change: ``make golden`` and review the diff.
"""

from support import golden


def test_the_golden_site_builds_exactly_the_committed_output(tmp_path):
    build = golden.build(tmp_path / "golden")
    found = golden.differences(golden.files(build.output), golden.files(golden.EXPECTED))
    assert found == [], "\n".join(
        found + ["", "If the change is intended: make golden, then review git diff tests/golden"]
    )
