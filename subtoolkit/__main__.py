"""The ``subtoolkit`` console script and ``python -m subtoolkit``.

The console script calls :func:`main` here rather than ``subtoolkit.cli.main`` because a folder
build's worker processes are started with ``spawn``, and ``spawn`` runs the parent's main script
again in each worker (as ``__mp_main__``). Importing this module costs nothing; importing the
command line (typer, click, rich and every command) cost each worker about 0.05 s of CPU before
its first script, time a two-core folder build waits for.
"""

from __future__ import annotations


def main() -> None:
    """Run the command line (imported here, on the call, not when a worker re-runs this script)."""
    from subtoolkit.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
