"""Aligned speech → subtitle cues that meet the profile, on the frame grid (pure).

The aligner says when each cue's words are *heard*; a subtitle also has to be *read*. So a cue
comes in on the frame its speech starts (Netflix: the first frame of audio), and goes out when the
speech ends or later, if the eye needs longer (reading speed) or the profile's minimum says so,
but never into the next cue's minimum gap; short gaps are closed so cues chain, as the estimator
does. A cue that cannot get its minimum duration before the next one starts is allowed to come in
a little early, into the silence before it (at most half a second), before the next one is
pushed back.

``film_timeline`` builds the film-length timeline of ``--film``: the recorded narration, with the
interviews, captions and headings between the blocks placed at the estimator's lengths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from subtoolkit.align.core import Alignment
from subtoolkit.model import Block, BlockKind, Cue, Script, Speaker, Timeline
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.timecode import fps_label, frame_of, frames_at_least, frames_at_most, ms_of
from subtoolkit.subtitles.timing import SpeechModel, place, plan_block, reading_ms
from subtoolkit.text.punctuation import Break

EARLY_MS = 500
"""How far before its speech a cue may come in, to get its minimum duration."""


@dataclass(frozen=True)
class Span:
    """Something to show from ``start_ms`` to at least ``end_ms`` (speech, or an estimated card)."""

    block: int
    kind: BlockKind
    lines: tuple[str, ...]
    start_ms: int
    end_ms: int
    speaker: Speaker | None = None
    source: str = ""
    line_sources: tuple[str, ...] = ()


def lay_out(spans: Sequence[Span], profile: Profile, fps: Fraction, *, offset_ms: int = 0) -> list[Cue]:
    """Cues for ``spans`` (in order), times shifted by ``-offset_ms``, on the frame grid."""
    if not spans:
        return []
    min_f = frames_at_least(profile.min_ms, fps)
    max_f = frames_at_most(profile.max_ms, fps)
    gap_f = profile.min_gap_frames
    early_f = frames_at_most(EARLY_MS, fps)
    speech = [(max(0, frame_of(s.start_ms - offset_ms, fps)), max(0, frame_of(s.end_ms - offset_ms, fps)))
              for s in spans]
    out: list[tuple[int, int]] = []
    prev_end: int | None = None
    for k, (span, (sf, ef_speech)) in enumerate(zip(spans, speech)):
        earliest = 0 if prev_end is None else prev_end + gap_f
        sf = max(sf, earliest)
        need = max(min_f, frames_at_least(reading_ms(span.lines, profile), fps))
        want = min(max(ef_speech, sf + need), sf + max_f)
        limit = speech[k + 1][0] - gap_f if k + 1 < len(spans) else want
        ef = min(want, limit)
        if ef - sf < min_f:
            # come in a little early, into the silence before, rather than flash by
            sf = max(earliest, min(sf, ef - min_f), sf - early_f)
            ef = max(ef, sf + min_f)  # still short: the next cue will wait
        out.append((sf, ef))
        prev_end = ef
    # close short gaps so cues chain (never past the maximum duration)
    for k in range(len(out) - 1):
        sf, ef = out[k]
        nsf = out[k + 1][0]
        if gap_f < nsf - ef <= profile.close_gap_frames:
            out[k] = (sf, min(nsf - gap_f, sf + max_f))
    return [
        Cue(s.block, s.kind, s.lines, ms_of(sf, fps), ms_of(ef, fps), s.speaker, s.source, s.line_sources)
        for s, (sf, ef) in zip(spans, out)
    ]


def narration_spans(alignment: Alignment, script: Script) -> list[Span]:
    """The aligned narration cues as spans on the recordings' clock."""
    out = []
    for c in alignment.cues:
        p = c.plan
        block = script.blocks[p.block]
        out.append(Span(p.block, block.kind, p.piece.lines, c.start_ms, c.end_ms, block.speaker,
                        p.piece.source, p.piece.line_sources))
    return out


def recording_timeline(alignment: Alignment, script: Script, profile: Profile, fps: Fraction) -> Timeline:
    """The narration on the recordings' clock (the files played back to back)."""
    cues = lay_out(narration_spans(alignment, script), profile, fps)
    return Timeline(tuple(cues), fps=float(fps_label(fps)), profile=profile.name)


