"""``subtoolkit voiceover``: a scratch voiceover of the narration, and subtitles retimed to it."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from subtoolkit.cli.app import app, eprint, handle_errors, stdout_console
from subtoolkit.cli.options import (
    ENCODING_OPT, FPS_OPT, OUT_DIR_OPT, PINYIN_OPT, PROFILE_OPT, SCRIPT_ARG, SPAN_OPT, Span, load_pinyin,
)

if TYPE_CHECKING:
    from subtoolkit.tts.render import RenderProgress


class Engine(str, Enum):
    neural = "neural"
    espeak = "espeak"
    edge = "edge"
    auto = "auto"


class AudioFormat(str, Enum):
    wav = "wav"
    mp3 = "mp3"


@app.command("voiceover")
@handle_errors
def voiceover_command(
    script: Path = SCRIPT_ARG,
    output: Path = OUT_DIR_OPT,
    engine: Engine = typer.Option(Engine.auto, "--engine",
                                  help="edge (online Microsoft voices), neural (offline neural Mandarin voice, after "
                                       "'subtoolkit voices install'), espeak (offline, robotic) or auto (edge when "
                                       "its service answers, else neural when installed, else espeak; chosen once per "
                                       "run)."),
    voice: Optional[str] = typer.Option(None, "--voice",
                                        help="Narrator voice (edge default zh-CN-YunyangNeural, neural: baker, espeak "
                                             "default cmn)."),
    interview_voice: Optional[str] = typer.Option(None, "--interview-voice",
                                                  help="Also voice interviews with this voice as a scratch (default: "
                                                       "silent placeholders of their estimated length)."),
    rate: str = typer.Option("+0%", "--rate", help="Speaking rate relative to the voice's default, e.g. -10% or +15%."),
    audio_format: AudioFormat = typer.Option(AudioFormat.wav, "--format",
                                             help="wav (sample-exact, what to time against) or mp3."),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1, max=8,
                                              help="Segments rendered at once (edge default 4; neural one per core, "
                                                   "at most 4 by default; at most 8)."),
    no_cache: bool = typer.Option(False, "--no-cache",
                                  help="Render every segment again (the results still refresh the cache)."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir",
                                             help="Cache of rendered segments (default: $XDG_CACHE_HOME/subtoolkit or "
                                                  "~/.cache/subtoolkit)."),
    sections: int = typer.Option(0, "--sections", min=0,
                                 help="Voice only the first N sections (1 = the opening, before the first heading); 0 "
                                      "= all."),
    profile_name: str = PROFILE_OPT,
    fps: str = FPS_OPT,
    encoding: Optional[str] = ENCODING_OPT,
    interview_span: Span = SPAN_OPT,
    pinyin: Optional[Path] = PINYIN_OPT,
) -> None:
    """Render the narration as a scratch voiceover an editor can cut picture to, with subtitles retimed to it.

    Writes DIR/x.voiceover.wav (or .mp3), DIR/x.voiceover.zh-Hans.srt/.vtt/.json retimed to the measured audio (cue
    starts on speech onsets, every stretch of speech inside its cue, still within the subtitle profile) and
    DIR/x.voiceover.manifest.json (one entry per rendered segment). Each cue is one request; rendered segments are
    cached by engine, version, voice, rate and text (and, for the neural voice, its pinyin readings), so editing one
    paragraph re-renders only that paragraph. With the neural voice the manifest records each segment's reading as
    tone-numbered pinyin; --pinyin fixes names it reads wrong. Interviews are silent placeholders unless
    --interview-voice is given; captions and headings hold their title-card time.

    [bold]Examples[/bold]

      subtoolkit voiceover seeds/shengming-zhongyu-taishan.txt --engine neural --sections 1
      subtoolkit voiceover script.txt --engine neural --pinyin names-pinyin.txt
      subtoolkit voiceover seeds/shengming-zhongyu-taishan.txt --engine espeak --sections 1
      subtoolkit voiceover script.docx --engine edge --voice zh-CN-YunxiNeural --rate -5% --format mp3
      subtoolkit voiceover script.txt --interview-voice zh-CN-XiaoxiaoNeural --concurrency 6
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from subtoolkit.jobs.voiceover import VoiceOptions, VoiceoverOptions, run_voiceover
    from subtoolkit.subtitles.timecode import clock

    voicing = VoiceOptions(engine=engine.value, voice=voice, interview_voice=interview_voice, rate=rate,
                           concurrency=concurrency, cache_dir=cache_dir, use_cache=not no_cache,
                           audio_format=audio_format.value, pinyin=tuple(load_pinyin(pinyin)))
    options = VoiceoverOptions(out_dir=output, voice=voicing, sections=sections, profile=profile_name, fps=fps,
                               encoding=encoding, interview_span=interview_span.value)
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]voiceover[/bold]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
        TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=console, transient=True,
    ) as bar:
        task = bar.add_task("render", total=None, note="")

        def on_progress(p: RenderProgress) -> None:
            # the bar runs over the characters still to render, so cache hits do not fool the ETA
            bar.update(task, total=max(p.chars_to_render, 1), completed=p.chars_done,
                       note=f"{p.rendered} rendered, {p.from_cache} cached, {p.failed} failed")

        result = run_voiceover(script, options, warn=lambda m: eprint("warning: " + m), on_progress=on_progress)
    s = result.summary
    out = stdout_console()
    out.print(
        f"[bold]{result.engine}[/bold]: {s.voiced} segments voiced "
        f"({s.rendered} rendered, {s.from_cache} from cache, {s.failed} failed), "
        f"{s.placeholders} placeholders, audio {clock(max(c.end_ms for c in result.timeline.cues))}"
    )
    for p in (result.audio_path, result.manifest_path):
        out.print(f"wrote {p}", highlight=False)
