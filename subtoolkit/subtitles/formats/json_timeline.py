"""The timeline as JSON: what later tools, the report and the player read."""

from __future__ import annotations

import json

from subtoolkit.subtitles.formats.common import TrackOptions
from subtoolkit.model import Timeline


def compose_json(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """All cues of every kind, in time order, in the documented shape."""
    data = timeline.to_json()
    data["cues"].sort(key=lambda c: (c["start_ms"], c["end_ms"]))
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
