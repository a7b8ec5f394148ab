"""Shared helpers for the writers: timestamp formatting and which cues a track carries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from operator import attrgetter

from subtoolkit.model import BlockKind, Cue, Timeline

SPOKEN = frozenset({BlockKind.NARRATION, BlockKind.INTERVIEW})

# the sort key of every track: start, then end (attrgetter builds the pair in C, a lambda in Python)
BY_TIME = attrgetter("start_ms", "end_ms")


def clock_ms(ms: int, sep: str = ".") -> str:
    """``3723004`` → ``01:02:03.004`` (the separator is ``,`` for SRT).

    >>> clock_ms(3723004), clock_ms(5, ",")
    ('01:02:03.004', '00:00:00,005')
    """
    if ms < 0:
        raise ValueError("negative time")
    # one %-format over integer quotients: half the time of divmod and an f-string's format specs
    return "%02d:%02d:%02d%s%03d" % (ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, sep, ms % 1000)


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
    return sorted(chosen, key=BY_TIME)
