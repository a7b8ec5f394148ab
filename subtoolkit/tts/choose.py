"""Choosing the engine for a run: ``edge``, ``espeak`` or ``auto``.

``auto`` asks the edge service for a tiny rendering once, before anything else; if that fails
it warns and uses espeak for the whole run. The choice is never revisited mid-run: a track
that switched voices half-way would be useless to an editor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from subtoolkit.errors import VoiceError
from subtoolkit.tts.base import Engine

EngineName = Literal["edge", "espeak", "auto"]
ENGINES: tuple[str, ...] = ("edge", "espeak", "auto")


def make_engine(name: str, *, concurrency: int | None = None, **edge_options: Any) -> Engine:
    """A concrete engine by name (not ``auto``: see :func:`choose_engine`)."""
    if name == "espeak":
        from subtoolkit.tts.espeak import EspeakEngine

        return EspeakEngine()
    if name == "edge":
        from subtoolkit.tts.edge import DEFAULT_CONCURRENCY, EdgeEngine

        return EdgeEngine(concurrency=concurrency or DEFAULT_CONCURRENCY, **edge_options)
    raise VoiceError(f"unknown engine {name!r}", hint="use edge, espeak or auto")


async def choose_engine(
    name: str,
    *,
    concurrency: int | None = None,
    probe_timeout: float = 5.0,
    warn: Callable[[str], None] | None = None,
    **edge_options: Any,
) -> Engine:
    """The engine for this run. For ``auto``: edge if its service answers within
    ``probe_timeout`` seconds, otherwise espeak, with ``warn`` told why."""
    if name != "auto":
        return make_engine(name, concurrency=concurrency, **edge_options)
    from subtoolkit.tts.edge import DEFAULT_CONCURRENCY, EdgeEngine

    edge = EdgeEngine(concurrency=concurrency or DEFAULT_CONCURRENCY, **edge_options)
    problem = await edge.probe(timeout=probe_timeout)
    if problem is None:
        return edge
    if warn is not None:
        warn(f"the edge-tts service did not answer ({problem}); using the offline espeak voice for this run")
    return make_engine("espeak")
