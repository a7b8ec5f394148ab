"""Reading subtitle files: one reader for check, convert, --calibrate; malformed cues named, never folded.

A cue whose timing cannot be read (garbled, negative, ending before it starts, missing) is not
guessed at: it is reported with its number and file line and what is wrong. ``check`` counts it
as an error, ``convert`` refuses the file (or, with ``--force``, leaves the cue as it is and says
so), ``--calibrate`` refuses the reference.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import srt as srt_oracle
from conftest import SAMPLE
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from subtoolkit.cli import app
from subtoolkit.model import BlockKind, Cue, Timeline
from subtoolkit.subtitles.formats import get_format
from subtoolkit.subtitles.formats.common import TrackOptions
from subtoolkit.subtitles.readers import parse_subtitles

runner = CliRunner()

# six cues: 2 overlaps 1 (a QC finding), 3 ends before it starts, 4 starts at a negative time,
# 5 has a garbled timestamp, 6 is fine
BAD = """1
00:00:01,000 --> 00:00:03,000
第一条字幕正常

2
00:00:02,800 --> 00:00:05,000
这一条和上一条重叠

3
00:00:09,000 --> 00:00:07,000
结束早于开始

4
-00:00:01,000 --> 00:00:10,500
负的时间

5
00:0x:1a,zzz --> 00:00:13,000
乱码的时间

