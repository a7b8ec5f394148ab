"""The typer application object and the error boundary shared by every command."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer
from typer.exceptions import TyperException

from subtoolkit import __version__
from subtoolkit.errors import Diagnostic, SubtoolkitError

if TYPE_CHECKING:
    from rich.console import Console

P = ParamSpec("P")
R = TypeVar("R")

HELP = """\
Turn a Chinese documentary narration script (解说词) into production deliverables.

The script is split into typed blocks (narration, interviews, captions, headings); from those come subtitle files with believable timings, a scratch voiceover and Traditional Chinese variants. Everything runs offline by default.

[bold]Examples[/bold]

  subtoolkit build seeds/shengming-zhongyu-taishan.txt --variants s2twp,s2hk
  subtoolkit parse seeds/shengming-zhongyu-taishan.txt --json > blocks.json
  subtoolkit subtitles script.docx --fps 23.976 --start 01:00:00:00
  subtoolkit voiceover script.txt --engine espeak --format mp3
  subtoolkit check delivery.zh-Hans.srt
"""  # noqa: E501 - one paragraph a line: typer keeps line breaks in --help

app = typer.Typer(
    name="subtoolkit",
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"subtoolkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Root options."""


def eprint(message: str) -> None:
    """One plain line on stderr (no rich markup: paths and Chinese text print as they are)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def stdout_console() -> Console:
    """The rich console for stdout. Piped or redirected, stdout gets lines as long as they are:
    rich would otherwise wrap at 80 columns and split paths that a script or the next program reads."""
    from rich.console import Console

    console = Console()
    if console.is_terminal:
        return console
    return Console(width=NO_WRAP_WIDTH, soft_wrap=True)


NO_WRAP_WIDTH = 100_000  # "unlimited" for rich, which needs a number


def report_warnings(warnings: tuple[Diagnostic, ...] | list[Diagnostic], path: str | None = None) -> None:
    for w in warnings:
        eprint("warning: " + w.render(path))


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn :class:`SubtoolkitError` into ``path:line: what; hint`` on stderr and exit code 1.

    Anything else is a bug: one line on stderr and exit code 70, with the traceback only when
    ``SUBTOOLKIT_DEBUG`` is set (users get a clear line, developers get the stack).
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SubtoolkitError as exc:
            eprint("error: " + exc.render())
            raise typer.Exit(code=1) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, TyperException):
            raise  # usage errors keep click's own message and exit code 2
        except Exception as exc:  # noqa: BLE001 - the boundary of the program
            if os.environ.get("SUBTOOLKIT_DEBUG"):
                raise
            eprint(f"error: internal error: {type(exc).__name__}: {exc}; rerun with SUBTOOLKIT_DEBUG=1 and report it")
            raise typer.Exit(code=70) from None

    return wrapper


def main() -> None:
    """Console-script entry point (and ``python -m subtoolkit``): one command, then the process ends.

    Help and usage errors are rendered without rich's Markdown and Traceback modules, which typer
    loads but never uses for us (see :mod:`subtoolkit.cli.lighthelp`).

    The garbage collector is set for a single command. The jobs load large dictionaries (the front
    end's words and pinyin: some 400,000 containers that every full collection walks again) and
    then make few reference cycles, so collections are made rarer (an alignment of a 10-minute
    session spent 0.17 s CPU collecting, nearly all of it finding nothing; now 0.03 s). And what
    is alive when the command returns is frozen, so the interpreter's own collections on the way
    out skip it (0.15 s of that alignment's exit). Only this process entry does it: code that
    imports the package, tests included, keeps the defaults.
    """
    import gc

    from subtoolkit.cli import lighthelp

    lighthelp.install()
    gc.set_threshold(20_000, 20, 20)
    try:
        app()
    finally:
        gc.freeze()
