"""What every job shares: how it reports progress, reads its script and sets the narrator's pace.

A job's progress is one callable, ``progress(stage, fraction)``; its warnings go through
``warn(message)``. The CLI shows both (a bar on stderr, ``warning:`` lines); library callers and
the folder build's worker processes pass their own or nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from subtoolkit.errors import InputError

if TYPE_CHECKING:
    from subtoolkit.model import Script
    from subtoolkit.subtitles.calibrate import Calibration
    from subtoolkit.subtitles.profiles import Profile

Progress = Callable[[str, float], None]
"""``progress(stage, fraction done)``: the one progress report of every job."""

Warn = Callable[[str], None]


def _quiet(*_args: object) -> None:
    return None


@dataclass
class Reporter:
    """A job's progress and warnings, with the time each stage took (for ``build``'s bench)."""

    progress: Progress = _quiet
    warn: Warn = _quiet
    seconds: dict[str, float] = field(default_factory=dict)
    _since: float = field(default_factory=time.perf_counter)

    def stage(self, name: str, fraction: float) -> None:
        """Report that ``name`` is done and the job is at ``fraction``."""
        now = time.perf_counter()
        self.progress(name, fraction)
        self.seconds[name] = self.seconds.get(name, 0.0) + (now - self._since)
        self._since = now

    @classmethod
    def of(cls, progress: Progress | None = None, warn: Warn | None = None) -> Reporter:
        return cls(progress or _quiet, warn or _quiet)


@dataclass(frozen=True)
class Clock:
    """The frame rate and first frame every time of a job snaps to."""

    fps: Fraction
    start_frame: int
    drop_frame: bool = False  # the start was written HH:MM:SS;FF: timecodes count drop-frame

    @classmethod
    def parse(cls, fps: str, start: str = "00:00:00:00") -> Clock:
        from subtoolkit.subtitles.timecode import is_drop_frame, parse_fps, parse_smpte

        rate = parse_fps(fps)
        return cls(rate, parse_smpte(start, rate), is_drop_frame(start))


def load_script(path: Path, *, encoding: str | None = None, interview_span: str = "auto", style: Any = None,
                explain: list[Any] | None = None, warn: Warn | None = None) -> Script:
    """ingest → parse, the first two stages of every job; their warnings go to ``warn``.

    ``style`` is a house style (:mod:`subtoolkit.text.style`); ``None`` is the user's default file
    if there is one, else none.
    """
    from subtoolkit.text.ingest import read_source
    from subtoolkit.text.parse import parse_lines
    from subtoolkit.text.style import default_style

    house = style if style is not None else default_style()
    source = read_source(path, encoding=encoding)
    if warn is not None:
        for w in source.warnings:
            warn(w.render())
    script = parse_lines(source.lines, path=str(path), interview_span=interview_span,  # type: ignore[arg-type]
                         style=house, explain=explain)
    if warn is not None:
        for w in script.warnings:
            warn(w.render())
    return script


@dataclass(frozen=True)
class Pace:
    """The narrator's speed: a rate given by hand, or fitted from a reference (``calibration``)."""

    rate: float | None = None
    pause_scale: float = 1.0
    interview_rate: float | None = None
    calibration: Calibration | None = None
    reference: Path | None = None

    def describe(self) -> str | None:
        """The line a user sees after a calibration (None without one)."""
        cal = self.calibration
        if cal is None:
            return None
        interviews = f", interviews {cal.interview_rate:.2f} syllables/s" if cal.interview_rate else ""
        return (f"calibrated from {self.reference}: {cal.rate:.2f} syllables/s, pause scale {cal.pause_scale:.2f}"
                f"{interviews}, {cal.boundary_ms:.0f} ms between cues ({cal.used} of {cal.total} intervals, "
                f"median error {cal.residual_ms:.0f} ms)")


def narrator_pace(profile: Profile, *, rate: float | None = None, calibrate: Path | None = None) -> Pace:
    """The pace the timeline is estimated at: ``rate``, or fitted from the ``calibrate`` file."""
    if calibrate is None:
        return Pace(rate=rate)
    from subtoolkit.subtitles.calibrate import fit, read_reference

    try:
        cal = fit(read_reference(calibrate), profile)
    except ValueError as exc:
        raise InputError(f"calibration failed: {exc}", path=str(calibrate),
                         hint="use a reference timed to continuous narration") from None
    return Pace(cal.rate, cal.pause_scale, cal.interview_rate, cal, calibrate)
