"""The one subtitle-file reader: SRT, WebVTT, ASS/SSA and our JSON timeline, for ``check``,
``convert``, ``--calibrate`` and the tests.

Written by hand rather than through pysubs2 because a reader for QC must not repair what it
reads: pysubs2 reads ``-00:00:01,000`` as one second, folds a cue with a garbled timing line into
the cue before it, and swaps or drops what it cannot place, so the file that reaches the
validator is not the file on disk. Here every cue is kept in file order with its number and the
file line of its timing; a cue whose timing cannot be read (garbled, negative, ending before it
starts, missing) is still a cue, marked with what is wrong, so each caller decides: ``check``
reports it, ``convert`` refuses the file or passes the cue through untouched, calibration
refuses the reference.

Overlaps, order, durations and everything else a well-formed cue can get wrong are the
validator's business (:mod:`subtoolkit.subtitles.validate`), not the reader's.

The reader also keeps *where* each cue's text sits (line index and column), so that ``convert``
changes those characters and nothing else.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from subtoolkit.errors import InputError
from subtoolkit.model import BlockKind, Cue, Timeline

# The one suffix table: which reader a file name asks for.
FORMAT_OF_SUFFIX = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ass", ".json": "json"}
SUBTITLE_SUFFIXES = tuple(FORMAT_OF_SUFFIX)
SUBTITLE_HINT = "give a subtitle file (.srt, .vtt, .ass or .ssa)"

_EOL = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True)
class Line:
    """One physical line: its content and its own line end ('' for the last line)."""

    content: str
    eol: str


def split_keep_ends(text: str) -> list[Line]:
    """Lines with their own line ends, so that joining them gives back ``text`` byte for byte.

    >>> [(l.content, l.eol) for l in split_keep_ends("a\\r\\nb\\n")]
    [('a', '\\r\\n'), ('b', '\\n'), ('', '')]
    """
    parts = _EOL.split(text)
    return [Line(parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]


@dataclass(frozen=True)
class ReadCue:
    """One cue as the file has it.

    ``number`` counts cues in file order from 1 (unreadable ones included), ``line`` is the 1-based
    file line of its timing (the ``Dialogue:`` line for ASS, the index line for an SRT cue with
    no timing line). ``text`` lists ``(line index, column)`` of each raw text line: the cue's text
    is ``lines[i].content[column:]``. ``lines`` are the display lines, markup removed.
    ``problem`` says why the cue cannot be read; then the times are ``None``.
    """

    number: int
    line: int
    start_ms: int | None
    end_ms: int | None
    lines: tuple[str, ...]
    text: tuple[tuple[int, int], ...] = ()
    style: str = ""
    speaker: str = ""
    kind: BlockKind = BlockKind.NARRATION
    problem: str | None = None


@dataclass(frozen=True)
class Stray:
    """Text outside any cue (before the first SRT cue, a block with no timing in WebVTT)."""

    line: int
    text: str


@dataclass
class SubtitleDoc:
    """A parsed subtitle file: its lines, its cues in file order, and text outside cues."""

    format: str
    lines: list[Line]
    cues: list[ReadCue] = field(default_factory=list)
    stray: list[Stray] = field(default_factory=list)

    @property
    def unreadable(self) -> list[ReadCue]:
        return [c for c in self.cues if c.problem is not None]

    @property
    def readable(self) -> list[ReadCue]:
        return [c for c in self.cues if c.problem is None]


class SubtitleFormatError(InputError):
    """The file as a whole is not the format its name says (no cues, no header, no [Events])."""


# --- timestamps ---------------------------------------------------------------------------------

_CLOCK = re.compile(r"^(-)?(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})$")
_ASS_CLOCK = re.compile(r"^(-)?(\d+):(\d{1,2}):(\d{1,2})[.](\d{1,3})$")


def _ms(stamp: str, pattern: re.Pattern[str], *, fraction_digits: int = 3) -> tuple[int | None, str | None]:
    """``(milliseconds, None)`` or ``(None, what is wrong)`` for one timestamp.

    >>> _ms("00:01:02,500", _CLOCK), _ms("-00:00:01,000", _CLOCK)[1], _ms("00:0x:1a,zzz", _CLOCK)[1]
    ((62500, None), 'negative time -00:00:01,000', "garbled timestamp '00:0x:1a,zzz'")
    """
    m = pattern.match(stamp.strip())
    if not m:
        return None, f"garbled timestamp {stamp.strip()!r}"
    sign, h, mi, s, frac = m.groups()
    if int(mi) > 59 or int(s) > 59:
        return None, f"garbled timestamp {stamp.strip()!r} (minutes and seconds run 00–59)"
    if sign:
        return None, f"negative time {stamp.strip()}"
    ms = int(frac.ljust(3, "0")[:3]) if fraction_digits == 3 else int(frac) * 10 ** (3 - len(frac))
    return ((int(h or 0) * 60 + int(mi)) * 60 + int(s)) * 1000 + ms, None


def _span(first: str, second: str, pattern: re.Pattern[str]) -> tuple[int | None, int | None, str | None]:
    start, bad_start = _ms(first, pattern)
    end, bad_end = _ms(second, pattern)
    problem = bad_start or bad_end
    if problem is None and end < start:  # type: ignore[operator]
        problem = f"ends before it starts ({first.strip()} → {second.strip()})"
    if problem is not None:
        return None, None, problem
    return start, end, None


# --- SRT ----------------------------------------------------------------------------------------

_SRT_MARKUP = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")


# A line meant as a timing line whose arrow is mistyped (->, →, —>): read as a broken timing line,
# not as text, so the cue it opens is not folded into the one before.
_ARROW_LIKE = re.compile(r"\d\s*(?:-{1,3}>|[—–]+>|→|=>)\s*-?\d")


def _is_timing(content: str) -> bool:
    return "-->" in content or _ARROW_LIKE.search(content) is not None


def _read_timing(content: str) -> tuple[int | None, int | None, str | None]:
    """Start, end and what is wrong with a timing line (SRT and WebVTT share the clock format)."""
    if "-->" not in content:
        return None, None, f"timing line without '-->' ({content.strip()!r})"
    first, second, _ = _timing_parts(content)
    return _span(first, second, _CLOCK)


def _timing_parts(content: str) -> tuple[str, str, str]:
    """``start, end, settings`` of a line holding ``-->``."""
    left, _, right = content.partition("-->")
    right = right.strip()
    end, _, settings = right.partition(" ")
    if "\t" in end:
        end, _, more = end.partition("\t")
        settings = more + settings
    return left.strip(), end, settings


def _parse_srt(doc: SubtitleDoc) -> None:
    lines = doc.lines
    cue_at: int | None = None  # timing line index of the open cue
    text: list[tuple[int, int]] = []
    timing: tuple[int | None, int | None, str | None] = (None, None, None)

    def close() -> None:
        nonlocal cue_at, text
        if cue_at is not None:
            start, end, problem = timing
            raw = [lines[i].content for i, _ in text]
            doc.cues.append(
                ReadCue(
                    len(doc.cues) + 1, cue_at + 1, start, end, _display(raw, _SRT_MARKUP), tuple(text), problem=problem
                )
            )
        cue_at, text = None, []

    def orphan(at: int, what: str) -> None:
        doc.cues.append(ReadCue(len(doc.cues) + 1, at + 1, None, None, (), (), problem=what))

    block: list[int] = []  # lines of a block with no timing line yet
    for i, line in enumerate(lines):
        content = line.content
        if _is_timing(content):
            if cue_at is not None and text and lines[text[-1][0]].content.strip().isdigit():
                text.pop()  # a missing blank line: the previous cue's last line is this cue's index
            close()
            for j in block:  # a block before this timing line that was not just its index
                if not (j == block[-1] and lines[j].content.strip().isdigit()):
                    doc.stray.append(Stray(j + 1, lines[j].content))
            block = []
            timing = _read_timing(content)
            cue_at = i
        elif not content.strip():
            close()
            _flush_srt_block(doc, block, orphan)
            block = []
        elif cue_at is not None:
            text.append((i, 0))
        else:
            block.append(i)
    close()
    _flush_srt_block(doc, block, orphan)
    if not doc.cues:
        raise SubtitleFormatError(
            "no subtitle cues (no 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line)", hint="is this an SRT file?"
        )


def _flush_srt_block(doc: SubtitleDoc, block: list[int], orphan) -> None:  # type: ignore[no-untyped-def]
    """A block that ended with no timing line: a cue that lost it (index then text), or stray text."""
    if not block:
        return
    first = doc.lines[block[0]].content.strip()
    if first.isdigit() and (doc.cues or len(block) > 1):
        orphan(block[0], f"no timing line after the index {first}")
    else:
        doc.stray.extend(Stray(j + 1, doc.lines[j].content) for j in block)


# --- WebVTT -------------------------------------------------------------------------------------

_VTT_MARKUP = re.compile(r"<[^<>]*>")
_VTT_KEEP_BLOCK = re.compile(r"^(NOTE|STYLE|REGION)(?:[ \t]|$)")
_VOICE = re.compile(r"<v(?:\.[^ \t>]*)?[ \t]+([^>]*)>")


def _parse_vtt(doc: SubtitleDoc) -> None:
    lines = doc.lines
    if not lines or not re.match(r"WEBVTT(?:[ \t]|$)", lines[0].content.lstrip("\ufeff")):
        raise SubtitleFormatError("missing the WEBVTT header", line=1, hint="a WebVTT file starts with the line WEBVTT")
    i = next((k for k, line in enumerate(lines) if not line.content.strip()), len(lines))
    while i < len(lines):
        if not lines[i].content.strip():
            i += 1
            continue
        if _VTT_KEEP_BLOCK.match(lines[i].content):
            while i < len(lines) and lines[i].content.strip():
                i += 1
            continue
        timing = (
            i
            if _is_timing(lines[i].content)
            else (i + 1 if i + 1 < len(lines) and _is_timing(lines[i + 1].content) else None)
        )
        if timing is None:
            while i < len(lines) and lines[i].content.strip() and not _is_timing(lines[i].content):
                doc.stray.append(Stray(i + 1, lines[i].content))
                i += 1
            continue
        start, end, problem = _read_timing(lines[timing].content)
        i = timing + 1
        text: list[tuple[int, int]] = []
        # a line holding --> ends the payload: it opens the next cue, as the W3C parser reads it
        while i < len(lines) and lines[i].content.strip() and not _is_timing(lines[i].content):
            text.append((i, 0))
            i += 1
        raw = [lines[k].content for k, _ in text]
        voice = next((m.group(1).strip() for r in raw for m in [_VOICE.search(r)] if m), "")
        shown = tuple(html.unescape(l) for l in _display(raw, _VTT_MARKUP))
        kind = BlockKind.INTERVIEW if voice else BlockKind.NARRATION
        doc.cues.append(
            ReadCue(
                len(doc.cues) + 1, timing + 1, start, end, shown, tuple(text), speaker=voice, kind=kind, problem=problem
            )
        )


# --- ASS / SSA ----------------------------------------------------------------------------------

_ASS_MARKUP = re.compile(r"\{[^{}]*\}")
_ASS_DEFAULT_FIELDS = ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"]
_KIND_OF_STYLE = {"Caption": BlockKind.CAPTION, "Heading": BlockKind.HEADING, "Title": BlockKind.TITLE}


class AssFormatError(SubtitleFormatError):
    """The [Events] section cannot be read (its Format line)."""


def _parse_ass(doc: SubtitleDoc) -> None:
    section = ""
    names = _ASS_DEFAULT_FIELDS
    events = False
    for i, line in enumerate(doc.lines):
        stripped = line.content.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped.lower()
            events = events or section == "[events]"
            continue
        if section != "[events]":
            continue
        key, colon, value = line.content.partition(":")
        key = key.strip().lower()
        if not colon:
            continue
        if key == "format":
            names = [n.strip().lower() for n in value.split(",")]
            if "text" not in names or names[-1] != "text":
                raise AssFormatError(
                    "the [Events] Format line does not end with Text",
                    line=i + 1,
                    hint="the ASS specification puts Text last",
                )
        elif key == "dialogue":
            number = len(doc.cues) + 1
            head = len(line.content) - len(value)
            commas = [m.start() for m in re.finditer(",", value)]
            if len(commas) < len(names) - 1:
                what = f"Dialogue line has {len(commas) + 1} fields, the Format names {len(names)}"
                doc.cues.append(ReadCue(number, i + 1, None, None, (), (), problem=what))
                continue
            cut = commas[len(names) - 2] + 1
            fields = dict(zip(names, value[:cut].split(",")))
            start, end, problem = _span(fields.get("start", ""), fields.get("end", ""), _ASS_CLOCK)
            if "start" not in fields or "end" not in fields:
                start, end, problem = None, None, "the Format line names no Start or End"
            raw = value[cut:]
            shown = tuple(_ASS_MARKUP.sub("", raw).replace("\\h", "\u00a0").replace("\\n", "\\N").split("\\N"))
            style = fields.get("style", "").strip()
            doc.cues.append(
                ReadCue(
                    number,
                    i + 1,
                    start,
                    end,
                    shown,
                    ((i, head + cut),),
                    style=style,
                    speaker=fields.get("name", "").strip(),
                    kind=_KIND_OF_STYLE.get(style, BlockKind.NARRATION),
                    problem=problem,
                )
            )
    if not events:
        raise SubtitleFormatError("no [Events] section", hint="is this an ASS/SSA file?")


# --- JSON timeline ------------------------------------------------------------------------------


def _parse_json(doc: SubtitleDoc, text: str) -> None:
    """Our own timeline (``subtoolkit subtitles --format json``): cues with times, kind and lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubtitleFormatError(
            f"not valid JSON ({exc.msg})", line=exc.lineno, hint="is this a subtoolkit timeline?"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cues"), list):
        raise SubtitleFormatError('not a subtoolkit timeline (no "cues" list)', hint=SUBTITLE_HINT)
    starts = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r'"start_ms"', text)]
    for k, c in enumerate(data["cues"]):
        line = starts[k] if k < len(starts) else 1
        number = k + 1
        if not isinstance(c, dict):
            doc.cues.append(ReadCue(number, line, None, None, (), problem="a cue is not an object"))
            continue
        start, end = c.get("start_ms"), c.get("end_ms")
        lines = c.get("lines")
        problem = None
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            problem = f"start_ms/end_ms are not whole milliseconds ({start!r}, {end!r})"
        elif start < 0 or end < 0:
            problem = f"negative time ({start} ms, {end} ms)"
        elif end < start:
            problem = f"ends before it starts ({start} ms → {end} ms)"
        elif not isinstance(lines, list) or not all(isinstance(l, str) for l in lines):
            problem = "lines is not a list of strings"
        try:
            kind = BlockKind(c.get("kind", "narration"))
        except ValueError:
            kind, problem = BlockKind.NARRATION, problem or f"unknown kind {c.get('kind')!r}"
        if problem is not None:
            doc.cues.append(ReadCue(number, line, None, None, (), problem=problem))
        else:
            doc.cues.append(ReadCue(number, line, start, end, tuple(lines or ()), kind=kind))


