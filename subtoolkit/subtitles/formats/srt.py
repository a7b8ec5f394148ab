"""SubRip through pysrt: the format every editor and player reads.

Every cue is a ``pysrt.SubRipItem`` holding two ``pysrt.SubRipTime``s, written out by the item's
own ``str()``. Two things make that cheap on a long script:

- The times are :class:`_Time`, a ``SubRipTime`` whose ``str()`` fills pysrt's own ``TIME_PATTERN``
  from the millisecond count in one step. pysrt's reads its hours, minutes, seconds and
  milliseconds through four descriptors and a generator, which was half of the writer's time.
  Negative times go to pysrt's, which writes them as zero.
- Each item is turned into text as soon as it is made: a list of every item of a long script
  alive at once survives into the collector's oldest generation and makes it sweep the heap.
"""

from __future__ import annotations

from functools import cache
from itertools import count, repeat
from typing import Any

from subtoolkit.subtitles.formats.common import TrackOptions, track_cues
from subtoolkit.model import Timeline


def compose_srt(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """SRT text with ``\\n`` line ends (the writer converts them to ``options.eol``)."""
    import pysrt

    cues = track_cues(timeline, options.include)
    time = _time_class()
    zero = repeat(0)
    # SubRipTime(hours, minutes, seconds, milliseconds): all of it in the milliseconds
    starts = map(time, zero, zero, zero, [c.start_ms for c in cues])
    ends = map(time, zero, zero, zero, [c.end_ms for c in cues])
    texts = ["\n".join(c.lines) for c in cues]
    return "\n".join(map(str, map(pysrt.SubRipItem, count(1), starts, ends, texts)))


@cache
def _time_class() -> Any:
    """:class:`_Time`, made on first use: the CLI does not import pysrt until it writes SRT."""
    import pysrt

    class _Time(pysrt.SubRipTime):  # type: ignore[misc]  # pysrt is untyped
        """pysrt's time, written as pysrt writes it (``HH:MM:SS,mmm``, a negative time as zero)."""

        def __str__(self) -> str:
            ms: int = self.ordinal
            if ms < 0:
                return str(super().__str__())
            return str(self.TIME_PATTERN % (ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000))

    return _Time
