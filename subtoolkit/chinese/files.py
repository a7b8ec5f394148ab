"""Convert whole files: subtitles, plain scripts and Word documents, changing nothing but the text.

Subtitle formats are handled as text, parsing just enough structure to find the words: a library
that parses and re-serialises (pysrt, pysubs2) would normalise timestamps, line ends, spacing and
unknown sections, and the Traditional track must diff against the Simplified one only in its
words. So every transform here splits the file into lines *with* their line ends, decides for each
line whether it holds cue text, and inside cue text converts only the runs between markup:

* SRT: cue lines after a ``-->`` timing line up to the blank line; ``<i>``/``<font>`` tags and
  ``{\\an8}`` codes are kept.
* WebVTT: the header, NOTE/STYLE/REGION blocks, cue ids and timing lines with their settings are
  kept; in the payload every ``<…>`` tag (``<v 薛澜>``, ``<c.x>``, ``<00:00:01.000>``) is kept.
* ASS/SSA: only the Text field of ``Dialogue:`` lines in ``[Events]``, and inside it never the
  ``{\\…}`` override blocks nor ``\\N``/``\\n``/``\\h``.

The pieces of one cue are converted together (see :meth:`Converter.convert_lines`), so a word
split by a tag or a line break still converts as a word, and all cues of a file go through OpenCC
in one call (:meth:`Converter.convert_groups`).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from subtoolkit.chinese.convert import Converter
from subtoolkit.errors import ConvertError, Diagnostic, InputError
from subtoolkit.text.ingest import SUPPORTED_SUFFIXES as INGEST_SUFFIXES

SUBTITLE_SUFFIXES = (".srt", ".vtt", ".ass", ".ssa")
DOCX_SUFFIX = ".docx"
SCRIPT_SUFFIXES = tuple(s for s in INGEST_SUFFIXES if s != DOCX_SUFFIX)  # plain-text scripts, as ingest reads them
SUPPORTED_SUFFIXES = SUBTITLE_SUFFIXES + SCRIPT_SUFFIXES + (DOCX_SUFFIX,)

_EOL = re.compile(r"(\r\n|\r|\n)")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@dataclass
class TextResult:
    """A converted file's text plus what the caller should tell the user."""

    text: str
    cues: int = 0
    lines_converted: int = 0
    length_changed: int = 0
    warnings: list[Diagnostic] = field(default_factory=list)


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


def join_lines(lines: list[Line]) -> str:
    return "".join(line.content + line.eol for line in lines)


def _split_markup(text: str, markup: re.Pattern[str]) -> list[tuple[bool, str]]:
    """``[(is_text, piece), …]`` covering ``text`` exactly."""
    out: list[tuple[bool, str]] = []
    at = 0
    for m in markup.finditer(text):
        if m.start() > at:
            out.append((True, text[at : m.start()]))
        out.append((False, m.group()))
        at = m.end()
    if at < len(text):
        out.append((True, text[at:]))
    return out


class _Batch:
    """The text spans of every cue in a file, converted in one go at the end.

    A span is ``(line index, offset)``: the line's content from ``offset`` on is cue text (the
    whole line for SRT/VTT, the Text field for ASS). The spans of one cue form a group, so a word
    split by a tag or a line break converts as a word (:meth:`Converter.convert_groups`).
    """

    def __init__(self, lines: list[Line], conv: Converter, markup: re.Pattern[str], result: TextResult) -> None:
        self.lines, self.conv, self.markup, self.result = lines, conv, markup, result
        self.groups: list[list[tuple[int, int]]] = []
        self.pending: list[tuple[int, int]] = []

    def add(self, index: int, offset: int = 0) -> None:
        self.pending.append((index, offset))

    def end_cue(self) -> None:
        if self.pending:
            self.groups.append(self.pending)
            self.pending = []

    def pop_last(self) -> tuple[int, int] | None:
        return self.pending.pop() if self.pending else None

    def finish(self) -> None:
        self.end_cue()
        splits = [[_split_markup(self.lines[i].content[at:], self.markup) for i, at in g] for g in self.groups]
        texts = [[piece for parts in group for is_text, piece in parts if is_text] for group in splits]
        for spans, group, converted in zip(self.groups, splits, self.conv.convert_groups(texts)):
            pieces = iter(converted)
            for (i, at), parts in zip(spans, group):
                before = self.lines[i].content[at:]
                after = "".join(next(pieces) if is_text else piece for is_text, piece in parts)
                self.lines[i] = Line(self.lines[i].content[:at] + after, self.lines[i].eol)
                self.result.length_changed += len(before) != len(after)
                self.result.lines_converted += 1


