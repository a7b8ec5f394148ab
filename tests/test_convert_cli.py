"""`subtoolkit convert` through typer's runner: naming, exit codes, messages, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.cli import app
from subtoolkit.chinese.convert import CONFIGS

runner = CliRunner()

SRT = ("1\r\n00:00:01,000 --> 00:00:02,000\r\n这只船只能载28人\r\n\r\n"
       "2\r\n00:00:03,000 --> 00:00:04,000\r\n互联网“安全”\r\n")


@pytest.fixture(autouse=True)
def no_default_dict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's real ~/.config/subtoolkit/dict.txt out of the tests."""
    monkeypatch.delenv("SUBTOOLKIT_DICT", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_script_default_config(tmp_path: Path) -> None:
    src = tmp_path / "shengming.txt"
    src.write_bytes(SAMPLE.read_bytes())
    r = runner.invoke(app, ["convert", str(src)])
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "shengming.zh-Hant-TW.txt"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("解說詞：\n《生命重於泰山》\n")
    assert "「開小灶」" in text
    lines = sum(1 for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line)
    assert f"wrote {out} (s2twp → zh-Hant-TW, {lines} lines)" in r.stderr
    assert listing(tmp_path) == ["shengming.txt", "shengming.zh-Hant-TW.txt"]


@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("ep.zh-Hans.srt", [], "ep.zh-Hant-TW.srt"),
        ("ep.zh-Hans.srt", ["--to", "s2hk"], "ep.zh-Hant-HK.srt"),
        ("ep.srt", ["-t", "s2t"], "ep.zh-Hant.srt"),
        ("ep.srt", ["--to", "S2TW"], "ep.zh-Hant-TW.srt"),
    ],
)
def test_subtitle_naming(tmp_path: Path, name: str, args: list[str], expected: str) -> None:
    src = tmp_path / name
    src.write_bytes(SRT.encode("utf-8"))
    r = runner.invoke(app, ["convert", str(src), *args])
    assert r.exit_code == 0, r.stderr
    assert listing(tmp_path) == sorted([name, expected])
    out = (tmp_path / expected).read_bytes().decode("utf-8")
    assert out.split("\r\n")[:2] == ["1", "00:00:01,000 --> 00:00:02,000"]
    assert "這隻船只能載28人" in out


def test_reverse_naming_and_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "ep.zh-Hans.srt"
    src.write_bytes(SRT.encode("utf-8"))
    assert runner.invoke(app, ["convert", str(src), "--to", "s2tw"]).exit_code == 0
    tw = tmp_path / "ep.zh-Hant-TW.srt"
    back = tmp_path / "back.srt"
    r = runner.invoke(app, ["convert", str(tw), "--to", "tw2s", "-o", str(back)])
    assert r.exit_code == 0, r.stderr
    assert back.read_bytes() == src.read_bytes()
    # without -o the reverse is named ep.zh-Hans.srt: the Simplified file it came from is replaced, and said so
    r = runner.invoke(app, ["convert", str(tw), "--to", "tw2s"])
    assert r.exit_code == 0, r.stderr
    assert f"note: replaced the existing {src}" in r.stderr
    assert src.read_bytes() == SRT.encode("utf-8")


def test_s2twp_reports_length_changes(tmp_path: Path) -> None:
    src = tmp_path / "ep.srt"
    src.write_bytes(SRT.encode("utf-8"))
    r = runner.invoke(app, ["convert", str(src)])
    assert r.exit_code == 0
    assert "網際網路「安全」" in (tmp_path / "ep.zh-Hant-TW.srt").read_text(encoding="utf-8")
    assert "s2twp changed the length of 1 subtitle lines" in r.stderr
    r = runner.invoke(app, ["convert", str(src), "--to", "s2tw", "-o", str(tmp_path / "tw.srt")])
    assert "changed the length" not in r.stderr


def test_output_option_creates_folders(tmp_path: Path) -> None:
    src = tmp_path / "ep.vtt"
    src.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v 薛澜>网络\n", encoding="utf-8")
    out = tmp_path / "deliver" / "tw.vtt"
    r = runner.invoke(app, ["convert", str(src), "-o", str(out), "--to", "s2tw"])
    assert r.exit_code == 0, r.stderr
    assert out.read_text(encoding="utf-8") == "WEBVTT\n\n00:01.000 --> 00:02.000\n<v 薛澜>網絡\n"
    assert listing(out.parent) == ["tw.vtt"]  # no temporary file left behind


