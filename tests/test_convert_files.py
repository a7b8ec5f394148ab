"""File conversion: only the words change; every other byte of a subtitle file stays.

Files are built here from templates whose text slots are filled once with the Simplified text and
once with the expected Traditional text, so the expected output is known byte for byte without
asking the code under test what it would do.
"""

from __future__ import annotations

import codecs
import re
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.chinese.convert import get_converter
from subtoolkit.chinese.files import (
    convert_ass,
    convert_file,
    convert_script,
    convert_srt,
    convert_vtt,
    output_path,
    split_keep_ends,
)
from subtoolkit.errors import ConvertError, InputError

# Each slot: (Simplified, s2tw, s2twp). Chosen so that converting piece by piece and as a whole
# agree, except where a test says otherwise.
SLOTS = {
    "a": ("这只船只能载28人", "這隻船只能載28人", "這隻船只能載28人"),
    "b": ("“开小灶”", "「開小灶」", "「開小灶」"),
    "c": ("信息技术", "信息技術", "資訊科技"),
    "d": ("安全第一", "安全第一", "安全第一"),
    "e": ("并为", "並為", "並為"),
    "f": ("视频", "視頻", "影片"),
    "g": ("网络", "網絡", "網路"),
    "h": ("互联网", "互聯網", "網際網路"),
    "i": ("逗号", "逗號", "逗號"),
}


def fill(template: str, column: int) -> str:
    return re.sub(r"\$(\w)", lambda m: SLOTS[m.group(1)][column], template)


SRT = """\
1
00:00:01,000 --> 00:00:03,500
<i>$a</i>
{\\an8}$b

2
00:00:04,000 --> 00:00:06,000 X1:10 X2:20 Y1:5 Y2:50
<font face="思源黑体" color="#ffff00">$c</font>，$d$h

3
00:00:06,200 --> 00:00:07,000
$e$f
"""

VTT = """\
WEBVTT - 生命重于泰山 字幕

NOTE 这是注释，不要转换：网络

STYLE
::cue(.yellow) { color: yellow; }
/* 样式 */

REGION
id:底部
width:40%

片头-1
00:00:01.000 --> 00:00:03.500 line:0 position:50% align:center
<v 薛澜>$a</v>
<c.yellow>$b</c>

00:04.000 --> 00:06.000
<v.loud 习近平>$c</v><00:00:05.000> $d$h
&lt;$e&gt;

3
00:00:06.200 --> 00:00:07.000
<ruby>$f<rt>shipin</rt></ruby>$g
"""

ASS = """\
[Script Info]
; 脚本信息：网络版
Title: 生命重于泰山
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: 默认,思源黑体,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:03.50,默认,薛澜,0,0,0,,{\\fn思源黑体\\fad(200,200)\\an8}$a\\N$b
Dialogue: 0,0:00:04.00,0:00:06.00,默认,习近平,0,0,0,,$c，{\\i1}$d{\\i0}$h
Comment: 0,0:00:06.00,0:00:06.10,默认,,0,0,0,,网络视频备注
Dialogue: 1,0:00:06.20,0:00:07.00,默认,,10,10,20,Scroll up;10;20;30,$e,$i,$f\\h$g\\n

[Fonts]
"""  # noqa: E501 - a real ASS header line


