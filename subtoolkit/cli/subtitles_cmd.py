"""``subtoolkit subtitles``: timed subtitle files from a script, before any audio exists."""

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
    from subtoolkit.model import Script, Timeline

INCLUDABLE = {"captions": "caption", "headings": "heading", "title": "title"}


@app.command("subtitles")
@handle_errors
def subtitles_command(
    script: Path = SCRIPT_ARG,
    output: Path = OUT_DIR_OPT,
    formats: str = typer.Option(
        "srt,vtt,ass,json", "--format", "-f",
        help="Comma-separated formats to write: srt, vtt, ass, json.",
    ),
    profile_name: str = PROFILE_OPT,
    fps: str = FPS_OPT,
    start: str = typer.Option(
        "00:00:00:00", "--start",
        help="Timecode of the first frame (HH:MM:SS:FF), e.g. 10:00:00:00 for a broadcast master; "
        "HH:MM:SS;FF is drop-frame (29.97/59.94 fps).",
    ),
    rate: Optional[float] = typer.Option(
        None, "--rate",
        help="Narration speed in spoken syllables per second (default from the "
        "profile, 4.0); interviews scale with it.",
    ),
    calibrate: Optional[Path] = typer.Option(
        None, "--calibrate",
        help="Fit the narration rate and pause scale from an .srt/.vtt timed to "
        "the same narrator (e.g. the previous episode).",
    ),
    variant: str = typer.Option(
        "", "--variant",
        help="Also write Traditional tracks, e.g. s2twp (Taiwan, with phrases), s2tw, s2hk, s2t; comma-separated.",
    ),
    user_dict: Optional[Path] = typer.Option(
        None, "--dict",
        help="Your own conversion terms (names, places) for the Traditional tracks; see README.",
    ),
    include: str = typer.Option(
        "", "--include",
        help="Also put on-screen text into SRT/VTT: captions, headings, title "
        "(comma-separated). ASS always carries it.",
    ),
    force: bool = typer.Option(
        False, "--force",
        help="Write even when cues break the profile's hard limits (they are still listed).",
    ),
    crlf: bool = typer.Option(False, "--crlf", help="Windows line ends (CRLF), for players and TVs that want them."),
    bom: bool = typer.Option(
        False, "--bom",
        help="Start SRT/VTT/ASS with a UTF-8 byte-order mark, for players that need one.",
    ),
    encoding: Optional[str] = ENCODING_OPT,
    interview_span: Span = SPAN_OPT,
) -> None:
    """Write timed subtitles (SRT, WebVTT, ASS, JSON) for a script, with believable timings.

    Cues are cut the way a subtitler cuts Chinese: at most 16 characters a line and 2 lines (profile netflix-zh-hans), breaks at punctuation first, then between words, never inside a number with its unit, a book title or a name. Timings come from spoken syllables (2020年 is five, 80.6% is seven) at a documentary narrator's pace, with pauses by punctuation, on the frame grid.

    By default SRT and VTT carry what is heard (narration and interviews); captions, headings and a name super at each speaker's first appearance go to the ASS file. For x.txt the files are DIR/x.zh-Hans.srt, .vtt, .ass and .json.

    [bold]Examples[/bold]

      subtoolkit subtitles seeds/shengming-zhongyu-taishan.txt
      subtoolkit subtitles script.docx -o out --format srt --fps 23.976 --start 01:00:00:00
      subtoolkit subtitles ep2.txt --calibrate ep1.zh-Hans.srt
      subtoolkit subtitles ep2.txt --profile cctv --include captions,headings
      subtoolkit subtitles script.txt --variant s2twp,s2hk
    """  # noqa: E501 - one paragraph a line: typer keeps line breaks in --help
    from subtoolkit.jobs.subtitles import SubtitlesOptions, run_subtitles
    from subtoolkit.model import BlockKind
    from subtoolkit.subtitles.formats import FORMAT_NAMES
    from subtoolkit.subtitles.formats.common import SPOKEN

    fmts = split_list(formats)
    unknown = [f for f in fmts if f not in FORMAT_NAMES]
    if unknown or not fmts:
        raise typer.BadParameter(f"unknown format(s) {', '.join(unknown) or '(none)'}; "
                                 f"choose from {', '.join(FORMAT_NAMES)}", param_hint="--format")
    extra = split_list(include)
    bad = [x for x in extra if x not in INCLUDABLE]
    if bad:
        raise typer.BadParameter(f"cannot include {', '.join(bad)}; choose from {', '.join(INCLUDABLE)}",
                                 param_hint="--include")
    if rate is not None and calibrate is not None:
        raise typer.BadParameter("give either --rate or --calibrate, not both", param_hint="--rate")
    if rate is not None and not (1.0 <= rate <= 10.0):
        raise typer.BadParameter("a speaking rate between 1 and 10 syllables per second", param_hint="--rate")
    options = SubtitlesOptions(
        out_dir=output, formats=tuple(fmts), profile=profile_name, fps=fps, start=start, rate=rate, calibrate=calibrate,
        variants=tuple(split_list(variant)), user_dict=user_dict, force=force, eol="\r\n" if crlf else "\n", bom=bom,
        include=SPOKEN | {BlockKind(INCLUDABLE[x]) for x in extra}, encoding=encoding,
        interview_span=interview_span.value,
    )
    result = run_subtitles(script, options, warn=lambda m: eprint("warning: " + m))
    note = result.pace.describe()
    if note:
        typer.echo(note)
    for p in result.problems:
        eprint(p.render(result.timeline))
    for tag, p, tl in result.variant_problems:
        eprint(f"{tag}: " + p.render(tl))
    _print_summary(result.script, result.timeline, result.files)


def _print_summary(parsed: Script, timeline: Timeline, written: dict[str, Path]) -> None:
    from rich.table import Table

    from subtoolkit.subtitles.tracks import summarize
    from subtoolkit.subtitles.timecode import clock

    s = summarize(parsed, timeline)
    console = stdout_console()
    console.print(f"[bold]{s.cues}[/bold] cues ({s.dialogue_cues} dialogue), "
                  f"estimated runtime [bold]{clock(s.runtime_ms)}[/bold]")
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    table.add_column("section")
    table.add_column("starts", justify="right")
    table.add_column("runs", justify="right")
    table.add_column("cues", justify="right")
    for sec in s.sections:
        table.add_row(sec.name, clock(sec.start_ms), clock(sec.duration_ms), str(sec.cues))
    console.print(table)
    for path in written.values():
        console.print(f"wrote {path}", highlight=False)
