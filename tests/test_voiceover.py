"""The scratch voiceover end to end with the offline engine: audio, retimed tracks, manifest, cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.cli import app
from voice_support import assert_cues_sit_on_speech
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.validate import validate

runner = CliRunner()
STEM = SAMPLE.stem
FRAME_MS = 40  # 25 fps


@pytest.fixture(scope="module")
def first_section(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vo")
    r = runner.invoke(app,
                      ["voiceover", str(SAMPLE), "-o", str(out), "--engine", "espeak", "--sections", "1",
                       "--cache-dir", str(out / "cache")])
    assert r.exit_code == 0, r.stderr
    assert "espeak:" in r.stdout and "0 failed" in r.stdout
    return out


def test_speech_onsets_sit_on_cue_starts_and_speech_stays_inside_cues(first_section: Path) -> None:
    assert_cues_sit_on_speech(first_section, STEM, frame_ms=FRAME_MS)


def test_retimed_track_meets_the_profile(first_section: Path) -> None:
    from subtoolkit.subtitles.readers import read_timeline
    from subtoolkit.subtitles.timecode import parse_fps

    for fmt in ("srt", "vtt"):
        tl = read_timeline(first_section / f"{STEM}.voiceover.zh-Hans.{fmt}", fps=parse_fps("25"))
        assert validate(tl, load_profile()) == []


def test_manifest_shape(first_section: Path) -> None:
    m = json.loads((first_section / f"{STEM}.voiceover.manifest.json").read_text(encoding="utf-8"))
    assert m["engine"] == "espeak" and m["segments"]
    for seg in m["segments"]:
        assert set(seg) == {"block", "text", "voice", "start_ms", "duration_ms", "cache_key", "cached"}
        assert seg["voice"] == "cmn" and seg["duration_ms"] > 0
    starts = [s["start_ms"] for s in m["segments"]]
    assert starts == sorted(starts)
    blocks = json.loads(runner.invoke(app, ["parse", str(SAMPLE), "--json"]).stdout)["blocks"]
    for seg in m["segments"][:20]:
        assert seg["text"] in blocks[seg["block"]]["text"]


def _run(script: Path, out: Path, cache: Path) -> dict:  # type: ignore[type-arg]
    r = runner.invoke(app,
                      ["voiceover", str(script), "-o", str(out), "--engine", "espeak", "--cache-dir", str(cache),
                       "--format", "mp3"])
    assert r.exit_code == 0, r.stderr
    return json.loads((out / f"{script.stem}.voiceover.manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_cache_rerun_renders_nothing_and_an_edit_rerenders_one_paragraph(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")[:12]
    script = tmp_path / "ep.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = _run(script, tmp_path / "a", cache)
    assert first["segments"] and not any(s["cached"] for s in first["segments"][1:])
    again = _run(script, tmp_path / "b", cache)
    assert all(s["cached"] for s in again["segments"])
    assert (tmp_path / "b" / "ep.voiceover.mp3").stat().st_size > 10_000
    assert "开小灶" in lines[10]
    lines[10] = lines[10].replace("开小灶", "开专门的会议")  # line 11 is one narration paragraph
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    edited = _run(script, tmp_path / "c", cache)
    fresh = {s["block"] for s in edited["segments"] if not s["cached"]}
    blocks = json.loads(runner.invoke(app, ["parse", str(script), "--json"]).stdout)["blocks"]
    assert len(fresh) == 1 and blocks[fresh.pop()]["lines"] == [11, 11]


def test_interview_voice_voices_interviews(tmp_path: Path) -> None:
    script = tmp_path / "ep.txt"
    script.write_text("薛澜（清华大学教授）：\n我们要守住安全底线。\n安全生产是大事。\n", encoding="utf-8")
    r = runner.invoke(app,
                      ["voiceover", str(script), "-o", str(tmp_path), "--engine", "espeak", "--cache-dir",
                       str(tmp_path / "c"), "--interview-voice", "cmn"])
    assert r.exit_code == 0, r.stderr
    m = json.loads((tmp_path / "ep.voiceover.manifest.json").read_text(encoding="utf-8"))
    assert [s["block"] for s in m["segments"]] == [0, 1]


def test_bad_rate_is_a_clear_error(tmp_path: Path) -> None:
    r = runner.invoke(app,
                      ["voiceover", str(SAMPLE), "-o", str(tmp_path), "--engine", "espeak", "--rate", "fast",
                       "--cache-dir", str(tmp_path / "c")])
    assert r.exit_code == 1 and "rate" in r.stderr and "Traceback" not in r.output
    assert not any(p.suffix in (".wav", ".json") for p in tmp_path.iterdir())


class _Interrupted(Exception):
    """Stands for Ctrl-C or a dropped connection part-way through a run."""


def test_resumed_run_equals_an_uninterrupted_one_byte_for_byte(tmp_path: Path) -> None:
    """Whatever the cache held — nothing, the segments of an interrupted run, or segments rendered
    by a run over other blocks — the audio and the tracks come out the same, byte for byte.
    (espeak-ng carries state from one synthesis into the next: pitch flutter, noise, wave phase.)"""
    from subtitle_helpers import sample_script

    from subtoolkit.jobs.voiceover import render_voiceover

    script, profile = sample_script(), load_profile()
    blocks = range(0, 24)

    def run(name: str, cache: Path, **kw: object) -> Path:
        out = tmp_path / name
        render_voiceover(script, profile, out, STEM, engine="espeak", cache_dir=cache,  # type: ignore[arg-type]
                         blocks=kw.pop("blocks", blocks), **kw)
        return out

    whole = run("whole", tmp_path / "cache-whole")

    def interrupt(p) -> None:  # type: ignore[no-untyped-def]
        if p.rendered >= 20:
            raise _Interrupted
    with pytest.raises(_Interrupted):
        run("broken", tmp_path / "cache-resumed", on_progress=interrupt)
    resumed = run("resumed", tmp_path / "cache-resumed")
    run("other", tmp_path / "cache-prefilled", blocks=range(8, 30))  # other blocks, rendered in another order
    prefilled = run("prefilled", tmp_path / "cache-prefilled")

    names = sorted(p.name for p in whole.iterdir() if not p.name.endswith("manifest.json"))
    assert f"{STEM}.voiceover.wav" in names and f"{STEM}.voiceover.zh-Hans.srt" in names
    for name in names:
        data = (whole / name).read_bytes()
        assert (resumed / name).read_bytes() == data, name
        assert (prefilled / name).read_bytes() == data, name
    manifests = [json.loads((d / f"{STEM}.voiceover.manifest.json").read_text(encoding="utf-8"))
                 for d in (whole, resumed, prefilled)]
    strip = lambda m: [{k: v for k, v in s.items() if k != "cached"} for s in m["segments"]]  # noqa: E731
    assert strip(manifests[0]) == strip(manifests[1]) == strip(manifests[2])
    assert any(s["cached"] for s in manifests[1]["segments"]) and any(s["cached"] for s in manifests[2]["segments"])
