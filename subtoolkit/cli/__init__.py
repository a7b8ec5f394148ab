"""The ``subtoolkit`` command line: typer commands that compose the pipeline stages.

Each command lives in its own module and registers itself on :data:`app`; heavy libraries
(jieba, edge-tts, pydub, OpenCC) are imported inside the commands so ``subtoolkit --help``
starts fast.
"""

from __future__ import annotations

from subtoolkit.cli.app import app, main

# Importing the command modules registers them on the app.
from subtoolkit.cli import (  # noqa: E402,F401
    align_cmd,
    build_cmd,
    check_cmd,
    convert_cmd,
    parse_cmd,
    subtitles_cmd,
    voiceover_cmd,
    voices_cmd,
)

__all__ = ["app", "main"]
