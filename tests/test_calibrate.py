"""Calibration recovers a narrator's known rate from a timed reference built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from subtitle_helpers import sample_script

from subtoolkit.subtitles.calibrate import fit, read_reference
from subtoolkit.errors import InputError
from subtoolkit.subtitles.formats.common import SPOKEN
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.tracks import make_timeline, write_tracks

PROFILE = load_profile("netflix-zh-hans")


def reference(tmp_path: Path, rate: float, pause_scale: float, fmt: str = "srt", fps: str = "25") -> Path:
    from subtoolkit.subtitles.timecode import parse_fps

    tl = make_timeline(sample_script(), PROFILE, fps=parse_fps(fps), rate=rate, pause_scale=pause_scale)
    written, _ = write_tracks(tl, tmp_path, "ref", formats=[fmt], language_tag="zh-Hans", include=SPOKEN,
                              profile=PROFILE)
    return written[fmt]


@pytest.mark.parametrize(
    "rate, pause_scale, fmt, fps",
    [(3.3, 1.4, "srt", "25"), (4.8, 0.8, "vtt", "25"), (4.0, 1.0, "srt", "29.97"), (3.6, 1.2, "vtt", "23.976")],
)
def test_known_rate_recovered_within_5_percent(tmp_path: Path, rate: float, pause_scale: float, fmt: str,
                                               fps: str) -> None:
    cal = fit(read_reference(reference(tmp_path, rate, pause_scale, fmt, fps)), PROFILE)
    assert abs(cal.rate - rate) / rate <= 0.05, cal
    assert cal.used >= 0.5 * cal.total


def test_default_rate_is_not_what_a_slow_reference_gives(tmp_path: Path) -> None:
    """The fit must follow the data: a slow narrator is not reported at the default 4.0."""
    cal = fit(read_reference(reference(tmp_path, 3.0, 1.0)), PROFILE)
    assert cal.rate < 3.3


def test_too_short_reference_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "short.srt"
    p.write_text("1\n00:00:01,000 --> 00:00:02,000\n你好\n", encoding="utf-8")
    with pytest.raises(InputError, match="at least 8"):
        read_reference(p)
