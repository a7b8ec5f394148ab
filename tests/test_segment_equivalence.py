"""The segmenter's table-driven cue choice against the first, re-rendering one (tests/segment_reference.py).

The two share atoms, costs and tie-breaking rules and differ only in how they find the cheapest
cutting, so on any text, with or without a speech budget or a Traditional shadow profile, they
must return the same pieces: lines, sources and line sources.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from segment_reference import segment_text as reference_segment_text
from subtoolkit.subtitles.profiles import load_profile, variant_profile_of
from subtoolkit.subtitles.segment import Budget, render_line, segment_text, text_width

NETFLIX = load_profile("netflix-zh-hans")
CCTV = load_profile("cctv")
HANT = variant_profile_of(NETFLIX)
NARROW = NETFLIX.with_changes(max_chars=9.0, separator="·", never_at_line_end="、，")
GLUED = NETFLIX.with_changes(separator="", max_chars=12.0)  # marks vanish: widths come from rendered lines

WORDS = ["安全", "生产", "责任", "习近平", "总书记", "发展", "理念", "人民", "生命", "至上", "风险", "隐患", "企业",
         "监管", "的", "了", "是", "和", "在", "们", "吗", "楼歪歪", "一", "二", "三", "国", "家"]
NUMBERS = ["2020年", "80.6%", "14万人", "3·21", "2013年11月24日", "PM2.5", "GDP", "9300多栋", "A", "covid-19"]
MARKS = ["，", "。", "、", "；", "：", "？", "！", "…", " ", "", "", "", "——", ",", ".", "（", "）"]

word = st.one_of(st.sampled_from(WORDS), st.sampled_from(NUMBERS), st.sampled_from(MARKS))
phrase = st.lists(word, min_size=1, max_size=8).map("".join)
wrapped = st.tuples(st.sampled_from(["“”", "《》", "（）", "「」", "  "]), phrase).map(
    lambda t: t[0][0] + t[1] + t[0][1])
text = st.lists(st.one_of(phrase, wrapped), min_size=1, max_size=14).map("".join)
profiles = st.sampled_from([(NETFLIX, None), (NETFLIX, HANT), (CCTV, None), (HANT, None), (NARROW, HANT),
                            (GLUED, HANT)])
limits = st.floats(min_value=3.0, max_value=40.0)
budgets = st.one_of(st.none(), limits.map(lambda limit: Budget(lambda t: text_width(t) * 1.3, limit)))


def _shape(pieces):  # type: ignore[no-untyped-def]
    return [(p.lines, p.source, p.line_sources) for p in pieces]


@settings(max_examples=int(os.environ.get("SEGMENT_EXAMPLES", "400")), deadline=None)
@given(text, profiles, budgets)
def test_same_cues_as_the_reference(s: str, pair, budget) -> None:  # type: ignore[no-untyped-def]
    profile, shadow = pair
    ours = segment_text(s, profile, budget, shadow)
    assert _shape(ours) == _shape(reference_segment_text(s, profile, budget, shadow))


@settings(max_examples=int(os.environ.get("SEGMENT_EXAMPLES", "400")), deadline=None)
@given(text, profiles, budgets)
def test_shadow_width_is_the_rendered_width(s: str, pair, budget) -> None:  # type: ignore[no-untyped-def]
    """The Traditional width a piece carries (read from the line tables) is what rendering its
    lines with the shadow profile measures; the reading time of the Traditional twin uses it."""
    profile, shadow = pair
    for p in segment_text(s, profile, budget, shadow):
        if shadow is None:
            assert p.shadow_width is None
        elif p.shadow_width is not None:
            assert p.shadow_width == sum(text_width(render_line(src, shadow)) for src in p.line_sources)
