"""newsboat, a real feed reader, run in a folder of its own (its config, URL list and cache)."""

import os


def files(folder, config="", urls=""):
    """(config, urls, cache) paths in ``folder``, the first two written with the text given."""
    config_path, urls_path, cache = folder / "config", folder / "urls", folder / "cache.db"
    config_path.write_text(config, encoding="utf-8")
    urls_path.write_text(urls, encoding="utf-8")
    return config_path, urls_path, cache


def environment(folder):
    """The environment for newsboat: its home, config and data in ``folder``, never the user's."""
    return dict(
        os.environ,
        HOME=str(folder),
        XDG_CONFIG_HOME=str(folder / "xdg-config"),
        XDG_DATA_HOME=str(folder / "xdg-data"),
        LANG="C.UTF-8",
    )
