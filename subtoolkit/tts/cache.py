"""A content-addressed cache of rendered segments.

The key is a hash of everything that decides how a segment sounds: engine, engine version,
voice, rate, the text the engine actually speaks (:meth:`Engine.prepare`) and the internal PCM
format. Editing one paragraph changes only its segments' keys, so only they are rendered again;
a run that failed half-way finds the finished segments here and resumes.

Each entry is two files under ``<root>/<2 hex>/``: ``<key>.wav`` (internal PCM) and
``<key>.json`` (boundaries and what produced it). Both are written atomically, the JSON last,
and an entry counts only when the JSON exists and the WAV has the sample count it records, so
a crash can leave garbage but never a hit on partial audio.
"""

from __future__ import annotations

import hashlib
import json
import wave
from dataclasses import dataclass
from pathlib import Path

from subtoolkit import fsio
from subtoolkit.audio.format import CHANNELS, PCM_FORMAT, SAMPLE_RATE, SAMPLE_WIDTH, Audio
from subtoolkit.tts.base import Boundary, Engine, Synthesis

SCHEMA = 1
"""Bump when the entry layout changes; old entries then simply miss."""


def default_cache_dir() -> Path:
    """The per-user cache folder (see :func:`subtoolkit.paths.cache_dir`)."""
    from subtoolkit.paths import cache_dir

    return cache_dir()


def cache_key(engine: str, engine_version: str, voice: str, rate: int, text: str) -> str:
    """SHA-256 over the canonical JSON of what decides the sound.

    >>> k = cache_key("espeak", "1.52", "cmn", 0, "你好")
    >>> len(k), k == cache_key("espeak", "1.52", "cmn", 0, "你好"), k == cache_key("espeak", "1.52", "cmn", 5, "你好")
    (64, True, False)
    """
    payload = {
        "schema": SCHEMA,
        "engine": engine,
        "version": engine_version,
        "voice": voice,
        "rate": rate,
        "text": text,
        "pcm": PCM_FORMAT,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def segment_key(engine: Engine, voice: str, rate: int, text: str, *, version: str | None = None) -> str:
    """The key of ``engine``'s reading of ``text`` (``version``: the engine's, when already known).

    The one definition for every reader of the cache: the voiceover stores its segments under
    it and the aligner's reference voice looks its cues up with it, so a cue the voiceover has
    rendered is never synthesised again for an alignment.
    """
    return cache_key(engine.name, engine.version if version is None else version, voice, rate, engine.prepare(text))


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    writes: int


class RenderCache:
    """Rendered segments on disk.

    ``root`` defaults to ``<platform cache dir>/voice``. With ``read=False`` every lookup
    misses but renders are still stored (a forced refresh that keeps the cache useful).
    """

    def __init__(self, root: str | Path | None = None, *, read: bool = True) -> None:
        self.root = Path(root) if root is not None else default_cache_dir() / "voice"
        self.read = read
        self.hits = self.misses = self.writes = 0

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.root / key[:2]
        return folder / f"{key}.wav", folder / f"{key}.json"

    def get(self, key: str) -> Synthesis | None:
        """The cached synthesis, or ``None`` (also for a damaged or half-written entry)."""
        if not self.read:
            self.misses += 1
            return None
        wav_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("schema") != SCHEMA or meta.get("key") != key:
                raise ValueError("foreign entry")
            with wave.open(str(wav_path), "rb") as w:
                if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (SAMPLE_RATE, CHANNELS, SAMPLE_WIDTH):
                    raise ValueError("wrong format")
                pcm = w.readframes(w.getnframes())
            if len(pcm) != meta["samples"] * SAMPLE_WIDTH or not pcm:
                raise ValueError("truncated audio")
            bounds = tuple(Boundary.from_json(b) for b in meta.get("boundaries", []))
        except (OSError, ValueError, KeyError, TypeError, EOFError, wave.Error):
            self.misses += 1
            return None
        self.hits += 1
        return Synthesis(Audio(pcm), bounds, requests=0)

    def put(self, key: str, synthesis: Synthesis, *, describe: dict[str, object] | None = None) -> None:
        """Store a finished synthesis. Empty audio is refused: it is never a valid render."""
        if synthesis.audio.samples == 0:
            raise ValueError("refusing to cache empty audio")
        wav_path, meta_path = self._paths(key)
        with fsio.atomic_path(wav_path) as tmp:
            with wave.open(str(tmp), "wb") as w:
                w.setnchannels(CHANNELS)
                w.setsampwidth(SAMPLE_WIDTH)
                w.setframerate(SAMPLE_RATE)
                w.writeframes(synthesis.audio.pcm)
        meta = {
            "schema": SCHEMA,
            "key": key,
            "samples": synthesis.audio.samples,
            "boundaries": [b.to_json() for b in synthesis.boundaries],
            **(describe or {}),
        }
        fsio.write_text(meta_path, json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
        self.writes += 1

    @property
    def stats(self) -> CacheStats:
        return CacheStats(self.hits, self.misses, self.writes)