6
00:00:14,000 --> 00:00:16,000
最后一条正常
"""


def _bad(tmp_path: Path, name: str = "bad.srt", text: str = BAD) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_parse_names_each_malformed_cue() -> None:
    doc = parse_subtitles(BAD, "srt")
    assert [c.number for c in doc.cues] == [1, 2, 3, 4, 5, 6]
    bad = {c.number: (c.line, c.problem) for c in doc.cues if c.problem}
    assert set(bad) == {3, 4, 5}
    assert bad[3][0] == 10 and "ends before it starts" in bad[3][1]
    assert bad[4][0] == 14 and "negative" in bad[4][1]
    assert bad[5][0] == 18 and "00:0x:1a,zzz" in bad[5][1]
    good = [c for c in doc.cues if not c.problem]
    assert [(c.start_ms, c.end_ms, c.lines) for c in good][-1] == (14000, 16000, ("最后一条正常",))
    assert doc.cues[4].lines == ("乱码的时间",)  # its own text, not the previous cue's


def test_check_reports_every_malformed_cue_by_number_and_line(tmp_path: Path) -> None:
    p = _bad(tmp_path)
    r = runner.invoke(app, ["check", str(p)])
    assert r.exit_code == 1
    out = r.stdout
    assert f"{p}:10: error: cue 3: unreadable: " in out and "ends before it starts" in out
    assert f"{p}:14: error: cue 4: unreadable: " in out and "negative" in out
    assert f"{p}:18: error: cue 5: unreadable: " in out and "00:0x:1a,zzz" in out
    assert "cue 2 (00:00:02.800): overlap" in out
    assert "cue 6 (00:00:14.000)" not in out or "overlap" not in out.split("cue 6")[1].splitlines()[0]
    assert r.stderr.startswith("6 cues (3 unreadable), 4 errors"), r.stderr


def test_missing_timing_line(tmp_path: Path) -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:03,000\n第一条\n\n2\n第二条没有时间行\n\n3\n00:00:05,000 --> 00:00:07,000\n第三条\n"
    )
    doc = parse_subtitles(text, "srt")
    assert [(c.number, c.line, c.problem is not None) for c in doc.cues] == [(1, 2, False), (2, 5, True), (3, 9, False)]
    assert "no timing line" in doc.cues[1].problem  # type: ignore[operator]
    r = runner.invoke(app, ["check", str(_bad(tmp_path, text=text))])
    assert r.exit_code == 1 and ":5: error: cue 2: unreadable: no timing line" in r.stdout


def test_mistyped_arrow_opens_a_cue_instead_of_joining_the_previous_one() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\n第一条\n2\n00:00:03,000 -> 00:00:04,000\n第二条\n"
    doc = parse_subtitles(text, "srt")
    assert [c.lines for c in doc.cues] == [("第一条",), ("第二条",)]
    assert doc.cues[1].line == 5 and "without '-->'" in (doc.cues[1].problem or "")


@pytest.mark.parametrize("name, text", [("empty.vtt", "WEBVTT\n\nNOTE nothing here\n"), ("empty.ass", "[Events]\n")])
def test_check_of_a_file_without_cues_is_an_error(tmp_path: Path, name: str, text: str) -> None:
    r = runner.invoke(app, ["check", str(_bad(tmp_path, name, text))])
    assert r.exit_code == 1 and "no cues in the file" in r.stderr


def test_check_lists_text_outside_cues(tmp_path: Path) -> None:
    p = _bad(tmp_path, text="1\n00:00:01,000 --> 00:00:03,000\n第一条字幕\n\n被空行隔开的字\n")
    r = runner.invoke(app, ["check", str(p)])
    assert f"{p}:5: warning: text outside any cue: 被空行隔开的字" in r.stdout
    assert "1 warnings" in r.stdout


@pytest.mark.parametrize(
    "name, text, line, what",
    [
        ("bad.vtt", "WEBVTT\n\n00:01.000 --> 00:03.000\n好\n\n00:0x.000 --> 00:05.000\n坏\n", 6, "00:0x.000"),
        ("bad.vtt", "WEBVTT\n\n00:05.000 --> 00:03.000\n倒了\n", 3, "ends before it starts"),
        (
            "bad.ass",
            "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
            "Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,好\n"
            "Dialogue: 0,0:00:0x.00,0:00:05.00,Default,,0,0,0,,坏\n",
            4,
            "0:00:0x.00",
        ),
        (
            "bad.ass",
            "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
            "Dialogue: 0,-0:00:01.00,0:00:05.00,Default,,0,0,0,,负\n",
            3,
            "negative",
        ),
    ],
)
def test_malformed_vtt_and_ass(tmp_path: Path, name: str, text: str, line: int, what: str) -> None:
    p = _bad(tmp_path, name, text)
    r = runner.invoke(app, ["check", str(p), "--no-grid"])
    assert r.exit_code == 1
    hit = [l for l in r.stdout.splitlines() if l.startswith(f"{p}:{line}: error: cue ") and ": unreadable: " in l]
    assert len(hit) == 1 and what in hit[0], r.stdout


def test_convert_refuses_unreadable_cues(tmp_path: Path) -> None:
    p = _bad(tmp_path)
    r = runner.invoke(app, ["convert", str(p), "--to", "s2tw"])
    assert r.exit_code == 1
    assert f"{p}:10: cue 3 is unreadable" in r.stderr and "3 unreadable cues" in r.stderr and "--force" in r.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["bad.srt"]


def test_convert_force_passes_unreadable_cues_through(tmp_path: Path) -> None:
    p = _bad(tmp_path)
    r = runner.invoke(app, ["convert", str(p), "--to", "s2tw", "--force"])
    assert r.exit_code == 0, r.stderr
    out = (tmp_path / "bad.zh-Hant-TW.srt").read_text(encoding="utf-8")
    for kept in ("结束早于开始", "负的时间", "乱码的时间"):  # unconverted, byte for byte
        assert kept in out
    for converted in ("第一條字幕正常", "這一條和上一條重疊", "最後一條正常"):
        assert converted in out
    assert out.count("\n") == BAD.count("\n")
    assert "3 unreadable cues passed through unchanged" in r.stderr
    assert f"{p}:18: " in r.stderr  # each one named


@pytest.mark.parametrize("command", ["check", "convert"])
@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03binary" * 40, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4])
def test_binary_subtitle_file_hint_speaks_of_subtitles(tmp_path: Path, command: str, data: bytes) -> None:
    p = tmp_path / "junk.srt"
    p.write_bytes(data)
    r = runner.invoke(app, [command, str(p)])
    assert r.exit_code == 1
    assert "subtitle" in r.stderr and "script" not in r.stderr, r.stderr


def test_calibrate_refuses_a_reference_with_unreadable_cues(tmp_path: Path) -> None:
    ref = tmp_path / "ref.srt"
    assert runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path), "--format", "srt"]).exit_code == 0
    made = tmp_path / f"{SAMPLE.stem}.zh-Hans.srt"
    text = made.read_text(encoding="utf-8").replace("00:00:2", "00:0x:2", 1)
    ref.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(l for l in text.splitlines() if "00:0x:2" in l)) + 1
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path / "o"), "--calibrate", str(ref)])
    assert r.exit_code == 1
    assert f"{ref}:{line}: cue " in r.stderr and "unreadable" in r.stderr


def test_check_reads_our_json_timeline(tmp_path: Path) -> None:
    assert runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path), "--format", "json,srt"]).exit_code == 0
    j = tmp_path / f"{SAMPLE.stem}.zh-Hans.json"
    r = runner.invoke(app, ["check", str(j)])
    assert r.exit_code == 0 and " 0 errors, 0 warnings " in r.stdout, r.stdout[-800:] + r.stderr
    cues = json.loads(j.read_text(encoding="utf-8"))["cues"]
    cues[3]["end_ms"] = cues[3]["start_ms"] - 40
    j.write_text(
        json.dumps({"fps": 25, "profile": "netflix-zh-hans", "cues": cues}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    r = runner.invoke(app, ["check", str(j)])
    assert r.exit_code == 1 and ": error: cue 4: unreadable: " in r.stdout and "ends before it starts" in r.stdout


def test_script_suffixes_are_one_definition(tmp_path: Path) -> None:
    """ingest reads .text scripts; build of a folder and convert take them too."""
    folder = tmp_path / "scripts"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "ep1.text")
    r = runner.invoke(app, ["build", str(folder), "-o", str(tmp_path / "out"), "--voice", "none"])
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "out" / "ep1" / "ep1.zh-Hans.srt").is_file()
    from subtoolkit.chinese import files
    from subtoolkit.jobs import build
    from subtoolkit.text import ingest

    assert build.SCRIPT_SUFFIXES is ingest.SCRIPT_SUFFIXES
    assert set(ingest.SCRIPT_SUFFIXES) <= set(files.SUPPORTED_SUFFIXES)


# --- round trips: what our writers write, the reader reads back exactly -------------------------

_text = st.text(alphabet="安全生产责任重于泰山ABC12 ", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    n = draw(st.integers(1, 12))
    t = draw(st.integers(0, 5_000_000))
    cues = []
    for k in range(n):
        t += draw(st.integers(0, 4000))
        d = draw(st.integers(1, 7000))
        lines = tuple(draw(st.lists(_text, min_size=1, max_size=2)))
        cues.append(Cue(k, BlockKind.NARRATION, lines, t, t + d))
        t += d
    return Timeline(tuple(cues))


@pytest.mark.parametrize("fmt", ["srt", "vtt", "ass", "json"])
@given(tl=timelines())
def test_reader_reads_back_what_we_write(fmt: str, tl: Timeline) -> None:
    if fmt == "ass":  # ASS keeps centiseconds
        tl = Timeline(tuple(replace(c, start_ms=c.start_ms // 10 * 10, end_ms=c.end_ms // 10 * 10) for c in tl.cues))
    text = get_format(fmt).compose(tl, TrackOptions())
    doc = parse_subtitles(text, fmt)
    assert not [c for c in doc.cues if c.problem]
    want = [(c.start_ms, c.end_ms, c.lines) for c in tl.cues]
    got = [(c.start_ms, c.end_ms, c.lines) for c in doc.cues]
    assert got == want
    if fmt == "srt":  # and the independent oracle agrees
        oracle = list(srt_oracle.parse(text))
        assert [
            (
                int(s.start.total_seconds() * 1000 + 0.5),
                int(s.end.total_seconds() * 1000 + 0.5),
                tuple(s.content.split("\n")),
            )
            for s in oracle
        ] == got
