"""Believable timings before any audio exists: a speech clock over the script.

The estimator plays the film in its head. Narration and interviews take the time their spoken
syllables need at the speaker's rate (numbers read as spoken, see :mod:`subtoolkit.text.spoken`) plus a
pause after each punctuation mark, longer for stronger marks (、 < ， < ；： < 。？！ < paragraph <
section). On-screen text costs time too: a caption stays up for as long as it takes to read, a
heading is a title card. A cue is shown for the larger of its speaking and reading time, within the
profile's bounds, on the frame grid, and consecutive cues keep the profile's minimum gap; short
gaps are closed so cues chain, as subtitlers do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

from subtoolkit.model import Block, BlockKind, Cue, Script, Timeline
from subtoolkit.subtitles.pickling import by_fields
from subtoolkit.subtitles.profiles import Profile, variant_profile_of
from subtoolkit.subtitles.segment import Budget, Piece, render_line, segment_text, text_width
from subtoolkit.subtitles.timecode import (fps_label, frame_near, frames_at_least, frames_at_most, frames_covering,
                                           ms_at, ms_of)
from subtoolkit.text.punctuation import CLOSERS, PAUSE_MARKS, Break, last_mark, mark_break
from subtoolkit.text.spoken import syllables

_CLOSERS = "".join(sorted(CLOSERS))
_PAUSE_MARK = re.compile("[" + re.escape("".join(sorted(PAUSE_MARKS))) + "]")
_MARK_BREAKS = tuple((c, b) for c in sorted(PAUSE_MARKS) if (b := mark_break(c)) is not None)


@dataclass(frozen=True)
class SpeechModel:
    """Rates and pauses of one narrator; the profile gives defaults, calibration refines them."""

    narration_rate: float = 4.0
    interview_rate: float = 4.6
    pause_scale: float = 1.0
    pauses: dict[Break, int] = field(
        default_factory=lambda: {Break.ENUM: 120, Break.COMMA: 250, Break.CLAUSE: 350, Break.SENTENCE: 500,
                                 Break.PARAGRAPH: 900, Break.SECTION: 1500}
    )

    def __reduce__(self) -> tuple[type[SpeechModel], tuple[Any, ...]]:
        return by_fields(self)  # subtoolkit.subtitles.pickling: a compiled build's native class

    @classmethod
    def from_profile(
        cls,
        profile: Profile,
        *,
        rate: float | None = None,
        pause_scale: float = 1.0,
        interview_rate: float | None = None,
    ) -> SpeechModel:
        """The profile's model; ``rate`` sets the narrator's and scales the interviews' with it,
        unless ``interview_rate`` gives theirs (a calibration that saw the interviews)."""
        ratio = (rate / profile.narration_rate) if rate else 1.0
        return cls(
            narration_rate=profile.narration_rate * ratio,
            interview_rate=interview_rate or profile.interview_rate * ratio,
            pause_scale=pause_scale,
            pauses={
                Break.ENUM: profile.pause_enumeration_ms,
                Break.COMMA: profile.pause_comma_ms,
                Break.CLAUSE: profile.pause_clause_ms,
                Break.SENTENCE: profile.pause_sentence_ms,
                Break.PARAGRAPH: profile.pause_paragraph_ms,
                Break.SECTION: profile.pause_section_ms,
            },
        )

    def rate_for(self, kind: BlockKind) -> float:
        return self.interview_rate if kind is BlockKind.INTERVIEW else self.narration_rate

    def pause(self, brk: Break) -> float:
        """The pause after a break of strength ``brk`` (none after a word, inside one, or after 、
        not shown), scaled."""
        return self.pauses.get(brk, 0) * self.pause_scale

    def mark_pause(self, ch: str) -> float:
        """Pause a mark asks for, before scaling (0 for anything that is not a pause mark)."""
        brk = mark_break(ch)
        return 0.0 if brk is None else float(self.pauses.get(brk, 0))

    def speaking_ms(self, text: str, kind: BlockKind) -> float:
        """Time to say ``text``: syllables at the rate, plus pauses for marks inside it."""
        inner = text.rstrip(_CLOSERS)
        pauses = sum([self.mark_pause(c) for c in _PAUSE_MARK.findall(inner, 0, len(inner) - 1)], 0.0) if inner else 0.0
        return syllables(text) / self.rate_for(kind) * 1000 + pauses * self.pause_scale

    def budget_ms(self, text: str, kind: BlockKind) -> float:
        """An additive upper bound of :meth:`speaking_ms`: every mark's pause counts.

        Summed over the atoms of a cue it never undercounts the cue, so a cue the segmenter
        accepts is always sayable within the limit.
        """
        pauses = sum([self.mark_pause(c) for c in _PAUSE_MARK.findall(text)], 0.0)  # other characters add 0
        return syllables(text) / self.rate_for(kind) * 1000 + pauses * self.pause_scale

    def budget_measure(self, kind: BlockKind) -> Callable[[str], float]:
        """:meth:`budget_ms` for one kind of block, with the rate and the marks' pauses looked up
        once: the segmenter asks it of every atom (and this once per block)."""
        return _atom_clock(self.rate_for(kind), self.pause_scale, tuple(self.pauses.items()))

    def pause_after(self, text: str) -> float:
        """Pause after a piece, from its last mark (looking past closing quotes)."""
        mark = last_mark(text)
        return 0.0 if mark is None else self.mark_pause(mark) * self.pause_scale


ATOMS_KEPT = 100_000  # atom measures remembered per speech clock (a few MB)


@lru_cache(maxsize=16)
def _atom_clock(rate: float, scale: float, pauses: tuple[tuple[Break, int], ...]) -> Callable[[str], float]:
    """:meth:`SpeechModel.budget_ms` at one rate, scale and set of pauses (the items of
    :attr:`SpeechModel.pauses`), remembered per atom.

    Shared by every block of that kind, so that a single character or a short word, which any
    script repeats, is measured once per process rather than once per block; a clause measured
    once is remembered too, until ``ATOMS_KEPT`` atoms are, then all are forgotten at once.
    """
    by_break = dict(pauses)
    pause_of = {c: float(by_break.get(b, 0)) for c, b in _MARK_BREAKS}  # SpeechModel.mark_pause of each mark
    seen: dict[str, float] = {}

    def measure(text: str) -> float:
        got = seen.get(text)
        if got is None:
            if len(seen) >= ATOMS_KEPT:
                seen.clear()
            marks = _PAUSE_MARK.findall(text)
            spoken = sum([pause_of[c] for c in marks], 0.0) if marks else 0.0
            got = seen[text] = syllables(text) / rate * 1000 + spoken * scale
        return got

    return measure


def reading_ms(lines: Sequence[str], profile: Profile) -> float:
    """Time to read the displayed lines at the profile's characters per second (half-width 0.5)."""
    width = 0.0
    for line in lines:  # the same sum, in the same order, without a generator
        width += text_width(line)
    return width / profile.max_reading_cps * 1000


