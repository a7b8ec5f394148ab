"""Conventions found by the held-out scripts of round five (tests/data/house-styles 34–36: a 分镜头稿
flattened to lines, a 微纪录片 with 【人物介绍】, a Hong Kong 旁白稿 for a Cantonese dub). One test per
convention, each with its own made-up example (none is taken from the data files)."""

from __future__ import annotations

import pytest
from conftest import script

from subtoolkit.model import BlockKind as K
from subtoolkit.text.parse import Context, person_intro, rule_end_mark


def kinds(s):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in s.blocks]


def cover(s, n):  # type: ignore[no-untyped-def]
    return [b for b in s.blocks if b.first_line <= n <= b.last_line]


# --- the document's particulars ---------------------------------------------------------------


@pytest.mark.parametrize("line", ["总时长：约5分钟　撰稿：麦清　导演：车远", "全片时长：12分30秒",
                                  "成片时长：8分钟　版本：终审", "总片长：45分钟"])
def test_a_line_opening_with_the_total_running_time_is_a_note(line: str) -> None:
    s = script(f"《潮汐》分镜头稿\n{line}\n解说：潮水退去，滩涂露了出来。")
    assert [b.kind for b in cover(s, 2)] == [K.NOTE]
    assert kinds(s)[-1] == (K.NARRATION, "潮水退去，滩涂露了出来。")


def test_total_running_time_inside_a_sentence_is_still_narration() -> None:
    s = script("【解说】\n总时长不过三分钟的片子，他们拍了整整一年。")
    assert kinds(s) == [(K.NARRATION, "总时长不过三分钟的片子，他们拍了整整一年。")]


# --- the end of the script written out -----------------------------------------------------------


@pytest.mark.parametrize("line", ["（全片完）", "(全片完)", "【全片完】", "（全剧终）", "— 完 —", "（本期节目完）",
                                  "全片完", "（剧终）", "【结束】"])
def test_the_end_of_the_script_written_out_is_a_note(line: str) -> None:
    s = script(f"【解说】\n渡口的灯，一盏一盏亮了。\n{line}")
    assert [b.kind for b in cover(s, 3)] == [K.NOTE]
    assert not any(b.kind in (K.CAPTION, K.HEADING) for b in s.blocks)


@pytest.mark.parametrize("line", ["全完了", "（完成）", "终点", "结束语", "（故事还没有完）", "他说完"])
def test_words_that_only_contain_an_end_are_not_an_end_mark(line: str) -> None:
    assert rule_end_mark(line, line, Context()) is None


# --- a person introduced on screen ------------------------------------------------------------


@pytest.mark.parametrize("text", ["罗秀英，63岁，渡口小卖部店主。", "邓启明，七十岁，老船工。", "韦秋月，苗绣厂厂长。"])
def test_a_sentence_introducing_a_person(text: str) -> None:
    assert person_intro(text)


@pytest.mark.parametrize("text", ["罗秀英，我在这里卖了三十年东西。", "天亮以后，渡口热闹起来。",
                                  "罗秀英，快回来吃饭！", "后来，村里来了新的老师。"])
def test_a_sentence_that_introduces_nobody(text: str) -> None:
    assert not person_intro(text)


@pytest.mark.parametrize("marker", ["【人物介绍】", "【人物简介】", "【人物】"])
def test_a_person_intro_marker_alone_above_an_introduction_is_on_screen_text(marker: str) -> None:
    s = script(f"【旁白】\n渡口只剩一家小卖部。\n{marker}\n罗秀英，63岁，渡口小卖部店主。\n"
               "【人物原声】罗秀英\n船不来，我也开着门。\n【旁白】\n天黑了。")
    intro = cover(s, 4)
    assert [(b.kind, b.text) for b in intro] == [(K.CAPTION, "罗秀英，63岁，渡口小卖部店主。")]
    assert cover(s, 3) == intro  # the marker line goes with the caption it introduces
    bite = cover(s, 6)
    assert [b.kind for b in bite] == [K.INTERVIEW] and bite[0].speaker is not None
    assert bite[0].speaker.name == "罗秀英"
    assert kinds(s)[-1] == (K.NARRATION, "天黑了。")


def test_a_person_marker_alone_above_a_name_super_still_introduces_the_speech() -> None:
    s = script("【解说】\n渡口只剩一家小卖部。\n【人物介绍】\n罗秀英\n船不来，我也开着门。")
    bite = cover(s, 5)
    assert [b.kind for b in bite] == [K.INTERVIEW]
    assert bite[0].speaker is not None and bite[0].speaker.name == "罗秀英"


# --- a note about the dub among the speech ----------------------------------------------------


@pytest.mark.parametrize("note", ["（外婆原声为客家话，以下由配音员读出）", "（此段为闽南语，由配音演员代读）",
                                  "（以下为译配）", "（原聲為潮州話，以下由配音員讀出）"])
def test_a_note_about_the_dub_is_a_note_even_inside_speech(note: str) -> None:
    s = script(f"【旁白】\n外婆在灶前坐下。\n外婆（邹月娥）：\n那年的雪，落了三天三夜。\n{note}\n我们就守着这口灶。\n"
               "【旁白】\n火又旺了起来。")
    assert [b.kind for b in cover(s, 5)] == [K.NOTE]
    speech = [b for b in s.blocks if b.kind is K.INTERVIEW]
    assert speech and all(b.speaker is not None and b.speaker.name == "邹月娥" for b in speech)
    assert all("配音" not in b.text and "译配" not in b.text for b in speech)


def test_speech_that_talks_about_dubbing_stays_speech() -> None:
    s = script("配音演员（万晴）：\n（我做配音二十年了，以下这段最难读。）")
    assert [b.kind for b in cover(s, 2)] == [K.INTERVIEW]
