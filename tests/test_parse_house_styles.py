"""Broadcasters' house styles beyond the sample: production notes, titles on the title page,
speakers written the way newsrooms write them, exchanges, scripts flattened onto one line,
Traditional characters, and a studio's own marker words. Every example here is made up for its
convention; none is taken from the development scripts."""

from __future__ import annotations

import pytest
from conftest import script

from subtoolkit.model import BlockKind as K
from subtoolkit.model import Speaker
from subtoolkit.text.style import Style


def kinds(s):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in s.blocks]


def kind_of_line(s, n):  # type: ignore[no-untyped-def]
    return [b.kind for b in s.blocks if b.first_line <= n <= b.last_line]


# --- production notes ------------------------------------------------------------------------


def test_shot_list_after_a_picture_marker_is_a_note_until_the_narration_marker() -> None:
    s = script(
        """
        《湖畔》

        [画面]

        清晨湖面、渔船出港、白鹭掠过芦苇

        [解说]

        天刚亮，渔民们就出发了。
        """
    )
    assert kinds(s)[1:] == [(K.NOTE, "清晨湖面、渔船出港、白鹭掠过芦苇"), (K.NARRATION, "天刚亮，渔民们就出发了。")]
    # the marker lines belong to the blocks they introduce
    assert s.blocks[1].lines == (3, 5) and s.blocks[2].lines == (7, 9)


def test_a_sentence_after_a_shot_list_is_narration_again() -> None:
    s = script("【画面】\n码头全景、吊车作业\n集装箱一层层码上货轮。")
    assert [b.kind for b in s.blocks] == [K.NOTE, K.NARRATION]


@pytest.mark.parametrize("line",
                         ["（镜头：无人机掠过大桥）", "(画面:夜色中的车站)", "（空镜：雪后的操场）",
                          "(母女俩在灶台边说话)"])