def _read(piece: Piece, profile: Profile, shadow: Profile | None) -> float:
    """Reading time of a cue, and of its Traditional twin when there is one (its full-width
    punctuation makes it wider), so that both tracks keep the reading-speed limit."""
    t = reading_ms(piece.lines, profile)
    if shadow is not None and piece.line_sources:
        width = piece.shadow_width  # measured by the cue choice, when it was (the same sum)
        if width is None:
            width = sum((text_width(render_line(s, shadow)) for s in piece.line_sources), 0.0)
        t = max(t, width / shadow.max_reading_cps * 1000)
    return t


@dataclass(frozen=True)
class _Planned:
    """A cue before it is put on the clock."""

    block: int
    kind: BlockKind
    piece: Piece
    speak_ms: float  # time the voice needs (0 for on-screen text)
    show_ms: float  # time the eye needs
    after_ms: float  # silence after it on the clock
    before_ms: float = 0.0  # silence before it (a section break before a heading)

    def __reduce__(self) -> tuple[type[_Planned], tuple[Any, ...]]:
        return by_fields(self)  # subtoolkit.subtitles.pickling: a compiled build's native class


def plan_block(index: int, block: Block, profile: Profile, model: SpeechModel,
               fps: Fraction = Fraction(25)) -> list[_Planned]:
    """Cut one block into cues and say how long each needs; pure.

    A spoken cue must be sayable within the maximum duration less the longest gap that will be
    closed after it, so closing gaps never pushes a cue past the maximum. A production note is
    neither heard nor shown: it gets no cue and no time; nor does a block with no clean text (a
    marker or a speaker label that introduced nothing, kept by the parser for its line).
    """
    if not block.kind.on_clock or not block.text:
        return []
    limit = profile.max_ms - (profile.close_gap_frames + 1) * 1000 / float(fps)
    variant = variant_profile_of(profile)
    shadow = None if variant is profile else variant
    if block.kind.spoken:
        budget = Budget(model.budget_measure(block.kind), limit)
        pieces = segment_text(block.text, profile, budget, shadow)
        out = []
        for n, p in enumerate(pieces):
            speak = model.speaking_ms(p.source, block.kind)
            last = n == len(pieces) - 1
            after = max(model.pause(Break.PARAGRAPH),
                        model.pause_after(p.source)) if last else model.pause_after(p.source)
            out.append(_Planned(index, block.kind, p, speak, max(speak, _read(p, profile, shadow)), after))
        return out
    if block.kind is BlockKind.CAPTION:
        budget = Budget(lambda t: text_width(t) / profile.max_reading_cps * 1000, limit)
        pieces = segment_text(block.text, profile, budget, shadow)
        return [
            _Planned(index, block.kind, p, 0.0, max(profile.caption_min_ms, _read(p, profile, shadow)),
                     model.pause(Break.SENTENCE))
            for p in pieces
        ]
    hold = profile.title_ms if block.kind is BlockKind.TITLE else profile.heading_ms
    pieces = segment_text(block.text, profile, shadow=shadow)
    before = model.pause(Break.SECTION) if block.kind is BlockKind.HEADING else 0.0
    return [
        _Planned(index, block.kind, p, 0.0, max(hold / max(len(pieces), 1), _read(p, profile, shadow)),
                 model.pause(Break.PARAGRAPH), before if n == 0 else 0.0)
        for n, p in enumerate(pieces)
    ]


