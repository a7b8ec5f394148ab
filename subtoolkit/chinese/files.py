"""Convert whole files: subtitles, plain scripts and Word documents, changing nothing but the text.

Subtitle formats are handled as text: a library that parses and re-serialises (pysrt, pysubs2)
would normalise timestamps, line ends, spacing and unknown sections, and the Traditional track
must diff against the Simplified one only in its words. The project's one subtitle reader
(:mod:`subtoolkit.subtitles.readers`, the same ``check`` uses) splits the file into lines *with*
their line ends and says where each cue's text sits; a cue it cannot read refuses the file (or,
with ``force``, is copied unchanged). Inside cue text only the runs between markup change:

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
from subtoolkit.subtitles.readers import FORMAT_OF_SUFFIX
from subtoolkit.subtitles.readers import SUBTITLE_SUFFIXES as READER_SUFFIXES
from subtoolkit.subtitles.readers import (
    Line,
    ReadCue,
    SubtitleDoc,
    SubtitleFormatError,
    parse_subtitles,
    split_keep_ends,
)
from subtoolkit.text.ingest import DOCX_SUFFIX, TEXT_SCRIPT_SUFFIXES

# One suffix table each: subtitle formats come from the reader, scripts from ingest.
SUBTITLE_SUFFIXES = tuple(x for x in READER_SUFFIXES if x != ".json")  # timelines are ours, not for hand-off
SCRIPT_SUFFIXES = TEXT_SCRIPT_SUFFIXES
SUPPORTED_SCRIPTS = SCRIPT_SUFFIXES + (DOCX_SUFFIX,)
SUPPORTED_SUFFIXES = SUBTITLE_SUFFIXES + SUPPORTED_SCRIPTS

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@dataclass
class TextResult:
    """A converted file's text plus what the caller should tell the user."""

    text: str
    cues: int = 0
    lines_converted: int = 0
    length_changed: int = 0
    warnings: list[Diagnostic] = field(default_factory=list)
    unreadable: list[ReadCue] = field(default_factory=list)  # passed through unchanged (--force)


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


# --- subtitles: the reader finds the cues, only their text changes --------------------------------

_SRT_MARKUP = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")
_VTT_MARKUP = re.compile(r"<[^<>]*>")
_ASS_MARKUP = re.compile(r"\{[^{}]*\}|\\[Nnh]")
FORCE_HINT = "fix the cue's timing, or pass --force to copy unreadable cues unchanged"


def _parse(text: str, fmt: str) -> SubtitleDoc:
    try:
        return parse_subtitles(text, fmt)
    except SubtitleFormatError as exc:
        raise ConvertError(exc.what, line=exc.line, hint=exc.hint) from None


def _convert_cues(text: str, fmt: str, conv: Converter, markup: re.Pattern[str], *, force: bool) -> TextResult:
    """Convert the text of every readable cue; everything else stays byte for byte.

    A cue the reader cannot place in time is refused, because converting around it would hide
    it; with ``force`` it is copied unchanged and listed in :attr:`TextResult.unreadable`.
    """
    doc = _parse(text, fmt)
    result = TextResult(text)
    bad = doc.unreadable
    if bad and not force:
        first = bad[0]
        more = f" ({len(bad)} unreadable cues)" if len(bad) > 1 else ""
        raise ConvertError(f"cue {first.number} is unreadable: {first.problem}{more}", line=first.line, hint=FORCE_HINT)
    for cue in bad:
        result.unreadable.append(cue)
        result.warnings.append(Diagnostic(f"cue {cue.number} passed through unchanged: {cue.problem}", line=cue.line))
    batch = _Batch(doc.lines, conv, markup, result)
    for cue in doc.readable:
        for index, column in cue.text:
            batch.add(index, column)
        batch.end_cue()
        result.cues += 1
    for stray in doc.stray:
        _warn_outside(result, stray.line, stray.text, "text outside any cue")
    batch.finish()
    result.text = join_lines(doc.lines)
    return result


