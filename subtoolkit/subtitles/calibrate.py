"""Fit a narrator's rate and pause scale from a subtitle file already timed to their voice.

Producers hold the previous episode's delivered subtitles, timed to the same narrator. A cue that
ends in an open pause lasts as long as the narrator needed to say it; with syllables counted the
way :mod:`subtoolkit.text.spoken` counts them, that is a linear
model ``duration = syllables / rate + pause_scale × inner_pauses + tail`` over the cues that end
where the voice ends, fitted by least squares with outliers trimmed away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from subtoolkit.errors import InputError
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.text.spoken import count_syllables
from subtoolkit.subtitles.timing import SpeechModel
from subtoolkit.text.punctuation import Break

_TAG = re.compile(r"<[^>]*>|\{[^}]*\}")


@dataclass(frozen=True)
class RefCue:
    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class Calibration:
    rate: float  # syllables per second
    pause_scale: float
    boundary_ms: float  # how long cues stay up after the voice stops (the subtitler's tail)
    used: int  # cues the fit kept
    total: int  # cues ending in an open pause
    residual_ms: float  # median absolute error of the kept intervals


def read_reference(path: Path) -> list[RefCue]:
    """Cues of an SRT or VTT file (pysubs2 reads both), text without tags."""
    import pysubs2

    from subtoolkit.text.ingest import decode

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read reference ({exc.strerror})", path=str(path), hint="check the path") from None
    text, _ = decode(data, path=str(path))
    try:
        subs = pysubs2.SSAFile.from_string(text.replace("\r\n", "\n").replace("\r", "\n"))
    except Exception as exc:  # pysubs2 raises several unrelated types
        raise InputError(f"not a subtitle file pysubs2 can read ({type(exc).__name__})", path=str(path),
                         hint="give an .srt or .vtt file") from None
    cues = [RefCue(e.start, e.end, _TAG.sub("", e.text.replace("\\N", "\n"))) for e in subs.events if not e.is_comment]
    cues.sort(key=lambda c: c.start_ms)
    if len(cues) < 8:
        raise InputError(f"only {len(cues)} cues; calibration needs at least 8", path=str(path),
                         hint="use a longer reference")
    return cues


def _inner_pause_units(text: str, model: SpeechModel) -> float:
    """Pauses inside a displayed cue: marks still shown, and spaces that stand for ，。."""
    units = 0.0
    body = text.strip()
    for i, ch in enumerate(body):
        if ch in " \u3000\n" and 0 < i < len(body) - 1:
            units += model.pauses[Break.COMMA]
        elif i < len(body) - 1:
            units += model.mark_pause(ch)
    return units


def _solve(rows: list[tuple[float, float, float]], ys: list[float]) -> tuple[float, float, float]:
    """Least squares for three unknowns via the normal equations (no numpy needed for 3×3)."""
    ata = [[0.0] * 3 for _ in range(3)]
    aty = [0.0] * 3
    for r, y in zip(rows, ys):
        for a in range(3):
            aty[a] += r[a] * y
            for b in range(3):
                ata[a][b] += r[a] * r[b]
    # Gaussian elimination with partial pivoting
    m = [ata[i] + [aty[i]] for i in range(3)]
    for col in range(3):
        piv = max(range(col, 3), key=lambda row: abs(m[row][col]))
        m[col], m[piv] = m[piv], m[col]
        if abs(m[col][col]) < 1e-12:
            raise ValueError("singular")
        for row in range(3):
            if row != col:
                f = m[row][col] / m[col][col]
                for c in range(col, 4):
                    m[row][c] -= f * m[col][c]
    return (m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2])


def fit(cues: list[RefCue], profile: Profile) -> Calibration:
    """Fit rate, pause scale and the tail after speech; raises ValueError when the data cannot say.

    Subtitlers chain cues separated by short pauses (the out-time moves to the next in-time), so
    a chained cue's duration mixes speech with the pause after it, and long cues tend to end
    mid-clause with no pause at all: fitting those would bias the rate. A cue followed by a
    real gap (a paragraph or sentence pause the subtitler left open) ends where the voice ends,
    so its duration is speech alone: those are the cues fitted.
    """
    model = SpeechModel.from_profile(profile)
    rows: list[tuple[float, float, float]] = []
    ys: list[float] = []
    for k, a in enumerate(cues):
        gap = cues[k + 1].start_ms - a.end_ms if k + 1 < len(cues) else 10**9
        syl = count_syllables(a.text)
        dur = a.end_ms - a.start_ms
        if gap < OPEN_GAP_MS or syl <= 0 or dur <= 0:
            continue
        rows.append((syl, _inner_pause_units(a.text, model), 1.0))
        ys.append(float(dur))
    total = len(rows)
    if total < 6:
        raise ValueError(f"only {total} cues end in an open pause; at least 6 are needed")
    keep = list(range(total))
    coef = (250.0, 1.0, 0.0)
    for _ in range(5):
        coef = _solve([rows[i] for i in keep], [ys[i] for i in keep])
        res = [abs(ys[i] - sum(c * x for c, x in zip(coef, rows[i]))) for i in range(total)]
        kept_res = sorted(res[i] for i in keep)
        mad = kept_res[len(kept_res) // 2] or 1.0
        new_keep = [i for i in range(total) if res[i] <= max(4 * mad, 60.0)]
        if new_keep == keep or len(new_keep) < 6:
            break
        keep = new_keep
    per_syllable, pause_scale, tail = coef
    if per_syllable <= 0:
        raise ValueError("the reference gives no usable speech rate")
    res = sorted(abs(ys[i] - sum(c * x for c, x in zip(coef, rows[i]))) for i in keep)
    return Calibration(
        rate=1000.0 / per_syllable,
        pause_scale=max(pause_scale, 0.0),
        boundary_ms=tail,
        used=len(keep),
        total=total,
        residual_ms=res[len(res) // 2] if res else 0.0,
    )


# A gap this long was left open on purpose: the cue before it ends with the voice.
OPEN_GAP_MS = 520
