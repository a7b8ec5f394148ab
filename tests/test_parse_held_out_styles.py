"""Conventions found by the held-out scripts written after round two of tests/data/house-styles (24
onwards): ranks before credit words, the opening and closing sequences described, an age after a
name, 屏幕文字 captions, an English-speaking crew's labels, scene headings, directions and cues. One
test per convention, each with its own made-up example (none is taken from the data files)."""

from __future__ import annotations

import pytest
from conftest import script

from subtoolkit.model import BlockKind as K
from subtoolkit.model import Speaker


def kinds(s):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in s.blocks]


def cover(s, n):  # type: ignore[no-untyped-def]
    return [b.kind for b in s.blocks if b.first_line <= n <= b.last_line]


# --- credits and sequences ----------------------------------------------------------------------


@pytest.mark.parametrize("line", ["总撰稿：苗一禾", "总编导：邝远　总摄像：易辰", "执行主编：庄晓", "特约撰稿 宋秋池"])
def test_a_credit_word_with_its_rank_before_it_is_a_note(line: str) -> None:
    s = script(f"【解说】渡口的船一天四班。\n{line}")
    assert kinds(s)[-1] == (K.NOTE, line)


@pytest.mark.parametrize("line", ["〖片头〗延时摄影，云从山脊上流过", "【片尾】演职员表滚动", "片尾：主创名单"])
def test_the_opening_or_closing_sequence_with_a_description_is_a_note(line: str) -> None:
    s = script(f"【解说】山里的雨说来就来。\n{line}\n【解说】雨停了。")
    assert kinds(s)[1] == (K.NOTE, line)
    assert not any(b.kind is K.HEADING for b in s.blocks)


def test_the_opening_sequence_marker_alone_or_before_a_sentence_is_still_a_heading() -> None:
    s = script("【片头】\n【解说】山里的雨说来就来。\n【片尾】雨停了，山路又亮了起来。")
    assert kinds(s) == [(K.HEADING, "片头"), (K.NARRATION, "山里的雨说来就来。"), (K.HEADING, "片尾"),
                        (K.NARRATION, "雨停了，山路又亮了起来。")]


# --- speakers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("label, role", [("〖同期声〗退休教师 邝玉芬（81岁）", "退休教师 81岁"),
                                         ("【同期】守塔人 洪德旺 (67)", "守塔人 67"),
                                         ("【采访】姚春生（90周岁）", "90周岁")])
def test_an_age_in_brackets_after_the_name_joins_the_role(label: str, role: str) -> None:
    s = script(f"【解说】学校只剩一栋老楼。\n{label}\n这间教室我教了三十一年书。\n【解说】铃声还是那只铜铃。")
    speech = s.blocks[1]
    assert speech.kind is K.INTERVIEW and speech.text == "这间教室我教了三十一年书。"
    assert speech.speaker is not None and speech.speaker.name in ("邝玉芬", "洪德旺", "姚春生")
    assert speech.speaker.role == role and speech.lines == (2, 3)
    assert any(r.line == 2 and r.text == label and r.reason == "speaker label" for r in s.removed)


def test_a_bracket_after_the_name_that_is_not_an_age_stays_the_role() -> None:
    s = script("【解说】学校只剩一栋老楼。\n【同期】邝玉芬（退休教师）\n这间教室我教了三十一年书。")
    assert s.blocks[1].speaker == Speaker("邝玉芬", "退休教师")


# --- captions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("line, text", [("〖屏幕文字〗全县古树：1,204棵", "全县古树：1,204棵"),
                                        ("【画面文字】1958年 水库动工", "1958年 水库动工")])
def test_screen_text_markers_are_captions(line: str, text: str) -> None:
    s = script(f"【解说】水库修了三年。\n{line}\n【解说】坝上的字还在。")
    assert kinds(s)[1] == (K.CAPTION, text)


# --- an English-speaking crew's script ----------------------------------------------------------


