"""The sample script's subtitles: every cue meets its profile; nothing spoken is lost; goldens."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOLDEN
from subtitle_helpers import HAN_OR_DIGIT, node_validate, sample_script, sample_timeline

from subtoolkit.subtitles.formats.common import SPOKEN
from subtoolkit.model import BlockKind
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.tracks import summarize, write_tracks
from subtoolkit.subtitles.validate import validate

PROFILES = ["netflix-zh-hans", "cctv"]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("fps", ["25", "23.976", "29.97", "50"])
def test_every_cue_meets_the_profile(profile: str, fps: str) -> None:
    tl = sample_timeline(profile, fps)
    assert validate(tl, load_profile(profile)) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_spoken_text_all_there_in_order(profile: str) -> None:
    script = sample_script()
    tl = sample_timeline(profile)
    spoken = "".join(b.text for b in script.blocks if b.kind.spoken)
    track = "".join("".join(c.lines) for c in sorted(tl.cues, key=lambda c: c.start_ms) if c.kind in SPOKEN)
    assert HAN_OR_DIGIT.findall(track) == HAN_OR_DIGIT.findall(spoken)
    # and on-screen text too, in its own cues
    shown = "".join(b.text for b in script.blocks if not b.kind.spoken)
    cards = "".join("".join(c.lines) for c in tl.cues if c.kind not in SPOKEN)
    assert HAN_OR_DIGIT.findall(cards) == HAN_OR_DIGIT.findall(shown)


def test_timeline_sorted_and_blocks_in_order() -> None:
    tl = sample_timeline()
    assert [c.start_ms for c in tl.cues] == sorted(c.start_ms for c in tl.cues)
    assert [c.block for c in tl.cues] == sorted(c.block for c in tl.cues)
    assert {tl.cues[0].kind, tl.cues[1].kind} == {BlockKind.TITLE, BlockKind.INTERVIEW}


def test_estimate_is_a_believable_documentary_pace() -> None:
    """About 4 spoken syllables a second for narration: not Subtitle Edit's 15 characters a second."""
    tl = sample_timeline()
    script = sample_script()
    from subtoolkit.text.spoken import count_syllables

    narration = [c for c in tl.cues if c.kind is BlockKind.NARRATION]
    syllables = sum(count_syllables(b.text) for b in script.blocks if b.kind is BlockKind.NARRATION)
    shown = sum(c.end_ms - c.start_ms for c in narration) / 1000
    assert 3.4 <= syllables / shown <= 4.2
    s = summarize(script, tl)
    assert [x.name for x in s.sections] == ["（片头）", "直面风险", "树牢理念", "强化责任", "健全体系", "狠抓落实",
                                            "结语"]
    assert sum(x.duration_ms for x in s.sections) == s.runtime_ms


def _write(tmp_path: Path, profile: str) -> dict[str, Path]:
    p = load_profile(profile)
    written, problems = write_tracks(
        sample_timeline(profile), tmp_path, "sample", formats=["srt", "vtt", "ass", "json"], language_tag=profile,
        include=SPOKEN, profile=p, title=sample_script().title,
    )
    assert problems == []
    return written


@pytest.mark.parametrize("profile", PROFILES)
def test_golden_files(tmp_path: Path, profile: str, update_golden: bool) -> None:
    for fmt, path in _write(tmp_path, profile).items():
        golden = GOLDEN / f"sample.{profile}.{fmt}"
        data = path.read_bytes()
        if update_golden:
            golden.write_bytes(data)
        assert data == golden.read_bytes(), f"{golden.name} changed: review the diff and rerun with --update-golden"


def test_vtt_passes_the_w3c_parser(tmp_path: Path) -> None:
    paths = [_write(tmp_path / p, p)["vtt"] for p in PROFILES]
    result = node_validate(paths)
    for p in paths:
        r = result[str(p)]
        assert r["errors"] == []
        assert len(r["cues"]) == sum(1 for c in sample_timeline(p.parent.name).cues if c.kind in SPOKEN)
    first = result[str(paths[0])]["cues"][0]
    assert first["text"].startswith("<v 习近平>")


def test_srt_parses_strictly_with_srt_package(tmp_path: Path) -> None:
    import srt

    path = _write(tmp_path, "netflix-zh-hans")["srt"]
    subs = list(srt.parse(path.read_text(encoding="utf-8"), ignore_errors=False))
    tl = [c for c in sample_timeline().cues if c.kind in SPOKEN]
    assert len(subs) == len(tl)
    for s, c in zip(subs, tl):
        assert round(s.start.total_seconds() * 1000) == c.start_ms
        assert round(s.end.total_seconds() * 1000) == c.end_ms
        assert s.content == "\n".join(c.lines)
    assert [s.index for s in subs] == list(range(1, len(subs) + 1))


def test_ass_loads_in_pysubs2_with_styles_and_name_supers(tmp_path: Path) -> None:
    import pysubs2

    path = _write(tmp_path, "netflix-zh-hans")["ass"]
    subs = pysubs2.load(str(path))
    styles = {e.style for e in subs.events}
    assert styles == {"Default", "Caption", "Title", "Heading", "NameSuper"}
    supers = [e for e in subs.events if e.style == "NameSuper"]
    script = sample_script()
    assert len(supers) == len(script.speakers())
    assert supers[0].plaintext.split("\n")[0] == "习近平"
    assert any(e.style == "Caption" and e.plaintext == "党政领导责任" for e in subs.events)
    assert [e.start for e in subs.events] == sorted(e.start for e in subs.events)
