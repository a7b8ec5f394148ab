"""SMPTE timecodes: non-drop and drop-frame counting, checked against known conversions."""

from __future__ import annotations

import csv
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import SAMPLE
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from subtoolkit.cli import app
from subtoolkit.errors import SubtoolkitError
from subtoolkit.subtitles.timecode import ms_of, parse_fps, parse_smpte, smpte

NTSC = parse_fps("29.97")
NTSC60 = parse_fps("59.94")


@pytest.mark.parametrize(
    "tc, fps, frame",
    [
        # SMPTE 12M: two frame numbers (four at 59.94) skipped each minute except every tenth
        ("01:00:00;00", NTSC, 107892),
        ("00:00:59;29", NTSC, 1799),
        ("00:01:00;02", NTSC, 1800),
        ("00:02:00;02", NTSC, 3598),
        ("00:09:59;29", NTSC, 17981),
        ("00:10:00;00", NTSC, 17982),
        ("00:10:00;01", NTSC, 17983),
        ("00:11:00;02", NTSC, 19782),
        ("10:00:00;00", NTSC, 1078920),
        ("01:00:00;00", NTSC60, 215784),
        ("00:01:00;04", NTSC60, 3600),
        ("00:10:00;00", NTSC60, 35964),
        ("01:00:00:00", NTSC, 108000),  # a colon is non-drop, also at 29.97
    ],
)
def test_known_conversions(tc: str, fps: Fraction, frame: int) -> None:
    assert parse_smpte(tc, fps) == frame
    assert smpte(frame, fps, drop_frame=";" in tc) == tc


def test_drop_frame_keeps_clock_time() -> None:
    """The point of drop-frame: an hour of timecode is an hour of clock time (non-drop drifts 3.6 s)."""
    assert abs(ms_of(parse_smpte("01:00:00;00", NTSC), NTSC) - 3_600_000) < 5
    assert abs(ms_of(parse_smpte("01:00:00:00", NTSC), NTSC) - 3_603_600) < 5


@pytest.mark.parametrize("tc", ["00:01:00;00", "00:01:00;01", "01:59:00;01"])
def test_skipped_frame_numbers_are_refused(tc: str) -> None:
    with pytest.raises(SubtoolkitError, match="drop-frame"):
        parse_smpte(tc, NTSC)


@pytest.mark.parametrize("fps", ["25", "23.976", "30", "24"])
def test_drop_frame_only_at_ntsc_rates(fps: str) -> None:
    with pytest.raises(SubtoolkitError, match="drop-frame"):
        parse_smpte("01:00:00;00", parse_fps(fps))
    with pytest.raises(ValueError):
        smpte(100, parse_fps(fps), drop_frame=True)


@given(st.integers(min_value=0, max_value=24 * 3600 * 60), st.sampled_from([NTSC, NTSC60]))
def test_drop_frame_round_trip_from_frames(frame: int, fps: Fraction) -> None:
    tc = smpte(frame, fps, drop_frame=True)
    assert ";" in tc
    assert parse_smpte(tc, fps) == frame


@given(
    st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), st.integers(0, 59), st.sampled_from([NTSC, NTSC60])
)
def test_drop_frame_round_trip_from_timecodes(h: int, m: int, s: int, f: int, fps: Fraction) -> None:
    nominal = round(fps)
    drop = 2 if nominal == 30 else 4
    tc = f"{h:02d}:{m:02d}:{s:02d};{f % nominal:02d}"
    if s == 0 and m % 10 != 0 and f % nominal < drop:
        with pytest.raises(SubtoolkitError):
            parse_smpte(tc, fps)
        return
    assert smpte(parse_smpte(tc, fps), fps, drop_frame=True) == tc


@given(st.integers(min_value=0, max_value=24 * 3600 * 60), st.sampled_from(["25", "29.97", "23.976", "59.94"]))
def test_non_drop_round_trip(frame: int, fps: str) -> None:
    rate = parse_fps(fps)
    assert parse_smpte(smpte(frame, rate), rate) == frame


def test_build_with_a_drop_frame_start(tmp_path: Path) -> None:
    """`--start 01:00:00;00` at 29.97 starts the film at 59:59.996 of clock time and writes
    drop-frame timecodes in the paperwork."""
    runner = CliRunner()
    r = runner.invoke(app,
                      ["build", str(SAMPLE), "-o", str(tmp_path), "--voice", "none", "--fps", "29.97", "--start",
                       "01:00:00;00"])
    assert r.exit_code == 0, r.stderr
    out = tmp_path / SAMPLE.stem
    cues = json.loads((out / f"{SAMPLE.stem}.zh-Hans.json").read_text(encoding="utf-8"))["cues"]
    first = min(c["start_ms"] for c in cues)
    assert first == ms_of(107892, NTSC) == 3_599_996
    rows = list(csv.DictReader(io.StringIO((out / "captions.csv").read_text(encoding="utf-8-sig"))))
    assert rows and all(";" in row["in"] and ";" in row["out"] for row in rows)
    assert min(parse_smpte(row["in"], NTSC) for row in rows) >= 107892
    starts, ends = {c["start_ms"] for c in cues}, {c["end_ms"] for c in cues}
    assert all(ms_of(parse_smpte(row["in"], NTSC), NTSC) in starts for row in rows)  # read back to the very frame
    assert all(ms_of(parse_smpte(row["out"], NTSC), NTSC) in ends for row in rows)
    md_codes = re.findall(r"`(\d\d:\d\d:\d\d[:;]\d\d)`", (out / "narration.md").read_text(encoding="utf-8"))
    assert md_codes and all(";" in tc and ms_of(parse_smpte(tc, NTSC), NTSC) in starts for tc in md_codes)
