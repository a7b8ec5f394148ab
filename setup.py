"""Optional compiled build of the subtitle core (issue 15); everything else is in pyproject.toml.

``SUBTOOLKIT_COMPILE=1 pip install .`` compiles the modules below with mypyc (C through the
machine's compiler; mypy is fetched for the build by build_support/subtoolkit_build.py). They are
the pure, fully typed stages that turn a script's blocks into timed cues (and the text helpers
they call per atom), nearly all of a subtitle job's time; compiled they take about half the CPU
(bench/bench_subtitles.py prints which code it measured). The output is the same byte for byte: tests/test_compiled.py runs the
golden-file and segmentation tests against a compiled wheel.

Without the variable (the default, and always for an editable install) nothing is compiled and
the wheel is pure Python for every platform, as before.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup

COMPILED = [
    "subtoolkit/subtitles/words.py",
    "subtoolkit/subtitles/segment.py",
    "subtoolkit/subtitles/timing.py",
    "subtoolkit/subtitles/validate.py",
    "subtoolkit/subtitles/timecode.py",
    "subtoolkit/text/spoken.py",  # syllables of every atom
    "subtoolkit/text/punctuation.py",  # every mark's break strength
]


def ext_modules() -> list[object]:
    # compiled only when a wheel (or the extensions alone) is being built: not while pip asks
    # for the build's requirements or metadata, before mypy is there, and never for an
    # editable install (``editable_wheel``)
    if os.environ.get("SUBTOOLKIT_COMPILE", "") != "1" or not {"bdist_wheel", "build_ext"} & set(sys.argv):
        return []
    from mypyc.build import mypycify

    # pyproject.toml's mypy configuration applies; its sections for modules not compiled here are
    # expected to be unused in this run
    return mypycify(["--no-warn-unused-configs", *COMPILED], opt_level="3", group_name="subtoolkit_core")


setup(ext_modules=ext_modules())
