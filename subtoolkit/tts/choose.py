"""Choosing the engine for a run: ``edge``, ``neural``, ``espeak``, ``auto`` or ``offline``.

``auto`` asks the edge service for a tiny rendering once, before anything else; if that fails
it uses the offline neural voice when it is installed, else espeak, and says which in one line.
``offline`` (what ``build`` uses unless told otherwise) never touches the network: the neural
voice when installed, else espeak. The choice is never revisited mid-run: a track that switched
voices half-way would be useless to an editor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from subtoolkit.errors import VoiceError
from subtoolkit.tts.base import Engine

EngineName = Literal["edge", "neural", "espeak", "auto", "offline"]
ENGINES: tuple[str, ...] = ("edge", "neural", "espeak", "auto", "offline")


def neural_installed() -> bool:
    """True when the neural voice's files and its runtime are both here (no hashing: cheap)."""
    from subtoolkit.tts.voices import find_voice, runtime_problem

    return runtime_problem() is None and find_voice() is not None


def offline_engine_name() -> str:
    """The best offline engine here: ``neural`` when installed, else ``espeak``."""
    return "neural" if neural_installed() else "espeak"


def make_engine(name: str, *, concurrency: int | None = None, pinyin: Sequence[Any] = (),
                **edge_options: Any) -> Engine:
    """A concrete engine by name (``offline`` resolves here; ``auto``: see :func:`choose_engine`).

    ``pinyin`` (pronunciation dictionary entries) only matters to the neural engine.
    """
    if name == "offline":
        name = offline_engine_name()
    if name == "espeak":
        from subtoolkit.tts.espeak import EspeakEngine

        return EspeakEngine()
    if name == "neural":
        from subtoolkit.tts.neural import NeuralEngine

        if not neural_installed():
            from subtoolkit.tts.voices import runtime_problem

            raise VoiceError(runtime_problem() or "the neural voice is not installed",
                             hint="run: subtoolkit voices install")
        return NeuralEngine(pinyin=pinyin, workers=concurrency)
    if name == "edge":
        from subtoolkit.tts.edge import DEFAULT_CONCURRENCY, EdgeEngine

        return EdgeEngine(concurrency=concurrency or DEFAULT_CONCURRENCY, **edge_options)
    raise VoiceError(f"unknown engine {name!r}", hint="use edge, neural, espeak, auto or offline")


async def choose_engine(
    name: str,
    *,
    concurrency: int | None = None,
    probe_timeout: float = 5.0,
    warn: Callable[[str], None] | None = None,
    pinyin: Sequence[Any] = (),
    **edge_options: Any,
) -> Engine:
    """The engine for this run. For ``auto``: edge if its service answers within
    ``probe_timeout`` seconds, otherwise the neural voice if installed, otherwise espeak, with
    ``warn`` told which and why."""
    if name != "auto":
        return make_engine(name, concurrency=concurrency, pinyin=pinyin, **edge_options)
    from subtoolkit.tts.edge import DEFAULT_CONCURRENCY, EdgeEngine

    edge = EdgeEngine(concurrency=concurrency or DEFAULT_CONCURRENCY, **edge_options)
    problem = await edge.probe(timeout=probe_timeout)
    if problem is None:
        return edge
    fallback = offline_engine_name()
    if warn is not None:
        which = ("the offline neural voice (baker)" if fallback == "neural"
                 else "the offline espeak voice (the neural voice is not installed: subtoolkit voices install)")
        warn(f"the edge-tts service did not answer ({problem}); using {which} for this run")
    return make_engine(fallback, concurrency=concurrency, pinyin=pinyin)
