"""The one progress display of the jobs: a transient bar on stderr fed by ``progress(stage, fraction)``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from typing import TYPE_CHECKING

from subtoolkit.jobs.base import Progress

if TYPE_CHECKING:
    from rich.progress import Progress as Bar


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


def stage_table() -> Bar:
    """A bar per job for a batch (``build`` over a folder); kept on screen when done."""
    from rich.progress import Progress as Bar

    return Bar(*_columns())  # type: ignore[arg-type]
