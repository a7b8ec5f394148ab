"""``subtoolkit check``: the QC pass over any subtitle file, ours or anyone's."""

from __future__ import annotations

from pathlib import Path

import typer

from subtoolkit.cli.app import app, eprint, handle_errors
from subtoolkit.cli.options import FPS_OPT

CHECK_PROFILE_OPT = typer.Option(
    None,
    "--profile",
    "-p",
    help="Subtitle profile: a name (netflix-zh-hans, netflix-zh-hant, cctv, or one of yours in "
    "~/.config/subtoolkit/profiles) or a .toml file. Without it the file's language tag chooses "
    "(x.zh-Hant-TW.srt → netflix-zh-hant), else its text.",
    show_default=False,
)


@app.command("check")
@handle_errors
def check_command(
    subtitle: Path = typer.Argument(
        ..., help="An .srt, .vtt, .ass/.ssa file, or a subtoolkit .json timeline.", show_default=False
    ),
    profile_name: str | None = CHECK_PROFILE_OPT,
    fps: str = FPS_OPT,
    encoding: str | None = typer.Option(
        None, "--encoding", "-e",
        help="Decode the file with this codec instead of detecting it (UTF-8, UTF-16, GB18030)."
    ),
    grid: bool = typer.Option(True, "--grid/--no-grid",
                              help="Check that every time sits on the --fps frame grid (turn off for files timed at "
                                   "another rate)."),
) -> None:
    """List every problem of a subtitle file against a profile, with its cue and timecode.

    The same validator the toolkit applies to its own output: line width and count, durations, gaps, order and
    overlaps, frame grid, reading speed, punctuation. A cue whose timing cannot be read (garbled, negative, ending
    before it starts, no timing line) is an error named by its number and file line, never guessed at. Exit code 1
    when there are errors, 0 when only warnings or nothing.

    [bold]Which profile[/bold]: --profile when given; else the language tag in the file name (zh-Hant*, zh-TW, zh-HK →
    the Traditional profile netflix-zh-hant; zh-Hans, zh-CN → netflix-zh-hans); else the text itself (Traditional or
    Simplified characters). The summary line says which was used and why.

    [bold]Examples[/bold]

      subtoolkit check output/x.zh-Hans.srt
      subtoolkit check output/x.zh-Hant-TW.vtt
      [dim]checked against netflix-zh-hant, chosen by the tag[/dim]
      subtoolkit check delivery.vtt --profile cctv --fps 29.97
      subtoolkit check vendor.ass --no-grid
    """
    from subtoolkit.errors import InputError
    from subtoolkit.subtitles.profiles import choose_profile, load_profile
    from subtoolkit.subtitles.readers import read_subtitles, to_timeline
    from subtoolkit.subtitles.timecode import parse_fps
    from subtoolkit.subtitles.validate import errors, validate

    explicit = load_profile(profile_name) if profile_name else None  # a bad --profile fails before the read
    doc = read_subtitles(subtitle, encoding=encoding)
    if not doc.cues:
        raise InputError("no cues in the file", path=str(subtitle), hint="is this a subtitle file?")
    timeline = to_timeline(doc, fps=parse_fps(fps))
    if explicit is not None:
        profile, why = explicit, "--profile"
    else:
        profile, why = choose_profile(subtitle, timeline)
    bad = doc.unreadable
    for c in bad:  # not guessed at: each is an error of its own, where the file has it
        typer.echo(f"{subtitle}:{c.line}: error: cue {c.number}: unreadable: {c.problem}")
    problems = validate(timeline, profile, grid=grid)
    for p in problems:
        typer.echo(f"{subtitle}: {p.render(timeline)}")
    for stray in doc.stray:  # not a cue, but not dropped in silence either
        if stray.text.strip():
            typer.echo(f"{subtitle}:{stray.line}: warning: text outside any cue: {stray.text.strip()[:40]}")
    hard = len(errors(problems)) + len(bad)
    warned = len(problems) - len(errors(problems)) + sum(1 for s in doc.stray if s.text.strip())
    # subtitle cues only: ASS name supers are graphics and are not checked
    counted = f"{len(timeline.cues) + len(bad)} cues" + (f" ({len(bad)} unreadable)" if bad else "")
    summary = f"{counted}, {hard} errors, {warned} warnings ({profile.name}, {why}; {fps} fps)"
    if hard:
        eprint(summary)
        raise typer.Exit(code=1)
    typer.echo(summary)
