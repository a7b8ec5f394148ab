"""`subtoolkit build` and `subtoolkit check`: deliverables read back against the parse."""

from __future__ import annotations

import csv
import re
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE
from subtitle_helpers import sample_script
from typer.testing import CliRunner

from subtoolkit.cli import app
from subtoolkit.model import BlockKind

runner = CliRunner()
STEM = SAMPLE.stem


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    r = runner.invoke(app, ["build", str(SAMPLE), "-o", str(out), "--voice", "none"])
    assert r.exit_code == 0, r.stderr
    assert "report:" in r.stdout and "runtime" in r.stdout and "(estimate)" in r.stdout
    return out / STEM


def test_all_files_present(built: Path) -> None:
    names = {p.name for p in built.iterdir()}
    assert {"blocks.json", "names.csv", "captions.csv", "narration.md", "narration.docx", "report.html",
            "silence.mp3"} <= names
    assert {f"{STEM}.zh-Hans.{x}" for x in ("srt", "vtt", "ass", "json")} <= names
    assert not any(n.startswith(".") for n in names)
    assert json.loads((built / "blocks.json").read_text(encoding="utf-8")) == sample_script().to_json()


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_names_csv_against_the_parse(built: Path) -> None:
    rows = _csv(built / "names.csv")
    script = sample_script()
    speakers = [b.speaker for b in script.blocks if b.kind is BlockKind.INTERVIEW and b.speaker]
    distinct = list(dict.fromkeys(speakers))
    assert [(r["speaker"], r["role"]) for r in rows] == [(s.name or "", s.role or "") for s in distinct]
    counts = {s: speakers.count(s) for s in distinct}
    assert [int(r["appearances"]) for r in rows] == [counts[s] for s in distinct]
    assert rows[1]["speaker"] == "薛澜" and rows[1]["appearances"] == "6"
    tcs = [r["first_appearance"] for r in rows]
    assert tcs == sorted(tcs) and all(len(t) == 11 for t in tcs)
    first = next(b for b in script.blocks if b.speaker == distinct[1])
    assert first.text.startswith(rows[1]["first_words"].rstrip("…"))


def test_captions_csv_against_the_parse(built: Path) -> None:
    rows = _csv(built / "captions.csv")
    script = sample_script()
    shown = [b for b in script.blocks if b.kind in (BlockKind.CAPTION, BlockKind.HEADING, BlockKind.TITLE)]
    assert [(r["kind"], r["text"]) for r in rows] == [(b.kind.value, b.text) for b in shown]
    for r in rows:
        assert r["in"] < r["out"]
    assert [r["in"] for r in rows] == sorted(r["in"] for r in rows)


def test_narration_docx_against_the_parse(built: Path) -> None:
    import docx

    d = docx.Document(str(built / "narration.docx"))
    texts = [p.text for p in d.paragraphs]
    script = sample_script()
    narration = [b.text for b in script.blocks if b.kind is BlockKind.NARRATION]
    assert [t for t in texts if t in narration] == narration
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings == [b.text for b in script.blocks if b.kind is BlockKind.HEADING]
    placeholders = [t for t in texts if "〔同期：" in t]
    assert len(placeholders) == sum(1 for b in script.blocks if b.kind is BlockKind.INTERVIEW)
    numbered = [t for t in texts if re.match(r"^\d+\. \d\d:", t)]
    assert len(numbered) == len(narration) and numbered[0].startswith("1. 00:")
    md = (built / "narration.md").read_text(encoding="utf-8")
    assert all(n in md for n in narration)


