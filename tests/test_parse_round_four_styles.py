"""Conventions found by the held-out scripts of round four (tests/data/house-styles 32 and 33: a
short-video script, the dubbing script of a foreign documentary), and the two defects noticed in
round three (an English subtitle line read as speech, a warning for a sync marker above turns). One
test per convention, each with its own made-up example (none is taken from the data files)."""

from __future__ import annotations

import pytest
from conftest import script

from subtoolkit.model import BlockKind as K


def kinds(s):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in s.blocks]


def cover(s, n):  # type: ignore[no-untyped-def]
    return [b for b in s.blocks if b.first_line <= n <= b.last_line]


# --- a short video's script -------------------------------------------------------------------


def test_huazi_is_on_screen_text() -> None:
    s = script("【口播】\n这家面馆开了四十年。\n【花字】一碗面 · 三代人\n【口播】\n老板每天四点起床。")
    assert (K.CAPTION, "一碗面 · 三代人") in kinds(s)
    assert "花字" not in "".join(b.text for b in s.blocks)


@pytest.mark.parametrize("line", ["【BGM：钢琴独奏，压低】", "【BGM渐强】", "【BGM停】"])
def test_bgm_is_a_sound_cue_not_a_heading(line: str) -> None:
    s = script(f"【解说】渡船靠岸了。\n{line}\n【解说】码头上挤满了人。")
    assert [b.kind for b in cover(s, 2)] == [K.NOTE]
    assert not any(b.kind is K.HEADING for b in s.blocks)


@pytest.mark.parametrize("marker", ["【结尾口播】", "【开场口播】（博主出镜）", "【片尾解说】"])
def test_a_narration_turn_with_its_place_in_the_film_is_narration(marker: str) -> None:
    s = script(f"【解说】集市散了。\n{marker}\n谢谢你看到这里，我们下次再见。")
    assert kinds(s)[-1] == (K.NARRATION, "谢谢你看到这里，我们下次再见。")
    assert not any(b.kind is K.HEADING for b in s.blocks)


@pytest.mark.parametrize("line", ["#渔村日记 #赶海 #潮汐", "＃非遗手艺＃", "#老街 #修鞋匠"])
def test_a_line_of_topic_tags_is_a_note(line: str) -> None:
    s = script(f"【口播】\n退潮了，我们去赶海。\n{line}")
    assert kinds(s)[-1] == (K.NOTE, line)


def test_a_markdown_heading_is_not_a_tag_line() -> None:
    s = script("# 第一章 渔村\n退潮以后，滩涂上全是人。")
    assert s.blocks[0].kind is not K.NOTE


@pytest.mark.parametrize("line", ["拍摄：小周　剪辑：阿岚", "混录：甘棠", "配音导演：裴音",
                                  "原片：Blue Fjord Pictures（挪威）　译制：海城台译制组"])
def test_shoot_and_dubbing_credits_are_notes(line: str) -> None:
    s = script(f"【解说】雪下了一夜。\n{line}")
    assert kinds(s)[-1] == (K.NOTE, line)


def test_a_turn_labelled_with_the_relation_a_super_gave_is_that_persons() -> None:
    s = script("【采访】爷爷 龙德顺（79岁）\n这条船是我自己造的。\n【口播】\n爷爷每天都要去河边看看。\n"
               "爷爷：你又来看船啦？\n小林：来陪您。")
    turn = cover(s, 5)
    assert [b.kind for b in turn] == [K.INTERVIEW] and turn[0].text == "你又来看船啦？"
    assert turn[0].speaker is not None and turn[0].speaker.name == "龙德顺"


def test_a_relation_no_super_gave_is_not_a_turn() -> None:
    s = script("【口播】\n爷爷每天都要去河边看看。\n爷爷：你又来看船啦？")
    assert all(b.kind is not K.INTERVIEW or (b.speaker and b.speaker.name) != "龙德顺" for b in s.blocks)
    assert [b.kind for b in cover(s, 3)] == [K.NARRATION]


# --- a dubbing script -------------------------------------------------------------------------


def test_original_sound_label_names_a_foreign_speaker_without_the_honorific() -> None:
    s = script("【中文配音·解说】\n珊瑚礁正在褪色。\n原声：Prof. Marta Silva, marine biologist\n"
               "We have lost half the reef in ten years.")
    bite = cover(s, 4)
    assert [b.kind for b in bite] == [K.INTERVIEW] and bite[0].text == "We have lost half the reef in ten years."
    assert bite[0].speaker is not None and bite[0].speaker.name == "Marta Silva"
    assert bite[0].speaker.role == "marine biologist"
    assert kinds(s)[0] == (K.NARRATION, "珊瑚礁正在褪色。")


