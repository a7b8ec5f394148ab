"""The timeline as JSON: what later tools, the report and the player read."""

from __future__ import annotations

import json
from typing import Any

from subtoolkit.subtitles.formats.common import TrackOptions
from subtoolkit.model import Timeline

_string = json.encoder.encode_basestring  # json's own (C) string encoder


def compose_json(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """All cues of every kind, in time order, in the documented shape.

    The text is ``json.dumps(data, ensure_ascii=False, indent=1)``. With an indent the json
    module encodes in pure Python, value by value; a timeline's usual shape (scalar fields,
    then cues that hold scalars and lists of strings) is formatted here instead, a cue at a
    time, to the same text; any other shape is left to json.
    """
    data = timeline.to_json()
    data["cues"].sort(key=lambda c: (c["start_ms"], c["end_ms"]))
    *fields, last = data
    cues = data["cues"]
    if last != "cues" or not all(_scalar(data[k]) for k in fields) or not all(map(_flat_cue, cues)):
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    lines = [f" {_string(k)}: {_scalar_text(data[k])}" for k in fields]
    lines.append(' "cues": [\n' + ",\n".join(map(_cue, cues)) + "\n ]" if cues else ' "cues": []')
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float))  # bool is an int


def _scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return str(_string(value))
    return int.__repr__(value) if type(value) is int else json.dumps(value)  # bool, None, float: as json does


def _flat_cue(cue: Any) -> bool:
    """A cue :func:`_cue` writes: a non-empty object of scalars and lists of strings."""
    return isinstance(cue, dict) and bool(cue) and all(
        _scalar(v) or (isinstance(v, list) and all(isinstance(s, str) for s in v)) for v in cue.values())


def _cue(cue: dict[str, Any]) -> str:
    """One cue at the depth json.dumps(indent=1) puts it: braces at two spaces, fields at three."""
    fields = []
    for key, value in cue.items():
        if isinstance(value, list):
            text = "[\n    " + ",\n    ".join(map(_string, value)) + "\n   ]" if value else "[]"
        else:
            text = _scalar_text(value)
        fields.append(f"   {_string(key)}: {text}")
    return "  {\n" + ",\n".join(fields) + "\n  }"
