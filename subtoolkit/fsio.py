"""Atomic file writes: a reader never sees a half-written deliverable.

Every output goes to a temporary file in the destination folder and is renamed over the target
with :func:`os.replace`, which is atomic on POSIX and Windows within one file system. A failure
part-way leaves the previous file (or nothing) in place and removes the temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from subtoolkit.errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates 0600 files; a deliverable should get the permissions open() would give it
_UMASK = _umask()
FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` if the block succeeds.

    For writers that want a path (pydub's export, python-docx's save) rather than a stream.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write ({exc.strerror})", path=str(target), hint="check the output folder") from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | Path, text: str, *, eol: str = "\n", bom: bool = False, encoding: str = "utf-8") -> Path:
    """Write ``text`` (with ``\\n`` line ends) atomically, converting line ends to ``eol``."""
    if eol != "\n":
        text = text.replace("\n", eol)
    data = text.encode(encoding)
    if bom and encoding.lower().replace("-", "") == "utf8":
        data = b"\xef\xbb\xbf" + data
    return write_bytes(target, data)


@contextmanager
def open_atomic(target: str | Path, mode: str = "w", **kwargs: object) -> Iterator[IO[str]]:
    """Like ``open(target, mode)`` but renamed into place only when the block succeeds."""
    with atomic_path(target) as tmp:
        with open(tmp, mode, **kwargs) as fh:  # type: ignore[call-overload]
            yield fh
