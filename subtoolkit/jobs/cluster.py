"""``build FOLDER --scheduler ADDRESS``: the folder's scripts built on a Dask ``distributed`` cluster.

An archive of thousands of episodes outgrows one workstation, and scheduling work across
machines, noticing a dead worker and running its tasks again elsewhere is what Dask's scheduler
already does well; so each script becomes one Dask task running the same :func:`build_worker`
as a local folder build. What that gives, and what it asks:

- all-or-nothing per script, as locally: the build writes into a hidden ``.partial`` folder
  beside its target and renames it into place when it is finished. A worker killed mid-build
  leaves such a folder behind; the scheduler runs the task again on another worker (Dask's
  ``allowed-failures``, 3 by default), and the leftovers of this batch's scripts are removed
  once it is over. A script whose workers keep dying is reported as failed, never dropped;
- paths are sent as absolute paths, so the scripts, the output folder and ``--cache-dir`` must
  be where every worker sees them under the same path (a shared filesystem). Workers sharing
  the voice cache folder share rendered segments (the cache writes each entry atomically);
- progress comes back as Dask events (``log_event`` on the worker, ``subscribe_topic`` here),
  so the bar is the same as a local build's;
- workers run the same subtoolkit version in an environment with its voices installed.

``distributed`` is the optional extra ``subtoolkit[cluster]`` and is imported only here.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from subtoolkit.errors import InputError
from subtoolkit.jobs.build import BuildOptions, BuildResult, build_reported

Progress = Callable[[str, str, float, str], None]  # (script path, stage, fraction done, worker address or "")


def build_remote(path: Path, options: BuildOptions, topic: str) -> BuildResult:
    """The task a worker runs for one script: a local build, with progress sent as events."""
    from distributed import get_worker

    worker = get_worker()

    def progress(stage: str, frac: float) -> None:
        worker.log_event(topic, {"script": str(path), "stage": stage, "frac": frac, "worker": worker.address})

    return build_reported(path, options, progress)


def _client(address: str, timeout: float):
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            "--scheduler needs Dask's distributed package",
            hint="install the cluster extra: pip install 'subtoolkit[cluster]'",
        ) from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError(
            f"no Dask scheduler answers at {address} ({type(exc).__name__})",
            hint="give the address the scheduler prints, e.g. tcp://HOST:8786",
        ) from None


def build_on_cluster(
    paths: Sequence[Path],
    options: BuildOptions,
    address: str,
    progress: Progress | None = None,
    *,
    timeout: float = 30.0,
) -> list[BuildResult]:
    """Build every script on the cluster at ``address``; results in the order of ``paths``."""
    from distributed import as_completed

    paths = [p.resolve() for p in paths]
    options = replace(
        options,
        out_root=options.out_root.resolve(),
        cache_dir=options.cache_dir.resolve() if options.cache_dir else None,
        calibrate=options.calibrate.resolve() if options.calibrate else None,
    )
    topic = f"subtoolkit-build-{uuid.uuid4().hex}"
    client = _client(address, timeout)
    try:
        if progress is not None:
            def relay(event: tuple[float, dict]) -> None:
                _, msg = event
                progress(msg["script"], msg["stage"], msg["frac"], msg["worker"])

            client.subscribe_topic(topic, relay)
        # pure=False: the same script built twice is two builds; the key names the script for Dask's dashboard
        futures = [
            client.submit(build_remote, p, options, topic, pure=False,
                          key=f"subtoolkit-build-{p.name}-{uuid.uuid4().hex[:8]}")
            for p in paths
        ]
        by_key = {f.key: (n, p) for n, (f, p) in enumerate(zip(futures, paths))}
        results: list[BuildResult | None] = [None] * len(paths)
        for future in as_completed(futures, loop=client.loop):
            n, path = by_key[future.key]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after repeated worker deaths
                why = f"{type(exc).__name__}: {exc}"
                result = BuildResult(script=path, ok=False, error=f"{path}: the cluster gave up on it: {why}")
            results[n] = result
            if progress is not None:
                progress(str(path), "done" if result.ok else "FAILED", 1.0, "")
        if progress is not None:
            client.unsubscribe_topic(topic)
    finally:
        client.close()
    _remove_leftovers(paths, options.out_root)
    return [r for r in results if r is not None]


def _remove_leftovers(paths: Sequence[Path], out_root: Path) -> None:
    """Partial folders a killed worker left for these scripts (their builds are over by now)."""
    if not out_root.is_dir():
        return
    for p in paths:
        for leftover in out_root.glob(f".{p.stem}.partial-*"):
            shutil.rmtree(leftover, ignore_errors=True)