def estimate(
    script: Script,
    profile: Profile,
    *,
    fps: Fraction = Fraction(25),
    model: SpeechModel | None = None,
    start_frame: int = 0,
) -> Timeline:
    """Put every block of ``script`` on one clock and return the timeline (all kinds of cue)."""
    model = model or SpeechModel.from_profile(profile)
    planned: list[_Planned] = []
    for i, b in enumerate(script.blocks):
        planned.extend(plan_block(i, b, profile, model, fps))
    cues = place(planned, script.blocks, profile, fps, start_frame)
    return Timeline(tuple(cues), fps=float(fps_label(fps)), profile=profile.name)


def place(planned: Iterable[_Planned], blocks: Sequence[Block], profile: Profile, fps: Fraction,
          start_frame: int = 0) -> list[Cue]:
    """Lay planned cues on the frame grid: gaps, minimum and maximum durations, gap closing."""
    min_f = frames_at_least(profile.min_ms, fps)
    max_f = frames_at_most(profile.max_ms, fps)
    gap_f = profile.min_gap_frames
    min_ms = profile.min_ms
    num, den = fps.as_integer_ratio()  # read once: the frame conversions below run per cue
    t = float(ms_of(start_frame, fps))
    prev_end: int | None = None
    spans: list[tuple[int, int, _Planned]] = []
    for p in planned:
        t += p.before_ms
        sf = frame_near(t, num, den)
        if prev_end is not None and sf < prev_end + gap_f:
            sf = prev_end + gap_f
        t = max(t, float(ms_at(sf, num, den)))
        show, speak = p.show_ms, p.speak_ms
        need = show if show >= speak else speak  # max(show, speak, min_ms), in floats
        if min_ms > need:
            need = float(min_ms)
        ef = sf + min(max(frames_covering(need, num, den), min_f), max_f)
        spans.append((sf, ef, p))
        t += (speak or show) + p.after_ms
        prev_end = ef
    # close short gaps so that cues chain (never past the maximum duration)
    close_f = profile.close_gap_frames
    for k in range(len(spans) - 1):
        sf, ef, p = spans[k]
        nsf = spans[k + 1][0]
        gap = nsf - ef
        if gap_f < gap <= close_f:
            ef = min(nsf - gap_f, sf + max_f)
            spans[k] = (sf, ef, p)
    cues: list[Cue] = []
    for sf, ef, p in spans:
        piece = p.piece
        cues.append(Cue(p.block, p.kind, piece.lines, ms_at(sf, num, den), ms_at(ef, num, den),
                        blocks[p.block].speaker, piece.source, piece.line_sources))
    return cues
