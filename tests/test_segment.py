"""The line and cue breaker on the hard cases of Chinese subtitling."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.subtitles.profiles import Profile, load_profile
from subtoolkit.subtitles import compiled
from subtoolkit.subtitles.segment import (
    COMPILED,
    WIDE_CHARS,
    _separated,
    _table,
    _weights,
    char_width,
    render_line,
    segment_text,
    text_width,
)

NETFLIX = load_profile("netflix-zh-hans")
CCTV = load_profile("cctv")


def cues(text: str, profile: Profile = NETFLIX) -> list[tuple[str, ...]]:
    return [p.lines for p in segment_text(text, profile)]


def all_lines(text: str, profile: Profile = NETFLIX) -> list[str]:
    return [l for c in cues(text, profile) for l in c]


def test_one_line_when_it_fits() -> None:
    assert cues("坚决遏制重特大安全事故。") == [("坚决遏制重特大安全事故",)]


def test_two_lines_break_at_punctuation_bottom_heavy() -> None:
    assert cues("树立安全发展理念，弘扬生命至上、安全第一的思想。") == [("树立安全发展理念",
                                                 "弘扬生命至上、安全第一的思想")]


def test_comma_becomes_space_inside_a_line_and_vanishes_at_the_end() -> None:
    assert render_line("抗击疫情是这样，安全生产同样如此。", NETFLIX) == "抗击疫情是这样 安全生产同样如此"
    assert cues("抗击疫情是这样，安全生产同样如此。") == [("抗击疫情是这样 安全生产同样如此",)]


def test_kept_punctuation() -> None:
    lines = all_lines("他问：“这是为什么？”《安全生产法》规定了责任！")
    joined = "".join(lines)
    for mark in "：“”？《》！":
        assert mark in joined


def test_enumeration_comma_never_ends_a_line() -> None:
    text = "危险化学品涉及生产、储存、运输、使用、经营、废弃处置等多个环节，系统风险突出。"
    for line in all_lines(text):
        assert not line.endswith("、")


@pytest.mark.parametrize("unit",
                         ["2.71万人", "80.6%", "2013年11月24日", "74.5万栋", "9300多栋", "6100余公里", "14万人"])
def test_numbers_with_units_are_never_split(unit: str) -> None:
    text = f"据统计近年来我国安全生产事故死亡人数已经下降到了{unit}这个水平而且还在继续不断下降当中"
    lines = all_lines(text)
    assert any(unit in l for l in lines), lines


def test_long_clause_without_punctuation_breaks_between_words() -> None:
    text = "发展决不能以牺牲人的生命为代价这是一条不可逾越的红线"
    lines = all_lines(text)
    joined = "".join(lines)
    assert joined == text
    for a, b in zip(lines, lines[1:]):
        pair = a[-1] + b[0]
        assert pair not in ("牺牲", "生命", "代价", "红线", "逾越"), (a, b)


def test_book_title_kept_whole_when_it_fits() -> None:
    text = "2018年4月8日，我国安全生产领域第一部党内法规《地方党政领导干部安全生产责任制规定》正式印发实施。"
    lines = all_lines(text)
    # 20 characters cannot fit on a line: it is split, in order, with the marks kept
    assert "".join(lines).count("《") == 1 and "《地方党政领导干部安全生产责任制规定》" in "".join(lines)
    short = "国务院出台了《安全生产法》的配套规定和实施细则以及相关的配套文件"
    assert any("《安全生产法》" in l for l in all_lines(short))


def test_quotes_kept_whole() -> None:
    text = "坚持党政同责一岗双责齐抓共管失职追责的“党政同责、一岗双责”原则不动摇"
    assert any("“党政同责、一岗双责”" in l for l in all_lines(text))


def test_names_not_split() -> None:
    text = "清华大学公共管理学院教授薛澜接受采访时表示习近平总书记的论述意义重大"
    lines = all_lines(text)
    for a, b in zip(lines, lines[1:]):
        assert not (a.endswith("习") or a.endswith("习近") or a.endswith("薛")), (a, b)


def test_clreq_no_closing_mark_at_line_start_no_opening_at_end() -> None:
    text = "他说：“我们一定要把安全生产工作抓紧抓实抓细，决不能有丝毫松懈。”然后他离开了会场回到了工作岗位"
    for line in all_lines(text):
        assert line[0] not in "，。、；：！？）》」』”’"
        assert line[-1] not in "（《「『“‘"


def test_every_line_within_the_profile() -> None:
    text = "近年来，我国安全生产事故死亡人数从历史最高峰的2002年死亡14万人，降至2020年的2.71万人，下降了80.6%。" * 3
    for c in cues(text):
        assert 1 <= len(c) <= 2
        assert all(text_width(l) <= 16 for l in c)


def test_cctv_profile_one_line_full_width_spaces_only_book_titles() -> None:
    text = "他说：“我们读了《安全生产法》，受益匪浅！”这是真的吗？"
    cs = cues(text, CCTV)
    assert all(len(c) == 1 for c in cs)
    joined = "\u3000".join(l for c in cs for l in c)
    assert "《安全生产法》" in joined
    for mark in "：“”，！？":
        assert mark not in joined
    assert "\u3000" in joined
    assert all(text_width(c[0]) <= 18 for c in cs)


def test_nothing_lost() -> None:
    text = "2019年江苏响水“3·21”爆炸的警钟早在8年前就已敲响，响水县委常委会会议根本没有专题研究过安全生产。"
    han = lambda s: re.findall(r"[\u4e00-\u9fff0-9]", s)
    assert han("".join(all_lines(text))) == han(text)


@pytest.mark.parametrize("date", ["2015-7-21", "2015/7/21", "2015－7－21", "2015／7／21", "3-5", "10:30", "2015.7.21"])
def test_digits_joined_by_dash_slash_colon_or_dot_are_one_unit(date: str) -> None:
    """A date or range written with separators is never broken across lines or cues
    (``2015-7-`` | ``21``), wherever the line width happens to fall."""
    base = "据统计近年来我国安全生产事故死亡人数已经下降到了这个水平而且还在继续不断下降当中"
    for k in range(len(base) + 1):
        lines = all_lines(base[:k] + date + base[k:])
        assert any(date in l for l in lines), (k, lines)


# What a line shows and weighs is computed without str.translate and without a memo
# (segment._separated, segment.text_width); both must give what the plain definitions give.
_TEXT_CHARS = st.sampled_from(list("安全生产，。；、：“”《》（）!?,;. \t\u3000\u00a0\\0aZ7·—…") + ["\n"])


@given(
    text=st.text(_TEXT_CHARS, max_size=40),
    to_space=st.text(st.sampled_from(list("，。；,;、 \t\\")), max_size=5),
    sep=st.sampled_from([" ", "", "\u3000", "/", "\\", "\\1", "  ", "、"]),
)
def test_separated_is_the_translate_it_replaces(text: str, to_space: str, sep: str) -> None:
    assert _separated(to_space, sep)(text) == text.translate(_table(to_space, sep))


@given(text=st.text(max_size=30) | st.text(_TEXT_CHARS, max_size=30))
def test_text_width_is_the_sum_of_character_widths(text: str) -> None:
    assert text_width(text) == sum(char_width(c) for c in text)
    assert isinstance(text_width(text), float)


def test_every_character_measured_as_wide_is_one_wide_and_three_utf8_bytes() -> None:
    """text_width measures a text of these characters and ASCII from its UTF-8 length; that holds
    only while each weighs 1 under this Python's Unicode tables and takes three bytes."""
    from subtoolkit.subtitles.segment import _WIDE_OR_ASCII

    wide = [chr(c) for c in range(0x110000) if _WIDE_OR_ASCII.fullmatch(chr(c)) and not chr(c).isascii()]
    assert len(wide) > 27_000
    assert [c for c in wide if char_width(c) != 1.0 or len(c.encode("utf-8")) != 3] == []
    assert all(char_width(chr(c)) == 0.5 for c in range(0x20, 0x7F))