def per_recording_timelines(alignment: Alignment, script: Script, profile: Profile, fps: Fraction) -> list[Timeline]:
    """One timeline per recording, each on its own file's clock (cues belong where they start)."""
    spans = narration_spans(alignment, script)
    out = []
    for n, t in enumerate(alignment.tracks):
        end = t.offset_ms + t.duration_ms
        last = n == len(alignment.tracks) - 1
        mine = [s for s in spans if t.offset_ms <= s.start_ms and (s.start_ms < end or last)]
        clipped = [Span(s.block, s.kind, s.lines, s.start_ms, min(s.end_ms, end), s.speaker, s.source, s.line_sources)
                   for s in mine]
        out.append(Timeline(tuple(lay_out(clipped, profile, fps, offset_ms=t.offset_ms)), fps=float(fps_label(fps)),
                            profile=profile.name))
    return out


def _estimated_spans(indices: Sequence[int], blocks: Sequence[Block], profile: Profile, model: SpeechModel,
                     fps: Fraction, start_ms: float) -> tuple[list[Span], float]:
    """Blocks laid out by the estimator from ``start_ms``; returns their spans and where they end
    (including the pause the estimator leaves after the last)."""
    planned = []
    for i in indices:
        planned.extend(plan_block(i, blocks[i], profile, model, fps))
    if not planned:
        return [], start_ms
    cues = place(planned, blocks, profile, fps, frame_of(start_ms, fps))
    spans = [Span(c.block, c.kind, c.lines, c.start_ms, c.end_ms, c.speaker, c.source, c.line_sources) for c in cues]
    last_speech = cues[-1].start_ms + (planned[-1].speak_ms or planned[-1].show_ms)
    return spans, max(cues[-1].end_ms, last_speech) + planned[-1].after_ms


def film_timeline(alignment: Alignment, script: Script, profile: Profile, fps: Fraction,
                  model: SpeechModel | None = None) -> Timeline:
    """Recorded narration with everything else of the script between it, at estimated lengths.

    Narration keeps its recorded timing inside a block and the talent's pauses between blocks;
    where the script puts an interview, a caption or a heading between two blocks, the narration
    after it moves later by as much as that material needs. Unplaced narration gets no cues.

    When the interviews were aligned too (the recording is the final mix), the recording's clock is
    the film's: nothing moves, and captions and headings are laid at their estimated lengths in
    the time left before the next aligned block.
    """
    model = model or SpeechModel.from_profile(profile)
    placed = {b.block for b in alignment.blocks if b.placed}
    aligned = {b.block for b in alignment.blocks}
    mix = any(script.blocks[b].kind is BlockKind.INTERVIEW for b in placed)
    by_block: dict[int, list[Span]] = {}
    for s in narration_spans(alignment, script):
        by_block.setdefault(s.block, []).append(s)
    spans: list[Span] = []
    shift = 0.0
    cursor = 0.0  # film time up to which the timeline is taken
    pending: list[int] = []
    for i, block in enumerate(script.blocks):
        if i in aligned and (block.kind is BlockKind.NARRATION or i in placed):
            if i not in placed or i not in by_block:
                continue
            mine = by_block[i]
            if pending:
                inserted, ends = _estimated_spans(pending, script.blocks, profile, model, fps, cursor)
                pending = []
                if mix:  # the mix's clock is the film's: the cards fit before the block or are cut short
                    room = mine[0].start_ms - profile.min_gap_frames * 1000 / float(fps) - 1
                    inserted = [Span(s.block, s.kind, s.lines, s.start_ms, int(min(s.end_ms, room)), s.speaker,
                                     s.source,
                                     s.line_sources) for s in inserted if s.start_ms < room]
                else:
                    film_start = max(mine[0].start_ms + shift, ends)
                    shift = film_start - mine[0].start_ms
                spans.extend(inserted)
            elif not spans:
                shift = 0.0
            for s in mine:
                spans.append(Span(s.block, s.kind, s.lines, int(round(s.start_ms + shift)),
                                  int(round(s.end_ms + shift)), s.speaker, s.source, s.line_sources))
            cursor = mine[-1].end_ms + shift + model.pause(Break.PARAGRAPH)
        elif block.kind is not BlockKind.NARRATION and block.kind.on_clock:  # cards, interviews not heard
            pending.append(i)
    if pending:
        inserted, _ = _estimated_spans(pending, script.blocks, profile, model, fps, cursor)
        spans.extend(inserted)
    return Timeline(tuple(lay_out(spans, profile, fps)), fps=float(fps_label(fps)), profile=profile.name)