def _warn_outside(result: TextResult, number: int, content: str, what: str) -> None:
    if _HAN.search(content):
        result.warnings.append(Diagnostic(f"{what} left unconverted: {content.strip()[:30]}", line=number))


# --- SRT ----------------------------------------------------------------------------------------

_SRT_TIMING = re.compile(r"^\s*(?:\d+:)?\d+:\d+[,.]\d+\s*-->\s*(?:\d+:)?\d+:\d+[,.]\d+")
_SRT_MARKUP = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")


def convert_srt(text: str, conv: Converter) -> TextResult:
    """Convert the cue text of an SRT file; indexes, timing lines and blank lines stay byte-identical."""
    lines = split_keep_ends(text)
    result = TextResult(text)
    batch = _Batch(lines, conv, _SRT_MARKUP, result)
    in_text = False
    for i, line in enumerate(lines):
        if _SRT_TIMING.match(line.content):
            # A missing blank line: the index of this cue was read as text of the previous one.
            last = batch.pop_last()
            if last is not None and not lines[last[0]].content.strip().isdigit():
                batch.add(*last)
            batch.end_cue()
            in_text = True
            result.cues += 1
        elif in_text and line.content.strip():
            batch.add(i)
        else:
            batch.end_cue()
            in_text = False
            content = line.content.strip()
            if content and not content.isdigit():
                _warn_outside(result, i + 1, content, "text outside any cue")
    if result.cues == 0:
        raise ConvertError("no subtitle cues (no 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line)", hint="is this an SRT file?")
    batch.finish()
    result.text = join_lines(lines)
    return result


# --- WebVTT -------------------------------------------------------------------------------------

_VTT_MARKUP = re.compile(r"<[^<>]*>")
_VTT_KEEP_BLOCK = re.compile(r"^(NOTE|STYLE|REGION)(?:[ \t]|$)")


def _blocks(lines: list[Line], start: int) -> Iterator[list[int]]:
    """Indexes of the non-blank lines of each blank-line-separated block from ``start`` on."""
    block: list[int] = []
    for i in range(start, len(lines)):
        if lines[i].content.strip():
            block.append(i)
        elif block:
            yield block
            block = []
    if block:
        yield block


def convert_vtt(text: str, conv: Converter) -> TextResult:
    """Convert WebVTT cue payloads; header, NOTE/STYLE/REGION blocks, ids, timings and tags stay."""
    lines = split_keep_ends(text)
    result = TextResult(text)
    if not lines or not re.match(r"WEBVTT(?:[ \t]|$)", lines[0].content):
        raise ConvertError("missing the WEBVTT header", line=1, hint="a WebVTT file starts with the line WEBVTT")
    header_end = next((i for i, line in enumerate(lines) if not line.content.strip()), len(lines))
    batch = _Batch(lines, conv, _VTT_MARKUP, result)
    for block in _blocks(lines, header_end):
        first = lines[block[0]].content
        if _VTT_KEEP_BLOCK.match(first):
            continue
        timing = next((k for k, i in enumerate(block[:2]) if "-->" in lines[i].content), None)
        if timing is None:
            for i in block:
                _warn_outside(result, i + 1, lines[i].content, "text outside any cue")
            continue
        result.cues += 1
        for i in block[timing + 1 :]:
            batch.add(i)
        batch.end_cue()
    batch.finish()
    result.text = join_lines(lines)
    return result


# --- ASS / SSA ----------------------------------------------------------------------------------

_ASS_MARKUP = re.compile(r"\{[^{}]*\}|\\[Nnh]")
_ASS_DEFAULT_FIELDS = 10  # Layer/Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text