def convert_srt(text: str, conv: Converter, *, force: bool = False) -> TextResult:
    """Convert the cue text of an SRT file; indexes, timing lines and blank lines stay byte-identical.

    ``<i>``/``<font>`` tags and ``{\\an8}`` codes are kept.
    """
    return _convert_cues(text, "srt", conv, _SRT_MARKUP, force=force)


def convert_vtt(text: str, conv: Converter, *, force: bool = False) -> TextResult:
    """Convert WebVTT cue payloads; header, NOTE/STYLE/REGION blocks, ids, timings and tags stay."""
    return _convert_cues(text, "vtt", conv, _VTT_MARKUP, force=force)


def convert_ass(text: str, conv: Converter, *, force: bool = False) -> TextResult:
    """Convert the Text field of ``Dialogue:`` lines; every other byte stays."""
    return _convert_cues(text, "ass", conv, _ASS_MARKUP, force=force)


# --- scripts ------------------------------------------------------------------------------------


def convert_script(text: str, conv: Converter, *, force: bool = False) -> TextResult:
    """A plain or Markdown script: every line is text (Markdown syntax is ASCII, which OpenCC keeps).

    ``force`` is accepted for symmetry with the subtitle transforms: a script has no cue to refuse.
    """
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


_SUBTITLE_CONVERTERS = {"srt": convert_srt, "vtt": convert_vtt, "ass": convert_ass}
TEXT_CONVERTERS: dict[str, Callable[..., TextResult]] = {
    **{suffix: _SUBTITLE_CONVERTERS[fmt] for suffix, fmt in FORMAT_OF_SUFFIX.items() if fmt in _SUBTITLE_CONVERTERS},
    **{suffix: convert_script for suffix in TEXT_SCRIPT_SUFFIXES},
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

def output_path(source: Path, language_tag: str) -> Path:
    """``x.txt`` → ``x.zh-Hant-TW.txt``; an existing Chinese tag is replaced, not stacked.

    >>> output_path(Path("ep1.zh-Hans.srt"), "zh-Hant-TW").name
    'ep1.zh-Hant-TW.srt'
    >>> output_path(Path("ep1.zh-CN.vtt"), "zh-Hant-HK").name
    'ep1.zh-Hant-HK.vtt'
    """
    from subtoolkit.chinese.detect import TAG_AT_END

    stem = TAG_AT_END.sub("", source.stem)
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
            hint=f"give a subtitle ({' '.join(SUBTITLE_SUFFIXES)}) or script ({' '.join(SUPPORTED_SCRIPTS)}) file",
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
    unreadable: int = 0  # cues passed through unchanged (--force)


def convert_file(
    source: Path, conv: Converter, target: Path | None = None, *, encoding: str | None = None, force: bool = False
) -> FileReport:
    """Read, convert and atomically write one file; the edge around the pure transforms above.

    A subtitle file with cues whose timing cannot be read is refused; ``force`` copies those cues
    unchanged and counts them in :attr:`FileReport.unreadable`.
    """
    from subtoolkit.fsio import write_bytes
    from subtoolkit.subtitles.readers import decode_subtitles
    from subtoolkit.text.ingest import decode, read_bytes

    shown = str(source)
    suffix = source.suffix.lower()
    target = check_paths(source, target if target is not None else output_path(source, conv.language_tag))
    if suffix == DOCX_SUFFIX:
        result = convert_docx(source, target, conv)
        used = "docx"
    else:
        raw = read_bytes(source, shown, empty_hint="nothing to convert")
        if suffix in SUBTITLE_SUFFIXES:
            text, used = decode_subtitles(raw, source, encoding=encoding)
        else:
            text, used = decode(raw, path=shown, encoding=encoding)
        try:
            result = TEXT_CONVERTERS[suffix](text, conv, force=force)
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
    return FileReport(
        source, target, kind, result.cues, result.lines_converted, result.length_changed, used, warnings,
        len(result.unreadable),
    )
