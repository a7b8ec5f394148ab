"""The one progress display of the jobs: a transient bar on stderr fed by ``progress(stage, fraction)``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from subtoolkit.jobs.base import Progress


def _columns() -> tuple[object, ...]:
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

    return TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[stage]}"), TimeElapsedColumn()


@contextmanager
def stage_bar(label: str) -> Iterator[Progress]:
    """A bar named ``label`` for one job; yields the job's ``progress`` callable."""
    from rich.progress import Progress as Bar

    with Bar(*_columns(), transient=True) as bar:  # type: ignore[arg-type]
        task = bar.add_task(label, total=1.0, stage="")
        yield lambda stage, frac: bar.update(task, completed=frac, stage=stage)


def watched() -> bool:
    """Whether stdout is a terminal that shows a live bar: rich's own test, without importing rich.

    A folder build asks before it starts its workers, which then send their stages only if so.
    """
    import os
    import sys

    tty = os.environ.get("TTY_COMPATIBLE", "")
    if tty in ("0", "1"):
        return tty == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class BatchBar:
    """The display of a batch of jobs (``build`` over a folder, locally or on a cluster): one row for
    the whole batch, one for each job while it runs, and one for each job that failed.

    A row per job of the batch, finished or not, cost the command about 20 ms per redraw at 50 scripts
    (and more with each script), ten times a second in a terminal: a fifth of a core taken from the
    workers on a two-core machine. Rows come and go, so a redraw costs what the running jobs do. Each
    job is still listed in the summary printed after the batch.
    """

    def __init__(self, total: int, noun: str = "scripts", live: bool | None = None) -> None:
        from rich.progress import Progress as Bar

        # Redrawn only where someone watches (``live``, by default :func:`watched`): piped (a log, a
        # cron job) rich shows the last state once.
        live = watched() if live is None else live
        self.bar = Bar(*_columns(), auto_refresh=live, refresh_per_second=4)  # type: ignore[arg-type]
        self.total = total
        self.noun = noun
        self.done = 0
        self.failed = 0
        self.rows: dict[str, Any] = {}
        self.finished: set[str] = set()
        self.overall = self.bar.add_task(f"{total} {noun}", total=total, stage=self._count())

    def _count(self) -> str:
        return f"{self.done} done" + (f", {self.failed} failed" if self.failed else "")

    def update(self, key: str, stage: str, frac: float, label: str | None = None) -> None:
        """Job ``key`` (shown as ``label``, else its file name) is at ``stage``; news of a finished job is ignored."""
        if key in self.finished:
            return
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = self.bar.add_task(label or Path(key).name, total=1.0, stage=stage)
        self.bar.update(row, completed=frac, stage=stage)

    def finish(self, key: str, ok: bool, label: str | None = None) -> None:
        """Job ``key`` is over: its row leaves the display, or stays marked FAILED."""
        if key in self.finished:
            return
        self.finished.add(key)
        row = self.rows.pop(key, None)
        if ok:
            self.done += 1
            if row is not None:
                self.bar.remove_task(row)
        else:
            self.failed += 1
            if row is None:
                row = self.bar.add_task(label or Path(key).name, total=1.0, stage="")
            self.bar.update(row, completed=1.0, stage="FAILED")
        self.bar.update(self.overall, completed=self.done + self.failed, stage=self._count())

    def __enter__(self) -> BatchBar:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]
