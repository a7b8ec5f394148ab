"""Reading subtitle files back into a Timeline, for ``check`` and for converting tracks.

pysubs2 reads SRT, VTT and ASS alike and keeps the file's order, which the validator needs to
see (an unsorted file is a fault to report, not to repair silently).
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from subtoolkit.errors import InputError
from subtoolkit.model import BlockKind, Cue, Timeline
from subtoolkit.subtitles.timecode import fps_label

_TAGS = re.compile(r"<[^>]*>")
_ASS_OVERRIDES = re.compile(r"\{[^}]*\}")


def read_timeline(path: Path, *, fps: Fraction, profile: str = "") -> Timeline:
    import pysubs2

    from subtoolkit.text.ingest import decode

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=str(path), hint="check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=str(path), hint="check the path") from None
    if not data.strip():
        raise InputError("empty file", path=str(path), hint="the subtitle file has no cues")
    text, _ = decode(data, path=str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    suffix = path.suffix.lower().lstrip(".")
    fmt = {"srt": "srt", "vtt": "vtt", "ass": "ass", "ssa": "ssa"}.get(suffix)
    try:
        subs = pysubs2.SSAFile.from_string(text, format_=fmt) if fmt else pysubs2.SSAFile.from_string(text)
    except Exception as exc:  # pysubs2 raises several unrelated types
        raise InputError(f"not a subtitle file pysubs2 can read ({type(exc).__name__})", path=str(path),
                         hint="give an .srt, .vtt or .ass file") from None
    cues = []
    for i, e in enumerate(subs.events):
        if e.is_comment or e.style == "NameSuper":
            continue  # name supers are graphics, not subtitles
        raw = _ASS_OVERRIDES.sub("", e.text) if fmt in ("ass", "ssa") else e.text
        lines = tuple(_TAGS.sub("", l) for l in raw.replace("\\n", "\\N").split("\\N"))
        styles = {"Caption": BlockKind.CAPTION, "Heading": BlockKind.HEADING, "Title": BlockKind.TITLE}
        kind = styles.get(e.style, BlockKind.NARRATION)
        cues.append(Cue(i, kind, lines, e.start, e.end))
    if not cues:
        raise InputError("no cues in the file", path=str(path), hint="is this a subtitle file?")
    return Timeline(tuple(cues), fps=float(fps_label(fps)), profile=profile)
