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
from dataclasses import dataclass, field, replace
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
    """The reference voice: ``auto`` (neural when installed, else espeak; espeak again when the
    neural reference finds no credible match), ``neural`` or ``espeak``."""
    fallback_from: str = ""
    """Set by ``auto`` when it retried with espeak: what the neural reference found (for the report)."""
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
        try:
            return _run_align(script_path, recordings, options, progress)
        except NotNarration as refused:
            if options.reference != "auto" or refused.reference != "neural":
                raise
            # The neural voice is the nearer reference for most narrators, not for every one (a
            # real person's session can sit closer to espeak's formants than to the corpus voice),
            # so auto hears the recording with the other reference before refusing it.
            retry = replace(options, reference="espeak", fallback_from=refused.what)
            return _run_align(script_path, recordings, retry, progress)


def _run_align(script_path: Path, recordings: Sequence[Path], options: AlignOptions,
               progress: Progress | None) -> AlignResult:
    from subtoolkit.align.core import align
    from subtoolkit.align.plan import narration_blocks, spoken_blocks
    from subtoolkit.align.reference import reference_renderer
    from subtoolkit.align.report import build_report
    from subtoolkit.align.voice import NeuralVoice, reference_voice
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.timing import SpeechModel

    report = Reporter.of(progress)
    started = time.perf_counter()
    clock = Clock.parse(options.fps)
    profile = load_profile(options.profile)
    with Outputs(options.out_dir) as out:  # the folder is checked before any work
        script = _check_inputs(script_path, recordings, options)
        voice = reference_voice(options.reference)
        if options.cache and isinstance(voice, NeuralVoice):
            from subtoolkit.tts.cache import RenderCache

            voice.rendered = RenderCache()  # the cues a scratch voiceover has rendered: read, never written
        stoppable = _StoppableVoice(voice)
        render = reference_renderer(stoppable, _reference_cache(voice, options.cache))
        model = SpeechModel.from_profile(profile)
        # a final mix (--film) holds the interviews too: they are aligned against a reading of their transcripts
        chosen = spoken_blocks(script) if options.film else narration_blocks(script)
        heard, plans = _listen_and_read(recordings, script, chosen, profile, model, clock, render, report, stoppable)
        report.stage("aligning", 0.4)
        try:
            alignment = align(script, heard.tracks, render, profile, fps=clock.fps, model=model, plans=plans,
                              blocks=chosen)
        except ValueError as exc:
            raise SubtoolkitError(f"cannot align: {exc}", path=str(script_path),
                                  hint="check that the recordings are this script's narration") from None
        report.stage("laying out", 0.85)
        _check_credible(alignment, script_path, options.force, "neural" if isinstance(voice, NeuralVoice) else "espeak")
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
        if options.fallback_from:
            body["reference_fallback"] = options.fallback_from
        texts[report_name] = json.dumps(body, ensure_ascii=False, indent=1) + "\n"
        for name, text in texts.items():
            write_text(out.path(name), text)
        out.commit()
    report.progress("done", 1.0)
    return AlignResult(script, alignment, timeline, [out.folder / n for n in texts], problems, body)


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


def _check_credible(alignment: Any, script_path: Path, force: bool, reference: str) -> None:
    credible = [b for b in alignment.blocks if b.placed and b.confidence >= alignment.low_confidence]
    if not credible and not force:
        best = max((b.confidence for b in alignment.blocks if b.placed), default=0.0)
        raise NotNarration(f"the recordings do not sound like this script's narration "
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
