"""WebVTT, written by hand: escaped, sorted, with voice spans for interviews.

Escaping ``&``, ``<`` and ``>`` is what the W3C parser checks and what several Python writers
skip; interview cues carry ``<v Speaker>`` so players and screen readers know who speaks.
"""

from __future__ import annotations

from subtoolkit.subtitles.formats.common import TrackOptions, clock_ms, track_cues
from subtoolkit.model import BlockKind, Timeline


def escape(text: str) -> str:
    """
    >>> escape("a < b & c > d")
    'a &lt; b &amp; c &gt; d'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _voice(name: str) -> str:
    # a voice annotation ends at ">" and may not hold line breaks
    return escape(name.replace("\n", " ")).strip()


def compose_vtt(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    out = ["WEBVTT", ""]
    for n, cue in enumerate(track_cues(timeline, options.include), start=1):
        text = "\n".join(escape(l) for l in cue.lines)
        if cue.kind is BlockKind.INTERVIEW and cue.speaker is not None and cue.speaker.label:
            text = f"<v {_voice(cue.speaker.label)}>{text}</v>"
        out.append(str(n))
        out.append(f"{clock_ms(cue.start_ms)} --> {clock_ms(cue.end_ms)}")
        out.append(text)
        out.append("")
    return "\n".join(out)
