"""Advanced SubStation Alpha through pysubs2: the track that carries on-screen text too.

Dialogue sits at the bottom; captions (字幕) at the top in their own style; headings and the title
as title cards; and a lower-third name super (人名条) at each speaker's first appearance, which is
how documentary graphics are roughed in before the designers take over. pysubs2 is used because it
is maintained, typed and round-trips styles; our text is escaped so ASS override syntax in a
script cannot leak in.
"""

from __future__ import annotations

from operator import attrgetter

from subtoolkit.subtitles.formats.common import BY_TIME, TrackOptions
from subtoolkit.model import BlockKind, Speaker, Timeline

FONT = "Noto Sans CJK SC"
ASS_MAX_MS = 35_999_990  # H:MM:SS.cc has one hour digit


def ass_text(lines: tuple[str, ...] | list[str]) -> str:
    r"""Escape a cue for ASS: braces and backslashes would start override codes.

    >>> ass_text(["甲{乙}", "丙\\N"])
    '甲｛乙｝\\N丙＼N'
    """
    joined = "".join(lines)
    if "\\" not in joined and "{" not in joined and "}" not in joined:
        return r"\N".join(lines)  # nearly every cue: nothing to escape
    safe = [l.replace("\\", "＼").replace("{", "｛").replace("}", "｝") for l in lines]
    return r"\N".join(safe)


def _styles() -> dict[str, object]:
    import pysubs2

    white = pysubs2.Color(255, 255, 255)
    black = pysubs2.Color(0, 0, 0, 0)
    return {
        "Default": pysubs2.SSAStyle(fontname=FONT, fontsize=54, primarycolor=white, outlinecolor=black, outline=2.5,
                                    shadow=0, alignment=pysubs2.Alignment.BOTTOM_CENTER, marginv=60),
        "Caption": pysubs2.SSAStyle(fontname=FONT, fontsize=50, primarycolor=pysubs2.Color(255, 236, 160),
                                    outlinecolor=black, outline=2.5, shadow=0, alignment=pysubs2.Alignment.TOP_CENTER,
                                    marginv=70),
        "Title": pysubs2.SSAStyle(fontname=FONT, fontsize=96, bold=True, primarycolor=white, outlinecolor=black,
                                  outline=3, shadow=1, alignment=pysubs2.Alignment.MIDDLE_CENTER),
        "Heading": pysubs2.SSAStyle(fontname=FONT, fontsize=72, bold=True, primarycolor=white, outlinecolor=black,
                                    outline=3, shadow=1, alignment=pysubs2.Alignment.MIDDLE_CENTER),
        "NameSuper": pysubs2.SSAStyle(fontname=FONT, fontsize=46, primarycolor=white,
                                      backcolor=pysubs2.Color(0, 0, 0, 96), outlinecolor=black, outline=1.5, shadow=0,
                                      alignment=pysubs2.Alignment.BOTTOM_LEFT, marginl=120, marginv=190),
    }


_STYLE_OF = {
    BlockKind.NARRATION: "Default",
    BlockKind.INTERVIEW: "Default",
    BlockKind.CAPTION: "Caption",
    BlockKind.HEADING: "Heading",
    BlockKind.TITLE: "Title",
}


def name_super_text(speaker: Speaker) -> str:
    name = speaker.name or ""
    role = speaker.role or ""
    if name and role:
        return ass_text([name, role])
    return ass_text([name or role])


def compose_ass(timeline: Timeline, options: TrackOptions = TrackOptions(), *, name_super_ms: int = 4000,
                title: str | None = None) -> str:
    """ASS with every kind of cue in its style (on-screen text always: ASS is the graphics track)."""
    import pysubs2

    last = max((c.end_ms for c in timeline.cues), default=0)
    if last > ASS_MAX_MS:
        from subtoolkit.errors import TimelineError

        # pysubs2 would clamp silently; a clamped cue is a lost cue
        raise TimelineError(f"the timeline runs to {last / 3_600_000:.1f} h, past ASS's 9:59:59.99 limit",
                            hint="split the script, or write srt/vtt/json only")
    subs = pysubs2.SSAFile()
    subs.info["Title"] = title or "subtoolkit"
    subs.info["PlayResX"] = "1920"
    subs.info["PlayResY"] = "1080"
    subs.info["WrapStyle"] = "2"  # our line breaks are final; the renderer must not re-wrap
    subs.info["ScaledBorderAndShadow"] = "yes"
    subs.styles.clear()
    subs.styles.update(_styles())  # type: ignore[arg-type]
    seen: set[Speaker] = set()
    cues = sorted(timeline.cues, key=BY_TIME)
    for cue in cues:
        style = _STYLE_OF[cue.kind]
        subs.events.append(pysubs2.SSAEvent(start=cue.start_ms, end=cue.end_ms, text=ass_text(cue.lines), style=style,
                                            name=cue.speaker.label if cue.speaker else ""))
    if options.name_supers:
        block_end: dict[int, int] = {}
        for cue in cues:
            block_end[cue.block] = max(block_end.get(cue.block, 0), cue.end_ms)
        for cue in cues:
            if cue.kind is BlockKind.INTERVIEW and cue.speaker is not None and cue.speaker not in seen:
                seen.add(cue.speaker)
                end = min(cue.start_ms + name_super_ms, max(block_end[cue.block], cue.end_ms))
                subs.events.append(pysubs2.SSAEvent(start=cue.start_ms, end=end, text=name_super_text(cue.speaker),
                                                    style="NameSuper", name=cue.speaker.label))
    subs.events.sort(key=attrgetter("start", "end"))
    return subs.to_string("ass")
