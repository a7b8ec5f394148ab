"""``subtoolkit parse``: show a script as typed blocks."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from subtoolkit.cli.app import app, eprint, handle_errors, report_warnings


class Span(str, Enum):
    auto = "auto"
    paragraph = "paragraph"
    marker = "marker"


SCRIPT_ARG = typer.Argument(..., help="The script: .txt or .md (UTF-8, UTF-16, GB18030/GBK) or .docx.", show_default=False)
ENCODING_OPT = typer.Option(None, "--encoding", "-e", help="Decode the script with this codec instead of detecting it.")
SPAN_OPT = typer.Option(
    Span.auto,
    "--interview-span",
    help="Where an interview ends: 'paragraph' (a speaker line introduces one paragraph), 'marker' "
    "(speech runs until the next marker) or 'auto' (marker when the script uses narration markers "
    "such as 【解说】 after its first speaker).",
)


def load_script(script: Path, encoding: Optional[str], span: Span):  # type: ignore[no-untyped-def]
    """ingest → parse, the first two stages every command starts with."""
    from subtoolkit.ingest import read_source
    from subtoolkit.parse import parse_lines

    source = read_source(script, encoding=encoding)
    parsed = parse_lines(source.lines, path=str(script), interview_span=span.value)  # type: ignore[arg-type]
    report_warnings(parsed.warnings)
    return parsed


@app.command("parse")
@handle_errors
def parse_command(
    script: Path = SCRIPT_ARG,
    as_json: bool = typer.Option(False, "--json", help="Print the blocks as JSON on stdout instead of a table."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the JSON to this file (atomically) instead of stdout."),
    encoding: Optional[str] = ENCODING_OPT,
    interview_span: Span = SPAN_OPT,
) -> None:
    """Split a script into typed blocks: title, heading, narration, interview, caption.

    Each block keeps the source lines it came from. Markers, speaker labels, Word artefacts and the trailing source note are kept out of block texts and listed on stderr, so nothing disappears unnoticed.

    [bold]Examples[/bold]

      subtoolkit parse seeds/shengming-zhongyu-taishan.txt
      subtoolkit parse script.docx --json -o blocks.json
      subtoolkit parse old-script.txt --encoding gb18030 --interview-span marker
    """
    parsed = load_script(script, encoding, interview_span)
    set_aside = [r for r in parsed.removed if r.reason in ("source note", "word artefact")]
    for r in set_aside:
        eprint(f"note: {script}:{r.line}: {r.reason} kept out of the blocks: {r.text}")
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


def _print_table(parsed) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    colours = {"title": "bold magenta", "heading": "bold cyan", "narration": "", "interview": "green", "caption": "yellow"}
    table = Table(title=f"《{parsed.title}》" if parsed.title else None, show_lines=False, expand=True)
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
        kind = b.kind.value
        table.add_row(str(i), f"{first}" if first == last else f"{first}–{last}", f"[{colours[kind]}]{kind}[/]" if colours[kind] else kind, speaker, b.section or "", text)
    console = Console()
    console.print(table)
    counts: dict[str, int] = {}
    for b in parsed.blocks:
        counts[b.kind.value] = counts.get(b.kind.value, 0) + 1
    console.print(", ".join(f"{v} {k}" for k, v in counts.items()))
