"""The subtitles job: parsed script → timeline → files. The composition of the pure stages.

Kept apart from the CLI so that ``build`` and library users get the same behaviour.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from subtoolkit.errors import TimelineError
from subtoolkit.subtitles.formats import get_format
from subtoolkit.subtitles.formats.common import TrackOptions
from subtoolkit.fsio import write_text
from subtoolkit.model import BlockKind, Script, Timeline
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.timing import SpeechModel, estimate
from subtoolkit.subtitles.validate import Problem, errors, validate


@dataclass(frozen=True)
class SectionTime:
    name: str
    start_ms: int
    duration_ms: int
    cues: int


@dataclass(frozen=True)
class Summary:
    cues: int
    dialogue_cues: int
    runtime_ms: int
    sections: tuple[SectionTime, ...]


OPENING = "（片头）"


def summarize(script: Script, timeline: Timeline) -> Summary:
    """Cue counts, runtime, and runtime per section (a section runs until the next one starts)."""
    cues = sorted(timeline.cues, key=lambda c: c.start_ms)
    if not cues:
        return Summary(0, 0, 0, ())
    firsts: list[tuple[str, int]] = []
    counts: dict[str, int] = {}
    for c in cues:
        name = script.blocks[c.block].section or OPENING
        if not firsts or firsts[-1][0] != name:
            firsts.append((name, c.start_ms))
        counts[name] = counts.get(name, 0) + 1
    end = max(c.end_ms for c in cues)
    sections = []
    for k, (name, start) in enumerate(firsts):
        stop = firsts[k + 1][1] if k + 1 < len(firsts) else end
        sections.append(SectionTime(name, start, stop - start, counts[name]))
    dialogue = sum(1 for c in cues if c.kind.spoken)
    return Summary(len(cues), dialogue, end - cues[0].start_ms, tuple(sections))


def make_timeline(
    script: Script,
    profile: Profile,
    *,
    fps: Fraction = Fraction(25),
    rate: float | None = None,
    pause_scale: float = 1.0,
    start_frame: int = 0,
    interview_rate: float | None = None,
) -> Timeline:
    model = SpeechModel.from_profile(profile, rate=rate, pause_scale=pause_scale, interview_rate=interview_rate)
    return estimate(script, profile, fps=fps, model=model, start_frame=start_frame)


def output_paths(out_dir: Path, stem: str, tag: str, formats: Sequence[str]) -> dict[str, Path]:
    return {f: out_dir / f"{stem}.{tag}{get_format(f).suffix}" for f in formats}


def write_tracks(
    timeline: Timeline,
    out_dir: Path,
    stem: str,
    *,
    formats: Sequence[str],
    language_tag: str,
    include: Collection[BlockKind],
    profile: Profile,
    title: str | None = None,
    eol: str = "\n",
    bom: bool = False,
    force: bool = False,
) -> tuple[dict[str, Path], list[Problem]]:
    """Validate, compose every format, then write each atomically.

    Hard problems refuse the write unless ``force``; a format that cannot hold the timeline (ASS
    past ten hours) is refused before the first file is written.
    """
    problems = validate(timeline, profile)
    hard = errors(problems)
    if hard and not force:
        first = hard[0]
        raise TimelineError(
            f"{len(hard)} cue(s) break the {profile.name} profile, first: {first.render(timeline)}",
            hint="fix the script or the profile, or pass --force to write anyway",
        )
    extra: dict[str, object] = {"name_super_ms": profile.name_super_ms, "title": title}
    options = TrackOptions(include=frozenset(include), eol=eol, bom=bom, extra=extra)
    composed = [(name, path, compose_track(timeline, name, options))
                for name, path in output_paths(out_dir, stem, language_tag, formats).items()]
    written: dict[str, Path] = {}
    for name, path, text in composed:
        plain = get_format(name).always_utf8_no_bom
        write_text(path, text, eol="\n" if plain else eol, bom=False if plain else bom)
        written[name] = path
    return written, problems


def compose_track(timeline: Timeline, fmt: str, options: TrackOptions) -> str:
    """The text of one subtitle file (``\n`` line ends, ending in one)."""
    text = get_format(fmt).compose(timeline, options)
    return text if text.endswith("\n") else text + "\n"
