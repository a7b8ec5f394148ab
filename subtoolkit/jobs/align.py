"""The ``align`` job: script + recordings → aligned tracks and a report, all or nothing.

Every input is checked before anything is written: the script parses and has narration, each
recording decodes and holds speech, the timelines meet the profile. Only then are the files
composed (in memory) and written, each atomically; if a write still fails, the files this run
already wrote are removed again, so a folder never holds half an alignment.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from subtoolkit.errors import InputError, OutputError, ScriptError, SubtoolkitError, TimelineError
from subtoolkit.model import Script, Timeline

Progress = Callable[[str, float], None]
TRACK_FORMATS = ("srt", "vtt", "ass", "json")


@dataclass(frozen=True)
class AlignOptions:
    out_dir: Path = Path("output")
    profile: str = "netflix-zh-hans"
    fps: str = "25"
    film: bool = False
    formats: tuple[str, ...] = ("srt", "vtt", "json")
    variants: tuple[str, ...] = ()
    encoding: str | None = None
    interview_span: str = "auto"
    force: bool = False
    reference: str = "auto"
    """The reference voice: ``auto`` (neural when installed, else espeak), ``neural`` or ``espeak``."""


@dataclass
class AlignResult:
    script: Script
    alignment: Any  # subtoolkit.align.core.Alignment
    timeline: Timeline
    files: list[Path] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def recording_names(paths: Sequence[Path]) -> list[str]:
    """A short distinct name per recording for its own SRT: the file stem, numbered on clashes.

    >>> recording_names([Path("a/take1.wav"), Path("b/take1.wav"), Path("take2.mp3")])
    ['take1', 'take1-2', 'take2']
    """
    seen: dict[str, int] = {}
    out = []
    for p in paths:
        stem = p.stem
        seen[stem] = seen.get(stem, 0) + 1
        out.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return out


def run_align(script_path: Path, recordings: Sequence[Path], options: AlignOptions, progress: Progress | None = None) -> AlignResult:
    """Align ``recordings`` (in the order given) to the narration of ``script_path``."""
    from subtoolkit.audio.decode import check_recording_path, decode
    from subtoolkit.align.core import align, analyse_track
    from subtoolkit.align.layout import film_timeline, per_recording_timelines, recording_timeline
    from subtoolkit.align.plan import narration_blocks
    from subtoolkit.align.reference import reference_renderer
    from subtoolkit.align.report import build_report
    from subtoolkit.align.voice import reference_voice
    from subtoolkit.subtitles.formats import get_format
    from subtoolkit.subtitles.formats.common import SPOKEN, TrackOptions
    from subtoolkit.text.ingest import read_source
    from subtoolkit.text.parse import parse_lines
    from subtoolkit.text.style import default_style
    from subtoolkit.subtitles.profiles import load_profile, variant_profile_of
    from subtoolkit.subtitles.timecode import parse_fps
    from subtoolkit.subtitles.validate import errors, validate

    report = progress or (lambda _s, _f: None)
    started = time.perf_counter()
    fps = parse_fps(options.fps)
    profile = load_profile(options.profile)
    bad = [f for f in options.formats if f not in TRACK_FORMATS]
    if bad or not options.formats:
        raise SubtoolkitError(f"unknown format(s) {', '.join(bad) or '(none)'}", hint="choose from " + ", ".join(TRACK_FORMATS))
    if not recordings:
        raise InputError("no recordings given", hint="name the narration files after the script, in reading order")
    source = read_source(script_path, encoding=options.encoding)
    script = parse_lines(source.lines, path=str(script_path), interview_span=options.interview_span, style=default_style())  # type: ignore[arg-type]
    if not narration_blocks(script):
        raise ScriptError("the script has no narration to align", path=str(script_path), hint="align needs the narrator's paragraphs (解说)")
    for path in recordings:  # the cheap refusals first, before any work starts
        check_recording_path(path)

    # the synthetic reading does not depend on the recordings: make it while they decode
    # (espeak, ffmpeg and numpy's FFTs all run outside the GIL, so two cores both work)
    from concurrent.futures import ThreadPoolExecutor

    from subtoolkit.align.plan import plan_narration
    from subtoolkit.subtitles.timing import SpeechModel

    voice = reference_voice(options.reference)
    render = reference_renderer(voice)
    model = SpeechModel.from_profile(profile)

    # a final mix (--film) holds the interviews too: they are aligned against a reading of their transcripts
    from subtoolkit.align.plan import spoken_blocks

    chosen = spoken_blocks(script) if options.film else narration_blocks(script)

    def prepare() -> list[Any]:
        plans = plan_narration(script, profile, model, fps, chosen)
        render([p.source for p in plans])
        return plans

    report("decoding", 0.0)
    with ThreadPoolExecutor(max_workers=3) as pool:
        planned = pool.submit(prepare)
        decoding = deque(pool.submit(decode, path) for path in recordings)
        tracks = []
        meta = []
        offset = 0
        for n in range(len(recordings)):
            d = decoding.popleft().result()  # the future goes too, so the samples can be freed
            t = analyse_track(d.samples, d.rate, name=d.path.name, offset_ms=offset)
            if len(t.speech) == 0:
                raise InputError("no speech in this recording (silent, or only noise)", path=str(d.path), hint="check the file, or leave it out")
            tracks.append(t)
            meta.append((d.codec, d.source_rate))
            offset += d.duration_ms
            del d  # an hour of samples is a lot of memory; the features are all that is kept
            report("listening", 0.35 * (n + 1) / len(recordings))
        report("reading the script", 0.35)
        plans = planned.result()

    report("aligning", 0.4)
    try:
        alignment = align(script, tracks, render, profile, fps=fps, model=model, plans=plans, blocks=chosen)
    except ValueError as exc:
        raise SubtoolkitError(f"cannot align: {exc}", path=str(script_path), hint="check that the recordings are this script's narration") from None
    report("laying out", 0.85)
    credible = [b for b in alignment.blocks if b.placed and b.confidence >= alignment.low_confidence]
    if not credible and not options.force:
        best = max((b.confidence for b in alignment.blocks if b.placed), default=0.0)
        raise SubtoolkitError(f"the recordings do not sound like this script's narration (no block aligned with confidence "
                              f"above {alignment.low_confidence}, best {best:.2f})", path=str(script_path),
                              hint="check the files and their order, or pass --force to write the guesses anyway")

    timeline = film_timeline(alignment, script, profile, fps) if options.film else recording_timeline(alignment, script, profile, fps)
    per_file = per_recording_timelines(alignment, script, profile, fps)
    problems = validate(timeline, profile)
    checks: list[tuple[str, Timeline, Any]] = [("aligned track", timeline, profile)]
    checks += [(f"track of {t.name}", tl, profile) for t, tl in zip(tracks, per_file)]
    variants: dict[str, Timeline] = {}
    if options.variants:
        from subtoolkit.chinese.convert import get_converter
        from subtoolkit.chinese.variants import variant_timeline

        for config in options.variants:
            tag = get_converter(config).language_tag
            if tag in variants:
                raise SubtoolkitError(f"two variants would both be written as {tag}", hint="ask for each region once (s2tw or s2twp, not both)")
            variants[tag] = variant_timeline(timeline, config, profile)
            checks.append((f"{tag} track", variants[tag], variant_profile_of(profile)))
    if not options.force:
        for label, tl, prof in checks:
            hard = errors(validate(tl, prof))
            if hard:
                raise TimelineError(f"the {label} breaks the {prof.name} profile ({len(hard)} cue(s)), first: {hard[0].render(tl)}",
                                    hint="pass --force to write it anyway")

    # compose everything before writing anything
    stem = script_path.stem
    out = options.out_dir
    texts: dict[Path, str] = {}
    opts = TrackOptions(include=SPOKEN, extra={"name_super_ms": profile.name_super_ms, "title": script.title})

    def tracks_for(tl: Timeline, tag: str) -> None:
        for f in options.formats:
            fmt = get_format(f)
            text = fmt.compose(tl, opts)
            texts[out / f"{stem}.aligned.{tag}{fmt.suffix}"] = text if text.endswith("\n") else text + "\n"

    tracks_for(timeline, profile.language)
    for tag, tl in variants.items():
        tracks_for(tl, tag)
    srt = get_format("srt")
    for name, tl in zip(recording_names(list(recordings)), per_file):
        text = srt.compose(tl, opts)
        texts[out / f"{stem}.aligned.{name}.{profile.language}.srt"] = text if text.endswith("\n") else text + "\n"
    report_path = out / f"{stem}.aligned.report.json"
    recs = [{"file": str(p), "name": t.name, "offset_ms": t.offset_ms, "duration_ms": t.duration_ms, "speech_ms": t.speech_ms,
             "codec": d_codec, "sample_rate": d_rate}
            for p, t, (d_codec, d_rate) in zip(recordings, tracks, meta)]
    body = build_report(script=script, script_path=str(script_path), alignment=alignment, recordings=recs, timeline=timeline,
                        problems=problems, profile=profile.name, voice=_voice_version(voice), film=options.film,
                        seconds=time.perf_counter() - started, files=[p.name for p in [*texts, report_path]])
    texts[report_path] = json.dumps(body, ensure_ascii=False, indent=1) + "\n"
    written = _write_all(texts)
    report("done", 1.0)
    return AlignResult(script, alignment, timeline, written, problems, body)


def _voice_version(voice: Any) -> str:
    try:
        return str(voice.version)
    except Exception:  # noqa: BLE001 - only a label in the report
        return str(getattr(voice, "name", "espeak"))


def _write_all(texts: dict[Path, str]) -> list[Path]:
    from subtoolkit.fsio import write_text

    written: list[Path] = []
    try:
        for path, text in texts.items():
            write_text(path, text)
            written.append(path)
    except (OSError, SubtoolkitError) as exc:
        for p in written:
            p.unlink(missing_ok=True)
        if isinstance(exc, SubtoolkitError):
            raise
        raise OutputError(f"cannot write ({exc})", path=str(path), hint="check the output folder") from None
    return written
