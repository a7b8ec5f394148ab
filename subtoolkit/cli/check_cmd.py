"""``subtoolkit check``: the QC pass over any subtitle file, ours or anyone's."""

from __future__ import annotations

from pathlib import Path

import typer

from subtoolkit.cli.app import app, eprint, handle_errors
from subtoolkit.cli.options import FPS_OPT, PROFILE_OPT


@app.command("check")
@handle_errors
def check_command(
    subtitle: Path = typer.Argument(..., help="An .srt, .vtt or .ass file.", show_default=False),
    profile_name: str = PROFILE_OPT,
    fps: str = FPS_OPT,
    grid: bool = typer.Option(
        True, "--grid/--no-grid",
        help="Check that every time sits on the --fps frame grid (turn off for files timed at another rate).",
    ),
) -> None:
    """List every problem of a subtitle file against a profile, with its cue and timecode.

    The same validator the toolkit applies to its own output: line width and count, durations, gaps, order and overlaps, frame grid, reading speed, punctuation. Exit code 1 when there are errors, 0 when only warnings or nothing.

    [bold]Examples[/bold]

      subtoolkit check output/x.zh-Hans.srt
      subtoolkit check delivery.vtt --profile cctv --fps 29.97
      subtoolkit check vendor.ass --no-grid
    """  # noqa: E501 - one paragraph a line: typer keeps line breaks in --help
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.readers import read_timeline
    from subtoolkit.subtitles.timecode import parse_fps
    from subtoolkit.subtitles.validate import errors, validate

    profile = load_profile(profile_name)
    timeline = read_timeline(subtitle, fps=parse_fps(fps), profile=profile.name)
    problems = validate(timeline, profile, grid=grid)
    for p in problems:
        typer.echo(f"{subtitle}: {p.render(timeline)}")
    hard = errors(problems)
    summary = (f"{len(timeline.cues)} cues, {len(hard)} errors, {len(problems) - len(hard)} warnings "
               f"({profile.name}, {fps} fps)")
    if hard:
        eprint(summary)
        raise typer.Exit(code=1)
    typer.echo(summary)