@given(text=st.text(_TEXT_CHARS, max_size=40), to_space=st.sampled_from(["，。；,;", "", "、，。,"]),
       sep=st.sampled_from([" ", "\u3000", "/"]), never=st.sampled_from(["", "、", "、，。,"]))
def test_render_keeps_the_first_space_of_each_run_as_the_template_did(text: str, to_space: str, sep: str,
                                                                       never: str) -> None:
    import re

    from subtoolkit.subtitles.segment import _render

    expected = re.sub(r"([ \u3000])[ \u3000]+", r"\1", _separated(to_space, sep)(text)).strip(" \u3000")
    while expected and expected[-1] in never:
        expected = expected[:-1].rstrip(" \u3000")
    assert _render(text, to_space, sep, never) == expected


@given(text=st.text(_TEXT_CHARS, max_size=40), to_space=st.sampled_from(["，。；,;", "", "、，。,", " \t"]),
       sep=st.sampled_from([" ", "", "/", ","]), never=st.sampled_from(["", "、", "、，。,"]))
def test_a_line_rendered_with_a_narrow_separator_is_never_wider_than_its_source(text: str, to_space: str, sep: str,
                                                                               never: str) -> None:
    """atoms_of keeps a clause whole without rendering it when its source fits and the separator
    weighs at most ½: that relies on this."""
    from subtoolkit.subtitles.segment import _render

    if "\n" not in text:
        assert text_width(_render(text, to_space, sep, never)) <= text_width(text)


def test_the_characters_taken_as_one_wide_are_one_wide() -> None:
    # segment.WIDE_CHARS lets the line tables skip the width look-up for nearly every character
    ranges = re.findall(r"(.)(?:-(.))?", WIDE_CHARS)
    assert ranges
    for low, high in ranges:
        for cp in range(ord(low), ord(high or low) + 1):
            assert char_width(chr(cp)) == 1.0, hex(cp)


@given(text=st.text(max_size=30) | st.text(_TEXT_CHARS, max_size=30))
def test_the_line_tables_weigh_each_character_as_char_width_does(text: str) -> None:
    weights = _weights(text)
    assert weights == [char_width(c) for c in text]
    assert all(isinstance(w, float) for w in weights)


def test_the_module_knows_which_build_runs_it() -> None:
    # the loops written by code point for mypyc run only where segment is compiled; were a mypyc
    # release to give compiled functions a __code__, the compiled build would quietly take the slow path
    assert COMPILED == ("subtoolkit.subtitles.segment" in compiled())
