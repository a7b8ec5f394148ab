"""``subtoolkit align`` through typer's runner: outputs, --film, the report, and refusals."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from align_helpers import Session, build_session, mini_script
from typer.testing import CliRunner

from subtoolkit.align.plan import narration_blocks
from subtoolkit.cli import app
from subtoolkit.text.ingest import read_source
from subtoolkit.model import BlockKind, Cue, Timeline
from subtoolkit.text.parse import parse_lines
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.validate import errors, validate

runner = CliRunner()


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Session, list[int]]:
    """The test script, and a session that recorded only its first two paragraphs, in two files."""
    work = tmp_path_factory.mktemp("studio")
    path = mini_script(work)
    script = parse_lines(read_source(path).lines)
    narration = narration_blocks(script)
    session = build_session(script, work / "vo", blocks=narration[:2], rate=5, seed=21, sample_rate=44100,
                            split_before=(narration[1],), formats=("wav", "mp3"))
    return path, session, narration


def _ffmpeg_write(samples: np.ndarray, path: Path, rate: int = 16000) -> Path:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "f32le", "-ar", str(rate),
                    "-ac", "1",
                    "-i", "-", str(path)], input=samples.astype("<f4").tobytes(), check=True, capture_output=True)
    return path


def test_help_reads_like_a_manual() -> None:
    r = runner.invoke(app, ["align", "--help"], terminal_width=120)
    assert r.exit_code == 0
    for words in ("RECORDING...", "--film", "--profile", "--fps", "unplaced", "x.aligned.report.json", "Examples",
                  "subtoolkit align"):
        assert words in r.stdout


def test_writes_the_tracks_one_srt_per_recording_and_the_report(studio, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, session, narration = studio
    out = tmp_path / "out"
    r = runner.invoke(app, ["align", str(path), *map(str, session.files), "-o", str(out), "--reference", "espeak"])
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "mini.aligned.zh-Hans.srt", "mini.aligned.zh-Hans.vtt", "mini.aligned.zh-Hans.json",
        "mini.aligned.take01.zh-Hans.srt", "mini.aligned.take02.zh-Hans.srt", "mini.aligned.report.json",
    ])
    assert "aligned 2 of 5 narration blocks" in r.stdout
    # the three paragraphs not recorded are one warning, not three
    assert r.stderr.count("not found in the recordings") == 1 and "3 narration blocks" in r.stderr
    report = json.loads((out / "mini.aligned.report.json").read_text(encoding="utf-8"))
    assert report["summary"]["unplaced"] == narration[2:]
    assert [x["name"] for x in report["recordings"]] == ["take01.wav", "take02.mp3"]
    assert report["recordings"][0]["codec"] == "pcm_s16le" and report["recordings"][1]["sample_rate"] == 44100
    second = next(b for b in report["blocks"] if b["block"] == narration[1])
    assert second["recording"] == "take02.mp3" and 0 < second["recording_start_ms"] < second["start_ms"]
    assert all(c["start_on"] in ("pause", "dtw") for c in report["cues"])
    vtt = (out / "mini.aligned.zh-Hans.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and "群众生命财产安全的大事" in vtt
    from subtitle_helpers import node_validate

    parsed = node_validate([out / "mini.aligned.zh-Hans.vtt"])[str(out / "mini.aligned.zh-Hans.vtt")]
    assert parsed["errors"] == [] and len(parsed["cues"]) == len(report["cues"])
    srt2 = (out / "mini.aligned.take02.zh-Hans.srt").read_text(encoding="utf-8")
    assert srt2.startswith("1\n00:00:0")  # timed from that file's own start
    assert "我们从中强烈地感受到" in srt2 and "安全生产是关系" not in srt2


def test_a_second_run_reads_the_reference_back_and_writes_the_same_tracks(studio, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path, session, _ = studio
    cache = tmp_path / "cache"
    monkeypatch.setenv("SUBTOOLKIT_CACHE_DIR", str(cache))
    outs = []
    for n, extra in enumerate(([], [], ["--no-cache"])):
        out = tmp_path / f"out{n}"
        r = runner.invoke(app, ["align", str(path), *map(str, session.files), "-o", str(out), "--reference", "espeak",
                                *extra])
        assert r.exit_code == 0, r.stderr
        outs.append(out)
        if n == 0:
            entries = sorted(p.name for p in (cache / "align-reference").rglob("*.npz"))
            report = json.loads((out / "mini.aligned.report.json").read_text(encoding="utf-8"))
            assert len(entries) >= len({c["text"] for c in report["cues"]})  # every cue read is kept
    # the cached run aligned against the very reading the first one analysed: the same tracks
    for name in ("mini.aligned.zh-Hans.srt", "mini.aligned.take01.zh-Hans.srt", "mini.aligned.take02.zh-Hans.srt"):
        assert (outs[0] / name).read_text(encoding="utf-8") == (outs[1] / name).read_text(encoding="utf-8")
    # --no-cache read it again and refreshed the entries rather than adding to them
    assert sorted(p.name for p in (cache / "align-reference").rglob("*.npz")) == entries


def test_film_places_interviews_captions_and_headings_between_the_narration(studio, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, session, _ = studio
    out = tmp_path / "film"
    r = runner.invoke(app,
                      ["align", str(path), *map(str, session.files), "-o", str(out), "--film", "--fps", "23.976",
                       "--reference", "espeak"])
    assert r.exit_code == 0, r.stderr
    data = json.loads((out / "mini.aligned.zh-Hans.json").read_text(encoding="utf-8"))
    assert data["fps"] == 23.976
    kinds = [c["kind"] for c in data["cues"]]
    assert kinds[0] == "title" and "interview" in kinds and "heading" in kinds
    blocks = [c["block"] for c in data["cues"]]
    assert blocks == sorted(blocks)  # script order, on one film clock
    cues = tuple(Cue(c["block"], BlockKind(c["kind"]), tuple(c["lines"]), c["start_ms"], c["end_ms"])
                 for c in data["cues"])
    assert errors(validate(Timeline(cues, fps=23.976), load_profile("netflix-zh-hans"))) == []
    srt = (out / "mini.aligned.zh-Hans.srt").read_text(encoding="utf-8")
    assert "树立安全发展理念" in srt  # the opening sync sound is heard, so it is in the SRT
    report = json.loads((out / "mini.aligned.report.json").read_text(encoding="utf-8"))
    assert report["clock"] == "film"
    # narration moved later by the opening title and sync sound, but kept its recorded length
    narr = [c for c in data["cues"] if c["kind"] == "narration"]
    first_block = [c for c in report["cues"] if c["block"] == narr[0]["block"]]
    assert narr[0]["start_ms"] > first_block[0]["speech_start_ms"] + 4000


def test_variants_are_written_too(studio, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, session, _ = studio
    r = runner.invoke(app,
                      ["align", str(path), str(session.files[0]), "-o", str(tmp_path), "--variants", "s2twp",
                       "--format", "srt", "--reference", "espeak"])
    assert r.exit_code == 0, r.stderr
    tw = (tmp_path / "mini.aligned.zh-Hant-TW.srt").read_text(encoding="utf-8")
    assert "安全生產" in tw


@pytest.mark.parametrize("kind", ["missing", "text", "silent", "noise", "folder"])
def test_bad_recordings_are_one_line_errors_and_nothing_is_written(studio, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    path, session, _ = studio
    rng = np.random.default_rng(0)
    bad = {
        "missing": lambda: tmp_path / "nope.wav",
        "text": lambda: (tmp_path / "notes.wav").write_text("不是音频\n", encoding="utf-8") and tmp_path / "notes.wav",
        "silent": lambda: _ffmpeg_write(np.zeros(16000 * 3), tmp_path / "silent.wav"),
        "noise": lambda: _ffmpeg_write(rng.normal(size=16000 * 3) * 0.05, tmp_path / "hiss.flac"),
        "folder": lambda: session.files[0].parent,
    }[kind]()
    out = tmp_path / "out"
    r = runner.invoke(app, ["align", str(path), str(session.files[0]), str(bad), "-o", str(out)])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: ")
    assert not out.exists()


def test_a_recording_of_other_text_is_refused_unless_forced(tmp_path: Path) -> None:
    from align_helpers import SAMPLE

    script = parse_lines(read_source(SAMPLE).lines)
    other = build_session(script, tmp_path / "vo", blocks=[60], rate=0, seed=3,
                          sample_rate=16000)  # not in the test script
    path = mini_script(tmp_path)
    out = tmp_path / "out"
    r = runner.invoke(app, ["align", str(path), str(other.files[0]), "-o", str(out)])
    assert r.exit_code == 1 and "do not sound like this script" in r.stderr
    assert not out.exists()
    forced = runner.invoke(app, ["align", str(path), str(other.files[0]), "-o", str(out), "--force"])
    assert forced.exit_code == 0 and (out / "mini.aligned.report.json").exists()


def test_a_script_without_narration_is_refused(studio, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, session, _ = studio
    script = tmp_path / "interviews.txt"
    script.write_text("薛澜（清华大学教授）：\n我国用几十年时间走完了发达国家几百年走过的工业化历程。\n",
                      encoding="utf-8")
    r = runner.invoke(app, ["align", str(script), str(session.files[0]), "-o", str(tmp_path / "out")])
    assert r.exit_code == 1 and "no narration" in r.stderr


def test_auto_says_when_it_asked_espeak_too_and_which_reference_it_kept(studio, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Three of five paragraphs were not recorded: the neural reference leaves them unplaced, so
    espeak aligns the same recordings too; stderr says so and the report holds both attempts."""
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        pytest.skip("the neural voice is not installed (make voice): auto is espeak alone")
    path, session, narration = studio
    out = tmp_path / "out"
    r = runner.invoke(app, ["align", str(path), *map(str, session.files), "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    report = json.loads((out / "mini.aligned.report.json").read_text(encoding="utf-8"))
    choice = report["reference_choice"]
    assert [t["reference"] for t in choice["tried"]] == ["neural", "espeak"]
    assert all(t["seconds"] > 0 for t in choice["tried"])
    assert report["reference_voice"].startswith(choice["kept"])
    assert "espeak" in r.stderr.split("note:")[1] and choice["kept"] in r.stderr
    placed = [b for b in report["blocks"] if b["status"] != "unplaced"]
    assert placed and all(b["reference"] == choice["kept"] for b in placed)
    assert report["summary"]["unplaced"] == narration[2:]


def test_auto_keeps_the_neural_alignment_when_espeak_cannot_align(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The neural voice recorded the first two paragraphs of five: the neural reference places them
    and leaves the rest unplaced, so espeak is asked too; with libespeak-ng unloadable (the loader
    names a library that is not there) the espeak engine raises its VoiceError, and the neural
    alignment stands: written, and the report and stderr say why."""
    import espeakng_loader

    from subtoolkit.align.voice import NeuralVoice
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        pytest.skip("the neural voice is not installed (make voice): auto is espeak alone")
    path = mini_script(tmp_path)
    script = parse_lines(read_source(path).lines)
    narration = narration_blocks(script)
    session = build_session(script, tmp_path / "vo", blocks=narration[:2], sample_rate=16000, seed=23,
                            readers={b: NeuralVoice() for b in narration[:2]})
    monkeypatch.setattr(espeakng_loader, "get_library_path", lambda: str(tmp_path / "no-libespeak-ng.so"))
    out = tmp_path / "out"
    r = runner.invoke(app, ["align", str(path), *map(str, session.files), "-o", str(out), "--no-cache"])
    assert r.exit_code == 0, r.stderr
    report = json.loads((out / "mini.aligned.report.json").read_text(encoding="utf-8"))
    choice = report["reference_choice"]
    assert choice["kept"] == "neural" and report["reference_voice"].startswith("neural")
    assert [t["reference"] for t in choice["tried"]] == ["neural"]
    assert [f["reference"] for f in choice["failed"]] == ["espeak"]
    assert "cannot load libespeak-ng" in choice["failed"][0]["error"]
    assert "could not align" in r.stderr and "cannot load libespeak-ng" in r.stderr
    assert "the neural alignment stands" in r.stderr
    placed = [b["block"] for b in report["blocks"] if b["status"] != "unplaced"]
    assert placed == narration[:2]
    assert all(b["reference"] == "neural" for b in report["blocks"] if b["status"] != "unplaced")
    assert report["summary"]["unplaced"] == narration[2:]
    assert len(report["files"]) > 1 and all((out / f).exists() for f in report["files"])
