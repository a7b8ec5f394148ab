"""The one way a job commits its outputs: staged beside the targets, renamed into place together.

A job opens :class:`Outputs` on its output folder *before any work* (so a folder that cannot be
written is refused in one line before minutes of rendering), writes every file into
:attr:`Outputs.stage` with the ordinary writers, and calls :meth:`Outputs.commit` once everything
is written and checked. Until then nothing in the output folder has changed; if the job fails,
the staging folder goes and earlier outputs survive untouched. The commit itself renames one
file after another (each rename atomic) and puts the replaced files back if a rename fails, so a
folder never holds half of one run and half of another.

Two shapes:

- ``Outputs(folder)``: the files land *in* ``folder`` beside whatever else is there
  (``subtitles``, ``voiceover``, ``align``); the staging folder lives inside it.
- ``Outputs(folder, whole=True)``: ``folder`` *is* the deliverable and is replaced as a whole
  (``build``: a rebuild leaves no file of the previous build behind); the staging folder is its
  sibling.

Staging folders are named as temporaries of ours (:mod:`subtoolkit.fsio`), so one left by a
killed run is removed by the next.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import TracebackType

from subtoolkit.fsio import cannot_write, ensure_folder, make_temp_dir, temp_prefix


class Outputs:
    """A set of output files committed together (see the module docstring)."""

    def __init__(self, folder: str | Path, *, whole: bool = False) -> None:
        self.folder = Path(folder)
        self.whole = whole
        self._created = not self.folder.exists() and not whole
        if whole:
            ensure_folder(self.folder.parent)
            if self.folder.exists() and not self.folder.is_dir():
                raise cannot_write(self.folder, NotADirectoryError())
        else:
            ensure_folder(self.folder)
        self.stage = make_temp_dir(self.folder if whole else self.folder / "outputs")
        self.committed: list[Path] = []

    # -- naming -------------------------------------------------------------------------------

    def path(self, name: str) -> Path:
        """Where a writer puts the file that becomes ``folder / name``."""
        return self.stage / name

    def final(self, staged: Path) -> Path:
        """The committed path of a file written at ``staged``."""
        return self.folder / Path(staged).relative_to(self.stage)

    # -- commit -------------------------------------------------------------------------------

    def commit(self) -> list[Path]:
        """Move every staged file into place; returns the committed paths (sorted by name)."""
        if self.whole:
            self._swap_folder()
            self.committed = sorted(self.folder.iterdir())
        else:
            self.committed = self._move_files()
        return self.committed

    def _move_files(self) -> list[Path]:
        staged = sorted(p for p in self.stage.iterdir())
        for p in staged:  # a folder of the user's is never replaced by a file of ours
            dest = self.folder / p.name
            if dest.is_dir() and not dest.is_symlink():
                raise cannot_write(dest, IsADirectoryError(21, "a folder is in the way"))
        replaced = Path(self.stage.parent / f"{temp_prefix(self.stage.name)}old.stage")
        moved: list[Path] = []
        saved: list[Path] = []
        try:
            for p in staged:
                dest = self.folder / p.name
                if dest.exists() or dest.is_symlink():
                    replaced.mkdir(exist_ok=True)
                    os.replace(dest, replaced / p.name)
                    saved.append(replaced / p.name)
                os.replace(p, dest)
                moved.append(dest)
        except OSError as exc:
            for dest in moved:
                _remove(dest)
            for old in saved:
                os.replace(old, self.folder / old.name)
            raise cannot_write(self.folder / p.name, exc) from None
        finally:
            shutil.rmtree(replaced, ignore_errors=True)
        shutil.rmtree(self.stage, ignore_errors=True)
        return moved

    def _swap_folder(self) -> None:
        """Replace ``folder`` with the staged one; the old one goes only once the new one is in."""
        old = self.folder.parent / f"{temp_prefix(self.folder.name)}old.stage"
        had_old = self.folder.exists()
        try:
            if had_old:
                os.replace(self.folder, old)
            try:
                os.replace(self.stage, self.folder)
            except OSError:
                if had_old:
                    os.replace(old, self.folder)
                raise
        except OSError as exc:
            raise cannot_write(self.folder, exc) from None
        if had_old:
            shutil.rmtree(old, ignore_errors=True)

    # -- lifetime -----------------------------------------------------------------------------

    def discard(self) -> None:
        """Drop everything staged; the output folder is as it was before the job."""
        shutil.rmtree(self.stage, ignore_errors=True)
        if self._created:
            try:
                self.folder.rmdir()  # only if the job made it and nothing else is in it
            except OSError:
                pass

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None or not self.committed:
            if self.stage.exists():
                self.discard()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
