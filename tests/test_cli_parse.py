"""`subtoolkit parse` through typer's runner: output, exit codes, messages, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.cli import app

runner = CliRunner()


def test_parse_json_shape() -> None:
    r = runner.invoke(app, ["parse", str(SAMPLE), "--json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"title", "blocks"} and data["title"] == "生命重于泰山"
    first = data["blocks"][1]
    assert first == {
        "kind": "interview",
        "text": first["text"],
        "clean": first["clean"],
        "speaker": {"name": "习近平", "role": "总书记作党的十九大报告"},
        "section": None,
        "lines": [3, 4],
    }
    # "text" is the script as written (the speaker line included), "clean" what is heard
    assert first["text"].startswith("同期声（习近平总书记作党的十九大报告）：\n树立安全发展理念，")
    assert first["clean"].startswith("树立安全发展理念，") and first["text"].endswith(first["clean"])
    assert data["blocks"][2]["kind"] == "narration" and data["blocks"][2]["lines"] == [5, 5]
    # set-aside text is reported, not silently dropped
    assert "source note" in r.stderr and "word artefact" in r.stderr


def test_parse_table() -> None:
    r = runner.invoke(app, ["parse", str(SAMPLE)])
    assert r.exit_code == 0
    assert "生命重于泰山" in r.stdout and "interview" in r.stdout and "17 interview" in r.stdout


def test_parse_output_file(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "blocks.json"
    r = runner.invoke(app, ["parse", str(SAMPLE), "-o", str(out)])
    assert r.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "生命重于泰山"
    assert [p.name for p in out.parent.iterdir()] == ["blocks.json"]  # no temporary left behind


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    "make, line, what",
    [
        (lambda d: d / "missing.txt", None, "no such file"),
        (lambda d: d, None, "is a directory"),
        (lambda d: _bad(d, "empty.txt", b""), None, "empty file"),
        (lambda d: _bad(d, "bin.txt", b"\x00\x01\x02\x03" * 20), None, "binary file"),
        (lambda d: _bad(d, "undecodable.txt", "江水\n".encode() + b"\xff\xff\xff\n"), 2, "cannot decode"),
        (lambda d: _bad(d, "bracket.txt", "江水东流。\n【字幕：党政领导责任\n两岸。\n".encode()), 2,
         "unterminated bracket"),
    ],
)
def test_bad_input_is_one_line_on_stderr(tmp_path: Path, make, line, what) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    out = tmp_path / "out" / "blocks.json"
    r = runner.invoke(app, ["parse", str(path), "-o", str(out)])
    assert r.exit_code == 1
    err = r.stderr.strip().splitlines()
    assert len(err) == 1, r.stderr
    prefix = f"error: {path}:{line}: " if line else f"error: {path}: "
    assert err[0].startswith(prefix) and what in err[0] and "; " in err[0]
    assert "Traceback" not in r.output
    assert not out.exists() and not (out.parent.exists() and any(out.parent.iterdir()))


def test_speaker_without_speech_mid_script_warns_and_goes_on(tmp_path: Path) -> None:
    p = tmp_path / "warn.txt"
    p.write_text("薛澜（清华大学教授）：\n王大明（村民）：\n那天雨很大。\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", str(p), "--json"])
    assert r.exit_code == 0
    assert r.stderr.startswith(f"warning: {p}:1: speaker line with no speech")
    blocks = json.loads(r.stdout)["blocks"]
    # the label without speech keeps its line: an interview with nothing to say
    assert [(b["speaker"]["name"], b["text"], b["clean"], b["lines"]) for b in blocks] == [
        ("薛澜", "薛澜（清华大学教授）：", "", [1, 1]),
        ("王大明", "王大明（村民）：\n那天雨很大。", "那天雨很大。", [2, 3]),
    ]


def test_speaker_at_the_very_end_warns(tmp_path: Path) -> None:
    p = tmp_path / "cut.txt"
    p.write_text("江水东流。\n薛澜（清华大学教授）：\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", str(p), "--json"])
    assert r.exit_code == 0
    assert f"warning: {p}:2: speaker line at the end of the script has no speech" in r.stderr
    blocks = json.loads(r.stdout)["blocks"]
    assert [(b["kind"], b["text"], b["clean"]) for b in blocks] == [
        ("narration", "江水东流。", "江水东流。"), ("interview", "薛澜（清华大学教授）：", "")]
    assert blocks[1]["speaker"] == {"name": "薛澜", "role": "清华大学教授"} and blocks[1]["lines"] == [2, 2]


def test_help_reads_like_a_manual() -> None:
    r = runner.invoke(app, ["parse", "--help"])
    assert r.exit_code == 0 and "Examples" in r.stdout and "--interview-span" in r.stdout


def test_python_dash_m_works() -> None:
    r = subprocess.run([sys.executable, "-m", "subtoolkit", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "parse" in r.stdout


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys; from subtoolkit.cli import app; "
            "print(sorted(m for m in ('jieba','edge_tts','pydub','opencc','numpy','docx') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "[]"


def test_timecodes_set_aside_are_summed_up_in_one_note(tmp_path: Path) -> None:
    p = tmp_path / "edl.txt"
    text = "《桥》\n00:00:01:00 旁白：桥下的河，流了一千年。\n00:00:07:12 旁白：桥上的人，来了又走。\n"
    p.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["parse", str(p), "--json"])
    assert r.exit_code == 0
    blocks = json.loads(r.stdout)["blocks"][1:]
    assert [b["clean"] for b in blocks] == ["桥下的河，流了一千年。", "桥上的人，来了又走。"]
    assert [b["text"] for b in blocks] == ["00:00:01:00 旁白：桥下的河，流了一千年。",
                                           "00:00:07:12 旁白：桥上的人，来了又走。"]
    notes = [line for line in r.stderr.splitlines() if "timecode" in line]
    assert notes == [f"note: {p}:2: 2 timecodes kept out of the clean text on 2 lines, e.g. 00:00:01:00"]


def test_readings_directions_and_table_cells_set_aside_are_noted(tmp_path: Path) -> None:
    p = tmp_path / "table.txt"
    p.write_text("镜号 | 景别 | 解说词\n1 | 全景 | 導語：（主持人口播）老街叫菜市（tshài-tshī）。\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", str(p), "--json"])
    assert r.exit_code == 0
    last = json.loads(r.stdout)["blocks"][-1]
    assert last["clean"] == "老街叫菜市。"
    assert last["text"] == "1 | 全景 | 導語：（主持人口播）老街叫菜市（tshài-tshī）。"
    notes = sorted(line.split(": ", 2)[2] for line in r.stderr.splitlines() if "kept out" in line)
    assert notes == [
        "1 readings in brackets kept out of the clean text on 1 lines, e.g. （tshài-tshī）",
        "1 shot-table cells kept out of the clean text on 1 lines, e.g. 1 | 全景 |",
        "1 stage directions kept out of the clean text on 1 lines, e.g. （主持人口播）",
    ]
