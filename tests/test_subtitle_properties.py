"""Properties of segmentation and timing on arbitrary Chinese text with punctuation and numbers."""

from __future__ import annotations

import re
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from subtoolkit.model import Block, BlockKind, Script
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.segment import segment_text, text_width
from subtoolkit.text.punctuation import NO_LINE_END, NO_LINE_START
from subtoolkit.subtitles.timecode import ms_of, frame_of
from subtoolkit.subtitles.timing import SpeechModel, estimate
from subtoolkit.subtitles.validate import validate

NETFLIX = load_profile("netflix-zh-hans")
CCTV = load_profile("cctv")
HAN_OR_DIGIT = re.compile(r"[\u3400-\u9fff0-9A-Za-z]")

WORDS = ["安全", "生产", "责任", "习近平", "总书记", "发展", "理念", "人民", "生命", "至上", "风险", "隐患", "企业",
         "监管",
         "的",
         "了",
         "是",
         "和",
         "在"]
NUMBERS = ["2020年", "80.6%", "14万人", "3·21", "2013年11月24日", "PM2.5", "GDP", "9300多栋"]
MARKS = ["，", "。", "、", "；", "：", "？", "！", "", "", ""]

word = st.one_of(st.sampled_from(WORDS), st.sampled_from(NUMBERS))
phrase = st.lists(word, min_size=1, max_size=6).map("".join)
wrapped = st.tuples(st.sampled_from(["“”", "《》", "（）", "  "]), phrase).map(lambda t: t[0][0] + t[1] + t[0][1])
clause = st.tuples(st.lists(st.one_of(phrase, wrapped), min_size=1, max_size=3).map("".join),
                   st.sampled_from(MARKS)).map("".join)
chinese = st.lists(clause, min_size=1, max_size=12).map("".join).filter(lambda s: s.strip() != "")
long_words = st.lists(st.sampled_from(WORDS), min_size=20, max_size=60).map("".join)


@given(st.one_of(chinese, long_words), st.sampled_from([NETFLIX, CCTV]))
def test_segmentation_loses_nothing_and_keeps_the_profile(text: str, profile) -> None:  # type: ignore[no-untyped-def]
    pieces = segment_text(text, profile)
    shown = "".join("".join(p.lines) for p in pieces)
    assert HAN_OR_DIGIT.findall(shown) == HAN_OR_DIGIT.findall(text)
    # the source pieces tile the text exactly (modulo collapsed whitespace)
    assert "".join(p.source for p in pieces).replace(" ", "") == re.sub(r"\s+", " ", text).strip().replace(" ", "")
    for p in pieces:
        assert 1 <= len(p.lines) <= profile.max_lines
        for line in p.lines:
            assert line and text_width(line) <= profile.max_chars
            assert line[0] not in NO_LINE_START
            assert line[-1] not in NO_LINE_END and line[-1] not in profile.never_at_line_end
            assert not any(c in profile.to_space for c in line)


blocks = st.lists(
    st.tuples(st.sampled_from([BlockKind.NARRATION, BlockKind.INTERVIEW, BlockKind.CAPTION, BlockKind.HEADING]),
              chinese),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60)
@given(blocks, st.sampled_from(["25", "23.976", "29.97", "24", "30", "50"]), st.floats(min_value=2.5, max_value=6.5),
       st.sampled_from([NETFLIX, CCTV]))
def test_timelines_sorted_non_overlapping_frame_aligned(bs, fps_s, rate, profile) -> None:  # type: ignore[no-untyped-def]
    from subtoolkit.subtitles.timecode import parse_fps

    fps = parse_fps(fps_s)
    script = Script("t", tuple(Block(k, t.strip() or "空", i + 1, i + 1) for i, (k, t) in enumerate(bs)))
    tl = estimate(script, profile, fps=fps, model=SpeechModel.from_profile(profile, rate=rate))
    cues = tl.cues
    assert cues
    for a, b in zip(cues, cues[1:]):
        assert a.start_ms < b.start_ms
        assert frame_of(b.start_ms, fps) - frame_of(a.end_ms, fps) >= profile.min_gap_frames
    for c in cues:
        assert ms_of(frame_of(c.start_ms, fps), fps) == c.start_ms
        assert ms_of(frame_of(c.end_ms, fps), fps) == c.end_ms
        assert profile.min_ms <= c.end_ms - c.start_ms <= profile.max_ms
    assert [p for p in validate(tl, profile) if p.severity == "error"] == []
    assert [c.block for c in cues] == sorted(c.block for c in cues)


@given(chinese)
def test_faster_rate_never_lengthens_the_film(text: str) -> None:
    script = Script("t", (Block(BlockKind.NARRATION, text.strip() or "空", 1, 1),))
    slow = estimate(script, NETFLIX, fps=Fraction(25), model=SpeechModel.from_profile(NETFLIX, rate=3.0))
    fast = estimate(script, NETFLIX, fps=Fraction(25), model=SpeechModel.from_profile(NETFLIX, rate=5.0))
    assert fast.cues[-1].end_ms <= slow.cues[-1].end_ms
