"""``subtoolkit convert``: a Traditional (or Simplified) copy of a script or subtitle file."""

from __future__ import annotations

from pathlib import Path

import typer

from subtoolkit.cli.app import app, eprint, handle_errors, report_warnings
from subtoolkit.chinese.configs import CONFIGS, DEFAULT_CONFIG

_CONFIG_HELP = "Conversion config: " + ", ".join(CONFIGS) + " (see the list above)."

FILE_ARG = typer.Argument(
    ...,
    help="The file to convert: subtitles (.srt .vtt .ass .ssa) or a script (.txt .md .docx).",
    show_default=False,
)
TO_OPT = typer.Option(DEFAULT_CONFIG, "--to", "-t", help=_CONFIG_HELP, metavar="CONFIG")
OUTPUT_OPT = typer.Option(
    None,
    "--output",
    "-o",
    help="Write here instead of beside the input with the language tag (x.txt → x.zh-Hant-TW.txt).",
    show_default=False,
)
DICT_OPT = typer.Option(
    None,
    "--dict",
    "-d",
    help="Your own terms (names, places), one 'Simplified<TAB>Traditional[<TAB>TW|HK]' per line; they win over "
    "OpenCC and over the project overrides. Without --dict, $SUBTOOLKIT_DICT or ~/.config/subtoolkit/dict.txt "
    "is used when it exists.",
    show_default=False,
)
ENCODING_OPT = typer.Option(
    None,
    "--encoding",
    "-e",
    help="Decode the input with this codec instead of detecting it (the output keeps the input's encoding).",
    show_default=False,
)
FORCE_OPT = typer.Option(
    False,
    "--force",
    help="Convert a subtitle file even when some cues cannot be read (garbled, negative or reversed times, no timing "
    "line): those cues are copied unchanged and counted. Without it such a file is refused, naming the cue and line.",
)


@app.command("convert")
@handle_errors
def convert_command(
    file: Path = FILE_ARG,
    to: str = TO_OPT,
    output: Path | None = OUTPUT_OPT,
    user_dict: Path | None = DICT_OPT,
    encoding: str | None = ENCODING_OPT,
    force: bool = FORCE_OPT,
) -> None:
    """Convert a script or subtitle file between Simplified and Traditional Chinese with OpenCC.

    Only the words change. Subtitle indexes, timestamps, cue settings, WebVTT voice tags and NOTE blocks, ASS styles and {\\…} override codes stay byte for byte; a .docx keeps its paragraphs, runs and styles; the output keeps the input's encoding and line ends.

    On top of OpenCC: a project dictionary fixes its known misreadings (这只船只能 → 這隻船只能, not 船隻能; 勇敢的士兵 stays 的士兵, not 計程車兵), your --dict adds names and places, and Taiwan/Hong Kong output gets 「」『』 quotes (the reverse configs turn them back into “”‘’).

    [bold]Configs[/bold] (--to)

      s2twp  → zh-Hant-TW  Taiwan, with Taiwan wording (软件 → 軟體); the default
      s2tw   → zh-Hant-TW  Taiwan characters, mainland wording kept
      s2hk   → zh-Hant-HK  Hong Kong characters
      s2t    → zh-Hant     OpenCC's standard Traditional (爲 衆 裏), no region
      t2s    → zh-Hans     any Traditional to Simplified
      tw2s   → zh-Hans     Taiwan Traditional to Simplified
      hk2s   → zh-Hans     Hong Kong Traditional to Simplified

    A subtitle file is read with the same reader as [bold]check[/bold]: a cue whose timing cannot be read is never converted around silently. The file is refused with the cue's number and line, or, with --force, written with those cues unchanged and counted.

    s2tw, s2hk and s2t keep every line's length, so subtitle line breaks stay valid. s2twp can change lengths (互联网 → 網際網路): the breaks are kept as they were and the command says how many lines changed length.

    [bold]Examples[/bold]

      subtoolkit convert episode.zh-Hans.srt
      [dim]writes episode.zh-Hant-TW.srt with s2twp[/dim]
      subtoolkit convert episode.srt --to s2hk
      [dim]writes episode.zh-Hant-HK.srt[/dim]
      subtoolkit convert script.docx --to s2tw -o script-tw.docx
      subtoolkit convert script.txt --dict names.txt
      subtoolkit convert taiwan-script.txt --to tw2s
      [dim]writes taiwan-script.zh-Hans.txt[/dim]
    """  # noqa: E501 - one paragraph a line: typer keeps line breaks in --help
    from subtoolkit.chinese.convert import config_info, default_user_dict, get_converter
    from subtoolkit.chinese.files import check_paths, convert_file, output_path

    config = to.strip().lower()
    info = config_info(config)
    target = check_paths(file, output if output is not None else output_path(file, info.language_tag))
    if user_dict is None and default_user_dict().is_file():
        user_dict = default_user_dict()
        eprint(f"note: using your dictionary {user_dict}")
    converter = get_converter(config, user_dict=user_dict)
    existed = target.exists()
    report = convert_file(file, converter, target, encoding=encoding, force=force)
    if existed:
        eprint(f"note: replaced the existing {target}")
    report_warnings(list(report.warnings))
    unit = {"docx": "paragraphs", "txt": "lines", "md": "lines", "text": "lines"}.get(report.kind, "cues")
    count = report.cues if unit != "lines" else report.lines_converted
    eprint(f"wrote {report.target} ({config} → {info.language_tag}, {count} {unit})")
    if report.unreadable:
        eprint(f"note: {report.unreadable} unreadable cues passed through unchanged (--force); they are listed above")
    if report.length_changed and report.kind in ("srt", "vtt", "ass", "ssa"):
        eprint(
            f"note: {config} changed the length of {report.length_changed} subtitle lines; "
            "their line breaks were kept, "
            "so check them against the profile (or use s2tw/s2hk, which keep lengths)"
        )
