"""Every job commits its outputs all-or-nothing, refuses an unwritable folder before any work,
cleans up what a killed run left, and says so when a script has nothing to say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.errors import OutputError
from subtoolkit.fsio import is_stale, sweep_stale, temp_prefix, write_text
from subtoolkit.jobs.outputs import Outputs

runner = CliRunner()

CAPTIONS_ONLY = "# 片名\n\n## 第一集\n\n【字幕：二〇一五年八月十二日 天津】\n\n【字幕：事故造成一百六十五人遇难】\n"


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    return lines[0]


# --- the commit -------------------------------------------------------------------------------


def test_outputs_commit_together_and_replace_earlier_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "keep.txt").write_text("not ours")
    with Outputs(tmp_path) as out:
        write_text(out.path("a.txt"), "new a")
        write_text(out.path("b.txt"), "new b")
        assert (tmp_path / "a.txt").read_text() == "old a" and not (tmp_path / "b.txt").exists()
        committed = out.commit()
    assert committed == [tmp_path / "a.txt", tmp_path / "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "keep.txt"]
    assert (tmp_path / "a.txt").read_text() == "new a"


def test_a_failed_job_leaves_nothing_new_and_earlier_outputs_survive(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    with pytest.raises(RuntimeError):
        with Outputs(tmp_path) as out:
            write_text(out.path("a.txt"), "new a")
            write_text(out.path("b.txt"), "new b")
            raise RuntimeError("a later stage failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "old a"


def test_a_folder_the_job_made_goes_again_when_it_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with Outputs(tmp_path / "new") as out:
            write_text(out.path("a.txt"), "a")
            raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way_is_refused_before_anything_moves(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "z.txt").mkdir()
    (tmp_path / "z.txt" / "inside").write_text("x")
    with Outputs(tmp_path) as out:
        write_text(out.path("a.txt"), "new a")
        write_text(out.path("z.txt"), "new z")
        with pytest.raises(OutputError, match="folder is in the way"):
            out.commit()
    assert (tmp_path / "a.txt").read_text() == "old a" and (tmp_path / "z.txt" / "inside").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "z.txt"]


def test_a_failed_rename_puts_the_replaced_files_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from subtoolkit.jobs import outputs

    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "z.txt").write_text("old z")
    real = os.replace

    def flaky(src: object, dst: object) -> None:
        if Path(str(dst)) == tmp_path / "z.txt" and "stage" in str(src) and "old" not in str(src):
            raise OSError(28, "No space left on device")
        real(src, dst)  # type: ignore[arg-type]

    with Outputs(tmp_path) as out:
        write_text(out.path("a.txt"), "new a")
        write_text(out.path("b.txt"), "new b")
        write_text(out.path("z.txt"), "new z")
        monkeypatch.setattr(outputs.os, "replace", flaky)
        with pytest.raises(OutputError, match="No space left"):
            out.commit()
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"a.txt": "old a", "z.txt": "old z"}


@pytest.mark.parametrize("where", ["file", "proc"])
def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path: Path, where: str) -> None:
    target = tmp_path / "taken" if where == "file" else Path("/proc/x")
    if where == "file":
        target.write_text("a file, not a folder")
    with pytest.raises(OutputError) as err:
        Outputs(target)
    assert err.value.path == str(target)


# --- stale temporaries ------------------------------------------------------------------------


def test_our_temporaries_are_recognised_and_only_stale_ones_removed(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = tmp_path / f".x.voiceover.wav.~stk{dead}-k2j4.tmp"
    stale_stage = tmp_path / f".outputs.~stk{dead}-ab_9.stage"
    live = tmp_path / f"{temp_prefix('x.srt')}q1.tmp"  # this process's: still being written
    foreign = tmp_path / ".x.voiceover.wav.abcd1234.tmp"  # not our pattern: never touched
    for p in (stale, live, foreign):
        p.write_bytes(b"\0" * 1000)
    stale_stage.mkdir()
    (stale_stage / "x.srt").write_text("1\n")
    assert is_stale(stale) and is_stale(stale_stage) and not is_stale(live) and not is_stale(foreign)
    old = os.stat(live).st_mtime - 30 * 24 * 3600
    assert is_stale(live, now=os.stat(live).st_mtime + 30 * 24 * 3600)  # a pid reused for a month
    os.utime(foreign, (old, old))
    assert sorted(sweep_stale(tmp_path)) == sorted([stale, stale_stage])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, foreign.name])


def test_the_next_run_removes_what_a_killed_run_left(tmp_path: Path) -> None:
    from subtoolkit.cli import app

    out = tmp_path / "out"
    out.mkdir()
    leftover = out / f".shengming-zhongyu-taishan.voiceover.wav.~stk{_dead_pid()}-x7.tmp"
    leftover.write_bytes(b"\0" * 100_000)
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(out), "-f", "srt"])
    assert r.exit_code == 0, r.stderr
    assert [p.name for p in out.iterdir()] == ["shengming-zhongyu-taishan.zh-Hans.srt"]


def test_a_killed_build_leaves_a_folder_the_next_build_removes(tmp_path: Path) -> None:
    """``kill -9`` in the middle of a build, for real: its staging folder is swept by the next run."""
    code = ("import sys, os, signal\n"
            "from subtoolkit.jobs import outputs\n"
            "real = outputs.Outputs.commit\n"
            "def die(self):\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "outputs.Outputs.commit = die\n"
            "from subtoolkit.jobs.build import BuildOptions, build_script\n"
            "from pathlib import Path\n"
            f"build_script(Path({str(SAMPLE)!r}), BuildOptions(out_root=Path({str(tmp_path)!r}), voice='none'))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert r.returncode == -9
    left = [p for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].name.startswith(".shengming-zhongyu-taishan.~stk") and is_stale(left[0])
    from subtoolkit.jobs.build import BuildOptions, build_script

    build_script(SAMPLE, BuildOptions(out_root=tmp_path, voice="none"))
    assert [p.name for p in tmp_path.iterdir()] == ["shengming-zhongyu-taishan"]


# --- the commands -----------------------------------------------------------------------------


def test_subtitles_too_long_for_ass_writes_no_format_at_all(tmp_path: Path) -> None:
    from subtoolkit.cli import app

    out = tmp_path / "out"
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(out), "--start", "09:59:00:00"])
    assert r.exit_code == 1
    assert "ASS" in _one_error_line(r.stderr)
    assert not out.exists()
    out.mkdir()
    (out / "shengming-zhongyu-taishan.zh-Hans.srt").write_text("earlier\n")
    r = runner.invoke(app, ["subtitles", str(SAMPLE), "-o", str(out), "--start", "09:59:00:00"])
    assert r.exit_code == 1
    assert [p.name for p in out.iterdir()] == ["shengming-zhongyu-taishan.zh-Hans.srt"]
    assert (out / "shengming-zhongyu-taishan.zh-Hans.srt").read_text() == "earlier\n"


@pytest.mark.parametrize("command", ["voiceover", "build", "subtitles"])
@pytest.mark.parametrize("where", ["file", "proc"])
def test_an_unwritable_output_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          command: str, where: str) -> None:
    from subtoolkit.cli import app
    from subtoolkit.text import parse

    target = tmp_path / "taken" if where == "file" else Path("/proc/x")
    if where == "file":
        target.write_text("a file\n")

    def no_work(*_a: object, **_k: object) -> None:
        raise AssertionError("the script was parsed before the output folder was checked")

    monkeypatch.setattr(parse, "parse_lines", no_work)
    extra = ["--engine", "espeak"] if command == "voiceover" else []
    r = runner.invoke(app, [command, str(SAMPLE), "-o", str(target), *extra])
    assert r.exit_code == 1, r.output
    line = _one_error_line(r.stderr)
    assert "cannot write" in line and "internal error" not in line
    if where == "file":
        assert target.read_text() == "a file\n"


def test_subtitles_of_a_script_with_nothing_spoken(tmp_path: Path) -> None:
    from subtoolkit.cli import app

    script = tmp_path / "captions.txt"
    script.write_text(CAPTIONS_ONLY, encoding="utf-8")
    r = runner.invoke(app, ["subtitles", str(script), "-o", str(tmp_path / "a")])
    assert r.exit_code == 1
    assert "nothing is spoken" in _one_error_line(r.stderr) and "--include" in r.stderr
    assert not (tmp_path / "a").exists()
    r = runner.invoke(app, ["subtitles", str(script), "-o", str(tmp_path / "b"), "--include", "captions", "-f", "srt"])
    assert r.exit_code == 0
    assert "warning:" in r.stderr and "nothing is spoken" in r.stderr
    assert "事故造成一百六十五人遇难" in (tmp_path / "b" / "captions.zh-Hans.srt").read_text(encoding="utf-8")


def test_voiceover_of_a_script_with_nothing_spoken(tmp_path: Path) -> None:
    from subtoolkit.cli import app

    script = tmp_path / "captions.txt"
    script.write_text(CAPTIONS_ONLY, encoding="utf-8")
    r = runner.invoke(app, ["voiceover", str(script), "-o", str(tmp_path / "out"), "--engine", "espeak"])
    assert r.exit_code == 1
    assert "nothing to voice" in _one_error_line(r.stderr)
    assert not (tmp_path / "out").exists()


def test_build_of_a_script_with_nothing_spoken_says_so(tmp_path: Path) -> None:
    from subtoolkit.jobs.build import BuildOptions, build_script

    script = tmp_path / "captions.txt"
    script.write_text(CAPTIONS_ONLY, encoding="utf-8")
    said: list[str] = []
    result = build_script(script, BuildOptions(out_root=tmp_path / "out"), warn=said.append)
    assert result.ok and "silence.mp3" in result.files and result.timed_by == "estimate"
    assert any("nothing is spoken" in w for w in said)
    assert "Nothing in this script is spoken" in (result.out_dir / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["silent", "text"])
def test_align_refuses_a_bad_recording_without_reading_the_whole_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        kind: str) -> None:
    """The synthetic reading runs beside the decoding; a refused recording stops it at the next cue."""
    from subtoolkit.align.plan import narration_blocks, plan_narration
    from subtoolkit.align.voice import EspeakVoice
    from subtoolkit.audio.ffmpeg import wav_bytes
    from subtoolkit.cli import app
    from subtoolkit.jobs.base import load_script
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.timing import SpeechModel

    bad = tmp_path / "take.wav"
    if kind == "silent":
        bad.write_bytes(wav_bytes(b"\0\0" * 16000 * 3, rate=16000))
    else:
        bad.write_text("不是音频\n", encoding="utf-8")
    real = EspeakVoice.render
    rendered: list[str] = []

    def counting(self: EspeakVoice, text: str) -> object:
        rendered.append(text)
        return real(self, text)

    monkeypatch.setattr(EspeakVoice, "render", counting)
    r = runner.invoke(app, ["align", str(SAMPLE), str(bad), "-o", str(tmp_path / "out")])
    assert r.exit_code == 1 and str(bad) in _one_error_line(r.stderr)
    script = load_script(SAMPLE)
    profile = load_profile()
    from fractions import Fraction

    cues = plan_narration(script, profile, SpeechModel.from_profile(profile), Fraction(25))
    assert narration_blocks(script) and len(cues) > 200
    assert len(rendered) < len(cues) / 4  # stopped early, not after the whole reading
    assert not (tmp_path / "out").exists()


def test_a_folder_build_takes_every_script_ingest_reads(tmp_path: Path) -> None:
    from subtoolkit.jobs.build import scripts_in
    from subtoolkit.text.ingest import SCRIPT_SUFFIXES as SUPPORTED_SUFFIXES

    for suffix in (*SUPPORTED_SUFFIXES, ".srt", ".pdf"):
        (tmp_path / f"ep{suffix}").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    assert sorted(p.suffix for p in scripts_in(tmp_path)) == sorted(SUPPORTED_SUFFIXES)
    assert ".text" in SUPPORTED_SUFFIXES


def test_a_folder_build_into_a_file_is_one_line_not_one_per_script(tmp_path: Path) -> None:
    from subtoolkit.cli import app

    episodes = tmp_path / "episodes"
    episodes.mkdir()
    for name in ("ep1.txt", "ep2.txt"):
        (episodes / name).write_text(SAMPLE.read_text(encoding="utf-8")[:400], encoding="utf-8")
    target = tmp_path / "taken"
    target.write_text("a file\n")
    r = runner.invoke(app, ["build", str(episodes), "-o", str(target), "--voice", "none"])
    assert r.exit_code == 1
    assert "cannot write" in _one_error_line(r.stderr)
