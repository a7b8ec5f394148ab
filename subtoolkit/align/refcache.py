"""Analysed synthetic readings on disk: a second alignment of the same script synthesises nothing.

The reference reading is the dearest part of an alignment that has no recording in it (the
neural voice's acoustic model about 0.2 s of CPU per minute of narration, its features taken from
its mel spectrogram without the vocoder, :mod:`subtoolkit.align.melref`; espeak about as much),
and it only depends on the text and the voice. So each cue's analysed reading (its frames, length
and sound edges: what :class:`~subtoolkit.align.reference.CueReference` holds, a sixth of the
size of its audio) is kept under the user's cache folder, keyed by everything it depends on:
the voice and its version, its pace, the text, and :data:`REVISION` of the analysis. Editing a
script re-reads only the cues whose text changed; a new voice or analysis reads everything again.

An entry is written atomically and a damaged or foreign one counts as a miss, so a cache never
breaks an alignment; it only makes one faster.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from subtoolkit.align.reference import CueReference
from subtoolkit.audio.features import N_MELS, Frames

REVISION = 1
"""Bumped whenever the reference's analysis changes (features, dither, rates): old entries then miss."""


def default_root() -> Path:
    """``<user cache folder>/align-reference`` (``$SUBTOOLKIT_CACHE_DIR`` moves it)."""
    from subtoolkit.paths import cache_dir

    return cache_dir() / "align-reference"


@dataclass
class ReferenceCache:
    """Analysed cue readings of one voice (``identity``: its name, version and pace) under ``root``."""

    root: Path
    identity: str
    read: bool = True
    """``False``: every lookup misses (a forced re-reading) but what is read is still stored."""
    hits: int = 0
    misses: int = 0
    writes: int = 0

    def key(self, text: str) -> str:
        """The entry's name: a hash of the analysis revision, the voice's identity and the text.

        >>> c, other = ReferenceCache(Path("."), "espeak 1.52 +0"), ReferenceCache(Path("."), "neural")
        >>> len(c.key("你好")), c.key("你好") == c.key("你好"), c.key("你好") == other.key("你好")
        (64, True, False)
        """
        blob = f"align-reference r{REVISION}\0{self.identity}\0{text}".encode()
        return hashlib.sha256(blob).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.npz"

    def get(self, text: str) -> CueReference | None:
        """The cached analysis of ``text``, or ``None`` (also for a damaged or foreign entry)."""
        key = self.key(text)
        if not self.read:
            self.misses += 1
            return None
        try:
            with np.load(self._path(key), allow_pickle=False) as z:
                if str(z["key"]) != key:
                    raise ValueError("foreign entry")
                energy = np.asarray(z["energy_db"], dtype=np.float32)
                logmel = np.asarray(z["logmel"], dtype=np.float32)
                duration, onset, offset = (float(v) for v in z["times"])
            if logmel.shape != (len(energy), N_MELS):
                raise ValueError("wrong shape")
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
            self.misses += 1
            return None
        self.hits += 1
        frames = Frames(energy, np.zeros(len(energy), dtype=np.float32), logmel)
        return CueReference(text, frames, duration, onset, offset)

    def put(self, ref: CueReference) -> None:
        """Store one cue's analysis (atomically: a reader never sees half an entry)."""
        from subtoolkit.errors import OutputError
        from subtoolkit.fsio import write_bytes

        key = self.key(ref.text)
        buf = io.BytesIO()
        np.savez(buf, key=np.asarray(key), energy_db=ref.frames.energy_db.astype(np.float32),
                 logmel=ref.frames.logmel.astype(np.float32),
                 times=np.asarray([ref.duration_ms, ref.onset_ms, ref.offset_ms], dtype=np.float64))
        try:
            write_bytes(self._path(key), buf.getvalue())
        except (OSError, OutputError):
            return  # a full or read-only cache folder costs speed, never the alignment
        self.writes += 1
