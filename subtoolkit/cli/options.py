"""Options shared by several commands, defined once so their help reads the same everywhere."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

if TYPE_CHECKING:  # the model's dataclasses cost 3 ms to build: not for --help
    from subtoolkit.model import Script


class Span(str, Enum):
    auto = "auto"
    paragraph = "paragraph"
    marker = "marker"


SCRIPT_ARG = typer.Argument(..., help="The script: .txt or .md (UTF-8, UTF-16, GB18030/GBK) or .docx.",
                            show_default=False)
ENCODING_OPT = typer.Option(None, "--encoding", "-e", help="Decode the script with this codec instead of detecting it.")
SPAN_OPT = typer.Option(
    Span.auto,
    "--interview-span",
    help="Where an interview ends: 'paragraph' (a speaker line introduces one paragraph), 'marker' "
    "(speech runs until the next marker) or 'auto' (marker when the script uses narration markers "
    "such as 【解说】 after its first speaker).",
)
OUT_DIR_OPT = typer.Option(Path("output"), "--output", "-o",
                           help="Folder the files are written to (created if missing).")
PROFILE_OPT = typer.Option("netflix-zh-hans", "--profile", "-p",
                           help="Subtitle profile: a name (netflix-zh-hans, cctv, or one of yours in "
                                "~/.config/subtoolkit/profiles) or a .toml file.")
FPS_OPT = typer.Option("25", "--fps", help="Frame rate every time snaps to: 23.976, 24, 25, 29.97, 30 or 50.")


STYLE_OPT = typer.Option(
    None,
    "--style",
    help="House style: a TOML file adding marker words per kind (\\[markers] narration = \\[\"旁白\"], caption, "
    "interview, heading, title, note; \\[speakers] presenters). Default: ~/.config/subtoolkit/style.toml if it exists.",
)


def resolve_style(path: Optional[Path]):
    """The style given with --style, else the user's default file if there is one, else none."""
    from subtoolkit.text.style import default_style, load_style

    return load_style(path) if path is not None else default_style()


def load_script(
    script: Path,
    encoding: Optional[str],
    span: Span,
    style: Optional[Path] = None,
    explain: Optional[list[Any]] = None,
) -> Script:
    """ingest → parse (the jobs' own first stages), their warnings on stderr."""
    from subtoolkit.cli.app import eprint
    from subtoolkit.jobs.base import load_script as load

    return load(script, encoding=encoding, interview_span=span.value, style=resolve_style(style), explain=explain,
                warn=lambda m: eprint("warning: " + m))


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


PINYIN_OPT = typer.Option(
    None,
    "--pinyin",
    help="Your pronunciations for the neural voice, one 'word<TAB>pinyin' per line with tone numbers "
    "(万俟<TAB>mo4 qi2); default: pinyin.txt beside your terms dictionary (~/.config/subtoolkit/pinyin.txt) when it "
    "exists.",
)


def load_pinyin(path: Optional[Path]):
    """The pronunciation dictionary's entries: ``path``, else the default file when it exists
    (with a note saying so), else none. Read before anything renders, so a bad line stops the run
    at once."""
    from subtoolkit.cli.app import eprint
    from subtoolkit.tts.pinyin import default_pinyin_dict, load_pinyin_dict

    if path is None:
        default = default_pinyin_dict()
        if not default.is_file():
            return ()
        path = default
        eprint(f"note: using your pronunciations {path}")
    return load_pinyin_dict(path)
