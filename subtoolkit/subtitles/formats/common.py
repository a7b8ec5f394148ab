"""Shared helpers for the writers: timestamp formatting and which cues a track carries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from subtoolkit.model import BlockKind, Cue, Timeline

SPOKEN = frozenset({BlockKind.NARRATION, BlockKind.INTERVIEW})


def clock_ms(ms: int, sep: str = ".") -> str:
    """``3723004`` → ``01:02:03.004`` (the separator is ``,`` for SRT).

    >>> clock_ms(3723004), clock_ms(5, ",")
    ('01:02:03.004', '00:00:00,005')
    """
    if ms < 0:
        raise ValueError("negative time")
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, milli = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{milli:03d}"


@dataclass(frozen=True)
class TrackOptions:
    """What a text track carries and how its file is laid out."""

    include: frozenset[BlockKind] = SPOKEN
    eol: str = "\n"
    bom: bool = False
    name_supers: bool = True
    extra: dict[str, object] = field(default_factory=dict)


def track_cues(timeline: Timeline, include: Collection[BlockKind]) -> list[Cue]:
    """Cues of the kinds a track carries, sorted by time (ties keep timeline order)."""
    chosen = [c for c in timeline.cues if c.kind in include]
    return sorted(chosen, key=lambda c: (c.start_ms, c.end_ms))
