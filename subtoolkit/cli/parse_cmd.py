"""``subtoolkit parse``: show a script as typed blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from subtoolkit.cli.app import app, eprint, handle_errors, stdout_console
from subtoolkit.cli.options import ENCODING_OPT, SCRIPT_ARG, SPAN_OPT, STYLE_OPT, Span, load_script


@app.command("parse")
@handle_errors
def parse_command(
    script: Path = SCRIPT_ARG,
    as_json: bool = typer.Option(False, "--json", help="Print the blocks as JSON on stdout instead of a table."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Write the JSON to this file (atomically) instead of stdout."),
    encoding: Optional[str] = ENCODING_OPT,
    interview_span: Span = SPAN_OPT,
    style: Optional[Path] = STYLE_OPT,
    explain: bool = typer.Option(
        False, "--explain", help="Show, per line, the rule that decided it and the kinds of the blocks it went into."
    ),
) -> None:
    """Split a script into typed blocks: title, heading, narration, interview, caption, note.

    Each block keeps the source lines it came from and two texts. In --json, [bold]text[/bold] is the block as
    written in the script: every character of the lines it covers (the slice of the line where several blocks share
    one), speaker labels, markers, readings and stage directions included, each line trimmed, lines joined with a
    newline — after ingest, so without the HTML tags stripped when the file was read. [bold]clean[/bold] is what is
    said or shown, the text subtitles, voice, captions and names.csv use: markers, speaker labels, Word artefacts,
    inserted pinyin and the trailing source note are kept out of it and listed on stderr. A marker or speaker label
    that introduces nothing (a page cut off after "姓名：") is a block with an empty clean text (and a warning).

    Production text that is neither heard nor shown (shot lists, credits, bylines, page furniture, editing notes)
    becomes a [bold]note[/bold]: listed here and kept in blocks.json, never put in subtitles, voiceover or the
    narration script.

    A studio's own markers go in a style file (--style, or ~/.config/subtoolkit/style.toml):

      \\[markers]
      narration = ["旁白"]     # 【旁白】 [旁白] 旁白：
      caption = ["屏幕字"]     # 〔屏幕字〕2020年
      note = ["机位"]          # 【机位】…, never voiced
      \\[speakers]
      presenters = ["男主持人"]

    --explain shows which rule read each line: where a line lands in the wrong kind, it tells what to add.

    [bold]Examples[/bold]

      subtoolkit parse seeds/shengming-zhongyu-taishan.txt
      subtoolkit parse script.docx --json -o blocks.json
      subtoolkit parse old-script.txt --encoding gb18030 --interview-span marker
      subtoolkit parse studio-script.txt --style studio.toml --explain
    """
    trace: Optional[list] = [] if explain else None
    parsed = load_script(script, encoding, interview_span, style, trace)
    # one line each for what a page, an edit list or a table puts on many lines
    summed = (("pinyin", "inserted pinyin readings"), ("timecode", "timecodes"),
              ("romanisation", "readings in brackets"), ("stage direction", "stage directions"),
              ("table column", "shot-table cells"))
    set_aside = [r for r in parsed.removed if r.reason in ("source note", "word artefact") or r.reason in dict(summed)]
    for r in set_aside:
        if r.reason not in dict(summed):
            eprint(f"note: {script}:{r.line}: {r.reason} kept out of the clean text: {r.text}")
    for reason, what in summed:
        found = [r for r in set_aside if r.reason == reason]
        if found:
            lines = sorted({r.line for r in found})
            eprint(
                f"note: {script}:{lines[0]}: {len(found)} {what} kept out of the clean text "
                f"on {len(lines)} lines, e.g. {found[0].text}"
            )
    if trace is not None:
        _print_explanation(trace)
        return
    if as_json or output is not None:
        text = json.dumps(parsed.to_json(), ensure_ascii=False, indent=2) + "\n"
        if output is not None:
            from subtoolkit.fsio import write_text

            write_text(output, text)
            eprint(f"wrote {output}")
        else:
            typer.echo(text, nl=False)
        return
    _print_table(parsed)


def _print_explanation(trace) -> None:
    """One row per text line: line number, deciding rule, kinds of the blocks it fed, the line."""
    for e in trace:
        rule = e.rule.removeprefix("rule_")
        text = e.text if len(e.text) <= 40 else e.text[:38] + "……"
        typer.echo(f"{e.line:5d}  {rule:<16} {'+'.join(e.kinds) or '-':<20} {text}")


def _print_table(parsed) -> None:
    from rich.markup import escape
    from rich.table import Table

    colours = {
        "title": "bold magenta", "heading": "bold cyan", "narration": "", "interview": "green",
        "caption": "yellow", "note": "dim",
    }
    console = stdout_console()
    table = Table(title=f"《{parsed.title}》" if parsed.title else None, show_lines=False, expand=console.is_terminal)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("lines", style="dim", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("speaker", max_width=16, overflow="ellipsis", no_wrap=True)
    table.add_column("section", style="cyan", max_width=8, overflow="ellipsis", no_wrap=True)
    table.add_column("text", overflow="fold", min_width=20, ratio=1)
    for i, b in enumerate(parsed.blocks):
        first, last = b.lines
        speaker = ""
        if b.speaker:
            speaker = b.speaker.name or b.speaker.role or ""
        text = b.text if len(b.text) <= 60 else b.text[:58] + "……"
        if not b.text:  # a marker or a label that introduced nothing: its text as written, dimmed
            text = f"[dim]({escape(b.as_written[:58])})[/]"
        kind = b.kind.value
        table.add_row(str(i), f"{first}" if first == last else f"{first}–{last}",
                      f"[{colours[kind]}]{kind}[/]" if colours[kind] else kind, speaker, b.section or "", text)
    console.print(table)
    counts: dict[str, int] = {}
    for b in parsed.blocks:
        counts[b.kind.value] = counts.get(b.kind.value, 0) + 1
    console.print(", ".join(f"{v} {k}" for k, v in counts.items()))
