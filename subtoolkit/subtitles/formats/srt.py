"""SubRip through pysrt: the format every editor and player reads."""

from __future__ import annotations

from subtoolkit.subtitles.formats.common import TrackOptions, track_cues
from subtoolkit.model import Cue, Timeline


def compose_srt(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """SRT text with ``\\n`` line ends (the writer converts them to ``options.eol``).

    Each pysrt item is written out as soon as it is made: a list of every item of a long script
    alive at once survives into the collector's oldest generation and makes it sweep the heap.
    """
    cues = track_cues(timeline, options.include)
    return "\n".join(_item(n, cue) for n, cue in enumerate(cues, start=1))


def _item(n: int, cue: Cue) -> str:
    """Cue ``n`` as pysrt writes it."""
    import pysrt

    return str(pysrt.SubRipItem(n, start=pysrt.SubRipTime.from_ordinal(cue.start_ms),
                                end=pysrt.SubRipTime.from_ordinal(cue.end_ms), text="\n".join(cue.lines)))
