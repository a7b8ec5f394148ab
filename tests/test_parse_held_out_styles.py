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


def test_the_opening_sequence_marker_before_the_films_title_keeps_the_title() -> None:
    s = script("【片头】《山里的雨》\n【解说】山里的雨说来就来。")
    assert (K.NOTE, "【片头】《山里的雨》") not in kinds(s) and "山里的雨" in [t for _, t in kinds(s)]


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
    # (with a subtitle label, ``(EN SUB: …)``, it is the caption of the bite: test_parse_round_four_styles)
    s = script("INTERVIEW — 庞水生 Pang Shuisheng, ferryman\n我撑了四十年船。\n"
               "(Forty years on this boat, can you believe it?)\nNARRATION: The lamps are lit.")
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


# --- round three (26–31) ------------------------------------------------------------------------


def test_the_films_title_under_a_stations_line_is_a_title() -> None:
    s = script("东岭广播电视台《山水间》栏目\n《竹海人家》\n【解说】竹海深处住着十几户人家。")
    assert [b.kind for b in s.blocks][:2] == [K.TITLE, K.TITLE] and s.blocks[1].text == "竹海人家"


def test_a_title_further_down_is_still_a_heading() -> None:
    s = script("《竹海人家》\n【解说】竹海深处住着十几户人家。\n《笋季》\n【解说】春笋一夜能长一尺。")
    assert kinds(s)[2] == (K.HEADING, "笋季")


@pytest.mark.parametrize("line", ["（播出时长：12分钟）", "（版本：终审稿）", "（温馨提示：请勿拍照）"])
def test_the_documents_particulars_in_brackets_are_notes(line: str) -> None:
    s = script(f"《竹海人家》\n{line}\n【解说】竹海深处住着十几户人家。")
    assert kinds(s)[1] == (K.NOTE, line)


@pytest.mark.parametrize("line", ["分镜头脚本（二稿）　总时长：约4分钟", "录音稿　共8站　总时长约25分钟　配音：男声",
                                  "终审稿　版本：v5　片长：3分钟"])
def test_a_line_of_the_documents_fields_is_a_note(line: str) -> None:
    s = script(f"《竹海人家》\n{line}\n【解说】竹海深处住着十几户人家。")
    assert kinds(s)[1] == (K.NOTE, line) and len(s.blocks) == 3


