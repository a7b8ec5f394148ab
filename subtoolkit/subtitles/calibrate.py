"""Fit a narrator's rate and pause scale from a subtitle file already timed to their voice.

Producers hold the previous episode's delivered subtitles, timed to the same narrator. The fit
asks the question the estimator (:mod:`subtoolkit.subtitles.timing`) answers, so that the fitted
model, run over the reference's own text, gives the reference back: the estimator puts each cue
on the clock ``syllables / rate + pause_scale × (its inner pauses + the pause after it)`` after
the one before, so that is what is fitted, over the interval from each cue's start to the next
cue's start — every cue, not just the few left open.

What a display file hides is which mark stood where the text now shows a line end, a cue end or
nothing (the profile drops ``，。`` there): a comma, a full stop, the end of a paragraph, or a
plain break between words. Those pauses are found from the timing itself: each cue is given the
choice that fits its interval best, the rate and pause scale are fitted by least squares on those
choices, and the two steps repeat until the choices settle (started from several pause scales,
keeping the fit that explains the intervals best; intervals that nothing explains, such as the
time of a caption or heading that the file leaves out, are set aside).

An earlier fit used only the cues followed by an open gap and their durations. It never saw the
pauses *between* cues, which are most of the pause time the estimator adds, took the pause scale
from display spaces and line breaks counted as commas, and dropped the fitted tail the estimator
does not add: fitted on the sample's own reference, the estimate came out 5 % short of it.

When the reference says who speaks (WebVTT ``<v Name>``, as ``subtitles`` writes for interviews),
interview cues are fitted on their own and the narrator's rate comes from the narration alone.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from subtoolkit.errors import InputError
from subtoolkit.model import BlockKind
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.timing import SpeechModel
from subtoolkit.text.punctuation import Break, mark_break
from subtoolkit.text.spoken import count_syllables


@dataclass(frozen=True)
class RefCue:
    start_ms: int
    end_ms: int
    text: str
    interview: bool = False  # the file names a speaker (WebVTT <v Name>): not the narrator


@dataclass(frozen=True)
class Calibration:
    rate: float  # the narrator's syllables per second
    pause_scale: float
    boundary_ms: float  # how long cues stay up after the voice stops (the subtitler's tail)
    used: int  # intervals the fit kept
    total: int  # intervals between consecutive cues
    residual_ms: float  # median absolute error of the kept intervals
    interview_rate: float | None = None  # syllables per second of the cues the file marks as interviews


def read_reference(path: Path) -> list[RefCue]:
    """Cues of a subtitle file, through the project's one reader, text without markup.

    A cue whose timing cannot be read refuses the reference (a guessed time would bias the fit);
    name supers and other on-screen text are not speech and are left out.
    """
    from subtoolkit.subtitles.readers import read_subtitles, unreadable_error

    doc = read_subtitles(path)
    if doc.unreadable:
        raise unreadable_error(path, doc, hint="fix the cue's timing line, or calibrate from another file")
    spoken = [c for c in doc.readable if c.kind.spoken and c.style != "NameSuper"]
    cues = [
        RefCue(c.start_ms, c.end_ms, "\n".join(c.lines), c.kind is BlockKind.INTERVIEW)  # type: ignore[arg-type]
        for c in spoken
    ]
    cues.sort(key=lambda c: c.start_ms)
    if len(cues) < 8:
        raise InputError(f"only {len(cues)} cues; calibration needs at least 8", path=str(path),
                         hint="use a longer reference")
    return cues


@dataclass(frozen=True)
class _Interval:
    """From one cue's start to the next one's: what the estimator would put there."""

    syllables: float
    fixed_units: float  # pauses the display still shows (marks, spaces for commas), before scaling
    choices: tuple[float, ...]  # pause units the hidden marks may add (line ends and the cue end)
    ms: float


def _interval(cue: RefCue, next_start: int, model: SpeechModel) -> _Interval:
    """The pauses a displayed cue shows, and the ones its line ends and its end may hide.

    Inside a line a space stands for a comma and a kept mark for itself. A line end with no mark
    hid a comma or nothing; the cue's end hid nothing, a comma, a full stop or a paragraph end —
    or, after a kept mark, that mark or a paragraph end.
    """
    pauses = model.pauses
    lines = [l.strip() for l in cue.text.strip().split("\n") if l.strip()]
    fixed = 0.0
    bare_breaks = 0
    for n, line in enumerate(lines):
        for ch in line[:-1]:
            fixed += pauses[Break.COMMA] if ch in " \u3000" else model.mark_pause(ch)
        if n < len(lines) - 1:
            mark = mark_break(line[-1])
            if mark:
                fixed += pauses[mark]
            else:
                bare_breaks += 1
    last = mark_break(lines[-1][-1]) if lines else None
    if last:
        ends: tuple[float, ...] = (pauses[last], pauses[Break.PARAGRAPH])
    else:
        ends = (0.0, pauses[Break.COMMA], pauses[Break.SENTENCE], pauses[Break.PARAGRAPH])
    choices = sorted({e + b * pauses[Break.COMMA] for e in ends for b in range(bare_breaks + 1)})
    gap = float(next_start - cue.start_ms)
    return _Interval(count_syllables(cue.text), fixed, tuple(float(c) for c in choices), gap)


def _least_squares(xs: list[float], us: list[float], ys: list[float]) -> tuple[float, float]:
    """``y = a·x + b·u`` by least squares (no intercept: the estimator adds none)."""
    sxx = sum(x * x for x in xs)
    sxu = sum(x * u for x, u in zip(xs, us))
    suu = sum(u * u for u in us)
    sxy = sum(x * y for x, y in zip(xs, ys))
    suy = sum(u * y for u, y in zip(us, ys))
    det = sxx * suu - sxu * sxu
    if abs(det) < 1e-9 * max(sxx * suu, 1.0):
        raise ValueError("the reference cannot tell speech from pauses")
    return (sxy * suu - suy * sxu) / det, (sxx * suy - sxu * sxy) / det


@dataclass(frozen=True)
class _Fit:
    ms_per_syllable: float
    pause_scale: float
    kept: tuple[int, ...]
    residual_ms: float
    score: float  # capped absolute error over all intervals: lower explains the reference better


RESIDUAL_CAP_MS = 300.0  # an interval off by more than this counts as unexplained, however far off
START_SCALES = (0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 1.9)  # where the alternation starts: it finds a local best


def _alternate(rows: list[_Interval], per_syllable: float, scale: float, *, fixed_scale: bool = False) -> _Fit:
    """Choose each interval's hidden pauses, refit, repeat until the choices settle."""
    state: tuple[tuple[float, ...], tuple[int, ...]] | None = None
    kept: list[int] = []
    residuals: list[float] = []
    for _ in range(40):
        units, residuals = [], []
        for r in rows:
            speech = per_syllable * r.syllables
            extra = min(r.choices, key=lambda c: abs(r.ms - speech - scale * (r.fixed_units + c)))
            units.append(r.fixed_units + extra)
            residuals.append(abs(r.ms - speech - scale * (r.fixed_units + extra)))
        mad = statistics.median(residuals) or 1.0
        kept = [i for i, e in enumerate(residuals) if e <= max(4 * mad, 150.0)]
        if len(kept) < 6:
            raise ValueError("too few intervals agree with each other")
        new_state = (tuple(units), tuple(kept))
        if new_state == state:
            break
        state = new_state
        ys = [rows[i].ms for i in kept]
        xs = [float(rows[i].syllables) for i in kept]
        us = [units[i] for i in kept]
        if fixed_scale:
            per_syllable = sum(x * (y - scale * u) for x, y, u in zip(xs, ys, us)) / sum(x * x for x in xs)
        else:
            per_syllable, scale = _least_squares(xs, us, ys)
        if per_syllable <= 0:
            raise ValueError("the reference gives no usable speech rate")
    kept_res = sorted(residuals[i] for i in kept)
    score = sum(min(e, RESIDUAL_CAP_MS) for e in residuals)
    return _Fit(per_syllable, scale, tuple(kept), kept_res[len(kept_res) // 2], score)


def fit(cues: list[RefCue], profile: Profile) -> Calibration:
    """Fit the narrator's rate and pause scale (and an interview rate when the file marks
    interviews); raises ValueError when the data cannot say."""
    model = SpeechModel.from_profile(profile)
    narration: list[_Interval] = []
    interviews: list[_Interval] = []
    for k, cue in enumerate(cues[:-1]):
        row = _interval(cue, cues[k + 1].start_ms, model)
        if row.syllables > 0 and row.ms > 0:
            (interviews if cue.interview else narration).append(row)
    if len(narration) < 6:
        raise ValueError(f"only {len(narration)} intervals between narration cues; at least 6 are needed")
    # cues left open end where the voice ends: their durations give a first guess at the rate
    opens = [c for k, c in enumerate(cues[:-1]) if cues[k + 1].start_ms - c.end_ms >= OPEN_GAP_MS and not c.interview
             and count_syllables(c.text) > 0 and c.end_ms > c.start_ms]
    guess = statistics.median((c.end_ms - c.start_ms) / count_syllables(c.text) for c in opens) if opens else 250.0
    fits = []
    for scale in START_SCALES:
        try:
            fits.append(_alternate(narration, guess, scale))
        except ValueError:
            continue
    if not fits:
        raise ValueError("the reference gives no usable speech rate")
    best = min(fits, key=lambda f: f.score)
    if best.ms_per_syllable <= 0 or best.pause_scale < 0:
        raise ValueError("the reference gives no usable speech rate")
    interview_rate = None
    if len(interviews) >= 6:
        try:
            iv = _alternate(interviews, best.ms_per_syllable, best.pause_scale, fixed_scale=True)
            interview_rate = 1000.0 / iv.ms_per_syllable
        except ValueError:
            pass
    # and how long they stay up after it: reported, not used (the estimator holds no tail)
    tails = [(c.end_ms - c.start_ms) - best.ms_per_syllable * count_syllables(c.text)
             - best.pause_scale * _interval(c, c.end_ms, model).fixed_units for c in opens]
    return Calibration(
        rate=1000.0 / best.ms_per_syllable,
        pause_scale=best.pause_scale,
        boundary_ms=statistics.median(tails) if tails else 0.0,
        used=len(best.kept),
        total=len(narration),
        residual_ms=best.residual_ms,
        interview_rate=interview_rate,
    )


# A gap this long was left open on purpose: the cue before it ends with the voice.
OPEN_GAP_MS = 520
