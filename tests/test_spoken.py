"""The syllable counter on the number forms a documentary script uses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.text.spoken import count_syllables, int_cn, verbalize


@pytest.mark.parametrize(
    "text, reading, syllables",
    [
        ("2020年", "二零二零年", 5),
        ("80.6%", "百分之八十点六", 7),
        ("80.6％", "百分之八十点六", 7),
        ("14万", "十四万", 3),
        ("3·21", "三二一", 3),
        ("“8·12”", "“八一二”", 3),
        ("2.71万人", "二点七一万人", 6),
        ("74.5万栋", "七十四点五万栋", 7),
        ("9300多栋", "九千三百多栋", 6),
        ("2013年11月24日", "二零一三年十一月二十四日", 12),
        ("2018 年", "二零一八年", 5),
        ("2021-2025年", "二零二一到二零二五年", 10),
        ("5—10人", "五到十人", 4),
        ("-5℃", "零下五摄氏度", 6),
        ("10:30", "十点三十分", 5),
        ("1/3", "三分之一", 4),
        ("10005", "一万零五", 4),
        ("90%以上", "百分之九十以上", 7),
        ("PM2.5", "PM二点五", 5),
        ("5G", "五G", 2),
    ],
)
def test_number_readings(text: str, reading: str, syllables: int) -> None:
    assert verbalize(text) == reading
    assert count_syllables(text) == syllables


def test_latin_words_and_acronyms() -> None:
    assert count_syllables("WHO") == 5  # W is "double-u"
    assert count_syllables("GDP") == 3
    assert count_syllables("data") == 2
    assert count_syllables("安全") == 2


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _cn_to_int(s: str) -> int:
    """An independent reader of place-value numerals, used as the oracle for int_cn."""
    total, section, digit = 0, 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
    return total + section + digit


@given(st.integers(min_value=0, max_value=99_999_999))
def test_int_cn_reads_back(n: int) -> None:
    assert _cn_to_int(int_cn(n)) == n


@given(st.text(alphabet="0123456789.%·:-/年月日万人，。的 ", max_size=40))
def test_verbalize_leaves_no_digits(text: str) -> None:
    assert not any(c.isdigit() for c in verbalize(text))


@given(st.text(alphabet=st.sampled_from(list("安全生产责任，。、；：！？…,;:2020年%℃·abcW ”）②²")), max_size=20),
       st.sampled_from(["narration", "interview"]), st.floats(0.5, 2.0))
def test_budget_measure_is_budget_ms(text: str, kind: str, scale: float) -> None:
    """The segmenter's per-atom closure gives budget_ms's figure exactly, and the fast syllable
    count of plain Chinese agrees with the full reading."""
    from subtoolkit.model import BlockKind
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.timing import SpeechModel

    model = SpeechModel.from_profile(load_profile("netflix-zh-hans"), rate=4.3, pause_scale=scale)
    block_kind = BlockKind(kind)
    assert model.budget_measure(block_kind)(text) == model.budget_ms(text, block_kind)
    # count_syllables skips the reading of text with nothing to read out: the full count agrees
    from subtoolkit.text.spoken import _HAN, _LATIN_WORD, latin_syllables

    spoken = verbalize(text)
    full = len(_HAN.findall(spoken)) + sum(latin_syllables(w) for w in _LATIN_WORD.findall(spoken))
    assert count_syllables(text) == full + sum(c.isdigit() for c in spoken)


@given(st.text(alphabet="0123456789.,%％‰·•・:：/-–—~～℃°C摄氏度年代月日万人的 点", max_size=40))
def test_verbalize_skips_only_rules_that_cannot_match(text: str) -> None:
    """verbalize tries a rule only when the text holds one of its needles; every rule tried
    regardless gives the same reading."""
    from subtoolkit.text.spoken import _FULLWIDTH, _RULES

    expected = text.translate(_FULLWIDTH)
    if any(c.isdigit() for c in expected):
        for _, pattern, repl in _RULES:
            expected = pattern.sub(repl, expected)
    assert verbalize(text) == expected
