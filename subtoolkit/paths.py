"""Where subtoolkit keeps the user's files: one place that knows the per-user folders.

Each platform's convention comes from :mod:`platformdirs`. On Linux (and other Unix) that is the
XDG layout the README documents: ``$XDG_CONFIG_HOME/subtoolkit`` (else ``~/.config/subtoolkit``)
for profiles and the conversion dictionary, ``$XDG_CACHE_HOME/subtoolkit`` (else
``~/.cache/subtoolkit``) for rendered voice segments; a relative ``$XDG_*`` path is invalid per
the XDG spec and ignored. macOS: ``~/Library/Application Support`` and ``~/Library/Caches``;
Windows: ``%LOCALAPPDATA%\\subtoolkit`` (``…\\Cache`` for the cache).

Overrides, strongest first: a command's option (``--cache-dir``, ``--dict``), then
``$SUBTOOLKIT_CACHE_DIR`` / ``$SUBTOOLKIT_DICT``, then these defaults. The data shipped with the
package is not here: it is read with :mod:`importlib.resources` from inside the package.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "subtoolkit"


def _xdg_invalid(var: str) -> bool:
    """A set but relative ``$XDG_*`` on Unix, which the spec says to ignore."""
    value = os.environ.get(var, "").strip()
    return bool(value) and not Path(value).is_absolute() and not sys.platform.startswith(("win", "darwin"))


def config_dir() -> Path:
    """The user's configuration folder (profiles, dictionary)."""
    import platformdirs

    if _xdg_invalid("XDG_CONFIG_HOME"):
        return Path.home() / ".config" / APP
    return platformdirs.user_config_path(APP, appauthor=False)


def cache_dir() -> Path:
    """The user's cache folder (rendered voice segments); ``$SUBTOOLKIT_CACHE_DIR`` overrides it."""
    import platformdirs

    override = os.environ.get("SUBTOOLKIT_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if _xdg_invalid("XDG_CACHE_HOME"):
        return Path.home() / ".cache" / APP
    return platformdirs.user_cache_path(APP, appauthor=False)


def data_dir() -> Path:
    """The user's data folder (installed voices); ``$SUBTOOLKIT_DATA_DIR`` overrides it
    (tests, shared installs)."""
    import platformdirs

    override = os.environ.get("SUBTOOLKIT_DATA_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    if _xdg_invalid("XDG_DATA_HOME"):
        return Path.home() / ".local" / "share" / APP
    return platformdirs.user_data_path(APP, appauthor=False)


def user_profile_dir() -> Path:
    """Where a user's own subtitle profiles (``*.toml``) are found by name."""
    return config_dir() / "profiles"


def user_dict_path() -> Path:
    """The user's conversion dictionary: ``$SUBTOOLKIT_DICT``, else ``dict.txt`` in :func:`config_dir`."""
    env = os.environ.get("SUBTOOLKIT_DICT")
    return Path(env) if env else config_dir() / "dict.txt"


def user_pinyin_path() -> Path:
    """The user's pronunciation dictionary: ``$SUBTOOLKIT_PINYIN``, else ``pinyin.txt`` beside
    the conversion dictionary."""
    env = os.environ.get("SUBTOOLKIT_PINYIN")
    return Path(env) if env else config_dir() / "pinyin.txt"


def user_style_path() -> Path:
    """The user's house style: ``style.toml`` in :func:`config_dir`, beside the profiles."""
    return config_dir() / "style.toml"
