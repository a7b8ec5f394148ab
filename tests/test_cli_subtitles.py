"""`subtoolkit subtitles` through typer's runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.cli import app

runner = CliRunner()


def test_writes_all_formats_and_a_summary(tmp_path: Path) -> None:
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path)])
    assert r.exit_code == 0, r.stderr
    stem = SAMPLE.stem
    expected = sorted(f"{stem}.zh-Hans.{x}" for x in ("srt", "vtt", "ass", "json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    assert "estimated runtime" in r.stdout and "直面风险" in r.stdout and "结语" in r.stdout
    assert r.stderr == ""  # no warnings on the sample


def test_include_captions_and_crlf_bom(tmp_path: Path) -> None:
    r = runner.invoke(app,
                      ["subtitles", str(SAMPLE), "-o", str(tmp_path), "--format", "srt", "--include",
                       "captions,headings", "--crlf", "--bom"])
    assert r.exit_code == 0, r.stderr
    data = (tmp_path / f"{SAMPLE.stem}.zh-Hans.srt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig")
    assert "党政领导责任" in text and "直面风险" in text


def test_start_timecode_and_fps(tmp_path: Path) -> None:
    r = runner.invoke(app,
                      ["subtitles", str(SAMPLE), "-o", str(tmp_path), "--format", "srt", "--fps", "29.97", "--start",
                       "01:00:00:00"])
    assert r.exit_code == 0, r.stderr
    first = (tmp_path / f"{SAMPLE.stem}.zh-Hans.srt").read_text(encoding="utf-8").split("\n")[1]
    assert first.startswith("01:00:0")


def test_rate_changes_runtime(tmp_path: Path) -> None:
    slow = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path / "a"), "--format", "json", "--rate", "3"])
    fast = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path / "b"), "--format", "json", "--rate", "5"])
    import json

    end = lambda d: json.loads((tmp_path / d / f"{SAMPLE.stem}.zh-Hans.json").read_text())["cues"][-1]["end_ms"]
    assert slow.exit_code == fast.exit_code == 0
    assert end("a") > end("b") * 1.3


def test_calibrate_reports_fit(tmp_path: Path) -> None:
    ref_dir = tmp_path / "ref"
    r0 = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(ref_dir), "--format", "srt", "--rate", "3.5"])
    assert r0.exit_code == 0
    ref = ref_dir / f"{SAMPLE.stem}.zh-Hans.srt"
    r = runner.invoke(app,
                      ["subtitles", str(SAMPLE), "-o", str(tmp_path / "out"), "--format", "json", "--calibrate",
                       str(ref)])
    assert r.exit_code == 0, r.stderr
    assert "calibrated from" in r.stdout
    rate = float(r.stdout.split("calibrated from")[1].split(":")[1].split("syllables")[0])
    assert abs(rate - 3.5) / 3.5 < 0.05


def test_user_profile_file(tmp_path: Path) -> None:
    prof = tmp_path / "mine.toml"
    prof.write_text('name = "mine"\nlanguage = "zh-Hans"\n[lines]\nmax_chars = 12\nmax_lines = 1\n', encoding="utf-8")
    r = runner.invoke(app,
                      ["subtitles", str(SAMPLE), "-o", str(tmp_path / "o"), "--format", "json", "--profile", str(prof)])
    assert r.exit_code == 0, r.stderr
    import json

    from subtoolkit.subtitles.segment import text_width

    cues = json.loads((tmp_path / "o" / f"{SAMPLE.stem}.zh-Hans.json").read_text())["cues"]
    assert all(len(c["lines"]) == 1 and text_width(c["lines"][0]) <= 12 for c in cues)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--fps", "26"], "unsupported frame rate"),
        (["--profile", "nope"], "unknown profile"),
        (["--start", "1:2:3"], "bad timecode"),
    ],
)
def test_bad_options_are_one_line_errors(tmp_path: Path, args: list[str], message: str) -> None:
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path), *args])
    assert r.exit_code == 1
    assert message in r.stderr and "Traceback" not in r.output
    assert not any(tmp_path.iterdir())


def test_bad_profile_toml(tmp_path: Path) -> None:
    prof = tmp_path / "bad.toml"
    prof.write_text('name = "bad"\n[lines]\nmax_chars = "wide"\n', encoding="utf-8")
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path / "o"), "--profile", str(prof)])
    assert r.exit_code == 1 and "max_chars must be float" in r.stderr
    assert not (tmp_path / "o").exists()


def test_usage_errors(tmp_path: Path) -> None:
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path), "--format", "doc"])
    assert r.exit_code == 2 and "unknown format" in r.stderr
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(tmp_path), "--rate", "4", "--calibrate", str(SAMPLE)])
    assert r.exit_code == 2


def test_hard_problems_refuse_the_write_unless_forced(tmp_path: Path) -> None:
    # a paragraph that opens with a closing mark cannot meet clreq's line-start rule
    script = tmp_path / "url.txt"
    script.write_text("：这一段以冒号开头。\n", encoding="utf-8")
    out = tmp_path / "o"
    r = runner.invoke(app, ["subtitles", str(script), "-o", str(out)])
    assert r.exit_code == 1 and "break the netflix-zh-hans profile" in r.stderr
    assert not out.exists() or not any(out.iterdir())
    r = runner.invoke(app, ["subtitles", str(script), "-o", str(out), "--force"])
    assert r.exit_code == 0 and "error: cue" in r.stderr
    assert (out / "url.zh-Hans.srt").exists()


def test_piped_stdout_is_not_wrapped(tmp_path: Path) -> None:
    """Piped into a file or another program, a long path stays on one line (rich wrapped at 80)."""
    import subprocess
    import sys

    out = tmp_path / ("a-long-folder-name-" * 4) / "and-another-one"
    env = {k: v for k, v in __import__("os").environ.items() if k != "COLUMNS"}
    r = subprocess.run([sys.executable, "-m", "subtoolkit", "subtitles", str(SAMPLE), "-o", str(out), "--format",
                        "srt,vtt"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for fmt in ("srt", "vtt"):
        assert f"wrote {out / f'{SAMPLE.stem}.zh-Hans.{fmt}'}" in lines, r.stdout
    r = runner.invoke(app, ["parse", str(SAMPLE)])
    assert r.exit_code == 0
    assert any(len(l) > 80 for l in r.stdout.splitlines())  # the table is not squeezed into 80 columns
    assert not any(l != l.rstrip() for l in r.stdout.splitlines())  # nor padded out to a wide console
