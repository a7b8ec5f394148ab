"""Traditional tracks of the sample meet their profile like the Simplified one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLE
from subtitle_helpers import HAN_OR_DIGIT, sample_timeline
from typer.testing import CliRunner

from subtoolkit.cli import app
from subtoolkit.chinese.convert import convert_text
from subtoolkit.model import BlockKind
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.validate import validate
from subtoolkit.chinese.variants import variant_timeline

HANS = load_profile("netflix-zh-hans")
HANT = load_profile("netflix-zh-hant")


@pytest.mark.parametrize("config", ["s2tw", "s2hk", "s2t", "s2twp"])
def test_variant_meets_the_traditional_profile(config: str) -> None:
    base = sample_timeline()
    vt = variant_timeline(base, config, HANS)
    assert validate(vt, HANT) == []
    assert vt.profile == "netflix-zh-hant"
    if config != "s2twp":  # character-preserving: same cues, same times, same line lengths
        assert len(vt.cues) == len(base.cues)
        for a, b in zip(base.cues, vt.cues):
            assert (a.start_ms, a.end_ms, a.block, len(a.lines)) == (b.start_ms, b.end_ms, b.block, len(b.lines))
    spoken_src = "".join(c.source for c in base.cues if c.kind.spoken)
    spoken_tr = "".join("".join(c.lines) for c in vt.cues if c.kind.spoken)
    assert HAN_OR_DIGIT.findall(spoken_tr) == HAN_OR_DIGIT.findall(convert_text(spoken_src, config))


def test_traditional_punctuation_and_quotes() -> None:
    vt = variant_timeline(sample_timeline(), "s2twp", HANS)
    text = "\n".join("\n".join(c.lines) for c in vt.cues)
    assert "，" in text and "「開小灶」" in text
    assert "“" not in text and "”" not in text
    for c in vt.cues:
        for line in c.lines:
            assert line[-1] not in "、，。"


def test_cli_variant_files(tmp_path: Path) -> None:
    r = CliRunner().invoke(app,
                           ["subtitles", str(SAMPLE), "-o", str(tmp_path), "--format", "srt,json", "--variant",
                            "s2twp,s2hk"])
    assert r.exit_code == 0, r.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    stem = SAMPLE.stem
    assert names == sorted(f"{stem}.{t}.{f}" for t in ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK") for f in ("srt", "json"))
    tw = (tmp_path / f"{stem}.zh-Hant-TW.srt").read_text(encoding="utf-8")
    assert "習近平" in tw and "生命重於泰山" in tw
    hans_times = re.findall(r"\d\d:\d\d:\d\d,\d{3} --> .*",
                            (tmp_path / f"{stem}.zh-Hans.srt").read_text(encoding="utf-8"))
    hk_times = re.findall(r"\d\d:\d\d:\d\d,\d{3} --> .*",
                          (tmp_path / f"{stem}.zh-Hant-HK.srt").read_text(encoding="utf-8"))
    assert hans_times == hk_times


def test_two_variants_for_one_region_is_an_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(app,
                           ["subtitles", str(SAMPLE), "-o", str(tmp_path), "--format", "srt", "--variant",
                            "s2tw,s2twp"])
    assert r.exit_code == 1 and "zh-Hant-TW" in r.stderr


def test_rebreak_keeps_cue_when_phrases_lengthen() -> None:
    from subtoolkit.model import Block, Script
    from subtoolkit.subtitles.timing import estimate

    script = Script("t", (Block(BlockKind.NARRATION, "互联网和网络安全都是信息技术时代的重要问题。", 1, 1),))
    base = estimate(script, HANS)
    vt = variant_timeline(base, "s2twp", HANS)
    assert "網際網路" in "".join("".join(c.lines) for c in vt.cues)
    assert validate(vt, HANT) == []
    assert vt.cues[0].start_ms == base.cues[0].start_ms and vt.cues[-1].end_ms == base.cues[-1].end_ms


def test_words_across_line_breaks_and_overrides() -> None:
    """头|发 split over two lines is still 頭髮; the project dictionary fixes 船只能; times are
    untouched and the speaker is named in Traditional characters (the track's name supers)."""
    from subtoolkit.model import Cue, Speaker, Timeline

    speaker = Speaker("薛澜", "清华大学教授")
    cues = (
        Cue(0, BlockKind.NARRATION, ("这只船只能", "载28人"), 1000, 2960, None, "这只船只能载28人。",
            ("这只船只能", "载28人。")),
        Cue(1, BlockKind.INTERVIEW, ("他的头", "发白了"), 3040, 4800, speaker, "他的头发白了", ("他的头", "发白了")),
    )
    tw = variant_timeline(Timeline(cues, fps=25.0), "s2tw", HANS)
    assert [c.lines for c in tw.cues] == [("這隻船只能", "載28人"), ("他的頭", "髮白了")]
    times = [(c.block, c.kind, c.start_ms, c.end_ms) for c in cues]
    assert [(c.block, c.kind, c.start_ms, c.end_ms) for c in tw.cues] == times
    assert [c.speaker for c in tw.cues] == [None, Speaker("薛瀾", "清華大學教授")]