def test_bracketed_scene_note_alone_is_a_note(line: str) -> None:
    s = script(f"江水东流。\n{line}\n两岸青山。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]
    assert s.blocks[1].text == line


def test_bracketed_name_alone_is_a_caption_and_section_words_stay_headings() -> None:
    s = script("江水东流。\n（周玉兰）\n两岸青山。\n（尾声）\n夕阳西下。")
    assert kinds(s)[1] == (K.CAPTION, "周玉兰") and kinds(s)[3] == (K.HEADING, "尾声")


def test_editing_note_inside_a_line_is_split_off_as_a_note() -> None:
    s = script("比赛下午两点开始。（删：原定三点，后改期）观众提前一小时入场。")
    assert kinds(s) == [(K.NARRATION, "比赛下午两点开始。观众提前一小时入场。"), (K.NOTE, "（删：原定三点，后改期）")]


def test_credit_in_brackets_at_the_end_of_a_line_is_a_note() -> None:
    s = script("江水东流，两岸青山。\n这座桥明年通车。（视频编辑：周一帆）")
    assert kinds(s)[-2:] == [(K.NARRATION, "这座桥明年通车。"), (K.NOTE, "（视频编辑：周一帆）")]


@pytest.mark.parametrize(
    "line",
    ["记 者：王小明，李华", "摄 像：", "文稿作者：周一帆", "编辑：吴桐", "责任编辑：陈可", "来源：某某日报",
     "原标题：大桥通车记"],
)
def test_credits_and_bylines_are_notes(line: str) -> None:
    s = script(f"江水东流。\n{line}\n两岸青山。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]


@pytest.mark.parametrize("line", ["配音：李易", "导演：张三 摄像：李四 剪辑：王五", "主持人：周一帆、吴桐"])
def test_end_credits_are_notes(line: str) -> None:
    s = script(f"江水东流。\n{line}")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE]


def test_narration_marker_alone_is_not_a_credit() -> None:
    s = script("配音：\n江水东流。")
    assert kinds(s) == [(K.NARRATION, "江水东流。")]


def test_english_narration_without_a_full_stop_stays_narration() -> None:
    s = script("江水东流。\nthe river runs to the sea\n两岸青山。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NARRATION, K.NARRATION]


def test_reporter_label_with_speech_is_still_a_speaker() -> None:
    s = script("江水东流。\n记者：你们每天几点出门？\n两岸青山。")
    assert kinds(s)[1] == (K.INTERVIEW, "你们每天几点出门？") and s.blocks[1].speaker == Speaker(None, "记者")


@pytest.mark.parametrize(
    "line",
    [
        "http://news.example.cn/2023/0506/a1.html",
        "示例网 www.example.cn 2023年05月06日 10:20",
        "2023年05月06日10:20  来源：示例网",
        "已有3人发表了评论",
        "我来说两句 5条评论 12人参与",
        "示例公司 版权所有",
        "Copyright © 2023 Example Inc.",
        "相关链接的新闻",
        "首页 | 新闻 | 视频 | 关于我们",
        "进入[纪录频道]>>",
    ],
)
def test_page_furniture_is_a_note(line: str) -> None:
    s = script(f"江水东流。\n{line}\n两岸青山。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION], s.blocks


def test_a_sentence_that_mentions_a_web_site_stays_narration() -> None:
    s = script("江水东流。\n如今，游客在网站 www.example.cn 上就能预约参观，每天限流三千人。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NARRATION]


@pytest.mark.parametrize(
    "line",
    [
        "编者按：这部片子记录了一座小城十年的变化，本网今起分期刊登解说词。",
        "摘要：一座桥怎样改变一个村子？",
        "新华社杭州5月6日电 6日，一部记录运河人家的纪录片开播。",
        "以下是该片解说词全文：",
        "• 本文仅供学习参考",
        "1. 采集：先把字幕逐帧截下来；",
    ],
)
def test_editors_matter_is_a_note(line: str) -> None:
    s = script(f"江水东流。\n{line}\n两岸青山。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]


def test_programme_description_on_the_title_page_is_a_note() -> None:
    s = script("《运河人家》是市电视台与档案馆联合拍摄的五集纪录片，明日起播出。\n运河边的清晨总是来得早。")
    assert [b.kind for b in s.blocks] == [K.NOTE, K.NARRATION]


def test_a_line_that_reads_like_no_sentence_is_not_narration() -> None:
    s = script("江水东流。\nAbout Us Jobs Help\n两岸青山。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]


# --- the title page --------------------------------------------------------------------------


def test_first_line_that_reads_like_a_title_is_the_title() -> None:
    s = script("江南水乡 千年古镇\n\n示例网 2023年05月06日 10:20\n\n清晨的石桥上已经有了行人。")
    assert s.title == "江南水乡 千年古镇"
    assert [b.kind for b in s.blocks] == [K.TITLE, K.NOTE, K.NARRATION]


def test_episode_line_opening_the_script_is_the_title_and_a_second_title_line_too() -> None:
    s = script("第二集：水路\n《运河人家》第一季第二集\n运河边的清晨总是来得早。")
    assert [b.kind for b in s.blocks] == [K.TITLE, K.TITLE, K.NARRATION]
    assert s.title == "第二集：水路"


def test_title_repeated_as_a_page_header_is_a_note() -> None:
    s = script("纪录片《小城》03 解说词\n\n小城的早晨从一碗面开始。\n\n"
               "纪录片《小城》03 解说词\n\n面馆老板已经干了三十年。")
    assert [b.kind for b in s.blocks] == [K.TITLE, K.NARRATION, K.NOTE, K.NARRATION]


def test_one_phrase_per_line_is_narration_not_headings() -> None:
    s = script("《潮声》\n\n大海不说话\n\n潮水替它说\n\n一涨一落\n\n就是一天")
    assert [b.kind for b in s.blocks] == [K.TITLE] + [K.NARRATION] * 4


def test_bare_section_number_is_a_heading() -> None:
    s = script("江水东流，奔向大海，一去不回。\n\n2\n\n两岸青山，默默无言，千年如一。")
    assert kinds(s)[1] == (K.HEADING, "2")


@pytest.mark.parametrize("line, text", [("序：", "序"), ("片尾:", "片尾")])
def test_unbracketed_section_labels_are_headings(line: str, text: str) -> None:
    s = script(f"江水东流。\n{line}\n两岸青山。")
    assert kinds(s)[1] == (K.HEADING, text)


def test_title_card_after_the_title_is_a_caption() -> None:
    s = script("《运河人家》\n【推出本集名：第二集 水路】\n分集片名：第二集\n运河边的清晨总是来得早。")
    assert kinds(s)[1:3] == [(K.CAPTION, "第二集 水路"), (K.CAPTION, "第二集")]


# --- speakers the way newsrooms write them ---------------------------------------------------


@pytest.mark.parametrize(
    "label, name, role",
    [
        ("【同期】南湖区广播电视台 《乡村纪事》栏目 记者 周晓兰", "周晓兰", "南湖区广播电视台 《乡村纪事》栏目 记者"),
        ("【同期】法国摄影师 皮埃尔·杜邦 Pierre Dupont", "皮埃尔·杜邦", "法国摄影师 Pierre Dupont"),
        ("【同期声】青海玉树州 牧民 扎西尼玛", "扎西尼玛", "青海玉树州 牧民"),
        ("【采访】孙立强 山区小学 校长", "孙立强", "山区小学 校长"),
        ("【同期】某某国际物流有限公司华东区域副总经理 何嘉文", "何嘉文", "某某国际物流有限公司华东区域副总经理"),
    ],
)
def test_designations_with_places_organisations_and_foreign_names(label: str, name: str, role: str) -> None:
    s = script(f"【解说】清晨的码头。\n{label}\n这里一年比一年忙。\n【解说】汽笛响了。")
    assert kinds(s)[1] == (K.INTERVIEW, "这里一年比一年忙。")
    assert s.blocks[1].speaker == Speaker(name, role)
    assert s.blocks[1].lines == (2, 3)  # the label line belongs to the speech


def test_designation_then_a_space_then_the_speech() -> None:
    s = script("【解说】清晨的码头。\n【同期】船工 许阿根 这船我撑了四十年。\n【解说】汽笛响了。")
    assert kinds(s)[1] == (K.INTERVIEW, "这船我撑了四十年。") and s.blocks[1].speaker == Speaker("许阿根", "船工")


def test_sync_label_with_name_and_role_in_brackets() -> None:
    s = script("【解说】清晨。\n采访：王秀英（村民）\n那时候哪有路啊。\n【解说】路修好了。")
    assert kinds(s)[1] == (K.INTERVIEW, "那时候哪有路啊。") and s.blocks[1].speaker == Speaker("王秀英", "村民")


def test_speaker_line_without_a_colon() -> None:
    s = script("清晨的村子。\n王秀英（村民）\n那时候哪有路啊。\n后来路修好了。")
    assert kinds(s)[1] == (K.INTERVIEW, "那时候哪有路啊。") and s.blocks[1].speaker == Speaker("王秀英", "村民")
    assert s.blocks[2].kind is K.NARRATION


def test_name_super_line_then_speech_in_brackets() -> None:
    s = script("清晨的山路很难走。\n\n山区小学校长 孙立强\n\n（孩子们每天要走两个小时山路来上学。）\n\n"
               "【解说】路修好以后，一切都变了。")
    assert kinds(s)[1] == (K.INTERVIEW, "孩子们每天要走两个小时山路来上学。")
    assert s.blocks[1].speaker == Speaker("孙立强", "山区小学校长") and s.blocks[1].lines == (3, 5)


@pytest.mark.parametrize("marker", ["【现场同期】", "【同期】"])
def test_live_sync_with_name_colon_speech(marker: str) -> None:
    s = script(f"江水东流。\n{marker}刘建国镇长：这条路我们修了三年。\n两岸青山。")
    assert kinds(s)[1] == (K.INTERVIEW, "这条路我们修了三年。") and s.blocks[1].speaker.name == "刘建国"


def test_speaker_written_into_the_marker() -> None:
    s = script("江水东流。\n【王建华同期声】我在这片林子里守了二十年。\n【解说】如今林子更密了。")
    assert kinds(s)[1] == (K.INTERVIEW, "我在这片林子里守了二十年。") and s.blocks[1].speaker.name == "王建华"


def test_voice_over_marker_with_a_person_is_that_persons_voice() -> None:
    s = script("江水东流。\n【画外音】摄影师 陈思远\n那天的雾大得看不见路。\n两岸青山。")
    assert s.blocks[1].kind is K.INTERVIEW and s.blocks[1].speaker == Speaker("陈思远", "摄影师")


@pytest.mark.parametrize("label, role", [("主持人：", "主持人"), ("女播：", "女播"), ("男播:", "男播")])
def test_presenters_turns_are_narration_read_by_the_presenter(label: str, role: str) -> None:
    s = script(f"{label}各位观众晚上好，今天我们去看一座新桥。\n【正文】大桥横跨两岸。")
    assert kinds(s) == [(K.NARRATION, "各位观众晚上好，今天我们去看一座新桥。"), (K.NARRATION, "大桥横跨两岸。")]
    assert s.blocks[0].speaker == Speaker(None, role) and s.blocks[1].speaker is None


def test_lead_and_stand_up_markers_name_who_reads_them() -> None:
    s = script("【导语】\n今天的新闻从一座桥说起。\n【出镜】我现在就站在桥面上。\n【正文】大桥全长三公里。")
    assert [(b.kind, b.speaker) for b in s.blocks] == [
        (K.NARRATION, Speaker(None, "主持人")),
        (K.NARRATION, Speaker(None, "出镜记者")),
        (K.NARRATION, None),
    ]


# --- exchanges -------------------------------------------------------------------------------


def test_live_sound_then_several_bracketed_lines_is_one_exchange() -> None:
    s = script("码头上一片忙碌。\n现场声：\n（快把缆绳抛过来！）\n（接住了，往左拉！）\n（好嘞！）\n货轮慢慢靠岸。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.INTERVIEW, K.INTERVIEW, K.NARRATION]
    assert [b.text for b in s.blocks[1:4]] == ["快把缆绳抛过来！", "接住了，往左拉！", "好嘞！"]


def test_recurring_turn_labels_are_speakers_even_without_a_surname() -> None:
    s = script("春妮：前面就是渡口了。\n冬生：风有点大，慢点开。\n春妮：看见对岸的灯了吗？\n冬生：看见了。")
    assert [b.kind for b in s.blocks] == [K.INTERVIEW] * 4
    assert [b.speaker.name for b in s.blocks] == ["春妮", "冬生", "春妮", "冬生"]


def test_a_label_seen_once_without_a_surname_is_not_a_speaker() -> None:
    s = script("江水东流。\n春妮：前面就是渡口了。")
    assert s.blocks[1].kind is K.NARRATION


@pytest.mark.parametrize("label", ["老周", "小吴", "阿强"])
def test_what_colleagues_call_each_other_is_a_name(label: str) -> None:
    s = script(f"江水东流。\n{label}：走，去看看。\n两岸青山。")
    assert s.blocks[1].kind is K.INTERVIEW and s.blocks[1].speaker == Speaker(label, None)


@pytest.mark.parametrize("line", ["记者 张三 李四 报道", "本台记者王小明报道"])
def test_reporters_sign_off_byline_is_a_note(line: str) -> None:
    s = script(f"【正文】大桥全长三公里。\n{line}")
    assert s.blocks[-1].kind is K.NOTE


def test_interviewee_marker_of_taiwanese_scripts() -> None:
    s = script("【旁白】清晨的漁港。\n【受訪者】漁民 林阿水\n這片海，我看了一輩子。\n【旁白】漁船出港了。")
    assert s.blocks[1].kind is K.INTERVIEW and s.blocks[1].speaker == Speaker("林阿水", "漁民")


def test_a_line_that_is_only_a_quotation_is_a_sound_bite() -> None:
    s = script("村民们在田里忙着。\n“快下雨了，赶紧收！”\n不一会儿，雨就来了。")
    assert kinds(s)[1] == (K.INTERVIEW, "快下雨了，赶紧收！") and s.blocks[1].speaker is None


# --- scripts on one line and pages from the web ----------------------------------------------


def test_inline_markers_split_a_script_flattened_onto_one_line() -> None:
    s = script("编者按：本网今起刊登该片解说词。解说词：江水东流，奔向大海。解说词：两岸青山，默默无言。")
    assert kinds(s) == [
        (K.NOTE, "编者按：本网今起刊登该片解说词。"),
        (K.NARRATION, "江水东流，奔向大海。"),
        (K.NARRATION, "两岸青山，默默无言。"),
    ]


def test_inline_sync_marker_splits_too() -> None:
    s = script("大桥通车了。【同期】司机 赵宏伟：再也不用绕路了。【解说】车流很快排起了长队。")
    assert kinds(s) == [(K.NARRATION, "大桥通车了。"), (K.INTERVIEW, "再也不用绕路了。"),
                        (K.NARRATION, "车流很快排起了长队。")]


# --- Traditional characters ------------------------------------------------------------------


def test_traditional_markers_and_names() -> None:
    s = script("【解說詞】\n清晨的漁港。\n【同期聲】漁民 陳大海\n今天的魚不少。\n"
               "【畫外音】攝影師 趙思遠\n那天霧很大。\n【解說詞】\n船回來了。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.INTERVIEW, K.NARRATION]
    assert [b.speaker for b in s.blocks[1:3]] == [Speaker("陳大海", "漁民"), Speaker("趙思遠", "攝影師")]
    assert s.blocks[0].text == "清晨的漁港。"  # text stays as written


def test_traditional_leader_name_with_title() -> None:
    s = script("【解說詞】清晨。\n【同期聲】習近平總書記\n要把路修到老百姓家門口。\n【解說詞】路通了。")
    assert s.blocks[1].speaker == Speaker("習近平", "總書記")


def test_inserted_pinyin_is_set_aside_and_recorded() -> None:
    s = script("這條路改變了鄉(xiāng)親們的生活，發(fā)展(zhǎn)也快了。")
    assert s.blocks[0].text == "這條路改變了鄉親們的生活，發展也快了。"
    assert [(r.text, r.reason) for r in s.removed] == [("(xiāng)", "pinyin"), ("(fā)", "pinyin"), ("(zhǎn)", "pinyin")]


def test_brackets_without_tone_marks_are_not_pinyin() -> None:
    s = script("纪录片《海》(上)讲的是 (SQUA WKING) 海鸟。")
    assert s.blocks[0].text == "纪录片《海》(上)讲的是 (SQUA WKING) 海鸟。"


# --- a studio's own words --------------------------------------------------------------------


def test_house_style_adds_marker_words_per_kind() -> None:
    style = Style(
        narration=frozenset({"播讲"}),
        caption=frozenset({"屏幕字"}),
        note=frozenset({"机位"}),
        interview=frozenset({"采访同期"}),
        presenters=frozenset({"男主持人"}),
    )
    text = ("〔屏幕字〕2023年 杭州\n【机位】B机 长焦\n【采访同期】船工 许阿根\n这船我撑了四十年。\n"
            "播讲：运河还在流。\n男主持人：下面请看报道。")
    plain = script(text)
    s = script(text, style=style)
    assert [b.kind for b in s.blocks] == [K.CAPTION, K.NOTE, K.INTERVIEW, K.NARRATION, K.NARRATION]
    assert s.blocks[2].speaker == Speaker("许阿根", "船工") and s.blocks[4].speaker == Speaker(None, "男主持人")
    assert [b.kind for b in plain.blocks] != [b.kind for b in s.blocks]  # the words are what made the difference


def test_cut_off_marker_on_the_last_line_is_kept_and_warned() -> None:
    s = script("【解说】江水东流。\n【解说")
    assert s.blocks[-1].text == "【解说" and any("ends inside a marker" in w.what for w in s.warnings)
