"""Conventions found by the held-out scripts 16–23 of tests/data/house-styles: provincial 专题片 with
two-line name supers, bilingual newsroom scripts, public-TV documentaries with readings, shot tables
pasted as text, web articles, radio features, party-building films, Markdown and pasted SRT. One
test per convention, each with its own made-up example (none is taken from the data files)."""

from __future__ import annotations

import pytest
from conftest import script

from subtoolkit.model import BlockKind as K
from subtoolkit.model import Speaker
from subtoolkit.text.names import split_name_role


def kinds(s):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in s.blocks]


def reasons(s):  # type: ignore[no-untyped-def]
    return [(r.line, r.text, r.reason) for r in s.removed]


# --- name supers --------------------------------------------------------------------------------


def test_two_line_name_super_under_a_bare_sync_marker() -> None:
    s = script("【配音】水库边的小屋里住着一位护林员。\n【同期】\n青岚山林场 护林员\n庞德海\n"
               "这片林子我走了二十年，哪棵树病了我都知道。\n【配音】天黑前，他还要再巡一遍。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker("庞德海", "青岚山林场 护林员")
    assert s.blocks[1].lines == (2, 5) and s.blocks[1].text.startswith("这片林子")
    assert not s.warnings


def test_a_name_alone_under_a_bare_sync_marker_names_the_speaker() -> None:
    s = script("【解说】码头上人来人往。\n【同期】\n符海燕\n鱼价今天还行。\n【解说】太阳升高了。")
    assert s.blocks[1].speaker == Speaker("符海燕", None) and s.blocks[1].lines == (2, 4)


def test_short_speech_under_a_bare_sync_marker_is_not_taken_for_a_super() -> None:
    s = script("【解说】码头上人来人往。\n【同期】\n鱼价今天还行，比昨天好。\n【解说】太阳升高了。")
    assert kinds(s)[1] == (K.INTERVIEW, "鱼价今天还行，比昨天好。") and s.blocks[1].speaker is None


def test_long_role_title_with_enumeration_then_the_name() -> None:
    s = script("【解说】新村的路修到了山顶。\n"
               "【同期】中共岩口乡委员会委员、岩口村党支部书记（兼村委会主任）　祁向东\n"
               "路通了，山上的茶叶才卖得出去。\n【解说】今年的春茶已经订完。")
    assert s.blocks[1].speaker == Speaker("祁向东", "中共岩口乡委员会委员、岩口村党支部书记（兼村委会主任）")
    assert s.blocks[1].lines == (2, 3)


def test_bilingual_super_takes_the_name_in_chinese() -> None:
    s = script("[VO]\nThe night market opens at six.\n夜市六点开张。\n"
               "[SOT] Lam Kit Ying, Stall Owner / 林洁莹 摊主\n\"We sell until the last bowl.\"\n"
                "[VO]\nBy midnight the street is empty.")
    interview = [b for b in s.blocks if b.kind is K.INTERVIEW]
    assert interview and all(b.speaker is not None and b.speaker.name == "林洁莹" for b in interview)
    assert interview[0].speaker.role == "摊主 Lam Kit Ying, Stall Owner"  # type: ignore[union-attr]


def test_a_quoted_line_inside_a_named_speech_stays_that_speaker() -> None:
    s = script("[SOT] Lam Kit Ying, Stall Owner / 林洁莹 摊主\n\"We sell until the last bowl.\"\n"
               "“卖完最后一碗才收摊。”\n[VO]\nBy midnight the street is empty.")
    assert [b.speaker.name for b in s.blocks if b.kind is K.INTERVIEW] == ["林洁莹", "林洁莹"]  # type: ignore[union-attr]


def test_sync_marker_then_name_in_brackets_and_speech_on_one_line() -> None:
    s = script("【解说】巷子口有家修鞋摊。\n【同期】蒲建华（修鞋匠）：鞋底磨成这样，还能再穿两年。\n"
               "【解说】他收了五块钱。")
    assert s.blocks[1].speaker == Speaker("蒲建华", "修鞋匠") and s.blocks[1].text == "鞋底磨成这样，还能再穿两年。"


def test_relation_outside_the_brackets_and_the_name_inside() -> None:
    s = script("外公（骆永年，79岁）：这口井比我年纪还大。\n井水一年四季不干。")
    assert s.blocks[0].speaker == Speaker("骆永年", "外公 79岁")


def test_role_a_space_then_the_name_as_a_speaker_label() -> None:
    s = script("院子里晒满了柿饼。\n姑姑 闵秀云：「柿饼要晒足一个月。」\n霜降以后，柿饼就甜了。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker("闵秀云", "姑姑")


def test_reporter_a_space_then_the_name_is_not_an_interviewee() -> None:
    s = script("【出镜】\n记者 沙文涛：我身后就是新建的大桥。\n【解说】大桥预计年底通车。")
    assert all(b.kind is not K.INTERVIEW for b in s.blocks)


def test_label_of_a_recording_alone_on_its_line_belongs_to_the_speech() -> None:
    s = script("主持人：我们来到了老茶馆。\n【录音】茶客 冷炳生：\n这茶馆我喝了五十年茶。\n主持人：茶还是那个味道。")
    assert s.blocks[1].speaker == Speaker("冷炳生", "茶客") and s.blocks[1].lines == (2, 3)


def test_hong_is_a_surname() -> None:
    assert split_name_role("鹽工 洪金水") == ("洪金水", "鹽工")


# --- presenters and stage directions --------------------------------------------------------------


@pytest.mark.parametrize("label", ["主持人甲", "主持人乙", "主持人A", "女主持B"])
def test_presenters_numbered_甲_乙_read_narration(label: str) -> None:
    s = script(f"{label}：欢迎收听今天的节目。\n{label}：我们今天去江边。\n【录音】船工 甘老三：江水涨了。")
    assert s.blocks[0].kind is K.NARRATION and s.blocks[0].speaker == Speaker(None, label)
    assert s.blocks[0].text == "欢迎收听今天的节目。"


@pytest.mark.parametrize(
    "line, direction, text",
    [
        ("导语：（主持人口播）今年的第一场雪来得早。", "（主持人口播）", "今年的第一场雪来得早。"),
        ("主持人：（出镜）观众朋友们好。", "（出镜）", "观众朋友们好。"),
        ("【配音】（男声，低沉）山谷里起了雾。", "（男声，低沉）", "山谷里起了雾。"),
        ("解说：(画外) 山谷里起了雾。", "(画外)", "山谷里起了雾。"),
    ],
)
def test_stage_direction_opening_a_spoken_line_is_set_aside(line: str, direction: str, text: str) -> None:
    s = script(line)
    assert s.blocks[0].kind is K.NARRATION and s.blocks[0].text == text
    assert (1, direction, "stage direction") in reasons(s)


def test_a_bracket_that_is_the_whole_spoken_text_stays() -> None:
    s = script("解说：（山谷里起了雾。）")
    assert s.blocks[0].text == "（山谷里起了雾。）"


def test_news_paragraph_with_every_marker_inline_and_the_reporter_named() -> None:
    s = script("【口播】城南的老菜场今天重新开张。【配音】改造用了半年。【同期】摊主 卜秀兰：地面干了，顾客也多了。"
               "【出镜】记者 庞越：我身后就是新修的排水沟。【配音】菜场每天六点开门。")
    assert [(b.kind, b.speaker) for b in s.blocks] == [
        (K.NARRATION, Speaker(None, "主持人")), (K.NARRATION, None), (K.INTERVIEW, Speaker("卜秀兰", "摊主")),
        (K.NARRATION, Speaker("庞越", "记者")), (K.NARRATION, None),
    ]
    assert s.blocks[3].text == "我身后就是新修的排水沟。"


# --- headings, credits, cues ------------------------------------------------------------------------


def test_chapter_with_篇章_and_a_column_in_book_title_marks() -> None:
    s = script("《薪火》\n第二篇章《坚守》\n【解说】他在山村教了三十年书。\n【专栏】《老党员讲党课》\n"
               "【解说】课堂设在祠堂里。")
    assert kinds(s)[1] == (K.HEADING, "第二篇章《坚守》")
    assert kinds(s)[3] == (K.HEADING, "老党员讲党课")


@pytest.mark.parametrize(
    "line",
    [
        "——中共江岭县委宣传部　江岭县融媒体中心　联合摄制",
        "REPORTER: Chan Wai Man / 记者：陈伟文",
        "Camera: Ho Siu Lung",
        "製作單位：北岸影像工作室",
        "编导：甘露　拍摄日期：2024年5月",
        "撰稿：严晴 | 版本：二审稿",
        "合计：24个镜头，约3分钟",
    ],
)
def test_production_lines_of_other_crews_are_notes(line: str) -> None:
    s = script(f"《江岭》\n{line}\n【解说】江水绕城而过。")
    assert kinds(s)[1] == (K.NOTE, line)


@pytest.mark.parametrize("line", ["[NATSOT] (children laughing)", "【現場音】浪聲", "（片尾曲：〈山歌〉）",
                                  "【压混】音乐《晚风》",
                                  "【音效】钟声 压混", "[图片]", "【视频】"])
def test_sound_and_media_cues_are_notes(line: str) -> None:
    s = script(f"【解说】江水绕城而过。\n{line}\n【解说】城里的灯亮了。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]


# --- readings, emoji, web articles ----------------------------------------------------------------


def test_bopomofo_and_romanised_readings_after_characters_are_set_aside() -> None:
    s = script("【旁白】老街叫「菜市（tshài-tshī）」，賣魚（ㄇㄞˋ ㄩˊ）的攤子最多。\n"
               "【受訪】魚販 洪金水（Âng Kim-tsuí）\n今仔日的魚真鮮。")
    assert s.blocks[0].text == "老街叫「菜市」，賣魚的攤子最多。"
    assert s.blocks[1].speaker == Speaker("洪金水", "魚販")
    readings = {"（tshài-tshī）", "（ㄇㄞˋ ㄩˊ）", "（Âng Kim-tsuí）"}
    assert {r.text for r in s.removed if r.reason == "romanisation"} == readings


def test_english_in_brackets_without_diacritics_stays() -> None:
    s = script("【旁白】老街叫菜市（Market Street），賣魚的攤子最多。")
    assert "（Market Street）" in s.blocks[0].text


def test_spans_set_aside_are_listed_in_source_order() -> None:
    s = script("【受訪】魚販 洪金水（Âng Kim-tsuí）\n今仔日的魚真鮮。")
    line1 = [r.text for r in s.removed if r.line == 1]
    assert line1 == ["【受訪】魚販 洪金水", "（Âng Kim-tsuí）"]


def test_emoji_are_never_voiced() -> None:
    s = script("📷 纪录片《渡口》\n清晨，渡船靠岸了。🚢\n🌊 江面上起了风。")
    assert kinds(s) == [(K.TITLE, "纪录片《渡口》"), (K.NARRATION, "清晨，渡船靠岸了。"),
                        (K.NARRATION, "江面上起了风。")]
    assert [r.reason for r in s.removed].count("emoji") == 3


def test_web_article_photo_captions_and_end_matter() -> None:
    s = script("纪录片《渡口》\n👇点击下方视频观看\n[视频]\n清晨，渡船靠岸了。\n[图片]\n▲ 老船工和他的渡船\n"
               "船工说，这条江他渡了四十年。\n— END —\n觉得好看就点个「在看」吧")
    assert kinds(s) == [
        (K.TITLE, "纪录片《渡口》"), (K.NOTE, "点击下方视频观看"), (K.NOTE, "[视频]"),
        (K.NARRATION, "清晨，渡船靠岸了。"), (K.NOTE, "[图片]"), (K.CAPTION, "老船工和他的渡船"),
        (K.NARRATION, "船工说，这条江他渡了四十年。"), (K.NOTE, "— END —"), (K.NOTE, "觉得好看就点个「在看」吧"),
    ]


# --- tables, Markdown, SRT ----------------------------------------------------------------------


def test_shot_table_rows_become_their_spoken_cell() -> None:
    s = script(
        """
        纪录短片《窑火》分镜头脚本
        镜号 | 景别 | 画面 | 音乐 | 解说词
        1 | 全景 | 山坳里的龙窑 | 古琴起 | 龙窑依山而建，有六百年了。
        2 | 特写 | 窑口的火 |  | 【同期】鄢长青（窑工）：火要烧三天三夜。
        3 | 近景 | 窑工添柴 | 延续 |
        4 | 中景 | 开窑 | 古琴收 | （无）
        """
    )
    assert kinds(s) == [
        (K.TITLE, "纪录短片《窑火》分镜头脚本"), (K.NOTE, "镜号 | 景别 | 画面 | 音乐 | 解说词"),
        (K.NARRATION, "龙窑依山而建，有六百年了。"), (K.INTERVIEW, "火要烧三天三夜。"),
        (K.NOTE, "3 | 近景 | 窑工添柴 | 延续 |"), (K.NOTE, "（无）"),
    ]
    assert s.blocks[3].speaker == Speaker("鄢长青", "窑工")
    assert (3, "1 | 全景 | 山坳里的龙窑 | 古琴起 |", "table column") in reasons(s)


def test_shot_table_with_tabs_and_the_spoken_column_in_the_middle() -> None:
    s = script("镜号\t画面\t解说\t时长\n1\t远山\t雾从山谷里升起来。\t5秒\n2\t溪水\t溪水绕过村子。\t4秒")
    assert [t for k, t in kinds(s) if k is K.NARRATION] == ["雾从山谷里升起来。", "溪水绕过村子。"]
    assert (2, "5秒", "table column") in reasons(s)


def test_bars_without_a_table_header_are_left_alone() -> None:
    s = script("首页 | 节目 | 专题\n江水东流，两岸青山。")
    assert kinds(s)[0] == (K.NOTE, "首页 | 节目 | 专题")


def test_markdown_bold_labels_quotes_and_list_items() -> None:
    s = script("# 《渡口》\n> 撰稿：甘露\n**解说：** 清晨，渡船靠岸了。\n**同期（船工 庞水生）：**我渡了四十年。\n"
               "- 画面：江面航拍\n**字幕：** 1984年 渡口通航")
    assert kinds(s)[0] == (K.TITLE, "渡口")
    assert kinds(s)[1][0] is K.NOTE and kinds(s)[2] == (K.NARRATION, "清晨，渡船靠岸了。")
    assert s.blocks[3].kind is K.INTERVIEW and s.blocks[3].text == "我渡了四十年。"
    assert s.blocks[3].speaker == Speaker("庞水生", "船工")
    assert kinds(s)[4][0] is K.NOTE and kinds(s)[5] == (K.CAPTION, "1984年 渡口通航")
    assert [r.text for r in s.removed if r.reason == "markdown"][:3] == [">", "**", "**"]


def test_a_page_number_between_dashes_is_not_a_list_item() -> None:
    s = script("【解说】江水东流。\n- 3 -\n【解说】两岸青山。")
    assert all(r.reason != "markdown" for r in s.removed)


def test_subtitle_cues_pasted_from_an_srt_file() -> None:
    s = script("【解说】以下为成片字幕。\n1\n00:00:01,000 --> 00:00:03,500\n清晨，渡船靠岸了。\n\n"
               "2\n00:00:03,500 --> 00:00:06,000\n船工解开了缆绳。")
    heard = [b for b in s.blocks if b.kind.spoken]
    assert [b.text for b in heard] == ["以下为成片字幕。", "清晨，渡船靠岸了。", "船工解开了缆绳。"]
    assert not any(b.kind is K.HEADING for b in s.blocks)
    cover = {n: [b.kind for b in s.blocks if b.first_line <= n <= b.last_line] for n in (2, 6)}
    assert all(k in ([], [K.NOTE]) for k in cover.values())


def test_a_bare_number_without_a_cue_below_is_still_a_heading() -> None:
    s = script("江水东流，两岸青山，船来船往。\n\n2\n\n清晨，渡船靠岸了，船工解开了缆绳。")
    assert (K.HEADING, "2") in kinds(s)
