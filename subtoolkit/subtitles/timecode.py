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
    raise SubtoolkitError(f"unsupported frame rate {value!r}",
                          hint="use one of " + ", ".join(k for k in ACCEPTED_FPS if k != "23.98"))


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
# as with Fraction, several times faster, which matters at a few calls per cue. Each is written
# once, over the rate as ``num / den``: the loops that convert every cue (placing a timeline,
# checking one) read the rate once and call those; the Fraction forms read its ratio per call
# (each of Fraction's properties is a call).


def frame_of(ms: float, fps: Fraction) -> int:
    """Nearest frame to a time: floor(ms · fps / 1000 + ½)."""
    a, b = _ratio(ms)
    num, den = fps.as_integer_ratio()
    return _nearest(a, b, num, den)


def ms_of(frame: int, fps: Fraction) -> int:
    """Millisecond of a frame (nearest): floor(frame · 1000 / fps + ½)."""
    num, den = fps.as_integer_ratio()
    return ms_at(frame, num, den)


def frames_at_least(ms: float, fps: Fraction) -> int:
    """Fewest whole frames lasting at least ``ms``: ceil(ms · fps / 1000 − 10⁻⁹)."""
    a, b = _ratio(ms)
    num, den = fps.as_integer_ratio()
    return _covering(a, b, num, den)


def frames_at_most(ms: float, fps: Fraction) -> int:
    """Most whole frames within ``ms``: floor(ms · fps / 1000 + 10⁻⁹)."""
    a, b = _ratio(ms)
    num, fden = fps.as_integer_ratio()
    den = 1000 * b * fden * 10**9
    return (a * num * 10**9 + 1000 * b * fden) // den


def frame_near(ms: float, num: int, den: int) -> int:
    """:func:`frame_of` at the rate ``num / den``."""
    a, b = ms.as_integer_ratio()
    return _nearest(a, b, num, den)


def frame_near_ms(ms: int, num: int, den: int) -> int:
    """:func:`frame_of` of a whole millisecond at the rate ``num / den``."""
    return _nearest(ms, 1, num, den)


def ms_at(frame: int, num: int, den: int) -> int:
    """:func:`ms_of` at the rate ``num / den``."""
    return (2000 * frame * den + num) // (2 * num)


def frames_covering(ms: float, num: int, den: int) -> int:
    """:func:`frames_at_least` at the rate ``num / den``."""
    a, b = ms.as_integer_ratio()
    return _covering(a, b, num, den)


def _nearest(a: int, b: int, num: int, den: int) -> int:
    """The frame nearest to ``a / b`` ms at ``num / den`` frames a second."""
    d = 2000 * b * den
    return (2 * a * num + d // 2) // d


def _covering(a: int, b: int, num: int, den: int) -> int:
    """The fewest frames at ``num / den`` frames a second lasting at least ``a / b`` ms (less 10⁻⁹ s)."""
    scale = 1000 * b * den
    return -((scale - a * num * 10**9) // (scale * 10**9))


def on_grid(ms: int, fps: Fraction) -> bool:
    return ms_of(frame_of(ms, fps), fps) == ms


_SMPTE = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})([:;])(\d{2})$")


def dropped_per_minute(fps: Fraction) -> int:
    """Frame numbers SMPTE drop-frame skips each minute (not every tenth): 2 at 29.97, 4 at 59.94.

    Drop-frame exists only for the NTSC rates whose nominal count is a multiple of 30; counting
    29.97 fps as 30 drifts 3.6 s an hour from the clock, and skipping these numbers cancels it.
    Raises ValueError at any other rate.
    """
    nominal = round(fps)
    if fps.denominator != 1001 or nominal % 30:
        raise ValueError(f"drop-frame timecode exists only at 29.97 and 59.94 fps, not {fps_label(fps)}")
    return nominal // 15


def is_drop_frame(tc: str) -> bool:
    """``;`` before the frames marks a drop-frame timecode, as editing systems write it."""
    m = _SMPTE.match(tc.strip())
    return bool(m and m.group(4) == ";")


def parse_smpte(tc: str, fps: Fraction) -> int:
    """``"01:00:00:00"`` → frame count at ``fps``; ``;`` before the frames means drop-frame.

    >>> parse_smpte("00:00:01:05", Fraction(25)), parse_smpte("01:00:00;00", Fraction(30000, 1001))
    (30, 107892)
    """
    m = _SMPTE.match(tc.strip())
    nominal = round(fps)
    if not m or int(m.group(2)) > 59 or int(m.group(3)) > 59 or int(m.group(5)) >= nominal:
        raise SubtoolkitError(f"bad timecode {tc!r}", hint=f"write HH:MM:SS:FF with FF below {nominal}")
    h, mi, s, f = int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(5))
    frame = ((h * 60 + mi) * 60 + s) * nominal + f
    if m.group(4) == ":":
        return frame
    try:
        drop = dropped_per_minute(fps)
    except ValueError as exc:
        hint = "write HH:MM:SS:FF (a colon) for non-drop timecode"
        raise SubtoolkitError(f"bad timecode {tc!r}: {exc}", hint=hint) from None
    if s == 0 and mi % 10 and f < drop:
        raise SubtoolkitError(
            f"bad timecode {tc!r}: drop-frame skips frames 00–{drop - 1:02d} at the start of this minute",
            hint=f"the minute starts at {h:02d}:{mi:02d}:00;{drop:02d}",
        )
    minutes = h * 60 + mi
    return frame - drop * (minutes - minutes // 10)


def smpte(frame: int, fps: Fraction, *, drop_frame: bool = False) -> str:
    """Frame count → ``HH:MM:SS:FF``, or ``HH:MM:SS;FF`` counted drop-frame.

    >>> smpte(30, Fraction(25)), smpte(107892, Fraction(30000, 1001), drop_frame=True)
    ('00:00:01:05', '01:00:00;00')
    """
    nominal = round(fps)
    sep = ":"
    if drop_frame:
        drop = dropped_per_minute(fps)
        per_ten = nominal * 600 - drop * 9  # real frames in ten minutes
        per_minute = nominal * 60 - drop  # in each minute but the tenth
        tens, rest = divmod(frame, per_ten)
        skipped = drop * 9 * tens + (drop * ((rest - drop) // per_minute) if rest >= drop else 0)
        frame += skipped
        sep = ";"
    f = frame % nominal
    s = frame // nominal
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{sep}{f:02d}"


def clock(ms: int) -> str:
    """Milliseconds → ``H:MM:SS`` for summaries."""
    s = round(ms / 1000)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
