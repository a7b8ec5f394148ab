"""Real-world encodings and file shapes parse to the same blocks as the UTF-8 original."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE

from subtoolkit.errors import InputError
from subtoolkit.text.ingest import decode, read_source
from subtoolkit.text.parse import parse_lines


def blocks_of(path: Path, **kw: str):  # type: ignore[no-untyped-def]
    src = read_source(path, **kw)
    return parse_lines(src.lines).to_json()


@pytest.fixture(scope="module")
def original():  # type: ignore[no-untyped-def]
    return blocks_of(SAMPLE)


@pytest.mark.parametrize(
    "name, encode",
    [
        ("gb18030.txt", lambda t: t.encode("gb18030")),
        ("utf16.txt", lambda t: t.encode("utf-16")),  # Python writes the BOM
        ("utf16be.txt", lambda t: b"\xfe\xff" + t.encode("utf-16-be")),
        ("bom.txt", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
        ("crlf.txt", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
        ("cr.txt", lambda t: t.replace("\n", "\r").encode("utf-8")),
        ("gbk-crlf.txt", lambda t: t.replace("\n", "\r\n").encode("gb18030")),
        ("script.md", lambda t: t.encode("utf-8")),
    ],
)
def test_encodings_parse_identically(tmp_path: Path, original, name, encode) -> None:  # type: ignore[no-untyped-def]
    text = SAMPLE.read_text(encoding="utf-8")
    p = tmp_path / name
    p.write_bytes(encode(text))
    assert blocks_of(p) == original


def test_docx_parses_identically(tmp_path: Path, original) -> None:  # type: ignore[no-untyped-def]
    import docx

    d = docx.Document()
    for line in SAMPLE.read_text(encoding="utf-8").split("\n"):
        d.add_paragraph(line)
    p = tmp_path / "script.docx"
    d.save(str(p))
    assert blocks_of(p) == original


def test_indented_script_with_blank_lines_parses_like_original(tmp_path: Path, original) -> None:  # type: ignore[no-untyped-def]
    """Leading indentation (全角 spaces too) and blank lines between paragraphs change nothing but line numbers."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    p = tmp_path / "indented.txt"
    p.write_text("\n\n".join("\u3000\u3000" + l if l else l for l in lines), encoding="utf-8")
    got = blocks_of(p)
    assert [(b["kind"], b["text"], b["speaker"], b["section"]) for b in got["blocks"]] == [
        (b["kind"], b["text"], b["speaker"], b["section"]) for b in original["blocks"]
    ]
    assert [b["lines"] for b in got["blocks"]] == [[2 * l[0] - 1,
                                                    2 * l[1] - 1] for l in (b["lines"] for b in original["blocks"])]


def test_encoding_override(tmp_path: Path) -> None:
    p = tmp_path / "big5.txt"
    p.write_bytes("江水東流。".encode("big5"))
    assert read_source(p, encoding="big5").lines == ("江水東流。",)


@pytest.mark.parametrize(
    "data, what",
    [
        (b"", "empty file"),
        (b"  \n\r\n \n", "empty file"),
        (b"\x00\x01\x02binary\x00\x00", "binary file"),
        (b"PK\x03\x04zipdata", "Word or zip"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_bad_files(tmp_path: Path, data: bytes, what: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(InputError) as e:
        read_source(p)
    assert what in e.value.what and e.value.path == str(p)


def test_undecodable_reports_line() -> None:
    data = "第一行\n第二行\n".encode("utf-8") + b"\xff\xfe\xfd\x80\x80 bad\n"
    # strict UTF-8 fails; GB18030 rejects 0xFF lead bytes too
    with pytest.raises(InputError) as e:
        decode(data, path="x.txt")
    assert e.value.line == 3 and "--encoding" in (e.value.hint or "")


def test_unknown_encoding_name() -> None:
    with pytest.raises(InputError) as e:
        decode(b"abc", path="x.txt", encoding="no-such-codec")
    assert "unknown encoding" in e.value.what


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read_source(tmp_path)
