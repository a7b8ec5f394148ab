"""The QC pass: every problem of a timeline against a profile, never just the first.

Returns a list instead of raising so that the CLI can show a subtitler the whole picture at once,
and so that the same checks serve our own output (writing refuses hard problems unless
``--force``) and anyone else's file (``subtoolkit check``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from fractions import Fraction
from typing import Any, Literal

from subtoolkit.model import Timeline
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.pickling import by_fields
from subtoolkit.subtitles.segment import text_width
from subtoolkit.text.punctuation import NO_LINE_END, NO_LINE_START
from subtoolkit.subtitles.timecode import frame_near_ms, ms_at, parse_fps

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One rule a cue breaks. ``cue`` is the 0-based index in the timeline."""

    code: str
    cue: int
    message: str
    severity: Severity = "error"

    def __reduce__(self) -> tuple[type[Problem], tuple[Any, ...]]:
        return by_fields(self)  # subtoolkit.subtitles.pickling: a compiled build's native class

    def render(self, timeline: Timeline | None = None) -> str:
        """``severity: cue N (time): code: message``; N is the file's own cue number for a timeline
        read from a file (``extra["numbers"]``), else the position in the timeline."""
        numbers = timeline.extra.get("numbers") if timeline is not None else None
        number = numbers[self.cue] if numbers and 0 <= self.cue < len(numbers) else self.cue + 1
        where = f"cue {number}"
        if timeline is not None and 0 <= self.cue < len(timeline.cues):
            from subtoolkit.subtitles.formats.common import clock_ms

            where += f" ({clock_ms(timeline.cues[self.cue].start_ms)})"
        return f"{self.severity}: {where}: {self.code}: {self.message}"


def validate(timeline: Timeline, profile: Profile, *, grid: bool = True) -> list[Problem]:
    """All problems of ``timeline`` under ``profile``, in cue order.

    Errors break the profile's hard limits (width, lines, durations, gaps, order, frame grid,
    punctuation); warnings are its soft ones (reading speed, gaps left unclosed).
    ``grid=False`` skips the frame-grid check, for files timed by someone else at an unknown
    frame rate.
    """
    fps: Fraction = parse_fps(timeline.fps)
    num, den = fps.as_integer_ratio()  # read once: the frame checks below run per cue
    problems: list[Problem] = []
    add = problems.append
    shown_marks = _marks_of(profile.to_space)
    never_at_end = profile.never_at_line_end
    max_lines, max_chars, min_ms, max_ms = profile.max_lines, profile.max_chars, profile.min_ms, profile.max_ms
    max_cps = profile.max_reading_cps + 1e-9
    min_gap, close_gap = profile.min_gap_frames, profile.close_gap_frames
    prev_start = prev_end = prev_end_frame = 0
    first = True
    for i, cue in enumerate(timeline.cues):
        lines = cue.lines
        shows = False
        for line in lines:
            if line.strip():
                shows = True
                break
        if not shows:
            add(Problem("empty", i, "cue has no text"))
        if len(lines) > max_lines:
            add(Problem("too-many-lines", i, f"{len(lines)} lines, the profile allows {max_lines}"))
        chars = 0.0
        n = 0
        for line in lines:
            n += 1
            w = text_width(line)
            chars += w
            if w > max_chars:
                add(Problem("line-too-long", i, f"line {n} is {w:g} characters wide, the limit is {max_chars:g}"))
            if not line:
                continue
            if line[0] in _SPACES or line[-1] in _SPACES:
                add(Problem("stray-space", i, f"line {n} starts or ends with a space"))
            if line[0] in NO_LINE_START:
                add(Problem("bad-line-start", i, f"line {n} starts with {line[0]!r}"))
            if line[-1] in NO_LINE_END or line[-1] in never_at_end:
                add(Problem("bad-line-end", i, f"line {n} ends with {line[-1]!r}"))
            if shown_marks is not None and shown_marks.search(line):
                bad = sorted(set(shown_marks.findall(line)))
                add(Problem("punctuation", i, f"line {n} shows {''.join(bad)!r}, which the profile turns into spaces"))
        start: int = cue.start_ms
        end: int = cue.end_ms
        dur = end - start
        if start < 0:
            add(Problem("negative-start", i, "starts before zero"))
        if dur <= 0:
            add(Problem("non-positive-duration", i, f"ends at or before its start ({dur} ms)"))
        else:
            if dur < min_ms:
                add(Problem("too-short", i, f"{dur} ms on screen, the minimum is {min_ms} ms"))
            if dur > max_ms:
                add(Problem("too-long", i, f"{dur} ms on screen, the maximum is {max_ms} ms"))
            cps = chars / (dur / 1000)
            if cps > max_cps:
                add(Problem("reading-speed", i, f"{cps:.1f} characters/s, the limit is {profile.max_reading_cps:g}",
                            "warning"))
        start_frame = frame_near_ms(start, num, den)
        end_frame = frame_near_ms(end, num, den)
        if grid:
            if ms_at(start_frame, num, den) != start:
                add(Problem("off-grid", i, f"start {start} ms is not on the {float(fps):g} fps frame grid"))
            if ms_at(end_frame, num, den) != end:
                add(Problem("off-grid", i, f"end {end} ms is not on the {float(fps):g} fps frame grid"))
        if not first and start < prev_start:
            # one problem, not also an overlap: the fix is to sort, not to retime
            add(Problem("out-of-order", i, f"starts {prev_start - start} ms before the previous cue"))
        elif not first:
            gap = start - prev_end
            # gaps are judged in whole frames: 2 frames at 29.97 fps is 66.7 ms, which no
            # millisecond timestamp can hold exactly
            gap_frames = start_frame - prev_end_frame
            if gap < 0:
                add(Problem("overlap", i, f"overlaps the previous cue by {-gap} ms"))
            elif gap_frames < min_gap:
                add(Problem("gap-too-short", i, f"{gap} ms after the previous cue, the minimum is {min_gap} frames"))
            elif min_gap < gap_frames <= close_gap:
                add(Problem("gap-not-closed", i - 1, f"{gap} ms before the next cue could be closed to "
                            f"{min_gap} frames", "warning"))
        prev_start, prev_end, prev_end_frame = start, end, end_frame
        first = False
    return problems


_SPACES = " \u3000"  # what a line may not start or end with (render_line strips them)


@lru_cache(maxsize=64)
def _marks_of(to_space: str) -> re.Pattern[str] | None:
    """A pattern for the marks a profile turns into spaces (None: it turns none)."""
    return re.compile("[" + re.escape(to_space) + "]") if to_space else None


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