def variants(template: str, eol: str, bom: bool) -> tuple[bytes, bytes, bytes]:
    """(input, expected s2tw output, expected s2twp output) as bytes with the given line ends."""
    out = []
    for column in range(3):
        text = fill(template, column).replace("\n", eol)
        out.append((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return out[0], out[1], out[2]


FORMATS = [("srt", SRT, convert_srt), ("vtt", VTT, convert_vtt), ("ass", ASS, convert_ass)]


@pytest.mark.parametrize("name, template, fn", FORMATS, ids=[f[0] for f in FORMATS])
@pytest.mark.parametrize("config, column", [("s2tw", 1), ("s2twp", 2)])
def test_pure_transform_byte_exact(name: str, template: str, fn, config: str, column: int) -> None:  # type: ignore[no-untyped-def]
    result = fn(fill(template, 0), get_converter(config))
    assert result.text == fill(template, column)
    assert result.cues == 3
    assert not result.warnings


@pytest.mark.parametrize("name, template, fn", FORMATS, ids=[f[0] for f in FORMATS])
@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("bom", [False, True], ids=["nobom", "bom"])
def test_file_bytes(tmp_path: Path, name: str, template: str, fn, eol: str, bom: bool) -> None:  # type: ignore[no-untyped-def]
    source, expected_tw, expected_twp = variants(template, eol, bom)
    src = tmp_path / f"ep1.zh-Hans.{name}"
    src.write_bytes(source)
    report = convert_file(src, get_converter("s2tw"))
    assert report.target == tmp_path / f"ep1.zh-Hant-TW.{name}"
    assert report.target.read_bytes() == expected_tw
    report = convert_file(src, get_converter("s2twp"), tmp_path / f"twp.{name}")
    assert report.target.read_bytes() == expected_twp
    assert report.length_changed == 1  # 互联网 → 網際網路, in the second cue
    assert src.read_bytes() == source


def test_outside_text_is_untouched_in_detail() -> None:
    tw = convert_vtt(fill(VTT, 0), get_converter("s2tw")).text
    assert "NOTE 这是注释，不要转换：网络" in tw
    assert "<v 薛澜>" in tw and "<v.loud 习近平>" in tw  # voice names are metadata, kept
    assert "id:底部" in tw and "片头-1" in tw and "WEBVTT - 生命重于泰山 字幕" in tw
    ass = convert_ass(fill(ASS, 0), get_converter("s2tw")).text
    assert "Style: 默认,思源黑体" in ass and ",默认,薛澜," in ass and "Title: 生命重于泰山" in ass
    assert "Comment: 0,0:00:06.00,0:00:06.10,默认,,0,0,0,,网络视频备注" in ass
    assert "; 脚本信息：网络版" in ass


def test_word_split_by_markup_converts_as_a_word() -> None:
    conv = get_converter("s2tw")
    srt = "1\n00:00:01,000 --> 00:00:02,000\n他的头<i>发</i>\n白了\n"
    assert convert_srt(srt, conv).text == "1\n00:00:01,000 --> 00:00:02,000\n他的頭<i>髮</i>\n白了\n"
    ass = "[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,他的头{\\b1}发\\N白了\n"
    assert convert_ass(ass, conv).text == ("[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,"
                                           "他的頭{\\b1}髮\\N白了\n")


def test_srt_missing_blank_line_keeps_the_index() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\n网络\n2\n00:00:03,000 --> 00:00:04,000\n信息\n"
    out = convert_srt(srt, get_converter("s2twp"))
    assert out.text == "1\n00:00:01,000 --> 00:00:02,000\n網路\n2\n00:00:03,000 --> 00:00:04,000\n資訊\n"
    assert out.cues == 2


def test_srt_text_outside_cues_is_reported() -> None:
    srt = "网络字幕\n\n1\n00:00:01,000 --> 00:00:02,000\n网络\n"
    out = convert_srt(srt, get_converter("s2tw"))
    assert out.text.startswith("网络字幕\n")
    assert [w.line for w in out.warnings] == [1] and "left unconverted" in out.warnings[0].what


@pytest.mark.parametrize(
    "fn, text, what, line",
    [
        (convert_srt, "网络\n", "no subtitle cues", None),
        (convert_vtt, "1\n00:01.000 --> 00:02.000\n网络\n", "WEBVTT header", 1),
        (convert_ass, "[Script Info]\nTitle: x\n", "no \\[Events\\]", None),
        (convert_ass, "[Events]\nFormat: Layer, Start, End, Style, Text, Name\n", "does not end with Text", 2),
        (convert_ass, "[Events]\nFormat: Start, End, Text\nDialogue: 0:00:01.00\n", "has 1 fields, the Format names 3",
         3),
    ],
)
def test_malformed(fn, text: str, what: str, line: int | None) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConvertError, match=what) as info:
        fn(text, get_converter("s2tw"))
    assert info.value.line == line


def test_ass_custom_format_order() -> None:
    ass = "[Events]\nFormat: Start, End, Style, Text\nDialogue: 0:00:01.00,0:00:02.00,默认,网络,信息\n"
    expected = "[Events]\nFormat: Start, End, Style, Text\nDialogue: 0:00:01.00,0:00:02.00,默认,網路,資訊\n"
    assert convert_ass(ass, get_converter("s2twp")).text == expected


# --- property: structure survives any cue text ------------------------------------------------------

CUE_CHARS = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(list("，。“”‘’、！？ ab12")),
)
CUE_TEXT = st.text(CUE_CHARS, min_size=1, max_size=20).filter(lambda s: s.strip() != "")
CUES = st.lists(st.lists(CUE_TEXT, min_size=1, max_size=2), min_size=1, max_size=5)


