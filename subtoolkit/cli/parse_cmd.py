"""``subtoolkit parse``: show a script as typed blocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from subtoolkit.cli.app import app, eprint, handle_errors
from subtoolkit.cli.options import ENCODING_OPT, SCRIPT_ARG, SPAN_OPT, Span, load_script
from subtoolkit.model import Script


@app.command("parse")
@handle_errors
def parse_command(
    script: Path = SCRIPT_ARG,
    as_json: bool = typer.Option(False, "--json", help="Print the blocks as JSON on stdout instead of a table."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o",
        help="Write the JSON to this file (atomically) instead of stdout.",
    ),
    encoding: Optional[str] = ENCODING_OPT,
    interview_span: Span = SPAN_OPT,
) -> None:
    """Split a script into typed blocks: title, heading, narration, interview, caption.

    Each block keeps the source lines it came from. Markers, speaker labels, Word artefacts and the trailing source note are kept out of block texts and listed on stderr, so nothing disappears unnoticed.

    [bold]Examples[/bold]

      subtoolkit parse seeds/shengming-zhongyu-taishan.txt
      subtoolkit parse script.docx --json -o blocks.json
      subtoolkit parse old-script.txt --encoding gb18030 --interview-span marker
    """  # noqa: E501 - one paragraph a line: typer keeps line breaks in --help
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


def _print_table(parsed: Script) -> None:
    from rich.console import Console
    from rich.table import Table

    colours = {"title": "bold magenta", "heading": "bold cyan", "narration": "", "interview": "green",
               "caption": "yellow"}
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
        lines = f"{first}" if first == last else f"{first}–{last}"
        shown = f"[{colours[kind]}]{kind}[/]" if colours[kind] else kind
        table.add_row(str(i), lines, shown, speaker, b.section or "", text)
    console = Console()
    console.print(table)
    counts: dict[str, int] = {}
    for b in parsed.blocks:
        counts[b.kind.value] = counts.get(b.kind.value, 0) + 1
    console.print(", ".join(f"{v} {k}" for k, v in counts.items()))
