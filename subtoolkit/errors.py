"""One error hierarchy for the whole toolkit.

Every error a user can cause carries structured fields (path, line, what, hint) so that the CLI
prints one line ``path:line: what; hint`` on stderr instead of a traceback, and so that callers
using the library can branch on the fields rather than parse messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class SubtoolkitError(Exception):
    """Base class of every error raised on purpose by subtoolkit."""

    def __init__(
        self,
        what: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.what = what
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """``path:line: what; hint`` with the parts that are known."""
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        tail = f"; {self.hint}" if self.hint else ""
        return f"{where}{self.what}{tail}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only fields would be lost by the default pickling of exceptions, and the
        # folder build runs scripts in worker processes that send errors back.
        return (_rebuild, (type(self), self.what, self.path, self.line, self.hint))


def _rebuild(
    cls: type[SubtoolkitError], what: str, path: str | None, line: int | None, hint: str | None
) -> SubtoolkitError:
    return cls(what, path=path, line=line, hint=hint)


class InputError(SubtoolkitError):
    """The input file cannot be read as a script: missing, binary, empty, undecodable."""


class ScriptError(SubtoolkitError):
    """The script was read but its structure is broken (unterminated bracket, orphan speaker)."""


class ProfileError(SubtoolkitError):
    """A subtitle profile file is missing or malformed."""


class TimelineError(SubtoolkitError):
    """A timeline has hard problems and writing it was refused."""


class OutputError(SubtoolkitError):
    """An output file could not be written."""


class ConvertError(SubtoolkitError):
    """A Simplified/Traditional conversion could not be carried out."""


class VoiceError(SubtoolkitError):
    """A text-to-speech engine failed for good (after retries)."""


@dataclass(frozen=True)
class Diagnostic:
    """A recoverable oddity: reported to the user, never fatal on its own."""

    what: str
    line: int | None = None
    hint: str | None = None
    path: str | None = None

    def render(self, path: str | None = None) -> str:
        p = path if path is not None else self.path
        where = ""
        if p is not None:
            where = p + (f":{self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        tail = f"; {self.hint}" if self.hint else ""
        return f"{where}{self.what}{tail}"
