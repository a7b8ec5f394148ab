"""Subtitle formats as a registry: a format is a name, a file suffix and a compose function.

Adding a format means writing ``compose_x(timeline, options) -> str`` and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from subtoolkit.subtitles.formats.common import TrackOptions
from subtoolkit.model import Timeline


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    compose: Callable[[Timeline, TrackOptions], str]
    always_utf8_no_bom: bool = False


def _registry() -> dict[str, Format]:
    from subtoolkit.subtitles.formats.json_timeline import compose_json
    from subtoolkit.subtitles.formats.srt import compose_srt
    from subtoolkit.subtitles.formats.vtt import compose_vtt

    return {
        "srt": Format("srt", ".srt", compose_srt),
        "vtt": Format("vtt", ".vtt", compose_vtt),
        "ass": Format("ass", ".ass", _compose_ass),
        "json": Format("json", ".json", compose_json, always_utf8_no_bom=True),
    }


def _compose_ass(timeline: Timeline, options: TrackOptions) -> str:
    """ASS takes the name super's length and the film's title from the track options."""
    from subtoolkit.subtitles.formats.ass import compose_ass

    super_ms = options.extra.get("name_super_ms", 4000)
    title = options.extra.get("title")
    return compose_ass(timeline, options, name_super_ms=super_ms if isinstance(super_ms, int) else 4000,
                       title=title if isinstance(title, str) else None)


FORMAT_NAMES = ("srt", "vtt", "ass", "json")


def get_format(name: str) -> Format:
    from subtoolkit.errors import SubtoolkitError

    reg = _registry()
    if name not in reg:
        raise SubtoolkitError(f"unknown subtitle format {name!r}", hint="choose from " + ", ".join(FORMAT_NAMES))
    return reg[name]