@pytest.mark.parametrize(
    "args, message",
    [
        (["{d}/missing.srt"], "error: {d}/missing.srt: no such file; check the path"),
        (["{d}/ep.srt", "--to", "s2jp"],
         "error: unknown conversion config 's2jp'; use one of s2twp, s2tw, s2hk, s2t, t2s, tw2s, hk2s"),
        (["{d}/ep.srt", "--to", "hk2sp"], "error: unknown conversion config 'hk2sp'"),
        (["{d}/notes.pdf"], "error: {d}/notes.pdf: cannot convert .pdf"),
        (["{d}/ep.srt", "-o", "{d}/ep.srt"], "error: {d}/ep.srt: the output would overwrite the input"),
        (["{d}/ep.srt", "--dict", "{d}/nodict.txt"], "error: {d}/nodict.txt: dictionary file not found"),
        (["{d}/ep.srt", "--dict", "{d}/bad.txt"],
         "error: {d}/bad.txt:2: no tab between the Simplified and the Traditional term"),
        (["{d}/broken.srt"], "error: {d}/broken.srt: no subtitle cues"),
        (["{d}/ep.srt", "--encoding", "klingon"], "error: {d}/ep.srt: unknown encoding 'klingon'"),
    ],
)
def test_errors_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "ep.srt").write_bytes(SRT.encode("utf-8"))
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "bad.txt").write_text("张三\t張三\n李四 李四\n", encoding="utf-8")
    (tmp_path / "broken.srt").write_text("这不是字幕\n", encoding="utf-8")
    before = listing(tmp_path)
    r = runner.invoke(app, ["convert", *(a.replace("{d}", str(tmp_path)) for a in args)])
    assert r.exit_code == 1, r.stdout
    assert r.stderr.startswith(message.replace("{d}", str(tmp_path)))
    assert len(r.stderr.strip().splitlines()) == 1
    assert listing(tmp_path) == before


def test_dict_option_and_default_dict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "s.txt"
    src.write_text("软件工程师张勤岳\n", encoding="utf-8")
    d = tmp_path / "names.txt"
    d.write_text("# 人名\n软件\t軟件\n张勤岳\t張勤岳\n", encoding="utf-8")
    r = runner.invoke(app, ["convert", str(src), "--dict", str(d), "-o", str(tmp_path / "a.txt")])
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "軟件工程師張勤岳\n"
    assert "using your dictionary" not in r.stderr
    # the documented default location is used, and said so
    default = tmp_path / "config" / "subtoolkit" / "dict.txt"
    default.parent.mkdir(parents=True)
    default.write_text("软件\t軟件\n张勤岳\t張勤岳\n", encoding="utf-8")
    r = runner.invoke(app, ["convert", str(src), "-o", str(tmp_path / "b.txt")])
    assert r.exit_code == 0, r.stderr
    assert f"note: using your dictionary {default}" in r.stderr
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "軟件工程師張勤岳\n"
    monkeypatch.setenv("SUBTOOLKIT_DICT", str(d))
    r = runner.invoke(app, ["convert", str(src), "-o", str(tmp_path / "c.txt")])
    assert f"note: using your dictionary {d}" in r.stderr


def test_gb18030_input(tmp_path: Path) -> None:
    src = tmp_path / "old.txt"
    src.write_bytes("并为安全生产提供保障\r\n".encode("gb18030"))
    r = runner.invoke(app, ["convert", str(src), "--to", "s2hk"])
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "old.zh-Hant-HK.txt").read_bytes() == "並為安全生產提供保障\r\n".encode("gb18030")


def test_help_reads_like_a_manual() -> None:
    r = runner.invoke(app, ["convert", "--help"], env={"COLUMNS": "120"})
    assert r.exit_code == 0
    for name in CONFIGS:
        assert name in r.stdout
    assert "Examples" in r.stdout and "subtoolkit convert episode.zh-Hans.srt" in r.stdout
    assert "--dict" in r.stdout and "dict.txt" in r.stdout
    top = runner.invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert "convert" in top.stdout
