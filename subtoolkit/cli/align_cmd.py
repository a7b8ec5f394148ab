"""``subtoolkit align``: subtitles re-synced to the recorded narration, offline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from subtoolkit.cli.app import app, eprint, handle_errors, stdout_console
from subtoolkit.cli.options import (
    ENCODING_OPT,
    FPS_OPT,
    OUT_DIR_OPT,
    PROFILE_OPT,
    SCRIPT_ARG,
    SPAN_OPT,
    Span,
    split_list,
)


if TYPE_CHECKING:
    from subtoolkit.jobs.align import AlignOptions, AlignResult

@app.command("align")
@handle_errors
def align_command(
    script: Path = SCRIPT_ARG,
    recordings: list[Path] = typer.Argument(..., metavar="RECORDING...",
                                            help="The narration as recorded: WAV, MP3, M4A or FLAC files, in reading "
                                                 "order (played back to back).", show_default=False),
    output: Path = OUT_DIR_OPT,
    profile_name: str = PROFILE_OPT,
    fps: str = FPS_OPT,
    film: bool = typer.Option(False, "--film",
                              help="Film-length timeline. Given the final mix, the interviews are aligned too and the "
                                   "mix's clock is kept; given the narration alone, interviews, captions and headings "
                                   "are placed between it at their estimated lengths."),
    formats: str = typer.Option("srt,vtt,json", "--format", "-f",
                                help="Formats of the aligned track: srt, vtt, ass, json."),
    variants: str = typer.Option("", "--variants", help="Traditional Chinese tracks to add, e.g. s2twp,s2hk."),
    reference: str = typer.Option("auto", "--reference",
                                  help="The synthetic reading the recordings are compared with: neural (the offline "
                                       "neural voice, nearest a human narrator; `subtoolkit voices install`), espeak, "
                                       "or auto (neural when installed, else espeak; espeak again when the neural "
                                       "reading finds no credible match). The report names the one used."),
    no_cache: bool = typer.Option(False, "--no-cache",
                                  help="Synthesise the reference reading again instead of reading back the one "
                                       "analysed by an earlier run, or the cues a voiceover rendered "
                                       "(the cache is still refreshed)."),
    force: bool = typer.Option(False, "--force",
                               help="Write even when cues break the profile's hard limits, or when nothing matched "
                                    "credibly (both are still reported)."),
    encoding: Optional[str] = ENCODING_OPT,
    interview_span: Span = SPAN_OPT,
) -> None:
    """Align the script's subtitles to the recorded narration: cues that sit on the talent's voice.

    Give the script and the recording session (narration only, in script order: one file, or several, e.g. one per
    section; breaths, pauses, room noise and a pace other than the estimate are fine). Each narration cue is found in
    the recordings by comparing them with an offline synthetic reading of the script (the neural voice when installed,
    else espeak; no network): pauses anchor sentence ends to the talent's own stops and starts, dynamic time warping
    places everything in between. A paragraph the talent skipped is reported as unplaced and the rest still align; a
    stretch that matched poorly is reported with a low confidence, not guessed silently.

    For x.txt it writes, in DIR:

      x.aligned.zh-Hans.srt/.vtt/.json  narration on the recordings' clock (files back to back)
      x.aligned.<file>.zh-Hans.srt      one per recording, timed from that file's own start
      x.aligned.report.json             confidence per block, blocks not found, pace, anchors

    Every track meets the subtitle profile (in-times on the first frame of the voice, minimum and maximum durations,
    gaps); cues the talent read too slowly to show within the maximum are re-cut for the recorded pace. With --film
    the main tracks hold the film-length timeline instead (SRT/VTT carry what is heard, JSON everything): given the
    final mix, the interviews are aligned too, against a reading of their transcripts; given the narration alone,
    interviews, captions and headings go between it at their estimated lengths. A recording that does not sound like
    the script is refused rather than guessed at.

    [bold]Examples[/bold]

      subtoolkit align seeds/shengming-zhongyu-taishan.txt vo/take01.wav
      subtoolkit align ep3.docx vo/sec1.mp3 vo/sec2.mp3 vo/sec3.mp3 -o delivery
      subtoolkit align ep3.docx vo/full.m4a --film --fps 23.976 --variants s2twp
    """
    from subtoolkit.jobs.align import AlignOptions

    fmts = tuple(split_list(formats))
    opts = AlignOptions(out_dir=output, profile=profile_name, fps=fps, film=film, formats=fmts,
                        variants=tuple(split_list(variants)), encoding=encoding, interview_span=interview_span.value,
                        force=force,
                        reference=reference, cache=not no_cache)
    result = _run(script, recordings, opts)
    for p in result.problems:
        eprint(p.render(result.timeline))
    _print_summary(result)


def _run(script: Path, recordings: list[Path], opts: AlignOptions) -> AlignResult:
    from subtoolkit.cli.progress import stage_bar
    from subtoolkit.jobs.align import run_align

    with stage_bar(script.name) as progress:
        return run_align(script, recordings, opts, progress)


def _print_summary(result) -> None:

    from subtoolkit.subtitles.timecode import clock

    console = stdout_console()
    summary = result.report["summary"]
    script = result.script
    where = script.source or ""
    choice = result.report.get("reference_choice")
    if result.report.get("reference_fallback"):
        eprint(f"note: the neural reference found no credible match, so the espeak reference was used "
               f"(neural: {result.report['reference_fallback']})")
    elif choice and choice.get("failed"):
        failed = "; ".join(f"{f['reference']}: {f['error']}" for f in choice["failed"])
        eprint(f"note: the neural reference was unsure of some blocks, but the espeak reference could not align "
               f"({failed}), so the neural alignment stands")
    elif choice:
        tried = "; ".join(f"{t['reference']}: {t['placed']} placed, {t['credible']} beyond chance"
                          + (" (refused)" if t["refused"] else "") for t in choice["tried"])
        other = "neural" if choice["kept"] == "espeak" else "espeak"
        filled = choice.get("blocks_from_the_other") or []
        also = f"; block(s) {', '.join(map(str, filled))} from {other}" if filled else ""
        eprint(f"note: the neural reference was unsure of some blocks, so espeak was asked too; kept "
               f"{choice['kept']}{also} ({tried})")
    for run in _unplaced_runs(result.report["blocks"]):
        if len(run) == 1:
            b = run[0]
            eprint(f"warning: {where}:{b['line']}: block {b['block']} not found in the recordings (skipped by the "
                   f"talent?): {b['text']}")
        else:
            eprint(f"warning: {where}:{run[0]['line']}: blocks {run[0]['block']}–{run[-1]['block']} ({len(run)} "
                   f"narration blocks, "
                   f"lines {run[0]['line']}–{run[-1]['line']}) not found in the recordings")
    for b in result.report["blocks"]:
        if b["status"] == "low-confidence":
            why = "; ".join(b["notes"]) or "weak match"
            eprint(f"warning: {where}:{b['line']}: block {b['block']} aligned with low confidence "
                   f"{b['confidence']:.2f} ({why}); check it")
    console.print(
        f"aligned [bold]{summary['placed']}[/bold] of {summary['narration_blocks']} narration blocks "
        f"({summary['narration_cues']} cues) to {summary['audio_s'] / 60:.1f} min of recordings "
        f"in {summary['processing_s']:.1f} s; mean confidence {summary['mean_confidence']:.2f}",
        highlight=False,
    )
    if result.timeline.cues:
        console.print(f"runtime {clock(max(c.end_ms for c in result.timeline.cues))} ({result.report['clock']} clock)",
                      highlight=False)
    for path in result.files:
        console.print(f"wrote {path}", highlight=False)


def _unplaced_runs(blocks: list[dict]) -> list[list[dict]]:
    """Unplaced narration blocks grouped into runs of neighbours, one warning per run: a
    recording of one section aligned to a whole film should not print a line per paragraph."""
    runs: list[list[dict]] = []
    current: list[dict] = []
    for b in blocks:
        if b["status"] == "unplaced":
            current.append(b)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs
