"""Paperwork for the post-production team, derived from the parse and the timeline (pure).

- ``names.csv``: the name supers (人名条) the graphics department builds, one row per speaker;
- ``captions.csv``: every on-screen caption and heading with in/out timecodes;
- ``narration.md`` / ``narration.docx``: the voice talent's script (配音稿), narration only,
  numbered, with in-timecodes and target durations; interviews as one-line placeholders.

Everything here returns text or a document model; writing files is the caller's business.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction

from subtoolkit.model import Block, BlockKind, Script, Speaker, Timeline
from subtoolkit.subtitles.timecode import frame_of, parse_fps, smpte


@dataclass(frozen=True)
class BlockSpan:
    """Where a block sits on the film's clock: from its first cue's start to its last cue's end."""

    index: int
    block: Block
    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def block_spans(script: Script, timeline: Timeline) -> list[BlockSpan]:
    """Spans of the blocks that have cues, in script order."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for c in timeline.cues:
        first[c.block] = min(first.get(c.block, c.start_ms), c.start_ms)
        last[c.block] = max(last.get(c.block, c.end_ms), c.end_ms)
    return [BlockSpan(i, script.blocks[i], first[i], last[i]) for i in sorted(first)]


def timecode(ms: int, fps: Fraction, drop_frame: bool = False) -> str:
    return smpte(frame_of(ms, fps), fps, drop_frame=drop_frame)


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180; Excel expects CRLF
    w.writerows(rows)
    return buf.getvalue()


def names_csv(script: Script, timeline: Timeline) -> str:
    """One row per speaker: who, role, first appearance, how often, first words.

    Written with a BOM by the caller so Excel detects UTF-8.
    """
    fps = parse_fps(timeline.fps)
    rows = [["speaker", "role", "first_appearance", "appearances", "first_words"]]
    seen: dict[Speaker, list[BlockSpan]] = {}
    for span in block_spans(script, timeline):
        sp = span.block.speaker
        if span.block.kind is BlockKind.INTERVIEW and sp is not None:
            seen.setdefault(sp, []).append(span)
    for sp, spans in seen.items():
        words = spans[0].block.text
        words = words if len(words) <= 24 else words[:24] + "……"
        rows.append([sp.name or "", sp.role or "", timecode(spans[0].start_ms, fps, timeline.drop_frame),
                     str(len(spans)), words])
    return _csv(rows)


def captions_csv(script: Script, timeline: Timeline) -> str:
    """Every caption, heading and the title, with estimated in/out timecodes."""
    fps = parse_fps(timeline.fps)
    rows = [["kind", "text", "in", "out", "duration_s", "section", "source_line"]]
    for span in block_spans(script, timeline):
        b = span.block
        if b.kind in (BlockKind.CAPTION, BlockKind.HEADING, BlockKind.TITLE):
            rows.append([b.kind.value, b.text, timecode(span.start_ms, fps, timeline.drop_frame),
                         timecode(span.end_ms, fps, timeline.drop_frame), f"{span.duration_ms / 1000:.1f}",
                         b.section or "", str(b.first_line)])
    return _csv(rows)


@dataclass(frozen=True)
class ScriptLine:
    """One entry of the voice talent's script."""

    kind: str  # "title" | "heading" | "narration" | "interview" | "caption"
    text: str
    number: int | None = None
    timecode: str = ""
    seconds: float = 0.0


def narration_lines(script: Script, timeline: Timeline) -> list[ScriptLine]:
    """The 配音稿 as data: headings, numbered narration, placeholders for everything not read."""
    fps = parse_fps(timeline.fps)
    out: list[ScriptLine] = []
    n = 0
    for span in block_spans(script, timeline):
        b = span.block
        tc = timecode(span.start_ms, fps, timeline.drop_frame)
        secs = span.duration_ms / 1000
        if b.kind is BlockKind.NARRATION:
            n += 1
            out.append(ScriptLine("narration", b.text, n, tc, secs))
        elif b.kind is BlockKind.INTERVIEW:
            who = b.speaker.label if b.speaker and b.speaker.label else "同期声"
            out.append(ScriptLine("interview", who, None, tc, secs))
        elif b.kind is BlockKind.CAPTION:
            out.append(ScriptLine("caption", b.text, None, tc, secs))
        else:
            out.append(ScriptLine(b.kind.value, b.text, None, tc, secs))
    return out


def narration_md(script: Script, timeline: Timeline) -> str:
    title = script.title or "解说词"
    parts = [f"# 《{title}》配音稿", "", f"帧率 {timeline.fps:g} fps · 段落编号、入点时码、目标时长", ""]
    for line in narration_lines(script, timeline):
        if line.kind == "title":
            continue
        if line.kind == "heading":
            parts += [f"## {line.text}", ""]
        elif line.kind == "narration":
            parts += [f"**{line.number}.** `{line.timecode}` · {line.seconds:.1f} 秒", "", line.text, ""]
        elif line.kind == "interview":
            parts += [f"> `{line.timecode}` 〔同期：{line.text} · {line.seconds:.1f} 秒〕", ""]
        else:
            parts += [f"> `{line.timecode}` 〔字幕：{line.text[:30]}{'……' if len(line.text) > 30 else ''} · "
                      f"{line.seconds:.1f} 秒〕", ""]
    return "\n".join(parts).rstrip("\n") + "\n"


def narration_docx(script: Script, timeline: Timeline):
    """The 配音稿 as a python-docx Document (the caller saves it atomically)."""
    import docx
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    d.add_heading(f"《{script.title or '解说词'}》配音稿", level=0)
    grey = RGBColor(0x70, 0x70, 0x70)
    for line in narration_lines(script, timeline):
        if line.kind == "title":
            continue
        if line.kind == "heading":
            d.add_heading(line.text, level=1)
        elif line.kind == "narration":
            p = d.add_paragraph()
            run = p.add_run(f"{line.number}. {line.timecode} · {line.seconds:.1f} 秒")
            run.bold = True
            run.font.size = Pt(9)
            d.add_paragraph(line.text)
        else:
            label = "同期" if line.kind == "interview" else "字幕"
            text = line.text if len(line.text) <= 30 else line.text[:30] + "……"
            p = d.add_paragraph()
            run = p.add_run(f"{line.timecode} 〔{label}：{text} · {line.seconds:.1f} 秒〕")
            run.italic = True
            run.font.color.rgb = grey
    return d
