"""The timeline as JSON: what later tools, the report and the player read.

The text is ``json.dumps(timeline.to_json(), ensure_ascii=False, indent=1)`` with the cues in time
order, to the byte (a test holds the two together). It is not made by that call: with ``indent``
set, ``json`` falls back from its C encoder to the pure-Python one, which visits every key, value
and bracket of every cue in turn. Here each cue is one %-format of its documented shape, and only
the strings, which need escaping, go through ``json``'s own (C) string encoder.
"""

from __future__ import annotations

import json
from dataclasses import replace
from json.encoder import encode_basestring  # what json.dumps quotes a str with when ensure_ascii=False

from subtoolkit.subtitles.formats.common import BY_TIME, TrackOptions
from subtoolkit.model import BlockKind, Timeline

# a cue as Cue.to_json gives it, at indent=1 inside the top-level "cues" list
_CUE = '  {\n   "start_ms": %d,\n   "end_ms": %d,\n   "block": %d,\n   "kind": %s,\n   "lines": [\n    %s\n   ]\n  }'
_CUE_NO_LINES = '  {\n   "start_ms": %d,\n   "end_ms": %d,\n   "block": %d,\n   "kind": %s,\n   "lines": []\n  }'
_KIND = {k: encode_basestring(k.value) for k in BlockKind}


def compose_json(timeline: Timeline, options: TrackOptions = TrackOptions()) -> str:
    """All cues of every kind, in time order (ties in timeline order), in the documented shape."""
    # the top-level fields are the model's own, so a field added there is written here too
    head = replace(timeline, cues=()).to_json()
    del head["cues"]  # the last key: the cues follow the other fields
    top = json.dumps(head, ensure_ascii=False, indent=1)
    cues = sorted(timeline.cues, key=BY_TIME)
    if not cues:
        return top[:-2] + ',\n "cues": []\n}\n'
    kind = _KIND
    quote = encode_basestring
    parts = [
        _CUE % (c.start_ms, c.end_ms, c.block, kind[c.kind], ",\n    ".join(map(quote, c.lines))) if c.lines
        else _CUE_NO_LINES % (c.start_ms, c.end_ms, c.block, kind[c.kind])
        for c in cues
    ]
    return top[:-2] + ',\n "cues": [\n' + ",\n".join(parts) + "\n ]\n}\n"
