"""The voice layer: TTS engines, a render cache, and the audio timeline of a scratch voiceover.

Typical use (the ``voiceover`` command does this)::

    from subtoolkit.tts import SegmentRequest, RenderCache, choose_engine, render_segments

    engine = await choose_engine("auto", warn=print)
    result = await render_segments(segments, engine, cache=RenderCache(), progress=bar.update)
    result.export("x.voiceover.wav"); result.write_manifest("x.voiceover.manifest.json")

Everything is in one internal format (24 kHz mono s16, :mod:`subtoolkit.tts.base`). Heavy
libraries (edge_tts, aiohttp, pydub, numpy) are imported only when a function needs them, and
the names below are resolved lazily so that ``import subtoolkit.tts`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "SAMPLE_RATE": "base",
    "Audio": "base",
    "Boundary": "base",
    "Engine": "base",
    "SegmentFailed": "base",
    "SegmentKind": "base",
    "SegmentRequest": "base",
    "Synthesis": "base",
    "parse_rate": "base",
    "format_rate": "base",
    "EspeakEngine": "espeak",
    "EdgeEngine": "edge",
    "RetryPolicy": "edge",
    "RenderCache": "cache",
    "cache_key": "cache",
    "default_cache_dir": "cache",
    "Track": "assemble",
    "TrackPart": "assemble",
    "Placement": "assemble",
    # ``assemble`` the function is not exported here: the submodule of the same name would
    # shadow it as soon as anything imports ``subtoolkit.tts.assemble``.
    "export_track": "assemble",
    "RenderProgress": "render",
    "RenderResult": "render",
    "RenderSummary": "render",
    "RenderedSegment": "render",
    "render_segments": "render",
    "render_segments_sync": "render",
    "choose_engine": "choose",
    "make_engine": "choose",
    "SpeechRegion": "subtoolkit.audio.onset",
    "speech_regions": "subtoolkit.audio.onset",
    "speech_span": "subtoolkit.audio.onset",
    "speech_onsets": "subtoolkit.audio.onset",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    qualified = module if "." in module else f"{__name__}.{module}"
    value = getattr(import_module(qualified), name)
    globals()[name] = value
    return value