def convert_ass(text: str, conv: Converter) -> TextResult:
    """Convert the Text field of ``Dialogue:`` lines; every other byte stays."""
    lines = split_keep_ends(text)
    result = TextResult(text)
    section = ""
    fields = _ASS_DEFAULT_FIELDS
    events = False
    batch = _Batch(lines, conv, _ASS_MARKUP, result)
    for i, line in enumerate(lines):
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
                raise ConvertError("the [Events] Format line does not end with Text", line=i + 1,
                                   hint="the ASS specification puts Text last")
            fields = len(names)
        elif key == "dialogue":
            head = len(line.content) - len(value)
            commas = [m.start() for m in re.finditer(",", value)]
            if len(commas) < fields - 1:
                raise ConvertError(f"Dialogue line has {len(commas) + 1} fields, the Format names {fields}",
                                   line=i + 1, hint="check the commas of this line")
            batch.add(i, head + commas[fields - 2] + 1)
            batch.end_cue()
            result.cues += 1
    if not events:
        raise ConvertError("no [Events] section", hint="is this an ASS/SSA file?")
    batch.finish()
    result.text = join_lines(lines)
    return result


# --- scripts ------------------------------------------------------------------------------------


def convert_script(text: str, conv: Converter) -> TextResult:
    """A plain or Markdown script: every line is text (Markdown syntax is ASCII, which OpenCC keeps)."""
    lines = split_keep_ends(text)
    result = TextResult(text)
    contents = [line.content for line in lines]
    converted = conv.convert("\n".join(contents)).split("\n")
    if len(converted) != len(lines):  # pragma: no cover - OpenCC keeps newlines
        converted = [conv.convert(c) for c in contents]
    out = []
    for line, new in zip(lines, converted):
        result.length_changed += len(line.content) != len(new)
        result.lines_converted += bool(line.content)
        out.append(Line(new, line.eol))
    result.text = join_lines(out)
    return result


TEXT_CONVERTERS: dict[str, Callable[[str, Converter], TextResult]] = {
    ".srt": convert_srt,
    ".vtt": convert_vtt,
    ".ass": convert_ass,
    ".ssa": convert_ass,
    ".txt": convert_script,
    ".md": convert_script,
    ".text": convert_script,
}


# --- Word ---------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WORD_TEXT_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
}


def convert_docx(source: Path, target: Path, conv: Converter) -> TextResult:
    """Convert the text nodes (``w:t``) of a Word file in place and save it to ``target`` atomically.

    Only ``w:t`` texts change, so paragraphs, runs, styles, images, fields and tracked changes
    survive. python-docx's ``run.text = …`` would rebuild the run and drop drawings and field
    characters, which is why the XML is edited instead. Footnotes and endnotes are not parts
    python-docx parses by default; they are registered as XML parts so their text converts too.
    """
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a hard dependency
        raise ConvertError("python-docx is not installed", path=str(source), hint="pip install python-docx") from exc
    try:
        with _text_parts_as_xml():
            document = docx.Document(str(source))
    except Exception as exc:  # noqa: BLE001 - python-docx raises zipfile/KeyError/ValueError variants
        raise InputError(
            f"not a readable Word document ({type(exc).__name__})",
            path=str(source),
            hint="open it in Word and save it again as .docx",
        ) from None
    result = TextResult("")
    for part in document.part.package.iter_parts():
        if part.content_type in _WORD_TEXT_PARTS and hasattr(part, "element"):
            _convert_word_xml(part.element, conv, result)
    from subtoolkit.fsio import atomic_path

    with atomic_path(target) as tmp:
        document.save(str(tmp))
    return result


@contextmanager
def _text_parts_as_xml() -> Iterator[None]:
    """Have python-docx parse footnotes and endnotes as XML while one document loads.

    python-docx keeps its part types in a class-level table; the types added here are taken out
    again afterwards, so no other user of python-docx in the process sees a changed library.
    """
    from docx.opc.part import PartFactory, XmlPart

    added = [ct for ct in _WORD_TEXT_PARTS if ct not in PartFactory.part_type_for]
    for ct in added:
        PartFactory.part_type_for[ct] = XmlPart
    try:
        yield
    finally:
        for ct in added:
            PartFactory.part_type_for.pop(ct, None)


def _convert_word_xml(root: object, conv: Converter, result: TextResult) -> None:
    """Group ``w:t`` nodes by their nearest paragraph and convert each paragraph's texts together."""
    paragraphs: dict[object, list[object]] = {}
    for t in root.iter(_W + "t"):  # type: ignore[attr-defined]
        p = next(t.iterancestors(_W + "p"), None)
        paragraphs.setdefault(p, []).append(t)
    olds = [[n.text or "" for n in nodes] for nodes in paragraphs.values()]  # type: ignore[attr-defined]
    for nodes, old, new in zip(paragraphs.values(), olds, conv.convert_groups(olds)):
        for node, before, after in zip(nodes, old, new):
            if after != before:
                node.text = after  # type: ignore[attr-defined]
        result.cues += 1
        result.lines_converted += len(nodes)
        result.length_changed += sum(map(len, old)) != sum(map(len, new))