def test_report_is_self_contained(built: Path) -> None:
    page = (built / "report.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    assert "<svg" in page and "直面风险" in page and "薛澜" in page
    assert 'src="silence.mp3"' in page


def test_check_passes_our_output(built: Path) -> None:
    for fmt in ("srt", "vtt", "ass"):
        r = runner.invoke(app, ["check", str(built / f"{STEM}.zh-Hans.{fmt}")])
        assert r.exit_code == 0, r.stdout + r.stderr
        assert "0 errors, 0 warnings" in r.stdout


FAULTY = """1
00:00:01,000 --> 00:00:03,000
第一条字幕正常

2
00:00:02,800 --> 00:00:05,000
这一条和上一条重叠

3
00:00:06,000 --> 00:00:09,000
这一行字幕实在是太长了已经超过了十六个字

4
00:00:10,000 --> 00:00:10,400
太短

5
00:00:11,000 --> 00:00:12,000
这条字幕显示得太快读不完

6
00:00:08,000 --> 00:00:08,960
顺序错了
"""


def test_check_reports_each_deliberate_fault_once(tmp_path: Path) -> None:
    p = tmp_path / "faulty.srt"
    p.write_text(FAULTY, encoding="utf-8")
    r = runner.invoke(app, ["check", str(p)])
    assert r.exit_code == 1
    lines = [l for l in r.stdout.splitlines() if l.startswith(str(p))]
    codes = [l.split(": ")[3] for l in lines]
    assert sorted(codes) == sorted(["overlap", "line-too-long", "too-short", "reading-speed", "out-of-order"]), lines
    assert any("cue 2 (00:00:02.800)" in l and "overlap" in l for l in lines)
    assert any("cue 6" in l and "out-of-order" in l for l in lines)
    assert "5 errors" not in r.stderr and "4 errors, 1 warnings" in r.stderr


def test_folder_build_reports_bad_scripts_and_completes_good_ones(tmp_path: Path) -> None:
    src = tmp_path / "scripts"
    src.mkdir()
    shutil.copy(SAMPLE, src / "good.txt")
    (src / "gbk.txt").write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02\x03binary" * 50)
    out = tmp_path / "out"
    r = runner.invoke(app, ["build", str(src), "-o", str(out), "--voice", "none", "--jobs", "2"])
    assert r.exit_code == 1
    assert "empty.txt: empty file" in r.stderr and "binary.txt: binary file" in r.stderr
    built = sorted(p.name for p in out.iterdir())
    assert built == ["gbk", "good"]  # nothing half-written for the failures, no temporary folders left
    for name in ("gbk", "good"):
        assert (out / name / "report.html").exists()
    a = json.loads((out / "good" / "blocks.json").read_text(encoding="utf-8"))
    b = json.loads((out / "gbk" / "blocks.json").read_text(encoding="utf-8"))
    assert a == b


def test_failed_rebuild_keeps_the_previous_build(tmp_path: Path) -> None:
    script = tmp_path / "ep.txt"
    shutil.copy(SAMPLE, script)
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(script), "-o", str(out), "--voice", "none"]).exit_code == 0
    before = sorted(p.name for p in (out / "ep").iterdir())
    script.write_text("江水东流。\n【字幕：党政领导责任\n两岸青山。\n", encoding="utf-8")
    r = runner.invoke(app, ["build", str(script), "-o", str(out), "--voice", "none"])
    assert r.exit_code == 1 and "unterminated bracket" in r.stderr
    assert sorted(p.name for p in (out / "ep").iterdir()) == before
    assert [p.name for p in out.iterdir()] == ["ep"]


def test_build_with_calibration_follows_the_reference(tmp_path: Path) -> None:
    ref_dir = tmp_path / "ref"
    assert runner.invoke(app,
                         ["subtitles", str(SAMPLE), "-o", str(ref_dir), "--format", "srt", "--rate",
                          "3.2"]).exit_code == 0
    out = tmp_path / "out"
    r = runner.invoke(app,
                      ["build", str(SAMPLE), "-o", str(out), "--voice", "none", "--calibrate",
                       str(ref_dir / f"{STEM}.zh-Hans.srt")])
    assert r.exit_code == 0, r.stderr
    slow = json.loads((out / STEM / f"{STEM}.zh-Hans.json").read_text(encoding="utf-8"))["cues"][-1]["end_ms"]
    from subtitle_helpers import sample_timeline

    assert slow > sample_timeline().cues[-1].end_ms * 1.15  # 3.2 syllables/s runs longer than the default 4


def test_silent_track_decodes_to_silence_of_the_asked_length(tmp_path: Path) -> None:
    """The silent MP3 written without an encoder, checked by ffmpeg's decoder (an independent reader)."""
    import subprocess

    import imageio_ffmpeg

    from subtoolkit.audio.silence import FRAME_MS, write_silent_mp3

    path = tmp_path / "silence.mp3"
    write_silent_mp3(path, 61.3)
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "8000",
           "-"]
    r = subprocess.run(cmd, capture_output=True, timeout=60)
    assert r.returncode == 0 and not r.stderr, r.stderr[:300]
    samples = memoryview(r.stdout).cast("h")
    seconds = len(samples) / 8000
    assert 61.3 <= seconds <= 61.3 + 2 * FRAME_MS / 1000, seconds
    assert max(abs(s) for s in samples) == 0
