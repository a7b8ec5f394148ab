"""House styles of Hong Kong, Taiwan and Singapore crews, museum and corporate films, and scripts
that passed through an editor's timeline or Word: one test per convention, each with its own
made-up example (none is taken from tests/data/house-styles or the development scripts)."""

from __future__ import annotations

import pytest
from conftest import script

from subtoolkit.model import BlockKind as K
from subtoolkit.model import Speaker
from subtoolkit.text.parse import Context, classify_explained, separated_designation


def kinds(s):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in s.blocks]


def reasons(s):  # type: ignore[no-untyped-def]
    return [(r.line, r.text, r.reason) for r in s.removed]


# --- narration labels ---------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["旁述：", "OS：", "VO: ", "vo:", "V/O: ", "NARRATOR: "])
def test_narration_labels_of_other_crews(label: str) -> None:
    s = script(f"{label}潮水退去，滩涂露了出来。\n{label}赶海的人提着桶走下堤岸。\n"
               "周海生：今天螺多。\n周海生：走快点。")
    assert [b.kind for b in s.blocks[:2]] == [K.NARRATION, K.NARRATION]
    assert s.blocks[0].text == "潮水退去，滩涂露了出来。" and s.blocks[0].speaker is None


def test_repeated_narration_label_is_not_a_dialogue_turn() -> None:
    # 旁述 opens many lines next to two speakers taking turns: still the narrator, not a third speaker
    s = script("旁述：雨停了。\n阿珍：收衫啦。\n阿明：好。\n旁述：街口的灯亮了。\n阿珍：快啲。\n阿明：嚟緊。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.INTERVIEW, K.NARRATION, K.INTERVIEW, K.INTERVIEW]


# --- sync sound and speakers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, name, role",
    [
        ("SOT：蔡淑惠／茶園第二代園主", "蔡淑惠", "茶園第二代園主"),
        ("SOT: 郑丽华, 书店店主 Tay Li Hua, Bookshop Owner", "郑丽华", "书店店主 Tay Li Hua, Bookshop Owner"),
        ("SOT: Prof. Marcus Wee, historian, SUSS", "Marcus Wee", "historian, SUSS"),
        ("采访对象：韩立新 港口调度中心 主任", "韩立新", "港口调度中心 主任"),
        ("受訪者：梁嘉欣（區議員）", "梁嘉欣", "區議員"),
    ],
)
def test_sync_labels_with_a_designation_above_the_speech(label: str, name: str, role: str) -> None:
    s = script(f"【解说】码头的灯一夜没灭。\n{label}\n我们这一班要守到天亮。\n【解说】天亮时，第一艘船靠了岸。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker(name, role)
    assert s.blocks[1].lines == (2, 3)  # the label line belongs to the speech


def test_separated_designation_needs_a_name() -> None:
    assert separated_designation("天台／菜园") is None
    assert separated_designation("港务局 调度员 | 韩立新") == Speaker("韩立新", "港务局 调度员")
    assert separated_designation("王府井，北京", commas=False) is None


def test_bare_name_super_with_a_bar_then_sync_marker_speech() -> None:
    s = script("旁述：冬至前一晚，麵檔比平日早開。\n黃志強 | 麵檔東主\n"
               "（同期）做咗三十年，冬至一定要開。\n旁述：湯底滾了一整晚。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker("黃志強", "麵檔東主")
    assert s.blocks[1].text == "做咗三十年，冬至一定要開。" and s.blocks[1].lines == (2, 3)


def test_a_bar_line_without_speech_below_is_not_a_speaker() -> None:
    s = script("王府井 | 北京\n【解说】清晨的步行街还很安静")
    assert all(b.kind is not K.INTERVIEW for b in s.blocks)


def test_sync_marker_in_round_brackets_with_a_name() -> None:
    s = script("【解说】鸟群落在浅滩上。\n（同期）鲍建军：看，那边有三只白鹤！\n【解说】它们在这里停留了一周。")
    assert kinds(s)[1] == (K.INTERVIEW, "看，那边有三只白鹤！")
    assert s.blocks[1].speaker == Speaker("鲍建军", None)


def test_round_brackets_that_hold_no_marker_word_stay_text() -> None:
    s = script("(SEA BIRDS CALLING)\n江水东流。")
    assert s.blocks[0].text == "(SEA BIRDS CALLING)"


def test_questions_and_answers_under_one_interviewee() -> None:
    s = script(
        """
        【解说】老厂房改成了图书馆。
        【采访】龚雪梅 图书馆馆长
        问：为什么要留下这些机器？
        答：它们是这座城市的记忆。
        问：读者喜欢吗？
        答：周末要排队才能进来。
        【解说】傍晚，阅览室坐满了人。
        """
    )
    assert [b.kind for b in s.blocks] == [K.NARRATION] + [K.INTERVIEW] * 4 + [K.NARRATION]
    q, a = s.blocks[1], s.blocks[2]
    assert q.speaker == Speaker(None, "记者") and q.text == "为什么要留下这些机器？"  # the interviewer asks
    assert a.speaker == Speaker("龚雪梅", "图书馆馆长") and s.blocks[4].speaker == a.speaker
    assert a.lines == (2, 4)  # the interviewee's label belongs to the first answer
    assert not s.warnings


def test_attribution_under_a_quotation_names_its_speaker() -> None:
    s = script("【旁白】车间里贴着一句话。\n“慢一点，才能准一点。”\n——骆国栋，数控班班长\n"
               "【旁白】他在这台机床前站了二十年。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker("骆国栋", "数控班班长") and s.blocks[1].lines == (2, 3)
    assert (3, "——骆国栋，数控班班长", "speaker label") in reasons(s)


def test_attribution_under_narration_is_kept_as_a_note() -> None:
    s = script("江水东流，两岸青山。\n——骆国栋，数控班班长")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE]


# --- timecodes and Word codes ----------------------------------------------------------------------


@pytest.mark.parametrize("tc", ["00:01:23:10 ", "01:23:10.500 ", "[01:23] ", "（00:12）", "00:00:05:00 - 00:00:09:12 "])
def test_timecode_before_a_line_is_set_aside(tc: str) -> None:
    s = script(f"《桥》\n{tc}旁白：桥下的河，流了一千年。\n{tc}〔字幕〕1958年 建成通车")
    assert kinds(s)[1:] == [(K.NARRATION, "桥下的河，流了一千年。"), (K.CAPTION, "1958年 建成通车")]
    assert (2, tc.strip(), "timecode") in reasons(s)


def test_a_clock_time_or_a_lone_timecode_is_not_set_aside() -> None:
    s = script("10:30 会议开始。\n00:01:23:10")
    assert all(r.reason != "timecode" for r in s.removed)
    assert s.blocks[0].text == "10:30 会议开始。" and s.blocks[-1].kind is K.NOTE


def test_word_search_codes_are_artefacts() -> None:
    s = script("【解说】^p夜里下了一场雪。^p")
    assert kinds(s) == [(K.NARRATION, "夜里下了一场雪。")]
    assert [r.reason for r in s.removed].count("word artefact") == 2


# --- notes: cues, shots, credits, page furniture ------------------------------------------------------


@pytest.mark.parametrize("cue", ["【音乐起】", "【音乐渐收】", "[特效] 地图动画", "【定版】企业标志",
                                 "（空景：晨雾中的梯田）"])
def test_cues_are_single_notes(cue: str) -> None:
    s = script(f"【旁白】山里起雾了。\n{cue}\n【旁白】梯田一层层露出来。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]
    assert s.blocks[2].lines == (3, 3)  # a cue opens no shot list


def test_a_picture_word_alone_still_opens_a_shot_list() -> None:
    s = script("【画面】\n梯田 晨雾 农舍\n【旁白】山里起雾了。")
    assert [b.kind for b in s.blocks] == [K.NOTE, K.NARRATION] and s.blocks[0].lines == (1, 2)


@pytest.mark.parametrize("line", ["总导演 林海涛", "撰稿 苏晴 方达", "出品 南州市文化馆 南州电视台", "本期编导：孔令辉",
                                  "制作人：邓文杰", "节目时长：12分40秒", "监制 许乐"])
def test_credits_without_colon_and_programme_matter_are_notes(line: str) -> None:
    s = script(f"江水东流，两岸青山。\n{line}")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE]


def test_a_spaced_credit_word_that_is_also_a_role_is_no_credit() -> None:
    # 记者 / 主持人 before other words is a caption or a heading, not the end credits
    assert classify_explained("记者 现场连线", Context(at_top=False))[1] != "rule_credit"
    assert classify_explained("出品 南州电视台", Context(at_top=False))[1] == "rule_credit"


@pytest.mark.parametrize("line", ["南州电视台 解说词 第3页", "第 12 页 共 20 页"])
def test_page_headers_are_notes(line: str) -> None:
    s = script(f"《桥》\n江水东流，两岸青山。\n{line}\n桥下的河，流了一千年。")
    assert [b.kind for b in s.blocks] == [K.TITLE, K.NARRATION, K.NOTE, K.NARRATION]


@pytest.mark.parametrize("line", ["1. 全景 晨雾中的港口", "2、特写 工人的手", "近景：焊枪点亮", "3) 航拍 大桥合龙"])
def test_shot_lines_by_shot_size_are_notes(line: str) -> None:
    s = script(f"江水东流，两岸青山。\n{line}\n桥下的河，流了一千年。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]


def test_numbered_narration_is_not_a_shot() -> None:
    s = script("江水东流，两岸青山。\n1. 全国有三千多座这样的桥，每一座都有故事。")
    assert s.blocks[-1].kind is K.NARRATION


def test_scene_headings_of_a_shooting_script() -> None:
    s = script("《新港》\n第一场 黎明\n场景：码头 外 日\n【旁白】第一班船六点进港。\n第二场 正午")
    assert kinds(s)[1:] == [(K.HEADING, "第一场 黎明"), (K.NOTE, "场景：码头 外 日"),
                            (K.NARRATION, "第一班船六点进港。"), (K.HEADING, "第二场 正午")]


def test_a_sentence_opening_with_a_scene_count_is_narration() -> None:
    s = script("江水东流。\n第一场雪落下来的时候，候鸟已经走了。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NARRATION]


# --- captions and titles -------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["SUPER: ", "CG：", "字卡："])
def test_caption_labels_of_other_crews(label: str) -> None:
    s = script(f"江水东流，两岸青山。\n{label}南州老街 Old Street")
    assert kinds(s)[-1] == (K.CAPTION, "南州老街 Old Street")


def test_english_title_line_on_a_bilingual_title_page() -> None:
    s = script("《老街的早晨》\nMornings on the Old Street\nVO: 六点，第一家铺子开了门。")
    assert kinds(s) == [(K.TITLE, "老街的早晨"), (K.TITLE, "Mornings on the Old Street"),
                        (K.NARRATION, "六点，第一家铺子开了门。")]


# --- a news magazine's studio and packages ------------------------------------------------------------


def test_studio_and_stand_up_markers_are_presenters_turns() -> None:
    s = script("【演播室】\n主持人：晚上好。\n【解说】入冬后，河面结了冰。\n"
               "【记者现场报道】\n我现在就在冰面上，冰层有二十厘米厚。")
    assert [(b.kind, b.speaker) for b in s.blocks] == [
        (K.NARRATION, Speaker(None, "主持人")),
        (K.NARRATION, None),
        (K.NARRATION, Speaker(None, "出镜记者")),
    ]


def test_archive_footage_cue_is_a_note() -> None:
    s = script("【解说】那一年，大桥通车。\n〔資料片段〕通車典禮新聞片\n【解说】四十年过去了。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]


def test_english_episode_title_with_a_number() -> None:
    s = script("《石板街》\nOld Towns Ep.2: The Stone Street\n旁述：街口有一間百年涼茶舖。")
    assert [b.kind for b in s.blocks] == [K.TITLE, K.TITLE, K.NARRATION]


def test_presenter_marker_word_written_as_a_label() -> None:
    s = script("导语：入冬以后，南州的早市格外热闹。\n【解说】六点，第一家铺子开了门。")
    assert [(b.kind, b.speaker) for b in s.blocks] == [(K.NARRATION, Speaker(None, "主持人")), (K.NARRATION, None)]
    assert s.blocks[0].text == "入冬以后，南州的早市格外热闹。"


# --- an overseas channel's documentary ------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, speaker",
    [("解说（男声）：", None), ("画外音（女）：", None), ("旁白(OS)：", None),
     ("主持人（出镜）：", Speaker(None, "主持人"))],
)
def test_a_qualifier_after_a_narration_or_presenter_label(label: str, speaker: Speaker | None) -> None:
    s = script(f"{label}湖水静静的，映着铁船的影子。\n{label}岸边的人家亮了灯。")
    assert [(b.kind, b.text, b.speaker) for b in s.blocks] == [
        (K.NARRATION, "湖水静静的，映着铁船的影子。", speaker),
        (K.NARRATION, "岸边的人家亮了灯。", speaker),
    ]


def test_a_name_with_a_role_in_brackets_stays_a_speaker() -> None:
    s = script("尹秋实（渔民）：今天风大，不出海了。")
    assert s.blocks[0].kind is K.INTERVIEW and s.blocks[0].speaker == Speaker("尹秋实", "渔民")


@pytest.mark.parametrize("line", ["〈字幕〉霹雳州 近打谷", "[字幕条] 近打谷 2023年", "【字条】近打谷"])
def test_more_caption_markers(line: str) -> None:
    s = script(f"【解说】湖边住着矿工的后人。\n{line}")
    assert s.blocks[-1].kind is K.CAPTION and "近打谷" in s.blocks[-1].text


def test_person_marker_introduces_the_speech_below() -> None:
    s = script("【解说】镇上把老矿场改成了博物馆。\n【人物】温秀英 博物馆讲解员\n"
               "我爷爷就在这条船上干了三十年。\n【解说】湖水很静。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker("温秀英", "博物馆讲解员") and s.blocks[1].lines == (2, 3)


@pytest.mark.parametrize("line", ["撰稿/配音：黎家豪", "编导、摄像：宁远 关山", "摄影／剪辑：邝志坚"])
def test_credits_joined_by_a_slash(line: str) -> None:
    s = script(f"江水东流，两岸青山。\n{line}")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE]


# --- a Taiwan newsroom's rundown ---------------------------------------------------------------------------


def test_taiwan_newsroom_markers() -> None:
    s = script(
        """
        【過音】
        老街的騎樓下，擺滿了攤子。
        【SB】卓家豪 攤商
        這條街我擺了二十年，週末人最多。
        【NS】叫賣聲、機車聲
        【stand】
        記者現在所在的位置，就是老街的起點。
        攝影記者：祝文彬
        """
    )
    assert [(b.kind, b.speaker) for b in s.blocks] == [
        (K.NARRATION, None),
        (K.INTERVIEW, Speaker("卓家豪", "攤商")),
        (K.NOTE, None),
        (K.NARRATION, Speaker(None, "出镜记者")),
        (K.NOTE, None),
    ]


# --- a county media centre's web page --------------------------------------------------------------------


@pytest.mark.parametrize("line", ["首页 > 电视节目 > 纪录片", "分享到：", "【打印】【关闭】", "上一页 1 2 3 下一页"])
def test_more_page_furniture(line: str) -> None:
    s = script(f"《河》\n江水东流，两岸青山。\n{line}")
    assert [b.kind for b in s.blocks] == [K.TITLE, K.NARRATION, K.NOTE]


def test_a_breadcrumb_is_no_title_and_a_sentence_with_arrows_stays_narration() -> None:
    s = script("首页 > 电视节目 > 纪录片\n《河》\n水位 > 警戒线 > 历史最高，大坝顶住了。")
    assert [b.kind for b in s.blocks] == [K.NOTE, K.TITLE, K.NARRATION]


@pytest.mark.parametrize("label", ["主持人串场：", "主持人口播：", "女播导语："])
def test_presenter_label_with_the_kind_of_turn(label: str) -> None:
    s = script(f"【解说】山路很长。\n{label}一个小小的快递站，连起了山里和山外。")
    assert (s.blocks[1].kind, s.blocks[1].speaker) == (K.NARRATION, Speaker(None, label[: -3]))
    assert s.blocks[1].text == "一个小小的快递站，连起了山里和山外。"


@pytest.mark.parametrize("rest, name, role", [
    ("（字幕：镇卫生院院长 龙小川）", "龙小川", "镇卫生院院长"),
    ("(龙小川 镇卫生院院长)", "龙小川", "镇卫生院院长"),
    ("镇卫生院院长，龙小川：", "龙小川", "镇卫生院院长"),
])
def test_more_designations_after_a_sync_marker(rest: str, name: str, role: str) -> None:
    s = script(f"【解说】卫生院新添了一台设备。\n【同期声】{rest}\n以前拍个片子要去县里。\n【解说】现在在镇上就能做。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker(name, role) and s.blocks[1].lines == (2, 3)


# --- a history documentary -------------------------------------------------------------------------------


def test_presenter_named_in_brackets() -> None:
    s = script("主持人（柯文静）：上一集我们说到码头。\n【解说】1949年，马尾港。")
    assert s.blocks[0].speaker == Speaker("柯文静", "主持人") and s.blocks[0].text == "上一集我们说到码头。"


@pytest.mark.parametrize("marker", ["【口述】", "[电话录音] ", "【自述】", "【视频连线】"])
def test_testimony_and_recordings_are_sync_sound(marker: str) -> None:
    s = script(f"【解说】他在码头上扛了四十年的包。\n{marker}管德明 退休装卸工\n"
               "那时候一天要扛三百包。\n【解说】码头后来改成了公园。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.INTERVIEW, K.NARRATION]
    assert s.blocks[1].speaker == Speaker("管德明", "退休装卸工")


@pytest.mark.parametrize("cue", ["【影像资料】码头人群", "【历史画面】", "【航拍镜头】港口全景", "【背景音乐】"])
def test_picture_and_sound_cues_named_by_their_last_word(cue: str) -> None:
    s = script(f"【解说】1949年，马尾港。\n{cue}\n【解说】码头上挤满了人。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE, K.NARRATION]


@pytest.mark.parametrize("line", ["本节目由南州广播电视台出品", "本片由南州博物馆联合摄制", "特别鸣谢：南州港务局"])
def test_production_statements_are_notes(line: str) -> None:
    s = script(f"江水东流，两岸青山。\n{line}")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NOTE]


# --- a county's promotional film, paragraphs separated by blank lines --------------------------------------


def test_markers_in_round_brackets_above_wrapped_paragraphs() -> None:
    s = script(
        """
        【片头字幕】东岭乡茶山纪事

        （字幕）东岭乡 云雾村

        （同期声：云雾村茶厂厂长，施秋云）
        以前茶叶只能卖给收购商，
        现在我们有了自己的牌子。

        （画外音）
        云雾散开，采茶的人已经上了山。
        """
    )
    assert [(b.kind, b.text) for b in s.blocks] == [
        (K.CAPTION, "东岭乡茶山纪事"),
        (K.CAPTION, "东岭乡 云雾村"),
        (K.INTERVIEW, "以前茶叶只能卖给收购商，现在我们有了自己的牌子。"),
        (K.NARRATION, "云雾散开，采茶的人已经上了山。"),
    ]
    assert s.blocks[2].speaker == Speaker("施秋云", "云雾村茶厂厂长") and s.blocks[2].lines == (5, 7)


def test_a_bracketed_aside_in_speech_is_not_a_marker() -> None:
    s = script("施秋云（厂长）：\n（笑）这茶啊，得慢慢喝。")
    assert s.blocks[0].kind is K.INTERVIEW and "这茶啊" in s.blocks[0].text


def test_a_house_style_latin_word_matches_in_any_case() -> None:
    from subtoolkit.text.style import Style

    s = script("【cam】B机 长焦\n【解说】江水东流。\n【CAM】A机 广角", style=Style(note=frozenset({"Cam"})))
    assert [b.kind for b in s.blocks] == [K.NOTE, K.NARRATION, K.NOTE]
