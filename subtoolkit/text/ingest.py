"""Read a script file into normalised lines: the only place that touches the input file.

Writers deliver scripts from Word, from WPS on Chinese Windows (GBK), from Notepad (UTF-16 with a
BOM) and from Macs (UTF-8). Detection is deliberately small and strict: BOM first, then strict
UTF-8, then GB18030 (a superset of GB2312 and GBK, so it never rejects what those accept). A
decoder with ``errors="replace"`` would silently corrupt names, so undecodable bytes are an error
with the line they sit on.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from subtoolkit.errors import Diagnostic, InputError

ENCODING_HINT = "pass --encoding (for example --encoding gb18030 or --encoding utf-16)"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Spaces that Word and web copy-paste leave behind; all become a plain space.
_SPACE_LIKE = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2002": " ", "\u2003": " "})
# Invisible characters that carry no text: zero-width space/joiners and stray BOMs.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

# The one definition of what a script file is called (ingest, build of a folder, convert).
TEXT_SCRIPT_SUFFIXES = (".txt", ".md", ".text")
DOCX_SUFFIX = ".docx"
SCRIPT_SUFFIXES = TEXT_SCRIPT_SUFFIXES + (DOCX_SUFFIX,)


@dataclass(frozen=True)
class Source:
    """A script as normalised lines, with how it was decoded (for messages and reports)."""

    path: str
    lines: tuple[str, ...]
    encoding: str
    warnings: tuple[Diagnostic, ...] = ()


def normalise_line(line: str) -> str:
    """Make a line comparable: NFC, no-break spaces to spaces, invisible characters removed.

    >>> normalise_line("2018\\u00a0年")
    '2018 年'
    """
    line = unicodedata.normalize("NFC", line)
    line = line.translate(_SPACE_LIKE)
    return _INVISIBLE.sub("", line)


# A page saved from the web or flattened from HTML: tags of the usual text markup, and entities.
_HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|a|img|strong|b|i|em|u|font|h[1-6]|li|ul|ol|section|article"
    r"|table|tr|td|th|tbody|blockquote|pre|hr)"
    r"(?:\s[^<>]*)?/?>",
    re.I,
)
_BLOCK_TAG = re.compile(r"^</?(?:p|br|div|h[1-6]|li|section|article|tr|blockquote|hr)\b", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,6}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")


def strip_html(line: str) -> tuple[str, int]:
    """Remove HTML tags and decode entities; returns the line and how many tags went.

    Block-level tags (``<p>``, ``<br>``) become a space so the words on both sides stay apart.

    >>> strip_html('<p class="x">江水东流。</p><p>两岸&nbsp;青山</p>')
    ('江水东流。 两岸\xa0青山', 4)
    """
    import html

    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return " " if _BLOCK_TAG.match(m.group(0)) else ""

    out = _HTML_TAG.sub(repl, line)
    if count or _ENTITY.search(out):
        out = html.unescape(out)
    return re.sub(r"  +", " ", out).strip() if count else out, count


def normalise_lines(
    raw_lines: list[str] | tuple[str, ...], path: str | None = None
) -> tuple[tuple[str, ...], tuple[Diagnostic, ...]]:
    """Every line normalised (:func:`normalise_line`); HTML tags and entities stripped, with a warning
    per line that had them (pages flattened from the web arrive that way)."""
    out: list[str] = []
    warnings: list[Diagnostic] = []
    for n, raw in enumerate(raw_lines, start=1):
        if "<" in raw or "&" in raw:
            stripped, tags = strip_html(raw)
            if tags or stripped != raw:
                hint = "export the page as plain text to keep its paragraphs"
                warnings.append(Diagnostic(f"HTML markup removed ({tags} tags)", line=n, hint=hint, path=path))
                raw = stripped
        out.append(normalise_line(raw))
    return tuple(out), tuple(warnings)


def split_lines(text: str) -> list[str]:
    """Split on CRLF, CR and LF alike (and nothing else: no form feeds or U+2028 surprises)."""
    return re.split(r"\r\n|\r|\n", text)


def decode(
    data: bytes,
    *,
    path: str = "<bytes>",
    encoding: str | None = None,
    what: str = "text script",
    hint: str = "save the script as plain text (.txt) or Word (.docx)",
) -> tuple[str, str]:
    """Decode script bytes, returning ``(text, encoding used)``.

    ``what`` and ``hint`` name the kind of file in the error for binary input, so a binary
    ``.srt`` is called a subtitle file, not a script.

    >>> decode("安全".encode("gb18030"))
    ('安全', 'gb18030')
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", path=path,
                             hint="use a Python codec name such as utf-8, gb18030 or utf-16") from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise _undecodable(data, exc, path, encoding) from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise _undecodable(data, exc, path, name) from None
    if b"\x00" in data[:8192]:
        raise InputError(f"binary file (contains NUL bytes), not a {what}", path=path, hint=hint)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise _undecodable(data, utf8_error, path, "utf-8 or gb18030") from None


def _undecodable(data: bytes, exc: UnicodeDecodeError, path: str, tried: str) -> InputError:
    line = data[: exc.start].count(b"\n") + 1
    return InputError(
        f"cannot decode byte 0x{data[exc.start]:02x} as {tried}",
        path=path,
        line=line,
        hint=ENCODING_HINT,
    )


def looks_binary(text: str) -> bool:
    """Control characters other than whitespace mean this is not a script someone typed."""
    sample = text[:8192]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return bad > 0 and bad / len(sample) > 0.01


def read_docx_lines(path: Path) -> list[str]:
    """Paragraphs of a Word file, in order (python-docx is imported only for .docx input)."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a hard dependency
        raise InputError("python-docx is not installed", path=str(path), hint="pip install python-docx") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile/KeyError/ValueError variants
        raise InputError(
            f"not a readable Word document ({type(exc).__name__})",
            path=str(path),
            hint="open it in Word and save it again as .docx, or export plain text",
        ) from None
    return [p.text for p in document.paragraphs]


def read_bytes(p: Path, shown: str, *, empty_hint: str) -> bytes:
    """The file's bytes, or :class:`InputError` for an unreadable or empty file."""
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=shown, hint="check permissions") from None
    if not data:
        raise InputError("empty file", path=shown, hint=empty_hint)
    return data


def read_source(path: str | Path, *, encoding: str | None = None) -> Source:
    """Read a script file into normalised lines, or raise :class:`InputError` saying why not."""
    p = Path(path)
    shown = str(path)
    if not p.exists():
        raise InputError("no such file", path=shown, hint="check the path")
    if p.is_dir():
        raise InputError("is a directory, not a script file", path=shown, hint="give one .txt, .md or .docx file")
    if p.suffix.lower() == ".docx":
        raw_lines = read_docx_lines(p)
        used = "docx"
    else:
        data = read_bytes(p, shown, empty_hint="the script has no text")
        if data.startswith(b"PK\x03\x04"):
            raise InputError(
                "looks like a Word or zip file, not plain text",
                path=shown,
                hint="give it a .docx name, or export plain text",
            )
        text, used = decode(data, path=shown, encoding=encoding)
        if looks_binary(text):
            raise InputError(
                "binary file (control characters), not a text script",
                path=shown,
                hint="save the script as plain text (.txt) or Word (.docx)",
            )
        raw_lines = split_lines(text)
    lines, warnings = normalise_lines(raw_lines, shown)
    if not any(line.strip() for line in lines):
        raise InputError("empty file", path=shown, hint="the script has no text")
    return Source(path=shown, lines=lines, encoding=used, warnings=warnings)