# --- entry points -------------------------------------------------------------------------------


def _display(raw: list[str], markup: re.Pattern[str]) -> tuple[str, ...]:
    return tuple(markup.sub("", r) for r in raw)


def parse_subtitles(text: str, fmt: str) -> SubtitleDoc:
    """Parse decoded subtitle text of format ``srt``, ``vtt``, ``ass`` or ``json`` (pure).

    Raises :class:`SubtitleFormatError` (no line, or the header's) when the file as a whole is
    not that format; single cues that cannot be read come back with ``problem`` set.
    """
    doc = SubtitleDoc(fmt, split_keep_ends(text))
    if fmt == "srt":
        _parse_srt(doc)
    elif fmt == "vtt":
        _parse_vtt(doc)
    elif fmt in ("ass", "ssa"):
        _parse_ass(doc)
    elif fmt == "json":
        _parse_json(doc, text)
    else:
        raise ValueError(f"unknown subtitle format {fmt!r}")
    return doc


def format_of(path: Path) -> str:
    """The reader a file name asks for, or :class:`InputError` naming the ones there are."""
    fmt = FORMAT_OF_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot read {path.suffix or 'files without an extension'} as subtitles",
            path=str(path),
            hint=SUBTITLE_HINT,
        )
    return fmt


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or one-line errors for what is not a subtitle file at all."""
    shown = str(path)
    if path.is_dir():
        raise InputError("is a directory, not a subtitle file", path=shown, hint=SUBTITLE_HINT)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=shown, hint="check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=shown, hint="check the path") from None
    if not data.strip():
        raise InputError("empty file", path=shown, hint="the subtitle file has no cues")
    return data


def decode_subtitles(data: bytes, path: Path, *, encoding: str | None = None) -> tuple[str, str]:
    """Decode like a script (BOM, UTF-8, GB18030), but binary files are named as subtitle files."""
    from subtoolkit.text.ingest import decode, looks_binary

    text, used = decode(data, path=str(path), encoding=encoding, what="subtitle file", hint=SUBTITLE_HINT)
    if looks_binary(text):
        raise InputError("binary file (control characters), not a subtitle file", path=str(path), hint=SUBTITLE_HINT)
    return text, used


def read_subtitles(path: Path, *, encoding: str | None = None) -> SubtitleDoc:
    """Read and parse a subtitle file; errors carry the path."""
    fmt = format_of(path)
    text, _ = decode_subtitles(read_bytes(path), path, encoding=encoding)
    try:
        return parse_subtitles(text, fmt)
    except InputError as exc:
        raise type(exc)(exc.what, path=str(path), line=exc.line, hint=exc.hint) from None


def to_timeline(doc: SubtitleDoc, *, fps: Fraction, profile: str = "") -> Timeline:
    """The readable cues as a :class:`Timeline` for the validator, in file order.

    ``extra["numbers"]`` keeps each cue's number in the file, so a problem is reported as the
    file counts it even when unreadable cues are left out. ASS name supers are graphics, not
    subtitles, and are left out too.
    """
    from subtoolkit.model import Speaker
    from subtoolkit.subtitles.timecode import fps_label

    cues, numbers = [], []
    for c in doc.readable:
        if c.style == "NameSuper":
            continue
        speaker = Speaker(c.speaker) if c.speaker else None
        cues.append(Cue(c.number - 1, c.kind, c.lines, c.start_ms or 0, c.end_ms or 0, speaker))
        numbers.append(c.number)
    return Timeline(tuple(cues), fps=float(fps_label(fps)), profile=profile, extra={"numbers": tuple(numbers)})


def unreadable_error(path: Path | str, doc: SubtitleDoc, *, hint: str) -> InputError:
    """One error naming the first unreadable cue (and how many there are) for callers that refuse."""
    bad = doc.unreadable
    first = bad[0]
    more = f" ({len(bad)} unreadable cues)" if len(bad) > 1 else ""
    return InputError(
        f"cue {first.number} is unreadable: {first.problem}{more}", path=str(path), line=first.line, hint=hint
    )


def read_timeline(path: Path, *, fps: Fraction, profile: str = "") -> Timeline:
    """A subtitle file as a timeline; refuses a file with unreadable cues (for tools, not QC)."""
    doc = read_subtitles(path)
    if doc.unreadable:
        raise unreadable_error(path, doc, hint="fix the cue's timing line")
    if not doc.readable:
        raise InputError("no cues in the file", path=str(path), hint="is this a subtitle file?")
    return to_timeline(doc, fps=fps, profile=profile)
