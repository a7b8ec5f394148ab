"""The domain model every stage shares.

Plain frozen dataclasses, times in integer milliseconds (as pysubs2 does) so that no float drift
creeps in between the estimator, the frame grid and the writers. Formats never leak in here: a
cue stores display lines, not SRT or ASS markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from subtoolkit.errors import Diagnostic


class BlockKind(str, Enum):
    """What a block of the script is for.

    ``INTERVIEW`` covers sync sound (同期声, 现场声) too: it is heard, not read by the narrator.
    ``CAPTION`` and ``HEADING``/``TITLE`` are on-screen text, not spoken. ``NOTE`` is production
    text that is neither heard nor shown (shot lists, credits, bylines, page furniture, editing
    notes): the parse lists it and ``blocks.json`` keeps it, but it gets no cue, no voice and no
    time, so every stage after the parser leaves it out.
    """

    TITLE = "title"
    HEADING = "heading"
    NARRATION = "narration"
    INTERVIEW = "interview"
    CAPTION = "caption"
    NOTE = "note"

    @property
    def spoken(self) -> bool:
        return self in (BlockKind.NARRATION, BlockKind.INTERVIEW)

    @property
    def on_clock(self) -> bool:
        """Whether the block takes time in the film (everything but production notes)."""
        return self is not BlockKind.NOTE


@dataclass(frozen=True)
class Speaker:
    """``辛鸣（中央党校（国家行政学院）教授）`` → name ``辛鸣``, role ``中央党校（国家行政学院）教授``.

    Either part may be missing: sync sound often names a role only (``村民``) or nobody.
    """

    name: str | None
    role: str | None = None

    @property
    def label(self) -> str:
        """The short form used for voice tags and name supers."""
        return self.name or self.role or ""

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "role": self.role}


@dataclass(frozen=True)
class Block:
    """One typed piece of the script, with the source lines it came from.

    A block keeps two texts:

    - ``text``, the *clean* text: what is said or shown, without markers, speaker labels, inserted
      pinyin, stage directions or speech brackets. Subtitles, the voice, captions, ``names.csv``
      and every stage after the parser read this one. It is empty for a marker or a speaker label
      that introduces nothing (``任愛軍：`` as the last line of a page cut off): such a block keeps
      its line and is skipped by every stage that times, voices or shows text.
    - ``written``, the text *as written* in the script: the characters of every source line the
      block covers — or, where several blocks share a line, the block's slice of it — with the
      speaker label, marker brackets and words, readings and stage directions, each line trimmed
      of its surrounding whitespace and the lines joined with ``\\n``. Nothing of a line a block
      covers is missing from it, so a tool can check the parse against the source. "Source" is
      the text after ingest: HTML tags and entities stripped when the file was read are not in it.
      Empty for a block built by hand rather than parsed; :attr:`as_written` stands in then.

    ``first_line``/``last_line`` are 1-based lines of the source file, kept for error messages and
    so that an edit to one paragraph can be traced to the cues and audio segments it affects; a
    line holding only a marker or a speaker label belongs to the block it introduces.

    In JSON (``parse --json``, ``blocks.json``) ``"text"`` is the as-written text and ``"clean"``
    the clean text.
    """

    kind: BlockKind
    text: str
    first_line: int
    last_line: int
    speaker: Speaker | None = None
    section: str | None = None
    written: str = ""

    @property
    def lines(self) -> tuple[int, int]:
        return (self.first_line, self.last_line)

    @property
    def as_written(self) -> str:
        """The text as written in the script (the clean text for a block built by hand)."""
        return self.written or self.text

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "text": self.as_written,
            "clean": self.text,
            "speaker": self.speaker.to_json() if self.speaker else None,
            "section": self.section,
            "lines": [self.first_line, self.last_line],
        }


@dataclass(frozen=True)
class Removed:
    """Source text deliberately kept out of the blocks' clean texts (a marker, a label, an artefact,
    a note).

    The parser records every such span so that "nothing is silently dropped" can be checked:
    clean texts plus removed spans account for every character of the source (and each block's
    text as written holds all of its lines).
    """

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Script:
    """A parsed script: the title, the blocks in order, and what was set aside."""

    title: str | None
    blocks: tuple[Block, ...]
    removed: tuple[Removed, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    source: str | None = None

    @property
    def sections(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind is BlockKind.HEADING]

    def speakers(self) -> list[Speaker]:
        """Distinct speakers in order of first appearance."""
        seen: dict[Speaker, None] = {}
        for b in self.blocks:
            if b.speaker is not None:
                seen.setdefault(b.speaker, None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "blocks": [b.to_json() for b in self.blocks]}


@dataclass(frozen=True)
class Cue:
    """One subtitle event: display lines of one block, with its time span.

    ``block`` indexes :attr:`Script.blocks`, so every cue can be traced to its paragraph.
    """

    block: int
    kind: BlockKind
    lines: tuple[str, ...]
    start_ms: int = 0
    end_ms: int = 0
    speaker: Speaker | None = None
    # The script text behind the cue and behind each line (before display punctuation), so that
    # Traditional variants can be made from the source rather than from display lines.
    source: str = field(default="", compare=False)
    line_sources: tuple[str, ...] = field(default=(), compare=False)

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "block": self.block,
            "kind": self.kind.value,
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class Timeline:
    """Cues on one clock, with the frame rate their times are snapped to."""

    cues: tuple[Cue, ...]
    fps: float = 25.0
    profile: str = "netflix-zh-hans"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    drop_frame: bool = False  # timecodes written for people count drop-frame (29.97/59.94, --start HH:MM:SS;FF)

    def to_json(self) -> dict[str, Any]:
        fps: float | int = int(self.fps) if float(self.fps).is_integer() else self.fps
        return {"fps": fps, "profile": self.profile, "cues": [c.to_json() for c in self.cues]}
