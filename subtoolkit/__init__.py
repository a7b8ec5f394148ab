"""subtoolkit: Chinese documentary narration scripts (解说词) to production deliverables.

The package is a pipeline of pure stages over one domain model (:mod:`subtoolkit.model`):
ingest → parse → segment → timing → convert → write. Only the edges (ingest, writers,
voice engines, the CLI) touch files, the network, audio or subprocesses.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