# --- files --------------------------------------------------------------------------------------

_TAG = re.compile(r"\.(?:zh(?:-(?:hans|hant))?(?:-[a-z]{2})?|zh|chs|cht)$", re.IGNORECASE)


def output_path(source: Path, language_tag: str) -> Path:
    """``x.txt`` → ``x.zh-Hant-TW.txt``; an existing Chinese tag is replaced, not stacked.

    >>> output_path(Path("ep1.zh-Hans.srt"), "zh-Hant-TW").name
    'ep1.zh-Hant-TW.srt'
    >>> output_path(Path("ep1.zh-CN.vtt"), "zh-Hant-HK").name
    'ep1.zh-Hant-HK.vtt'
    """
    stem = _TAG.sub("", source.stem)
    return source.with_name(f"{stem}.{language_tag}{source.suffix}")


def encode_like(text: str, raw: bytes, encoding: str) -> bytes:
    """Encode ``text`` as the input was encoded, byte order mark included.

    :func:`subtoolkit.text.ingest.decode` names ``utf-16``/``utf-32`` without the byte order, and
    Python would write those little-endian; the BOM of the input decides instead.
    """
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf-16", "utf-32"):
        for bom, codec in boms:
            if raw.startswith(bom):
                return bom + text.encode(codec)
    return text.encode(encoding)


def check_paths(source: Path, target: Path) -> Path:
    """Refuse what cannot work before any converter is built or anything is written."""
    shown = str(source)
    if source.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"cannot convert {source.suffix or 'files without an extension'}",
            path=shown,
            hint="give a subtitle (.srt .vtt .ass .ssa) or script (.txt .md .docx) file",
        )
    if not source.exists():
        raise InputError("no such file", path=shown, hint="check the path")
    if source.is_dir():
        raise InputError("is a directory, not a file", path=shown, hint="give one subtitle or script file")
    if target.resolve() == source.resolve():
        raise ConvertError("the output would overwrite the input", path=shown, hint="pass -o with another file name")
    if target.is_dir():
        raise ConvertError("the output is a directory", path=str(target), hint="pass -o with a file name")
    return target


@dataclass(frozen=True)
class FileReport:
    """What :func:`convert_file` did, for the CLI to print."""

    source: Path
    target: Path
    kind: str
    cues: int
    lines_converted: int
    length_changed: int
    encoding: str
    warnings: tuple[Diagnostic, ...]


def convert_file(source: Path, conv: Converter, target: Path | None = None, *,
                 encoding: str | None = None) -> FileReport:
    """Read, convert and atomically write one file; the edge around the pure transforms above."""
    from subtoolkit.fsio import write_bytes
    from subtoolkit.text.ingest import decode, read_bytes

    shown = str(source)
    suffix = source.suffix.lower()
    target = check_paths(source, target if target is not None else output_path(source, conv.language_tag))
    if suffix == DOCX_SUFFIX:
        result = convert_docx(source, target, conv)
        used = "docx"
    else:
        raw = read_bytes(source, shown, empty_hint="nothing to convert")
        text, used = decode(raw, path=shown, encoding=encoding)
        try:
            result = TEXT_CONVERTERS[suffix](text, conv)
        except ConvertError as exc:
            raise ConvertError(exc.what, path=shown, line=exc.line, hint=exc.hint) from None
        try:
            data = encode_like(result.text, raw, used)
        except UnicodeEncodeError as exc:
            bad = result.text[exc.start]
            line = result.text[: exc.start].count("\n") + 1
            raise ConvertError(
                f"{bad} cannot be written in {used}, the input's encoding",
                path=shown,
                line=line,
                hint="save the input as UTF-8 and convert again",
            ) from None
        write_bytes(target, data)
    warnings = tuple(Diagnostic(w.what, line=w.line, hint=w.hint, path=shown) for w in result.warnings)
    kind = suffix.lstrip(".")
    return FileReport(source, target, kind, result.cues, result.lines_converted, result.length_changed, used, warnings)
