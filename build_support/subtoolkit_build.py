"""The build backend: setuptools', plus mypy as a build requirement when a compiled build is asked for.

``SUBTOOLKIT_COMPILE=1 pip install .`` (or ``pip wheel``) compiles the subtitle core with mypyc
(setup.py says which modules and why). mypyc is part of mypy, which a pure-Python build has no
use for: it is fetched into the isolated build environment only when the variable is set, so the
default ``pip install .`` and the editable install stay as they were. Editable installs are never
compiled (a compiled module next to its source would hide every edit of that source).
"""

from __future__ import annotations

import os

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (every hook not overridden here is setuptools')

COMPILER = "mypy>=1.10"


def compile_requested() -> bool:
    """Whether this build compiles the subtitle core (``SUBTOOLKIT_COMPILE=1``)."""
    return os.environ.get("SUBTOOLKIT_COMPILE", "") == "1"


def get_requires_for_build_wheel(config_settings: dict[str, str | list[str] | None] | None = None) -> list[str]:
    extra = [COMPILER] if compile_requested() else []
    return [*_setuptools.get_requires_for_build_wheel(config_settings), *extra]
