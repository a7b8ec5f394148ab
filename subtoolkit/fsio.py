"""Atomic file writes: a reader never sees a half-written deliverable.

Every output goes to a temporary file in the destination folder and is renamed over the target
with :func:`os.replace`, which is atomic on POSIX and Windows within one file system. A failure
part-way leaves the previous file (or nothing) in place and removes the temporary file.

Temporaries carry a recognisable name, ``.<target>.~stk<pid>-<random>.tmp`` (``.stage`` for a
folder), so that one left behind by a killed run (``kill -9`` during the final write of an hour
of audio) is found and removed by the next run that writes into the same folder: only names of
this pattern, and only when their owner process is gone or they are older than
:data:`STALE_AFTER_S` (a pid can be reused).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from subtoolkit.errors import OutputError, SubtoolkitError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates 0600 files; a deliverable should get the permissions open() would give it
_UMASK = _umask()
FILE_MODE = 0o666 & ~_UMASK
DIR_MODE = 0o777 & ~_UMASK

STALE_AFTER_S = 7 * 24 * 3600
"""A temporary of ours whose owner pid still runs is left alone for this long (pid reuse)."""

_OURS = re.compile(r"^\..*\.~stk(\d+)-[A-Za-z0-9_]+\.(?:tmp|stage)$")
_swept: set[Path] = set()


def temp_prefix(name: str) -> str:
    """The start of a temporary's name for a target called ``name`` (see the module docstring)."""
    return f".{name}.~stk{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but is someone else's (EPERM), or cannot tell: keep it
        return True
    return True


def is_stale(path: Path, *, now: float | None = None) -> bool:
    """Whether ``path`` is a temporary of ours left behind by a run that no longer exists."""
    m = _OURS.match(path.name)
    if m is None:
        return False
    if not _pid_alive(int(m.group(1))):
        return True
    try:
        age = (now if now is not None else time.time()) - path.lstat().st_mtime
    except OSError:
        return False
    return age > STALE_AFTER_S


def sweep_stale(folder: str | Path) -> list[Path]:
    """Remove the stale temporaries of ours in ``folder`` (once per folder and process)."""
    folder = Path(folder)
    key = folder.resolve() if folder.exists() else folder
    if key in _swept:
        return []
    _swept.add(key)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        p = Path(entry.path)
        if not is_stale(p):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p)
        except OSError:
            pass  # another run got there first, or it is not ours to remove after all
    return removed


def cannot_write(target: Path, exc: OSError) -> OutputError:
    """The one error a failed write becomes: the path, what the OS said, where to look."""
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        reason = "a file is in the way of the output folder"
    return OutputError(f"cannot write ({reason})", path=str(target), hint="check the output folder")


def ensure_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its parents) or raise the one-line :class:`OutputError`."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(folder, exc) from None
    if not folder.is_dir():
        raise cannot_write(folder, NotADirectoryError())
    return folder


def make_temp_dir(target: Path) -> Path:
    """An empty folder beside ``target`` named as a temporary of ours (for staging outputs)."""
    ensure_folder(target.parent)
    sweep_stale(target.parent)
    try:
        work = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), suffix=".stage", dir=target.parent))
        os.chmod(work, DIR_MODE)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    return work


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` if the block succeeds.

    For writers that want a path (pydub's export, python-docx's save) rather than a stream.
    """
    target = Path(target)
    ensure_folder(target.parent)
    sweep_stale(target.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except OSError as exc:  # a full disk or a vanished folder: the one-line error, not a traceback
        tmp.unlink(missing_ok=True)
        raise cannot_write(target, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def encode_text(text: str, *, eol: str = "\n", bom: bool = False, encoding: str = "utf-8") -> bytes:
    """``text`` (with ``\\n`` line ends) as the bytes of a file: line ends, codec, optional BOM."""
    if eol != "\n":
        text = text.replace("\n", eol)
    data = text.encode(encoding)
    if bom and encoding.lower().replace("-", "") == "utf8":
        data = b"\xef\xbb\xbf" + data
    return data


def write_text(target: str | Path, text: str, *, eol: str = "\n", bom: bool = False, encoding: str = "utf-8") -> Path:
    """Write ``text`` (with ``\\n`` line ends) atomically, converting line ends to ``eol``."""
    return write_bytes(target, encode_text(text, eol=eol, bom=bom, encoding=encoding))



def read_user_text(
    path: str | Path, *, what: str, option: str, error: type[SubtoolkitError], source: object | None = None
) -> str:
    """A user's UTF-8 data file (with or without BOM) as text, or one ``error`` naming the file.

    Dictionaries of terms and of readings are edited by hand in whatever editor is at hand, so
    the three ways they fail (missing, unreadable, saved in a legacy encoding) get the same words
    and the line of the first bad byte, whichever dictionary it is. ``source`` is what to read
    when it is not a plain path (a packaged resource).
    """
    readable = source if source is not None else Path(path)
    try:
        data = readable.read_bytes()  # type: ignore[attr-defined]
    except FileNotFoundError:
        raise error(f"{what} not found", path=str(path), hint=f"check the {option} path") from None
    except OSError as exc:
        raise error(f"cannot read the {what} ({exc.strerror})", path=str(path)) from None
    try:
        return str(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"{what} is not UTF-8", path=str(path), line=line, hint="save it as UTF-8") from None
