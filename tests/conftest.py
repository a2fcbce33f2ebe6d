import pytest

from sitebuild import copy_site, nikola_build
from site_model import Site


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The whole blog, built once per test session from a fresh copy."""
    build = nikola_build(copy_site(tmp_path_factory.mktemp("site")))
    assert build.returncode == 0, build.log
    return Site(build.output)