def _ts(ms: int, sep: str) -> str:
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def build(kind: str, cues: list[list[str]]) -> str:
    parts = ["WEBVTT\n\n"] if kind == "vtt" else ["[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, "
                                                  "MarginR, MarginV, Effect, Text\n"] if kind == "ass" else []
    for i, lines in enumerate(cues):
        start, end = 1000 * i + 7, 1000 * i + 903
        if kind == "srt":
            parts.append(f"{i + 1}\n{_ts(start, ',')} --> {_ts(end, ',')}\n" + "\n".join(lines) + "\n\n")
        elif kind == "vtt":
            parts.append(f"{_ts(start, '.')} --> {_ts(end, '.')} line:90%\n<v 主持人>" + "\n".join(lines) + "</v>\n\n")
        else:
            times = f"{_ts(start, '.')[1:-1]},{_ts(end, '.')[1:-1]}"
            parts.append(f"Dialogue: 0,{times},默认,,0,0,0,,{{\\an2}}" + "\\N".join(lines) + "\n")
    return "".join(parts)


def skeleton(text: str) -> list[str]:
    """Everything but the words: Han characters and quotes blanked out, line structure kept."""
    return [re.sub(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff“”‘’「」『』]", "",
                   line.content) + "|" + line.eol for line in split_keep_ends(text)]


