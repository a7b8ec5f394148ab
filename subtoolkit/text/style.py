"""A house style: the marker words a studio writes, per kind of block, added without code.

A studio that writes ``【旁白】`` for narration or ``〔字幕〕`` for captions does not need a new parser
rule, only a word in a TOML file::

    # ~/.config/subtoolkit/style.toml  (or any file given with --style)
    [markers]
    narration = ["旁白", "播讲"]      # 【旁白】 [旁白] 旁白：  → narration
    interview = ["同期采访"]          # 【同期采访】职务 姓名  → interview
    caption = ["屏幕字"]              # 【屏幕字】2020年      → caption
    heading = ["小节"]                # 【小节】              → heading
    title = ["节目名"]                # 【节目名】…           → title
    note = ["机位", "道具"]           # 【机位】… / [机位]    → note (never voiced or shown)

    [speakers]
    presenters = ["男主持人"]         # 男主持人：…           → narration read by the presenter

Words are written in Simplified characters; Traditional scripts match them too. The file adds to
the built-in words, it never removes one. Loading is the CLI's business (this module is pure but
for :func:`load_style`, which reads one file).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from subtoolkit.errors import InputError
from subtoolkit.text.fold import fold

KINDS = ("narration", "interview", "caption", "heading", "title", "note")


@dataclass(frozen=True)
class Style:
    """Extra marker words per kind, and extra presenter labels (all folded to Simplified)."""

    narration: frozenset[str] = frozenset()
    interview: frozenset[str] = frozenset()
    caption: frozenset[str] = frozenset()
    heading: frozenset[str] = frozenset()
    title: frozenset[str] = frozenset()
    note: frozenset[str] = frozenset()
    presenters: frozenset[str] = frozenset()
    source: str | None = field(default=None, compare=False)

    def words(self) -> frozenset[str]:
        return self.narration | self.interview | self.caption | self.heading | self.title | self.note

    def kind_of(self, word: str) -> str | None:
        """The kind a marker word stands for in this style, or ``None``.

        >>> Style(narration=frozenset({"旁白"})).kind_of("旁白")
        'narration'
        """
        for kind in KINDS:
            if word in getattr(self, kind):
                return kind
        return None


NO_STYLE = Style()


def user_style_path() -> Path:
    """``style.toml`` in the user's config folder (``$XDG_CONFIG_HOME/subtoolkit``), beside the profiles."""
    from subtoolkit.paths import user_style_path as path

    return path()


def default_style() -> Style:
    """The user's style file if there is one (jobs that take no --style use it), else no style."""
    path = user_style_path()
    return load_style(path) if path.is_file() else NO_STYLE


def style_from_toml(data: dict[str, object], *, source: str) -> Style:
    """A :class:`Style` from parsed TOML, or :class:`InputError` naming the bad key."""
    unknown = set(data) - {"markers", "speakers"}
    if unknown:
        what = f"unknown table {sorted(unknown)[0]!r} in style file"
        raise InputError(what, path=source, hint="use [markers] and [speakers]")
    markers = data.get("markers", {})
    speakers = data.get("speakers", {})
    if not isinstance(markers, dict) or not isinstance(speakers, dict):
        raise InputError("[markers] and [speakers] must be tables", path=source, hint="see `subtoolkit parse --help`")
    bad = set(markers) - set(KINDS)
    if bad:
        what = f"unknown kind {sorted(bad)[0]!r} in [markers]"
        raise InputError(what, path=source, hint=f"use one of {', '.join(KINDS)}")
    if set(speakers) - {"presenters"}:
        raise InputError("unknown key in [speakers]", path=source, hint="only presenters = [...] is understood")

    def words(table: dict[str, object], key: str) -> frozenset[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            what, hint = f"{key} must be a list of non-empty strings", f'for example {key} = ["旁白"]'
            raise InputError(what, path=source, hint=hint)
        return frozenset(fold(v.strip().strip("【】[]［］〔〕〖〗()（）：:").strip()) for v in value)

    return Style(**{k: words(markers, k) for k in KINDS}, presenters=words(speakers, "presenters"), source=source)


def load_style(path: str | Path) -> Style:
    """Read a style file; any problem is one :class:`InputError` with the file and line."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such style file", path=str(p), hint="check the path given to --style") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read style file ({exc})", path=str(p), hint="save it as UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        what, hint = f"not valid TOML ({str(exc).split(' (at')[0]})", "see the example in `subtoolkit parse --help`"
        raise InputError(what, path=str(p), line=line, hint=hint) from None
    return style_from_toml(data, source=str(p))