def test_a_dubbed_voice_speaks_for_the_original_sound_above_it() -> None:
    s = script("原声：Prof. Marta Silva\nWe have lost half the reef.\n（字幕：玛尔塔·席尔瓦　海洋生物学家）\n"
               "【中文配音·女声】十年里，我们失去了一半的珊瑚礁。\n【普通话配音·旁白】\n潜水员又下水了。")
    dub = cover(s, 4)
    assert [(b.kind, b.text) for b in dub] == [(K.INTERVIEW, "十年里，我们失去了一半的珊瑚礁。")]
    assert dub[0].speaker is not None and dub[0].speaker.name == "Marta Silva"
    assert kinds(s)[-1] == (K.NARRATION, "潜水员又下水了。")


def test_a_dubbed_voice_with_no_original_sound_above_names_nobody() -> None:
    s = script("【中文配音·解说】\n潜水员下水了。\n【中文配音·男声】水下能见度只有三米。")
    dub = cover(s, 3)
    assert [b.kind for b in dub] == [K.INTERVIEW] and dub[0].speaker is None


@pytest.mark.parametrize("line", ["（第三段　00:09:12—00:14:40）", "(Reel 2  10:00:00-10:12:30)",
                                  "（第一本 01:00:00~01:20:00）"])
def test_a_bracketed_time_span_is_a_note_even_after_speech(line: str) -> None:
    s = script(f"【同期】船长 卢启明\n风太大了，今天不出海。\n{line}\n【解说】港口安静下来。")
    assert [b.kind for b in cover(s, 3)] == [K.NOTE]


@pytest.mark.parametrize("line", ["（现场声：汽笛声，约3秒）", "（同期声：掌声）", "(现场声：锣鼓声、鞭炮声)"])
def test_a_sound_described_under_a_sync_word_is_a_note(line: str) -> None:
    s = script(f"【解说】船进港了。\n{line}\n【解说】人们迎了上去。")
    assert [b.kind for b in cover(s, 2)] == [K.NOTE]


def test_a_person_named_under_a_sync_word_in_brackets_is_still_a_speaker() -> None:
    s = script("【解说】船进港了。\n（同期声：张一鸣）\n终于到家了。")
    assert s.blocks[-1].kind is K.INTERVIEW and s.blocks[-1].speaker is not None
    assert s.blocks[-1].speaker.name == "张一鸣"


# --- the two defects --------------------------------------------------------------------------


@pytest.mark.parametrize("line, shown", [("(EN SUB: The river feeds the whole valley.)",
                                          "The river feeds the whole valley."),
                                         ("(ENG SUBS: We fish at night.)", "We fish at night."),
                                         ("（英文字幕：Rice needs patience.）", "Rice needs patience.")])
def test_an_english_subtitle_line_is_a_caption_without_its_label(line: str, shown: str) -> None:
    s = script(f"INTERVIEW — 覃永福 Qin Yongfu, ferryman\n这条河养活了整个山谷。\n{line}")
    sub = cover(s, 3)
    assert [(b.kind, b.text) for b in sub] == [(K.CAPTION, shown)]
    assert sub[0].written == line  # the label stays in the text as written
    bite = cover(s, 2)[0]
    assert bite.kind is K.INTERVIEW and "SUB" not in bite.text and "字幕" not in bite.text


def no_speech_warnings(s):  # type: ignore[no-untyped-def]
    return [w for w in s.warnings if "no speech" in w.what]


@pytest.mark.parametrize("marker", ["【现场同期】", "（現場聲）", "【同期】"])
def test_a_sync_marker_above_named_turns_does_not_warn(marker: str) -> None:
    s = script(f"【解说】菜市场六点开门。\n{marker}\n摊主：今天的笋很嫩。\n顾客：来两斤。")
    assert no_speech_warnings(s) == []
    assert [b.kind for b in cover(s, 3)] == [K.INTERVIEW] and [b.kind for b in cover(s, 4)] == [K.INTERVIEW]


def test_a_named_speaker_with_no_speech_still_warns() -> None:
    s = script("【解说】菜市场六点开门。\n【同期】摊主 符春花\n【同期】顾客 林大伟\n来两斤。")
    assert len(no_speech_warnings(s)) == 1


@pytest.mark.parametrize("marker", ["【开场口播】（博主出镜，站在码头上）", "【口播】（出镜）", "【解说】（女声）"])
def test_a_direction_alone_after_a_voice_marker_is_not_read_out(marker: str) -> None:
    s = script(f"{marker}\n大家好，今天带你们去赶海。")
    assert kinds(s) == [(K.NARRATION, "大家好，今天带你们去赶海。")]
    assert any(r.reason == "stage direction" for r in s.removed)