@pytest.mark.parametrize("kind, fn", [("srt", convert_srt), ("vtt", convert_vtt), ("ass", convert_ass)])
@given(cues=CUES)
def test_structure_preserved_for_any_cue_text(kind: str, fn, cues: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    source = build(kind, cues)
    conv = get_converter("s2tw")
    out = fn(source, conv)
    assert out.cues == len(cues)
    assert skeleton(out.text) == skeleton(source)
    assert len(out.text) == len(source)  # s2tw keeps every length, so the whole file keeps it
    expected = build(kind, [conv.convert_lines(lines) for lines in cues])
    assert out.text == expected


# --- scripts and encodings ---------------------------------------------------------------------------


def test_script_keeps_line_ends_and_blank_lines() -> None:
    text = "《生命重于泰山》\r\n\r\n薛澜（清华大学教授）：\r\n网络\r"
    out = convert_script(text, get_converter("s2twp"))
    assert out.text == "《生命重於泰山》\r\n\r\n薛瀾（清華大學教授）：\r\n網路\r"
    assert out.length_changed == 0


def test_markdown_syntax_survives(tmp_path: Path) -> None:
    src = tmp_path / "notes.md"
    src.write_text("# 直面风险\n\n- **网络**安全 [链接](https://example.com/网络)\n", encoding="utf-8")
    report = convert_file(src, get_converter("s2tw"))
    assert report.target.name == "notes.zh-Hant-TW.md"
    assert report.target.read_text(encoding="utf-8") == "# 直面風險\n\n- **網絡**安全 [鏈接](https://example.com/網絡)\n"


@pytest.mark.parametrize(
    "encoding, bom",
    [("gb18030", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
     ("utf-8", codecs.BOM_UTF8)],
)
def test_output_keeps_input_encoding(tmp_path: Path, encoding: str, bom: bytes) -> None:
    src = tmp_path / "s.srt"
    src.write_bytes(bom + "1\r\n00:00:01,000 --> 00:00:02,000\r\n安全发展\r\n".encode(encoding))
    report = convert_file(src, get_converter("s2hk"))
    assert report.target.read_bytes() == bom + "1\r\n00:00:01,000 --> 00:00:02,000\r\n安全發展\r\n".encode(encoding)


def test_unencodable_output_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_bytes("這裡的網路\n".encode("big5"))
    with pytest.raises(ConvertError, match="cannot be written in big5") as info:
        convert_file(src, get_converter("tw2s"), encoding="big5")
    assert info.value.line == 1
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


@pytest.mark.parametrize(
    "name, data, what",
    [
        ("e.srt", b"", "empty file"),
        ("b.srt", b"\x00\x01\x02bin", "binary"),
        ("x.pdf", b"%PDF", "cannot convert .pdf"),
        ("bad.srt", b"\xff\xfe\xfa", "cannot decode|no subtitle cues"),
    ],
)
def test_input_errors(tmp_path: Path, name: str, data: bytes, what: str) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    with pytest.raises((InputError, ConvertError), match=what):
        convert_file(src, get_converter("s2tw"))
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(
    "name, tag, expected",
    [
        ("x.txt", "zh-Hant-TW", "x.zh-Hant-TW.txt"),
        ("x.zh-Hans.srt", "zh-Hant-TW", "x.zh-Hant-TW.srt"),
        ("x.zh-hant-tw.srt", "zh-Hans", "x.zh-Hans.srt"),
        ("x.zh.vtt", "zh-Hant-HK", "x.zh-Hant-HK.vtt"),
        ("x.zh-TW.ass", "zh-Hans", "x.zh-Hans.ass"),
        ("ep.01.final.srt", "zh-Hant", "ep.01.final.zh-Hant.srt"),
        ("zhongguo.srt", "zh-Hant", "zhongguo.zh-Hant.srt"),
    ],
)
def test_output_path(name: str, tag: str, expected: str) -> None:
    assert output_path(Path("/d") / name, tag) == Path("/d") / expected


# --- Word ---------------------------------------------------------------------------------------------


def _png() -> bytes:
    """A valid 1×1 PNG, built here so the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT",
                                                               zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def make_docx(path: Path) -> None:
    import io

    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "生命重于泰山 · 网络版"
    d.add_heading("直面风险", level=1)
    p = d.add_paragraph("他的头", style="List Bullet")
    p.add_run("发").bold = True  # a word split across runs: 头|发
    p.add_run("白了，“开小灶”").italic = True
    d.add_paragraph("")
    pic = d.add_paragraph("图：")
    pic.add_run().add_picture(io.BytesIO(_png()))
    pic.add_run("这只船只能载28人")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "网络"
    table.cell(0, 1).text = "信息技术"
    d.add_paragraph("互联网", style="Quote")
    d.save(str(path))


def docx_shape(path: Path) -> list[tuple[str, list[tuple[bool | None, bool | None]]]]:
    import docx

    d = docx.Document(str(path))
    return [(p.style.name, [(r.bold, r.italic) for r in p.runs]) for p in d.paragraphs]


def docx_texts(path: Path) -> list[str]:
    import docx

    d = docx.Document(str(path))
    cells = [c.text for row in d.tables[0].rows for c in row.cells]
    return [d.sections[0].header.paragraphs[0].text] + [p.text for p in d.paragraphs] + cells


@pytest.mark.parametrize("config", ["s2tw", "s2twp"])
def test_docx_round_trip(tmp_path: Path, config: str) -> None:
    import docx

    src = tmp_path / "script.docx"
    make_docx(src)
    report = convert_file(src, get_converter(config))
    out = report.target
    assert out.name == "script.zh-Hant-TW.docx"
    assert docx_shape(out) == docx_shape(src)  # paragraphs, styles, run boundaries and formatting
    texts = docx_texts(out)
    if config == "s2tw":
        assert texts == [
            "生命重於泰山 · 網絡版",
            "直面風險",
            "他的頭髮白了，「開小灶」",  # 头|发 across runs converts as one word
            "",
            "圖：這隻船只能載28人",
            "互聯網",
            "網絡",
            "信息技術",
        ]
    else:
        assert texts[-3:] == ["網際網路", "網路", "資訊科技"]
    # the picture survived: run.text = … would have dropped its drawing
    assert len(docx.Document(str(out)).inline_shapes) == 1
    runs = [r.text for r in docx.Document(str(out)).paragraphs[1].runs]
    assert runs == ["他的頭", "髮", "白了，「開小灶」"]


def test_docx_not_a_word_file(tmp_path: Path) -> None:
    src = tmp_path / "fake.docx"
    src.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError, match="not a readable Word document"):
        convert_file(src, get_converter("s2tw"))
    assert [p.name for p in tmp_path.iterdir()] == ["fake.docx"]


def add_footnotes(path: Path, text: str) -> None:
    """Add a footnotes part by hand (python-docx cannot write one) so its conversion is tested."""
    import zipfile

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    part = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{w}">'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/word/footnotes.xml" ContentType="{ct}"/></Types>'.encode()
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
    files["word/_rels/document.xml.rels"] = files["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdFn1" Type="{rel}" Target="footnotes.xml"/></Relationships>'.encode()
    )
    files["word/footnotes.xml"] = part.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)


def test_docx_footnotes_convert(tmp_path: Path) -> None:
    import zipfile

    src = tmp_path / "fn.docx"
    make_docx(src)
    add_footnotes(src, "资料来源：网络")
    out = convert_file(src, get_converter("s2tw")).target
    with zipfile.ZipFile(out) as z:
        footnotes = z.read("word/footnotes.xml").decode("utf-8")
    assert "資料來源：網絡" in footnotes and "资料" not in footnotes
    assert docx_shape(out) == docx_shape(src)
