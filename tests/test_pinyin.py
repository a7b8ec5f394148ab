"""The neural voice's front end, on its own: readings, sandhi, prosody marks, the dictionary.

Pure functions (no model, no audio), so these run in milliseconds; the readings are checked
against what a Mandarin reader says, not against what the code happened to produce. One test
checks our syllable table against the symbol table of the installed model (an independent
source: the corpus transcription the model was trained on).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.errors import VoiceError
from subtoolkit.tts.pinyin import (
    LETTERS,
    MAX_SYLLABLES,
    SYLLABLES,
    parse_pinyin_dict,
    phrase_marks,
    read,
    split_syllable,
)


def py(text: str, entries: tuple = ()) -> str:  # type: ignore[type-arg]
    return read(text, entries).pinyin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他去银行取钱。", "yin2 hang2"),
        ("沿着河边行走。", "xing2 zou3"),
        ("重庆是一座山城。", "chong2 qing4"),
        ("这很重要。", "zhong4 yao4"),
        ("还是老办法。", "hai2 shi4"),
        ("长江向东流。", "chang2 jiang1"),
        ("孩子在成长。", "cheng2 zhang3"),
        ("他住在朝阳区。", "chao2 yang2 qu1"),
        ("朝阳升起来了。", "zhao1 yang2"),
    ],
)
def test_polyphones_follow_the_word(text: str, expected: str) -> None:
    assert expected in py(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好", "ni2 hao3"),  # third before third
        ("展览馆", "zhan2 lan2 guan3"),
        ("一定", "yi2 ding4"),  # 一 before a fourth tone
        ("一天", "yi4 tian1"),  # before the others
        ("一年", "yi4 nian2"),
        ("一起", "yi4 qi3"),
        ("看一看", "kan4 yi5 kan4"),  # between a repeated verb
        ("第一", "di4 yi1"),  # ordinal
        ("统一", "tong3 yi1"),  # word-final
        ("十一", "shi2 yi1"),  # numeral
        ("一百", "yi4 bai3"),
        ("一万", "yi2 wan4"),
        ("不是", "bu2 shi4"),  # 不 before a fourth tone
        ("不好", "bu4 hao3"),
        ("好不好", "hao3 bu5 hao3"),
    ],
)
def test_tone_sandhi(text: str, expected: str) -> None:
    assert py(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1818年", "yi1 ba1 yi1 ba1 nian2"),  # a year digit by digit, no sandhi on its 一
        ("80.6%", "bai3 fen1 zhi1 ba1 shi2 dian3 liu4"),
        ("14万人", "shi2 si4 wan4 ren2"),
        ("3·21", "san1 er4 yi1"),
        ("2021-2025年", "er4 ling2 er4 yi1 dao4 er4 ling2 er4 wu3 nian2"),
        ("WHO", "da2 bu5 liu1 ai4 qi1 ou1"),  # letters as Mandarin speakers name them
        ("ＰＭ", "pi1 ai4 mu5"),  # full-width folded first
    ],
)
def test_numbers_dates_percentages_and_letters_read_as_spoken(text: str, expected: str) -> None:
    assert py(text) == expected


def test_the_readings_match_what_the_timing_estimator_counts() -> None:
    from subtoolkit.text.spoken import count_syllables

    for text in ("2020年4月，80.6%的企业", "14万人参加了3·21纪念活动", "他在1998年到2003年之间"):
        assert len(py(text).split()) == count_syllables(text)


def test_dictionary_names_win_over_the_front_end() -> None:
    entries = parse_pinyin_dict("单田芳\tshan4 tian2 fang1\n万俟\tmo4 qi2\n")
    assert py("单田芳说书。") == "dan1 tian2 fang1 shuo1 shu1"
    assert py("单田芳说书。", entries) == "shan4 tian2 fang1 shuo1 shu1"
    assert py("万俟先生", entries).startswith("mo4 qi2")
    assert py("单独", entries) == "dan1 du2"  # only the whole entry is replaced


def test_dictionary_readings_are_taken_as_written() -> None:
    entries = parse_pinyin_dict("总理\tzong3 li3\n")
    assert py("总理", entries) == "zong3 li3"  # the user wrote what should be heard: no sandhi
    assert py("总理") == "zong2 li3"


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("万俟 mo4 qi2", "no tab"),
        ("万俟\tmo qi2", "not a tone-numbered"),
        ("万俟\tmo4", "2 characters but 1 syllables"),
        ("万俟\txx4 qi2", "not a tone-numbered"),
        ("万俟\tmo4 qi2\textra", "3 tab-separated fields"),
    ],
)
def test_bad_dictionary_lines_are_one_clear_error(line: str, what: str) -> None:
    with pytest.raises(VoiceError) as err:
        parse_pinyin_dict("# names\n" + line + "\n", path="names.txt")
    assert what in err.value.what and err.value.line == 2 and err.value.path == "names.txt"
    assert err.value.hint


def test_conflicting_dictionary_entries_are_refused() -> None:
    with pytest.raises(VoiceError) as err:
        parse_pinyin_dict("单\tshan4\n单\tdan1\n")
    assert "already read shan4 at line 1" in err.value.what


def test_prosody_marks_from_punctuation_and_words() -> None:
    (phrase,) = read("他去银行取钱，还是行走在长江边。").phrases
    marks = phrase_marks(phrase)
    assert marks[0] == "sil" and marks[-1] == "sil"
    # inside a word #0, a comma #3, between prosodic words #1; no #2 without a 、
    assert marks[marks.index("in2") + 1 : marks.index("in2") + 3] == ["#0", "h"]
    assert marks.count("#3") == 1 and "#2" not in marks
    assert "#2" in phrase_marks(read("煤矿、化工、建筑").phrases[0])


def test_sentences_and_long_sentences_become_separate_phrases() -> None:
    r = read("第一句。第二句！")
    assert [p.sentence for p in r.phrases] == ["第一句。", "第二句！"]
    long = "，".join(["安全生产是关系人民群众生命财产安全的大事"] * 4) + "。"
    r = read(long)
    assert len(r.phrases) > 1 and all(len(p.syllables) <= MAX_SYLLABLES for p in r.phrases)
    assert [p.ends_sentence for p in r.phrases][-1] and not r.phrases[0].ends_sentence
    assert r.phrases[-1].sentence == long and r.phrases[-1].pause_after_ms == 0


def test_unreadable_text_is_a_clear_error() -> None:
    with pytest.raises(VoiceError, match="nothing to read"):
        read("……")


def test_our_syllable_table_matches_the_models_own(neural_voice) -> None:  # type: ignore[no-untyped-def]
    mapper = json.loads(neural_voice.mapper.read_text(encoding="utf-8"))
    table, ids = mapper["pinyin_dict"], mapper["symbol_to_id"]
    for syllable in SYLLABLES:
        assert tuple(table[syllable]) == split_syllable(syllable), syllable
    for letters in LETTERS.values():
        for s in letters:
            ini, fin = split_syllable(s[:-1])
            assert ini in ids and fin + s[-1] in ids


HAN = st.text(
    alphabet=st.sampled_from("安全生产是关系人民群众生命财产的大事一不你好展览重行长还朝阳银"), min_size=1, max_size=60
)
PUNCT = st.sampled_from(["，", "。", "、", "；", "！", "？", "“", "”", ""])


@given(st.lists(st.tuples(HAN, PUNCT), min_size=1, max_size=6))
def test_every_character_is_read_once_and_every_symbol_is_the_models(parts: list[tuple[str, str]]) -> None:
    text = "".join(a + b for a, b in parts)
    reading = read(text)
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    syllables = [s for p in reading.phrases for s in p.syllables]
    assert "".join(s.text for s in syllables) == "".join(han)
    for p in reading.phrases:
        assert len(p.syllables) <= MAX_SYLLABLES
        marks = phrase_marks(p)
        assert marks[0] == marks[-1] == "sil"
        assert all(m in {"#0", "#1", "#2", "#3"} or m == "^" or m.isalpha() or m[-1] in "12345" for m in marks)
    assert reading.key() == read(text).key()
