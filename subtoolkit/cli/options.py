"""Options shared by several commands, defined once so their help reads the same everywhere."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from subtoolkit.model import Script


class Span(str, Enum):
    auto = "auto"
    paragraph = "paragraph"
    marker = "marker"


SCRIPT_ARG = typer.Argument(
    ...,
    help="The script: .txt or .md (UTF-8, UTF-16, GB18030/GBK) or .docx.",
    show_default=False,
)
ENCODING_OPT = typer.Option(None, "--encoding", "-e", help="Decode the script with this codec instead of detecting it.")
SPAN_OPT = typer.Option(
    Span.auto,
    "--interview-span",
    help="Where an interview ends: 'paragraph' (a speaker line introduces one paragraph), 'marker' "
    "(speech runs until the next marker) or 'auto' (marker when the script uses narration markers "
    "such as 【解说】 after its first speaker).",
)
OUT_DIR_OPT = typer.Option(
    Path("output"), "--output", "-o",
    help="Folder the files are written to (created if missing).",
)
PROFILE_OPT = typer.Option(
    "netflix-zh-hans", "--profile", "-p",
    help="Subtitle profile: a name (netflix-zh-hans, cctv, or one of yours in "
    "~/.config/subtoolkit/profiles) or a .toml file.",
)
FPS_OPT = typer.Option("25", "--fps", help="Frame rate every time snaps to: 23.976, 24, 25, 29.97, 30 or 50.")


def load_script(script: Path, encoding: Optional[str], span: Span) -> Script:
    """ingest → parse (the jobs' own first stages), the parse's warnings on stderr."""
    from subtoolkit.cli.app import eprint
    from subtoolkit.jobs.base import load_script as load

    return load(script, encoding=encoding, interview_span=span.value, warn=lambda m: eprint("warning: " + m))


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]
