"""SubRip, written by hand in the layout pysrt writes (the golden files hold it byte for byte).

``index``, ``start --> end`` (comma before the milliseconds, a negative time shown as zero),
the lines, a blank line between cues. Building a pysrt item and two time objects per cue cost
more than the rest of the writer.
"""

from __future__ import annotations

from subtoolkit.subtitles.formats.common import TrackOptions, clock_ms, track_cues
from subtoolkit.model import Timeline


def compose_srt(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """SRT text with ``\\n`` line ends (the writer converts them to ``options.eol``).

    >>> from subtoolkit.model import BlockKind, Cue
    >>> print(compose_srt(Timeline((Cue(0, BlockKind.NARRATION, ("一", "二"), 0, 3723004),))), end="")
    1
    00:00:00,000 --> 01:02:03,004
    一
    二
    """
    return "\n".join(
        f"{n}\n{clock_ms(max(cue.start_ms, 0), ',')} --> {clock_ms(max(cue.end_ms, 0), ',')}\n" + "\n".join(cue.lines)
        + "\n"
        for n, cue in enumerate(track_cues(timeline, options.include), start=1)
    )
