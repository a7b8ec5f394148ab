"""WebVTT, written by hand: escaped, sorted, with voice spans for interviews.

Escaping ``&``, ``<`` and ``>`` is what the W3C parser checks and what several Python writers
skip; interview cues carry ``<v Speaker>`` so players and screen readers know who speaks.
"""

from __future__ import annotations

from subtoolkit.subtitles.formats.common import TrackOptions, track_cues
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


# one cue: its number, the two timestamps (HH:MM:SS.mmm) and its text, filled in by one %-format
_CUE = "%d\n%02d:%02d:%02d.%03d --> %02d:%02d:%02d.%03d\n%s\n"


def compose_vtt(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """The header, then each cue, a blank line apart.

    A cue is one %-format of integer quotients (what :func:`clock_ms` computes, without two calls
    and two strings per cue). Its lines are escaped once, joined (no escape spans a line break, so
    that is the same text as escaping line by line), and only when one of ``&<>`` is there.
    """
    out = ["WEBVTT\n"]
    interview = BlockKind.INTERVIEW
    for n, cue in enumerate(track_cues(timeline, options.include), start=1):
        s, e = cue.start_ms, cue.end_ms
        if s < 0 or e < 0:
            raise ValueError("negative time")  # as clock_ms does: WebVTT has no negative timestamps
        text = "\n".join(cue.lines)
        if "&" in text or "<" in text or ">" in text:
            text = escape(text)
        if cue.kind is interview and cue.speaker is not None and cue.speaker.label:
            text = f"<v {_voice(cue.speaker.label)}>{text}</v>"
        out.append(_CUE % (n, s // 3_600_000, s // 60_000 % 60, s // 1000 % 60, s % 1000,
                           e // 3_600_000, e // 60_000 % 60, e // 1000 % 60, e % 1000, text))
    return "\n".join(out)
