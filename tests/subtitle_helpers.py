"""Helpers shared by the subtitle tests: the sample's timeline in a profile, node oracle."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE

from subtoolkit.text.ingest import read_source
from subtoolkit.model import Script, Timeline
from subtoolkit.text.parse import parse_lines
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.tracks import make_timeline

HAN_OR_DIGIT = re.compile(r"[\u3400-\u9fff0-9]")
JS = ROOT / "tests" / "js"


@lru_cache(maxsize=None)
def sample_script() -> Script:
    return parse_lines(read_source(SAMPLE).lines)


@lru_cache(maxsize=None)
def sample_timeline(profile: str = "netflix-zh-hans", fps: str = "25") -> Timeline:
    from subtoolkit.subtitles.timecode import parse_fps

    return make_timeline(sample_script(), load_profile(profile), fps=parse_fps(fps))


def node_validate(paths: list[Path]) -> dict[str, dict]:  # type: ignore[type-arg]
    """Run the W3C webvtt-parser over files; fail (not skip) in CI and under make test when it is missing."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "webvtt-parser").is_dir():
        if os.environ.get("CI") or os.environ.get("SUBTOOLKIT_REQUIRE_TOOLS"):
            pytest.fail("node and tests/js/node_modules/webvtt-parser are required (make test installs them)")
        pytest.skip("node or webvtt-parser missing: run make test")
    r = subprocess.run([node, str(JS / "validate_vtt.js"), *map(str, paths)], capture_output=True, text=True,
                       timeout=120, check=True)
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def fps_of(tl: Timeline) -> Fraction:
    from subtoolkit.subtitles.timecode import parse_fps

    return parse_fps(tl.fps)
