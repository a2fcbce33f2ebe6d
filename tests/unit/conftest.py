"""tests/unit builds no site: a test here that asks for a Nikola command fails, saying where it belongs."""

import pytest
from support import sitebuild


@pytest.fixture(autouse=True)
def no_nikola(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tests/unit runs no Nikola command: a test that builds a site belongs in tests/build")

    monkeypatch.setattr(sitebuild, "nikola", refuse)