def test_english_labels_with_a_colon_or_a_dash() -> None:
    s = script(
        """
        NARRATION: The ferry leaves at dawn.
        旁白：渡船天一亮就开。
        INTERVIEW — 庞水生 Pang Shuisheng, ferryman
        我在这条江上撑了四十年船。
        VOICEOVER — By noon the river is busy.
        SUPER: Lanjiang, 1984
        """
    )
    assert kinds(s) == [(K.NARRATION, "The ferry leaves at dawn."), (K.NARRATION, "渡船天一亮就开。"),
                        (K.INTERVIEW, "我在这条江上撑了四十年船。"), (K.NARRATION, "By noon the river is busy."),
                        (K.CAPTION, "Lanjiang, 1984")]
    assert s.blocks[2].speaker is not None and s.blocks[2].speaker.name == "庞水生"
    assert s.blocks[2].lines == (3, 4)
    assert ("NARRATION: " in [r.text for r in s.removed]) and ("VOICEOVER — " in [r.text for r in s.removed])


def test_an_english_line_that_opens_with_a_word_and_a_colon_stays_narration() -> None:
    s = script("【解说】江水东流。\nRiver: the old road of the valley, the villagers say.")
    assert kinds(s)[1] == (K.NARRATION, "River: the old road of the valley, the villagers say.")


def test_a_short_english_sentence_under_a_lone_narration_marker_is_narration() -> None:
    s = script("NARRATION:\nThe ferry leaves.\n[VO]\nBy noon.")
    assert kinds(s) == [(K.NARRATION, "The ferry leaves."), (K.NARRATION, "By noon.")]
    assert [b.lines for b in s.blocks] == [(1, 2), (3, 4)]


@pytest.mark.parametrize("line", ["SCENE 4 — 渡口 / The Ferry Landing — NIGHT", "Scene 12", "SC. 3 - 江边",
                                  "INT. TEA HOUSE - DAY", "EXT. RIVERBANK — DUSK"])
def test_screenplay_scene_headings_are_headings(line: str) -> None:
    s = script(f"NARRATION: The ferry leaves at dawn.\n{line}\nNARRATION: The lamps are lit.")
    assert kinds(s)[1] == (K.HEADING, line)


def test_a_sentence_that_opens_with_scene_is_narration() -> None:
    s = script("【解说】江水东流。\nScene after scene, the river keeps its promise.")
    assert kinds(s)[1][0] is K.NARRATION


@pytest.mark.parametrize("line", ["(Drone over the river mouth)", "(Archive footage, 1978)",
                                  "（Slow pan across the nets）"])
def test_an_english_direction_in_brackets_is_a_note(line: str) -> None:
    s = script(f"NARRATION: The ferry leaves at dawn.\n{line}\nNARRATION: The lamps are lit.")
    assert kinds(s)[1] == (K.NOTE, line)


def test_a_bracketed_english_sentence_after_speech_stays_in_the_speech() -> None:
    s = script("INTERVIEW — 庞水生 Pang Shuisheng, ferryman\n我撑了四十年船。\n"
               "(EN SUB: I have poled this boat for forty years.)\nNARRATION: The lamps are lit.")
    assert [b.kind for b in s.blocks] == [K.INTERVIEW, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker is not None and s.blocks[1].speaker.name == "庞水生"


@pytest.mark.parametrize("line", ["MUSIC: erhu, slow", "SFX: rain on the tin roof", "AMBIENCE: market crowd"])
def test_english_cues_are_notes_even_inside_a_speech(line: str) -> None:
    s = script(f"INTERVIEW — 庞水生 Pang Shuisheng, ferryman\n我撑了四十年船。\n{line}\n"
               "NARRATION: The lamps are lit.")
    assert kinds(s)[1] == (K.NOTE, line)


@pytest.mark.parametrize("line", ["END OF EPISODE 5", "End of Part Two", "THE END OF REEL 3"])
def test_the_end_line_of_an_english_script_is_a_note(line: str) -> None:
    s = script(f"INTERVIEW — 庞水生 Pang Shuisheng, ferryman\n我撑了四十年船。\n{line}")
    assert cover(s, 3) == [K.NOTE]
