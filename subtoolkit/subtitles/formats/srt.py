"""SubRip through pysrt: the format every editor and player reads.

Every cue is written out by ``str()`` of a ``pysrt.SubRipItem`` holding two ``pysrt.SubRipTime``s,
pysrt's own serialisation. Two things make that cheap on a long script:

- The times are :class:`_Time`, a ``SubRipTime`` whose ``str()`` fills pysrt's own ``TIME_PATTERN``
  from the millisecond count in one step. pysrt's reads its hours, minutes, seconds and
  milliseconds through four descriptors and a generator: two fifths of the writer's time.
  Negative times go to pysrt's, which writes them as zero.
- One item (and its two times) is refilled for each cue, through the attributes pysrt keeps them
  in (``index``, ``text``, each time's ``ordinal``), rather than a new item and two new times per
  cue: those three constructors were a quarter of the writer's time, and no object per cue is left
  for the collector.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from subtoolkit.subtitles.formats.common import TrackOptions, track_cues
from subtoolkit.model import Timeline


def compose_srt(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """SRT text with ``\\n`` line ends (the writer converts them to ``options.eol``)."""
    import pysrt

    time = _time_class()
    item = pysrt.SubRipItem(0, time(), time(), "")
    start, end = item.start, item.end
    out = []
    for n, cue in enumerate(track_cues(timeline, options.include), start=1):
        item.index = n
        start.ordinal = cue.start_ms
        end.ordinal = cue.end_ms
        item.text = "\n".join(cue.lines)
        out.append(str(item))
    return "\n".join(out)


@cache
def _time_class() -> Any:
    """:class:`_Time`, made on first use: the CLI does not import pysrt until it writes SRT."""
    import pysrt

    pattern: str = pysrt.SubRipTime.TIME_PATTERN  # '%02d:%02d:%02d,%03d'

    class _Time(pysrt.SubRipTime):  # type: ignore[misc]  # pysrt is untyped
        """pysrt's time, written as pysrt writes it (``HH:MM:SS,mmm``, a negative time as zero)."""

        def __str__(self) -> str:
            ms: int = self.ordinal
            if ms < 0:
                return str(super().__str__())
            return pattern % (ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000)

    return _Time
