"""SubRip through pysrt: the format every editor and player reads."""

from __future__ import annotations

from subtoolkit.subtitles.formats.common import TrackOptions, track_cues
from subtoolkit.model import Timeline


def compose_srt(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """SRT text with ``\\n`` line ends (the writer converts them to ``options.eol``)."""
    import pysrt

    items = []
    for n, cue in enumerate(track_cues(timeline, options.include), start=1):
        text = "\n".join(cue.lines)
        items.append(
            pysrt.SubRipItem(
                n,
                start=pysrt.SubRipTime.from_ordinal(cue.start_ms),
                end=pysrt.SubRipTime.from_ordinal(cue.end_ms),
                text=text,
            )
        )
    return "\n".join(str(item) for item in items)
