"""Which cues the narration is cut into, and what the estimator expects of each (pure).

The cues are the ones ``subtitles`` would make (same segmenter, same profile), with two things
the aligner needs on top: where each cue sits in its block's text (so a test, or a later edit,
can trace it to characters), and the strength of the break after it, which says whether the talent
is likely to pause there (a sentence end: nearly always; a cut between two words: never).

When the talent reads slower than the estimate, a cue the estimator thought sayable in 6 s may
take 9 s; :func:`plan_block_at_pace` re-cuts such a block for the pace actually measured, so every
aligned cue still fits the profile's maximum duration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from subtoolkit.model import Block, BlockKind, Script
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.segment import Piece
from subtoolkit.subtitles.timing import SpeechModel, plan_block
from subtoolkit.text.punctuation import Break, break_after

PAUSE_BREAKS = frozenset({Break.PARAGRAPH, Break.SENTENCE, Break.CLAUSE, Break.COMMA})
"""Breaks after which a narrator normally stops for a moment."""


@dataclass(frozen=True)
class CuePlan:
    """One narration cue before it meets the recording."""

    block: int
    piece: Piece
    first: int
    """Offset of the cue's source text in the block's (whitespace-normalised) text."""
    last: int
    brk: Break
    """Break after the cue: paragraph, sentence, clause, comma, enum or word."""
    speak_ms: float
    after_ms: float

    @property
    def source(self) -> str:
        return self.piece.source

    @property
    def expects_pause(self) -> bool:
        return self.brk in PAUSE_BREAKS


def block_text(block: Block) -> str:
    """The block's text as the segmenter sees it (runs of whitespace made one space)."""
    return re.sub(r"\s+", " ", block.text).strip()


def narration_blocks(script: Script) -> list[int]:
    """Indices of the blocks a narrator reads: what a narration recording holds."""
    return [i for i, b in enumerate(script.blocks) if b.kind is BlockKind.NARRATION and block_text(b)]


def spoken_blocks(script: Script) -> list[int]:
    """Indices of every block that is heard: the narration and the interviews (sync sound). A
    final mix holds them all; with ``--film`` the interviews are aligned too, each against a
    reference reading of its transcript."""
    return [i for i, b in enumerate(script.blocks) if b.kind.spoken and block_text(b)]


def plan_narration_block(index: int, block: Block, profile: Profile, model: SpeechModel,
                         fps: Fraction) -> list[CuePlan]:
    """The cues of one narration block, located in its text."""
    text = block_text(block)
    planned = plan_block(index, block, profile, model, fps)
    out: list[CuePlan] = []
    at = 0
    for n, p in enumerate(planned):
        src = p.piece.source
        found = text.find(src, at)
        if found < 0:  # pragma: no cover - the segmenter's pieces tile the normalised text
            raise AssertionError(f"cue text not found in block {index}: {src!r}")
        last = n == len(planned) - 1
        out.append(CuePlan(index, p.piece, found, found + len(src), Break.PARAGRAPH if last else break_after(src),
                           p.speak_ms, p.after_ms))
        at = found + len(src)
    return out


def plan_narration(script: Script, profile: Profile, model: SpeechModel, fps: Fraction,
                   blocks: Iterable[int] | None = None, *, check: Callable[[], None] | None = None) -> list[CuePlan]:
    """All narration cues in script order. ``check`` runs before each block (it may raise to stop)."""
    chosen = narration_blocks(script) if blocks is None else list(blocks)
    out: list[CuePlan] = []
    for i in chosen:
        if check is not None:
            check()
        out.extend(plan_narration_block(i, script.blocks[i], profile, model, fps))
    return out


def estimated_span_ms(cues: list[CuePlan]) -> float:
    """How long the estimator expects a run of cues to take, first sound to last."""
    if not cues:
        return 0.0
    return sum(c.speak_ms for c in cues) + sum(c.after_ms for c in cues[:-1])


def plan_block_at_pace(index: int, block: Block, profile: Profile, model: SpeechModel, fps: Fraction,
                       pace: float) -> list[CuePlan]:
    """Re-cut a block for a talent ``pace`` times slower than ``model`` (``pace`` > 1: slower).

    Syllable rate and pauses are both scaled, so the segmenter's budget ("sayable within the
    maximum duration") holds at the recorded speed.
    """
    slower = SpeechModel(
        narration_rate=model.narration_rate / pace,
        interview_rate=model.interview_rate / pace,
        pause_scale=model.pause_scale * pace,
        pauses=dict(model.pauses),
    )
    return plan_narration_block(index, block, profile, slower, fps)
