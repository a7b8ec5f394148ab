"""Frame rates, the frame grid and SMPTE timecodes.

Times are integer milliseconds everywhere; a time "on the grid" is the millisecond nearest to a
whole frame. NTSC rates are exact fractions (23.976 is 24000/1001), so that frame 86313 at
23.976 fps lands on the same millisecond every time it is computed.
"""

from __future__ import annotations

import re
from fractions import Fraction

from subtoolkit.errors import SubtoolkitError

ACCEPTED_FPS = {
    "23.976": Fraction(24000, 1001),
    "23.98": Fraction(24000, 1001),
    "24": Fraction(24),
    "25": Fraction(25),
    "29.97": Fraction(30000, 1001),
    "30": Fraction(30),
    "50": Fraction(50),
    "59.94": Fraction(60000, 1001),
    "60": Fraction(60),
}


def parse_fps(value: str | float | Fraction) -> Fraction:
    """``"23.976"`` → 24000/1001; only broadcast rates are accepted (a typo must not pass).

    >>> parse_fps("29.97"), parse_fps(25)
    (Fraction(30000, 1001), Fraction(25, 1))
    """
    if isinstance(value, Fraction):
        return value
    key = str(value).strip()
    if key.endswith(".0"):
        key = key[:-2]
    if key in ACCEPTED_FPS:
        return ACCEPTED_FPS[key]
    for k, v in ACCEPTED_FPS.items():
        try:
            if abs(float(key) - float(v)) < 0.006:
                return v
        except ValueError:
            break
    raise SubtoolkitError(f"unsupported frame rate {value!r}", hint="use one of " + ", ".join(k for k in ACCEPTED_FPS if k != "23.98"))


def fps_label(fps: Fraction) -> float | int:
    """The number users write for a rate: 25, 23.976, 29.97."""
    if fps.denominator == 1:
        return fps.numerator
    return round(float(fps), 3)


def _ratio(x: float | Fraction) -> tuple[int, int]:
    """``x`` as an exact integer ratio (floats are binary fractions, so nothing is rounded)."""
    if isinstance(x, int):
        return x, 1
    if isinstance(x, Fraction):
        return x.numerator, x.denominator
    return x.as_integer_ratio()


# The four conversions below are exact rational arithmetic done on integers: the same results
# as with Fraction, several times faster, which matters at a few calls per cue.


def frame_of(ms: float, fps: Fraction) -> int:
    """Nearest frame to a time: floor(ms · fps / 1000 + ½)."""
    a, b = _ratio(ms)
    den = 2000 * b * fps.denominator
    return (2 * a * fps.numerator + den // 2) // den


def ms_of(frame: int, fps: Fraction) -> int:
    """Millisecond of a frame (nearest): floor(frame · 1000 / fps + ½)."""
    return (2000 * frame * fps.denominator + fps.numerator) // (2 * fps.numerator)


def frames_at_least(ms: float, fps: Fraction) -> int:
    """Fewest whole frames lasting at least ``ms``: ceil(ms · fps / 1000 − 10⁻⁹)."""
    a, b = _ratio(ms)
    scale = 1000 * b * fps.denominator
    return -((scale - a * fps.numerator * 10**9) // (scale * 10**9))


def frames_at_most(ms: float, fps: Fraction) -> int:
    """Most whole frames within ``ms``: floor(ms · fps / 1000 + 10⁻⁹)."""
    a, b = _ratio(ms)
    den = 1000 * b * fps.denominator * 10**9
    return (a * fps.numerator * 10**9 + 1000 * b * fps.denominator) // den


def on_grid(ms: int, fps: Fraction) -> bool:
    return ms_of(frame_of(ms, fps), fps) == ms


_SMPTE = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})[:;](\d{2})$")


def parse_smpte(tc: str, fps: Fraction) -> int:
    """``"01:00:00:00"`` → frame count at ``fps`` (non-drop-frame counting).

    >>> parse_smpte("00:00:01:05", Fraction(25))
    30
    """
    m = _SMPTE.match(tc.strip())
    nominal = round(fps)
    if not m or int(m.group(2)) > 59 or int(m.group(3)) > 59 or int(m.group(4)) >= nominal:
        raise SubtoolkitError(f"bad timecode {tc!r}", hint=f"write HH:MM:SS:FF with FF below {nominal}")
    h, mi, s, f = (int(g) for g in m.groups())
    return ((h * 60 + mi) * 60 + s) * nominal + f


def smpte(frame: int, fps: Fraction) -> str:
    """Frame count → ``HH:MM:SS:FF`` (non-drop-frame).

    >>> smpte(30, Fraction(25))
    '00:00:01:05'
    """
    nominal = round(fps)
    f = frame % nominal
    s = frame // nominal
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{f:02d}"


def clock(ms: int) -> str:
    """Milliseconds → ``H:MM:SS`` for summaries."""
    s = round(ms / 1000)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