def test_hong_kong_interview_marker_and_a_role_only_super() -> None:
    s = script("（旁白）\n街市朝早最旺。\n（訪問）冼志強　街市攤販\n我喺度開檔開咗三十年。\n"
               "（訪問）食物環境衞生署發言人\n我哋會定期巡查。\n（旁白）\n收檔之後，街市靜晒。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker("冼志強", "街市攤販")
    assert s.blocks[2].speaker == Speaker(None, "食物環境衞生署發言人") and s.blocks[2].text == "我哋會定期巡查。"
    assert s.blocks[2].lines == (5, 6)


def test_a_caption_in_round_brackets_with_a_colon() -> None:
    s = script("（訪問）冼志強　街市攤販\n我喺度開檔開咗三十年。\n（字幕：全港現有公眾街市七十四個）\n"
               "（旁白）\n收檔之後，街市靜晒。")
    assert kinds(s)[1] == (K.CAPTION, "全港現有公眾街市七十四個")


@pytest.mark.parametrize("divider", ["＊＊＊", "———————", "------", "※※※", "= = ="])
def test_a_divider_line_is_a_note_and_not_part_of_a_speech(divider: str) -> None:
    s = script(f"【解说】街市朝早最旺。\n【同期】冼志强　摊贩\n我开档开了三十年。\n{divider}\n"
               "【解说】收档之后，街市静了。")
    assert kinds(s)[2] == (K.NOTE, divider) and s.blocks[1].text == "我开档开了三十年。"


@pytest.mark.parametrize("line", ["剪接：蘇偉倫", "收音：梁家樂", "助理編導：區嘉欣"])
def test_hong_kong_and_taiwan_credit_words(line: str) -> None:
    s = script(f"（旁白）\n收檔之後，街市靜晒。\n{line}")
    assert kinds(s)[-1] == (K.NOTE, line)


def test_full_width_latin_markers_and_digits_match_their_ascii_forms() -> None:
    s = script("【ＯＳ】\n竹山的清晨，霧還沒散。\n【ＳＯＴ】林淑惠／竹山鎮農會總幹事\n「筍子要趁天亮前挖。」\n"
               "【字卡】２０２４年　竹筍產量創新高")
    assert kinds(s) == [(K.NARRATION, "竹山的清晨，霧還沒散。"), (K.INTERVIEW, "「筍子要趁天亮前挖。」"),
                        (K.CAPTION, "２０２４年　竹筍產量創新高")]
    assert s.blocks[1].speaker == Speaker("林淑惠", "竹山鎮農會總幹事")


def test_a_role_line_under_the_name_alone_completes_the_super() -> None:
    s = script("【OS】\n竹山的清晨，霧還沒散。\n【受訪者】\n林淑惠\n竹山鎮農會總幹事\n「筍子要趁天亮前挖。」\n"
               "【OS】\n太陽出來了。")
    assert s.blocks[1].kind is K.INTERVIEW and s.blocks[1].text == "「筍子要趁天亮前挖。」"
    assert s.blocks[1].speaker == Speaker("林淑惠", "竹山鎮農會總幹事") and s.blocks[1].lines == (3, 6)


def test_a_short_speech_under_the_name_alone_is_not_taken_for_a_role() -> None:
    s = script("【OS】\n竹山的清晨。\n【受訪者】\n林淑惠\n筍子要趁早挖\n【OS】\n太陽出來了。")
    assert s.blocks[1].text == "筍子要趁早挖" and s.blocks[1].speaker == Speaker("林淑惠", None)


@pytest.mark.parametrize("label", ["小朋友", "工作人员", "乘客", "大爷"])
def test_turns_of_unnamed_people_in_a_scene(label: str) -> None:
    s = script(f"【解说】周末，渡口很热闹。\n【现场同期】\n庞水生：坐稳了啊。\n{label}：好嘞！\n【解说】船开了。")
    turn = [b for b in s.blocks if b.text == "好嘞！"]
    assert turn and turn[0].kind is K.INTERVIEW and turn[0].speaker == Speaker(None, label)


def test_a_table_with_a_caption_column_section_rows_and_named_sound_bites() -> None:
    s = script(
        """
        《江源》
        画面 | 解说 | 字幕
        第一部分　源头
        雪山航拍 | 江水从雪山下来。 | 海拔5200米
        牧民赶牛 |  | 杂多县 昂赛乡
        牧民面对镜头 | 【同期】牛多了，草场也要护好。 | 扎西多杰　牧民
        黑场 |  |
        """
    )
    assert kinds(s)[1:] == [(K.NOTE, "画面 | 解说 | 字幕"), (K.HEADING, "第一部分　源头"),
                            (K.NARRATION, "江水从雪山下来。"), (K.CAPTION, "杂多县 昂赛乡"),
                            (K.INTERVIEW, "牛多了，草场也要护好。"), (K.NOTE, "黑场 |  |")]
    assert s.blocks[5].speaker == Speaker("扎西多杰", "牧民")
    assert (4, "| 海拔5200米", "table column") in [(r.line, r.text, r.reason) for r in s.removed]


def test_bars_after_a_table_with_another_number_of_cells_are_not_rows() -> None:
    s = script("画面 | 解说 | 字幕\n雪山航拍 | 江水从雪山下来。 | 海拔5200米\n撰稿：甘露\n编导：方舟 | 审核：龚伟")
    assert kinds(s)[-1] == (K.NOTE, "编导：方舟 | 审核：龚伟")


@pytest.mark.parametrize("line", ["【第2站】第一展厅 · 茶马古道（编号201）", "【第二部分】匠心",
                                  "[Stop 3] The Bronze Bells",
                                  "【第4单元】渔猎"])
def test_a_numbered_part_in_brackets_with_its_name_is_a_heading(line: str) -> None:
    s = script(f"【解说】欢迎来到博物馆。\n{line}\n展柜里这只铜马铃，是在驿站遗址出土的。")
    assert kinds(s)[1] == (K.HEADING, line) and s.blocks[2].kind is K.NARRATION


@pytest.mark.parametrize("line", ["提示音：叮——", "【背景音：江水声】", "按键音：嘀"])
def test_an_audio_guides_signals_are_notes(line: str) -> None:
    s = script(f"【解说】欢迎来到博物馆。\n{line}\n【解说】请看左手边的展柜。")
    assert kinds(s)[1] == (K.NOTE, line)


@pytest.mark.parametrize("marker", ["（专家声音）", "【嘉宾原声】"])
def test_a_persons_voice_marker_introduces_their_speech(marker: str) -> None:
    s = script(f"【解说】这艘独木舟长九米。\n{marker}州博物馆研究员 庄雅琴：\n过去江边人家，家家都有一条船。\n"
               "【解说】请继续向前。")
    assert s.blocks[1].kind is K.INTERVIEW and s.blocks[1].speaker == Speaker("庄雅琴", "州博物馆研究员")


def test_the_sound_of_a_place_is_not_a_persons_voice() -> None:
    s = script("【解说】这艘独木舟长九米。\n【环境声音】江水拍岸\n【解说】请继续向前。")
    assert not any(b.kind is K.INTERVIEW for b in s.blocks)


@pytest.mark.parametrize("line, role", [("【主持人结束语】", "主持人"), ("【男主播开场白】", "男主播")])
def test_the_presenters_opening_and_closing_words(line: str, role: str) -> None:
    s = script(f"【正文】老楼装上了电梯。\n{line}\n本期节目就到这里，下周再见。")
    assert kinds(s)[1] == (K.NARRATION, "本期节目就到这里，下周再见。") and s.blocks[1].speaker == Speaker(None, role)


def test_the_presenters_closing_words_as_a_label() -> None:
    s = script("【正文】老楼装上了电梯。\n主持人结束语：本期节目就到这里。")
    assert s.blocks[1].kind is K.NARRATION and s.blocks[1].speaker == Speaker(None, "主持人")


@pytest.mark.parametrize("label, name", [("【同期声】菜场摊主 龚师傅", "龚师傅"),
                                         ("【同期】退休教师 欧阳老师", "欧阳老师"),
                                         ("【采访】孔阿姨", "孔阿姨")])
def test_a_surname_and_a_form_of_address_is_the_speakers_name(label: str, name: str) -> None:
    s = script(f"【正文】老楼装上了电梯。\n{label}\n说实话，一开始我是反对的。\n【正文】后来大家都签了字。")
    assert s.blocks[1].speaker is not None and s.blocks[1].speaker.name == name


def test_a_picture_note_after_a_sentence_is_set_aside() -> None:
    s = script("【解说】\n雾养人，也养茶。（画面：茶园特写）\n【解说】天亮了。")
    assert kinds(s)[0] == (K.NARRATION, "雾养人，也养茶。")
    assert (2, "（画面：茶园特写）", "stage direction") in [(r.line, r.text, r.reason) for r in s.removed]


def test_a_bracket_inside_a_sentence_stays() -> None:
    s = script("【解说】茶园（画面：茶园特写）在山腰上。\n【解说】天亮了。")
    assert kinds(s)[0][1].endswith("在山腰上。")


@pytest.mark.parametrize("line", ["第一部分　起点（约1分30秒）", "第三部分 远方"])
def test_a_numbered_part_of_the_script_is_a_heading(line: str) -> None:
    s = script(f"《向光而行》\n【解说】一九五四年，学校从三间平房起步。\n{line}\n【解说】七十年过去了。")
    assert kinds(s)[2] == (K.HEADING, line)


def test_a_table_ends_at_two_lines_without_cells() -> None:
    s = script("画面 | 解说 | 字幕\n雪山航拍 | 江水从雪山下来。 | 海拔5200米\n【解说】江水一路向东。\n"
               "【解说】流过草原。\n导演：方舟 | 摄像：龚伟 | 剪辑：石磊")
    assert kinds(s)[-1] == (K.NOTE, "导演：方舟 | 摄像：龚伟 | 剪辑：石磊")


def test_a_caption_after_a_sentence_is_not_set_aside() -> None:
    s = script("【解说】雾养人，也养茶。（字幕：茶园面积三千亩）\n【解说】天亮了。")
    assert all(r.reason != "stage direction" for r in s.removed)


def test_an_episode_in_brackets_on_the_title_page_is_still_a_title() -> None:
    s = script("【第一集】长江之歌\n【解说】江水东流。")
    assert kinds(s)[0] == (K.TITLE, "【第一集】长江之歌")
