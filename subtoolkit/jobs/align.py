"""The ``align`` job: script + recordings → aligned tracks and a report, all or nothing.

Every input is checked before anything is written: the output folder can be written, the script
parses and has narration, each recording decodes and holds speech (a refused recording stops the
synthetic reading made beside it, so the answer comes at once), the timelines meet the profile.
The files are composed in memory and committed together (:class:`~subtoolkit.jobs.outputs.Outputs`),
so a folder never holds half an alignment.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from subtoolkit.errors import InputError, ScriptError, SubtoolkitError, TimelineError
from subtoolkit.fsio import write_text
from subtoolkit.jobs.base import Clock, Progress, Reporter, load_script
from subtoolkit.jobs.outputs import Outputs
from subtoolkit.model import Script, Timeline
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
    """The reference voice: ``auto`` (neural when installed, else espeak; espeak too when the neural
    reference finds no credible match or leaves blocks unsure, and the better of the two is kept:
    :mod:`subtoolkit.align.compare`), ``neural`` or ``espeak``."""
    cache: bool = True
    """Read back the reference readings analysed by earlier runs (:mod:`subtoolkit.align.refcache`)
    and the neural voice's cues a scratch voiceover has rendered (:mod:`subtoolkit.tts.cache`);
    without it every cue is synthesised again (and the reference cache is still refreshed)."""


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


class _Cancelled(Exception):
    """The reference reading was stopped because the job already failed."""


class _StoppableVoice:
    """The reference voice, stoppable between cues: a refused recording must not wait for the
    whole synthetic reading (12–14 s for an episode) before the user hears about it."""

    def __init__(self, voice: Any) -> None:
        self.voice = voice
        self.name = voice.name
        self.workers = int(getattr(voice, "workers", 1))
        self.stop = threading.Event()

    def check(self) -> None:
        if self.stop.is_set():
            raise _Cancelled

    def render(self, text: str) -> Any:
        self.check()
        return self.voice.render(text)

    def __getattr__(self, name: str) -> Any:
        if name == "read_reference" and hasattr(self.voice, name):  # the voice's cheaper reading, when it has one
            def read_reference(text: str) -> Any:
                self.check()
                return self.voice.read_reference(text)

            return read_reference
        raise AttributeError(name)


@dataclass
class _Heard:
    """The recordings as the aligner needs them: analysed tracks and what each file was."""

    tracks: list[Any]
    meta: list[tuple[str | None, int | None]]


def run_align(script_path: Path, recordings: Sequence[Path], options: AlignOptions,
              progress: Progress | None = None) -> AlignResult:
    """Align ``recordings`` (in the order given) to the narration of ``script_path``."""
    import numpy  # noqa: F401 - loaded before the limit is set: it applies to the BLAS libraries loaded
    from threadpoolctl import threadpool_limits

    # every product the aligner makes is small (a few hundred rows of 12 numbers): a second BLAS
    # thread gains nothing there and, spinning between calls, takes the core the DTW loop and the
    # reference reading run on (a quarter of the whole job's time on two cores)
    with threadpool_limits(1, user_api="blas"):
        return _run_align(script_path, recordings, options, progress)


@dataclass
class _Attempt:
    """One alignment of the session against one reference voice, and whether it would be refused."""

    reference: str
    voice: Any
    alignment: Any
    refused: NotNarration | None
    seconds: float


def _run_align(script_path: Path, recordings: Sequence[Path], options: AlignOptions,
               progress: Progress | None) -> AlignResult:
    from subtoolkit.align.compare import evidence, fill_in, second_is_better, unsure_blocks
    from subtoolkit.align.plan import narration_blocks, spoken_blocks
    from subtoolkit.align.report import build_report
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.timing import SpeechModel

    report = Reporter.of(progress)
    started = time.perf_counter()
    clock = Clock.parse(options.fps)
    profile = load_profile(options.profile)
    with Outputs(options.out_dir) as out:  # the folder is checked before any work
        script = _check_inputs(script_path, recordings, options)
        model = SpeechModel.from_profile(profile)
        # a final mix (--film) holds the interviews too: they are aligned against a reading of their transcripts
        chosen = spoken_blocks(script) if options.film else narration_blocks(script)
        first, heard = _first_attempt(script_path, recordings, script, chosen, profile, model, clock, options, report)
        attempts = [first]
        kept = first
        # auto: the neural reference is not taken at its word when it refuses or is unsure of some
        # blocks; espeak hears the same analysed recordings (see subtoolkit.align.compare)
        unsure = unsure_blocks(first.alignment)
        second_failed: dict[str, str | None] | None = None
        if options.reference == "auto" and first.reference == "neural" and (first.refused or unsure):
            report.stage("aligning again with espeak", 0.8)
            try:
                second: _Attempt | None = _attempt("espeak", script_path, script, chosen, profile, model, clock,
                                                   options, heard.tracks)
            except SubtoolkitError as exc:  # espeak could not align at all: the first stands, or its refusal
                second = None
                second_failed = {"reference": "espeak", "error": exc.what, "hint": exc.hint}
            if second is not None:
                attempts.append(second)
                if first.refused or (not second.refused and second_is_better(first.alignment, second.alignment)):
                    kept = second
        if kept.refused:
            raise kept.refused
        alignment, voice = kept.alignment, kept.voice
        other = next((a for a in attempts if a is not kept and not a.refused), None)
        filled: list[int] = []
        if other is not None:  # the blocks the kept one is unsure of, from the other where they fit
            alignment, filled = fill_in(alignment, other.alignment)
        report.stage("laying out", 0.85)
        timeline, per_file, variants, problems = _timelines(alignment, script, profile, clock, heard, options)
        texts = _compose(script_path.stem, script, profile, timeline, per_file, variants, recordings, options)
        report_name = f"{script_path.stem}.aligned.report.json"
        recs = [{"file": str(p), "name": t.name, "offset_ms": t.offset_ms, "duration_ms": t.duration_ms,
                 "speech_ms": t.speech_ms, "codec": codec, "sample_rate": rate}
                for p, t, (codec, rate) in zip(recordings, heard.tracks, heard.meta)]
        body = build_report(script=script, script_path=str(script_path), alignment=alignment, recordings=recs,
                            timeline=timeline, problems=problems, profile=profile.name, voice=_voice_version(voice),
                            film=options.film, seconds=time.perf_counter() - started,
                            files=[*texts, report_name])
        for entry in body["blocks"]:
            if entry["status"] != "unplaced":
                entry["reference"] = other.reference if other is not None and entry["block"] in filled \
                    else kept.reference
        if kept is not first and first.refused:
            body["reference_fallback"] = first.refused.what
        if len(attempts) > 1 or second_failed is not None:
            if second_failed is not None:  # asked, and it failed: the report says the neural result stands alone
                why = (f"the neural reference left {len(unsure)} block(s) unplaced or no better than a wrong pairing, "
                       f"but the espeak reference could not align ({second_failed['error']}): the neural alignment "
                       f"stands")
            elif first.refused:
                why = "the neural reference found no credible match"
            else:
                why = (f"the neural reference left {len(unsure)} block(s) unplaced or no better than a wrong "
                       f"pairing; the kept one placed more on evidence (blocks beyond the null bound, then blocks "
                       f"placed, then match evidence; a tie keeps neural)")
            body["reference_choice"] = {
                "kept": kept.reference,
                "why": why,
                "blocks_from_the_other": filled,
                "tried": [{"reference": a.reference, "refused": a.refused is not None,
                           **vars(evidence(a.alignment)), "seconds": round(a.seconds, 2)} for a in attempts],
            }
            if second_failed is not None:
                body["reference_choice"]["failed"] = [second_failed]
        texts[report_name] = json.dumps(body, ensure_ascii=False, indent=1) + "\n"
        for name, text in texts.items():
            write_text(out.path(name), text)
        out.commit()
    report.progress("done", 1.0)
    return AlignResult(script, alignment, timeline, [out.folder / n for n in texts], problems, body)


def _reference_of(voice: Any) -> str:
    from subtoolkit.align.voice import NeuralVoice

    return "neural" if isinstance(voice, NeuralVoice) else "espeak"


def _renderer(voice: Any, options: AlignOptions) -> tuple[_StoppableVoice, Callable[[Sequence[str]], Any]]:
    from subtoolkit.align.reference import reference_renderer
    from subtoolkit.align.voice import NeuralVoice

    if options.cache and isinstance(voice, NeuralVoice):
        from subtoolkit.tts.cache import RenderCache

        voice.rendered = RenderCache()  # the cues a scratch voiceover has rendered: read, never written
    stoppable = _StoppableVoice(voice)
    return stoppable, reference_renderer(stoppable, _reference_cache(voice, options.cache))


def _aligned(script_path: Path, script: Script, tracks: list[Any], render: Callable[[Sequence[str]], Any],
             profile: Any, model: Any, clock: Clock, plans: list[Any] | None, chosen: list[int]) -> Any:
    from subtoolkit.align.core import align

    try:
        return align(script, tracks, render, profile, fps=clock.fps, model=model, plans=plans, blocks=chosen)
    except ValueError as exc:
        raise SubtoolkitError(f"cannot align: {exc}", path=str(script_path),
                              hint="check that the recordings are this script's narration") from None


def _first_attempt(script_path: Path, recordings: Sequence[Path], script: Script, chosen: list[int], profile: Any,
                   model: Any, clock: Clock, options: AlignOptions, report: Reporter) -> tuple[_Attempt, _Heard]:
    """The recordings heard (decoded and analysed while the reference reads the script), then aligned."""
    from subtoolkit.align.voice import reference_voice

    t0 = time.perf_counter()
    voice = reference_voice(options.reference)
    stoppable, render = _renderer(voice, options)
    heard, plans = _listen_and_read(recordings, script, chosen, profile, model, clock, render, report, stoppable)
    report.stage("aligning", 0.4)
    alignment = _aligned(script_path, script, heard.tracks, render, profile, model, clock, plans, chosen)
    return _judged(voice, alignment, script_path, options, t0), heard


def _attempt(reference: str, script_path: Path, script: Script, chosen: list[int], profile: Any, model: Any,
             clock: Clock, options: AlignOptions, tracks: list[Any]) -> _Attempt:
    """The same analysed recordings aligned against another reference voice."""
    from subtoolkit.align.plan import plan_narration
    from subtoolkit.align.voice import reference_voice

    t0 = time.perf_counter()
    voice = reference_voice(reference)
    _, render = _renderer(voice, options)
    plans = plan_narration(script, profile, model, clock.fps, chosen)
    alignment = _aligned(script_path, script, tracks, render, profile, model, clock, plans, chosen)
    return _judged(voice, alignment, script_path, options, t0)


def _judged(voice: Any, alignment: Any, script_path: Path, options: AlignOptions, started: float) -> _Attempt:
    """An attempt that has aligned: its reference named, its refusal (if any) made, its time taken."""
    reference = _reference_of(voice)
    return _Attempt(reference, voice, alignment, _refusal(alignment, script_path, options.force, reference),
                    time.perf_counter() - started)


def _check_inputs(script_path: Path, recordings: Sequence[Path], options: AlignOptions) -> Script:
    """The cheap refusals, before any decoding or synthesis starts."""
    from subtoolkit.align.plan import narration_blocks
    from subtoolkit.audio.decode import probe

    bad = [f for f in options.formats if f not in TRACK_FORMATS]
    if bad or not options.formats:
        raise SubtoolkitError(f"unknown format(s) {', '.join(bad) or '(none)'}",
                              hint="choose from " + ", ".join(TRACK_FORMATS))
    if not recordings:
        raise InputError("no recordings given", hint="name the narration files after the script, in reading order")
    script = load_script(script_path, encoding=options.encoding, interview_span=options.interview_span)
    if not narration_blocks(script):
        raise ScriptError("the script has no narration to align", path=str(script_path),
                          hint="align needs the narrator's paragraphs (解说)")
    for path in recordings:
        probe(path)  # a file that is not audio at all is refused before any work starts
    return script


def _listen_and_read(recordings: Sequence[Path], script: Script, chosen: list[int], profile: Any, model: Any,
                     clock: Clock,
                     render: Callable[[Sequence[str]], Any], report: Reporter, voice: _StoppableVoice
                     ) -> tuple[_Heard, list[Any]]:
    """Decode and analyse the recordings while the synthetic reading is made beside them.

    The reading does not depend on the recordings (espeak, ffmpeg and numpy's FFTs all run
    outside the GIL, so two cores both work). A recording that is refused stops the reading at
    its next cue, so the error comes as soon as the recording has been heard.
    """
    from concurrent.futures import ThreadPoolExecutor

    from subtoolkit.align.core import analyse_track
    from subtoolkit.align.plan import plan_narration
    from subtoolkit.audio.decode import decode

    def prepare() -> list[Any]:
        plans = plan_narration(script, profile, model, clock.fps, chosen, check=voice.check)
        render([p.source for p in plans])
        return plans

    report.progress("decoding", 0.0)
    heard = _Heard([], [])
    with ThreadPoolExecutor(max_workers=3) as pool:
        planned = pool.submit(prepare)
        try:
            decoding = deque(pool.submit(decode, path) for path in recordings)
            offset = 0
            for n in range(len(recordings)):
                d = decoding.popleft().result()  # the future goes too, so the samples can be freed
                t = analyse_track(d.samples, d.rate, name=d.path.name, offset_ms=offset)
                if len(t.speech) == 0:
                    raise InputError("no speech in this recording (silent, or only noise)", path=str(d.path),
                                     hint="check the file, or leave it out")
                heard.tracks.append(t)
                heard.meta.append((d.codec, d.source_rate))
                offset += d.duration_ms
                del d  # an hour of samples is a lot of memory; the features are all that is kept
                report.progress("listening", 0.35 * (n + 1) / len(recordings))
        except BaseException:
            voice.stop.set()
            for f in decoding:
                f.cancel()
            raise
        report.progress("reading the script", 0.35)
        plans = planned.result()
    return heard, plans


class NotNarration(SubtoolkitError):
    """No block matched credibly. ``reference`` names the voice the recordings were compared with,
    so ``auto`` can try the other one before giving up."""

    def __init__(self, what: str, *, path: str, hint: str, reference: str) -> None:
        super().__init__(what, path=path, hint=hint)
        self.reference = reference


def _refusal(alignment: Any, script_path: Path, force: bool, reference: str) -> NotNarration | None:
    """The refusal to give when no block matched credibly (none with ``force``)."""
    credible = [b for b in alignment.blocks if b.placed and b.confidence >= alignment.low_confidence]
    if credible or force:
        return None
    best = max((b.confidence for b in alignment.blocks if b.placed), default=0.0)
    return NotNarration(f"the recordings do not sound like this script's narration "
                        f"(no block aligned with confidence above {alignment.low_confidence}, best {best:.2f})",
                        path=str(script_path), reference=reference,
                        hint="check the files and their order, or pass --force to write the guesses anyway")


def _timelines(alignment: Any, script: Script, profile: Any, clock: Clock, heard: _Heard, options: AlignOptions
               ) -> tuple[Timeline, list[Timeline], dict[str, Timeline], list[Any]]:
    """The aligned track, one per recording and the Traditional ones, each held to its profile."""
    from subtoolkit.align.layout import film_timeline, per_recording_timelines, recording_timeline
    from subtoolkit.subtitles.profiles import variant_profile_of
    from subtoolkit.subtitles.validate import errors, validate

    fps = clock.fps
    lay = film_timeline if options.film else recording_timeline
    timeline = lay(alignment, script, profile, fps)
    per_file = per_recording_timelines(alignment, script, profile, fps)
    problems = validate(timeline, profile)
    checks: list[tuple[str, Timeline, Any]] = [("aligned track", timeline, profile)]
    checks += [(f"track of {t.name}", tl, profile) for t, tl in zip(heard.tracks, per_file)]
    variants: dict[str, Timeline] = {}
    if options.variants:
        from subtoolkit.chinese.convert import get_converter
        from subtoolkit.chinese.variants import variant_timeline

        for config in options.variants:
            tag = get_converter(config).language_tag
            if tag in variants:
                raise SubtoolkitError(f"two variants would both be written as {tag}",
                                      hint="ask for each region once (s2tw or s2twp, not both)")
            variants[tag] = variant_timeline(timeline, config, profile)
            checks.append((f"{tag} track", variants[tag], variant_profile_of(profile)))
    if not options.force:
        for label, tl, prof in checks:
            hard = errors(validate(tl, prof))
            if hard:
                raise TimelineError(f"the {label} breaks the {prof.name} profile ({len(hard)} cue(s)), "
                                    f"first: {hard[0].render(tl)}",
                                    hint="pass --force to write it anyway")
    return timeline, per_file, variants, problems


def _compose(stem: str, script: Script, profile: Any, timeline: Timeline, per_file: list[Timeline],
             variants: dict[str, Timeline], recordings: Sequence[Path], options: AlignOptions) -> dict[str, str]:
    """Every track's text by file name, composed before anything is written."""
    from subtoolkit.subtitles.formats import get_format
    from subtoolkit.subtitles.formats.common import SPOKEN, TrackOptions
    from subtoolkit.subtitles.tracks import compose_track

    opts = TrackOptions(include=SPOKEN, extra={"name_super_ms": profile.name_super_ms, "title": script.title})
    texts: dict[str, str] = {}
    for tag, tl in [(profile.language, timeline), *variants.items()]:
        for f in options.formats:
            texts[f"{stem}.aligned.{tag}{get_format(f).suffix}"] = compose_track(tl, f, opts)
    for name, tl in zip(recording_names(list(recordings)), per_file):
        texts[f"{stem}.aligned.{name}.{profile.language}.srt"] = compose_track(tl, "srt", opts)
    return texts


def _reference_cache(voice: Any, read: bool) -> Any:
    """The on-disk cache of this voice's analysed readings (``read=False``: stored, not read back)."""
    from subtoolkit.align.refcache import ReferenceCache, default_root

    return ReferenceCache(default_root(), _voice_identity(voice), read=read)


def _voice_identity(voice: Any) -> str:
    """What a reference reading depends on besides its text: the voice, its version and its pace."""
    return f"{_voice_version(voice)}; {getattr(voice, 'name', '?')}; rate {getattr(voice, 'rate', 0)}; " \
           f"{getattr(voice, 'voice', '')}"


def _voice_version(voice: Any) -> str:
    try:
        return str(voice.version)
    except Exception:  # noqa: BLE001 - only a label in the report
        return str(getattr(voice, "name", "espeak"))
