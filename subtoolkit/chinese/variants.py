"""Traditional Chinese tracks made from a Simplified timeline, held to their own profile.

Conversion runs on each cue's *source* text (what the script says, with its punctuation), never
on timestamps or on display lines, and the result is shown with the Traditional profile
(full-width punctuation kept, none of 、，。 at a line end, 「」 quotes).

- Character-preserving configs (s2t, s2tw, s2hk) keep the Simplified line breaks, cue for cue and
  timestamp for timestamp: the Simplified breaks were chosen to fit the Traditional profile too.
- Speakers are converted too (薛澜 → 薛瀾): the ASS name supers, the VTT voice names and the
  report's speakers table of a Traditional track are made from the cue's speaker.
- Phrase configs (s2twp) can change lengths (互联网 → 網際網路), so each cue is re-broken from its
  Simplified atoms (word boundaries are found on the Simplified text, where jieba works), converted
  atom by atom. A cue that no longer fits in one is split, its time shared by width.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

from subtoolkit.errors import ConvertError
from subtoolkit.subtitles.formats.common import SPOKEN
from subtoolkit.model import BlockKind, Cue, Speaker, Timeline
from subtoolkit.subtitles.profiles import Profile, variant_profile_of
from subtoolkit.subtitles.segment import Atom, atoms_of, layout, render_line, segment_atoms, text_width
from subtoolkit.subtitles.timecode import frame_of, ms_of, parse_fps
from subtoolkit.subtitles.validate import Problem
from subtoolkit.text.punctuation import Break

FORWARD = ("s2t", "s2tw", "s2twp", "s2hk")


def _fits(lines: Sequence[str], profile: Profile) -> bool:
    return (
        0 < len(lines) <= profile.max_lines
        and all(l and text_width(l) <= profile.max_chars and l[-1] not in profile.never_at_line_end for l in lines)
    )


def variant_timeline(timeline: Timeline, config: str, profile: Profile, *,
                     user_dict: str | Path | None = None) -> Timeline:
    """The Traditional version of ``timeline`` (made with ``profile``) for an OpenCC ``config``."""
    from subtoolkit.chinese.convert import get_converter

    if config not in FORWARD:
        raise ConvertError(f"{config!r} does not make a Traditional track", hint="use one of " + ", ".join(FORWARD))
    conv = get_converter(config, user_dict=user_dict)
    target = variant_profile_of(profile)
    fps = parse_fps(timeline.fps)
    out: list[Cue] = []
    # one OpenCC call for every cue; a word split across a line break still converts as a word
    groups = [cue.line_sources or cue.lines for cue in timeline.cues]
    converted = conv.convert_groups(groups) if conv.preserves_length else None
    speakers = _speakers(timeline, conv)
    for k, cue in enumerate(timeline.cues):
        cue = replace(cue, speaker=speakers.get(cue.speaker))
        if converted is not None:
            sources = tuple(converted[k])
            lines = tuple(render_line(s, target) for s in sources)
            if _fits(lines, target):
                out.append(_with_lines(cue, lines, "".join(sources), sources))
                continue
        out.extend(_rebreak(cue, conv, profile, target, fps))
    return Timeline(tuple(out), fps=timeline.fps, profile=target.name, drop_frame=timeline.drop_frame)


def _speakers(timeline: Timeline, conv) -> dict[Speaker | None, Speaker | None]:  # type: ignore[no-untyped-def]
    """Each distinct speaker in the converted script (name and role converted as separate texts)."""
    found = list(dict.fromkeys(c.speaker for c in timeline.cues if c.speaker is not None))
    texts = [g[0] for g in conv.convert_groups([[part or ""] for s in found for part in (s.name, s.role)])]
    out: dict[Speaker | None, Speaker | None] = {None: None}
    for k, s in enumerate(found):
        name, role = texts[2 * k], texts[2 * k + 1]
        out[s] = Speaker(name if s.name is not None else None, role if s.role is not None else None)
    return out


def _with_lines(cue: Cue, lines: tuple[str, ...], source: str, line_sources: tuple[str, ...], start: int | None = None,
                end: int | None = None) -> Cue:
    return Cue(cue.block, cue.kind, lines, cue.start_ms if start is None else start,
               cue.end_ms if end is None else end, cue.speaker, source, line_sources)


def _rebreak(cue: Cue, conv, profile: Profile, target: Profile, fps) -> list[Cue]:  # type: ignore[no-untyped-def]
    source = cue.source or "".join(cue.line_sources or cue.lines)
    simplified = _words(atoms_of(source, profile))
    converted = conv.convert_lines([a.text for a in simplified])
    atoms = [Atom(t, a.brk) for t, a in zip(converted, simplified) if t]
    whole = layout(atoms, target)
    if whole is not None:  # one cue still holds it: keep the cue and its times
        return [_with_lines(cue, whole.lines, "".join(converted), whole.sources)]
    pieces = segment_atoms(atoms, target)
    if len(pieces) <= 1:
        p = pieces[0] if pieces else None
        lines = p.lines if p else tuple(render_line(conv.convert(l), target) for l in cue.lines)
        return [_with_lines(cue, lines, "".join(converted), p.line_sources if p else ())]
    # share the cue's frames among the pieces by width, keeping the minimum gap between them
    f0, f1 = frame_of(cue.start_ms, fps), frame_of(cue.end_ms, fps)
    gap = target.min_gap_frames
    widths = [max(text_width("".join(p.lines)), 1.0) for p in pieces]
    usable = f1 - f0 - gap * (len(pieces) - 1)
    cues: list[Cue] = []
    at = f0
    for k, (p, w) in enumerate(zip(pieces, widths)):
        length = round(usable * w / sum(widths)) if k < len(pieces) - 1 else f1 - at
        end = at + max(length, 1)
        cues.append(_with_lines(cue, p.lines, p.source, p.line_sources, ms_of(at, fps), ms_of(end, fps)))
        at = end + gap
    return cues


def _words(atoms: list[Atom]) -> list[Atom]:
    """Join character-level atoms back into words, so OpenCC sees 关系 and not 关 + 系."""
    out: list[Atom] = []
    for a in atoms:
        if out and out[-1].brk == Break.CHAR:
            out[-1] = Atom(out[-1].text + a.text, a.brk)
        else:
            out.append(a)
    return out


def write_variant_tracks(
    timeline: Timeline,
    out_dir: Path,
    stem: str,
    *,
    configs: Sequence[str],
    formats: Sequence[str],
    profile: Profile,
    title: str | None = None,
    include: Collection[BlockKind] = SPOKEN,
    user_dict: str | Path | None = None,
    eol: str = "\n",
    bom: bool = False,
    force: bool = False,
) -> tuple[dict[str, Timeline], list[tuple[str, Problem]]]:
    """Write ``stem.<tag>.<fmt>`` for each config; returns the timelines by tag and their problems."""
    from subtoolkit.chinese.convert import get_converter
    from subtoolkit.subtitles.tracks import write_tracks

    made: dict[str, Timeline] = {}
    problems: list[tuple[str, Problem]] = []
    for config in configs:
        conv = get_converter(config, user_dict=user_dict)
        tag = conv.language_tag
        if tag in made:
            raise ConvertError(f"two variants would both be written as {tag}",
                               hint="ask for each region once (s2tw or s2twp, not both)")
        vt = variant_timeline(timeline, config, profile, user_dict=user_dict)
        _, probs = write_tracks(vt, out_dir, stem, formats=formats, language_tag=tag, include=include,
                                profile=variant_profile_of(profile), title=conv.convert(title) if title else None,
                                eol=eol, bom=bom, force=force)
        made[tag] = vt
        problems.extend((tag, p) for p in probs)
    return made, problems
