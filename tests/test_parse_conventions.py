"""Every house-style convention the parser supports, each on a small script written for it."""

from __future__ import annotations

import pytest
from conftest import script

from subtoolkit.errors import ScriptError
from subtoolkit.model import BlockKind as K
from subtoolkit.model import Speaker


def kinds(s):  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in s.blocks]


# --- speakers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, name, role",
    [
        ("薛澜（清华大学教授）：", "薛澜", "清华大学教授"),
        ("张勤岳(原天嘉宜公司总经理、法定代表人)：", "张勤岳", "原天嘉宜公司总经理、法定代表人"),
        ("张勤岳(原天嘉宜公司总经理):", "张勤岳", "原天嘉宜公司总经理"),
        ("辛鸣（中央党校（国家行政学院）教授）：", "辛鸣", "中央党校（国家行政学院）教授"),
        ("辛鸣(中央党校(国家行政学院)教授):", "辛鸣", "中央党校(国家行政学院)教授"),
        ("    薛澜（清华大学教授）：", "薛澜", "清华大学教授"),
    ],
)
def test_speaker_line_then_paragraph(label: str, name: str, role: str) -> None:
    s = script(f"开头的解说。\n{label}\n我们要守住底线。\n后面的解说。")
    assert kinds(s) == [(K.NARRATION, "开头的解说。"), (K.INTERVIEW, "我们要守住底线。"), (K.NARRATION, "后面的解说。")]
    assert s.blocks[1].speaker == Speaker(name, role)
    # the speaker line belongs to the interview it introduces: in its lines and its text as written
    assert s.blocks[1].lines == (2, 3)
    assert s.blocks[1].written == f"{label.strip()}\n我们要守住底线。"


def test_speaker_and_speech_on_one_line() -> None:
    s = script("解说一句。\n薛澜（清华大学教授）：我们要守住底线。\n解说两句。")
    assert kinds(s)[1] == (K.INTERVIEW, "我们要守住底线。")
    assert s.blocks[1].speaker == Speaker("薛澜", "清华大学教授")


def test_bare_name_colon() -> None:
    s = script("解说一句。\n王大明：那天晚上雨很大。\n解说两句。")
    assert kinds(s)[1] == (K.INTERVIEW, "那天晚上雨很大。")
    assert s.blocks[1].speaker == Speaker("王大明", None)


@pytest.mark.parametrize(
    "line",
    [
        "在忏悔录中，王珉写道：“我对不起组织。”",
        "王珉写道：“我对不起组织。”",
        "习近平总书记强调：安全生产要抓落实。",
        "会议指出：要压实责任。",
    ],
)
def test_reported_speech_is_narration(line: str) -> None:
    s = script(f"第一句解说。\n{line}")
    assert kinds(s)[1] == (K.NARRATION, line)


# --- sync sound ------------------------------------------------------------------------------


def test_sync_sound_with_bracket_label() -> None:
    s = script("同期声（习近平总书记作党的十九大报告）：\n树立安全发展理念。\n解说。")
    assert s.blocks[0].kind is K.INTERVIEW and s.blocks[0].speaker == Speaker("习近平", "总书记作党的十九大报告")
    assert s.blocks[1].kind is K.NARRATION


@pytest.mark.parametrize(
    "marker, name, role",
    [
        ("【同期】王大明", "王大明", None),
        ("【同期】村支书 王大明", "王大明", "村支书"),
        ("【采访】村支书 王大明", "王大明", "村支书"),
        ("【采访】王大明 村支书", "王大明", "村支书"),
        ("同期声 王大明", "王大明", None),
        ("[同期] 王大明", "王大明", None),
    ],
)
def test_sync_markers_with_speaker(marker: str, name: str, role: str | None) -> None:
    s = script(f"解说在前。\n{marker}\n那天晚上雨很大。\n【解说】\n解说在后。")
    assert kinds(s) == [(K.NARRATION, "解说在前。"), (K.INTERVIEW, "那天晚上雨很大。"), (K.NARRATION, "解说在后。")]
    assert s.blocks[1].speaker == Speaker(name, role)


def test_sync_marker_with_speaker_inside() -> None:
    s = script("【采访·村支书王大明】那天晚上雨很大。\n【解说】后来水退了。")
    assert kinds(s) == [(K.INTERVIEW, "那天晚上雨很大。"), (K.NARRATION, "后来水退了。")]
    assert s.blocks[0].speaker == Speaker("王大明", "村支书")


def test_sync_marker_with_speech_and_no_speaker() -> None:
    s = script("【同期声】大家快跑，水上来了！\n【解说】洪水来得很快。")
    assert kinds(s) == [(K.INTERVIEW, "大家快跑，水上来了！"), (K.NARRATION, "洪水来得很快。")]
    assert s.blocks[0].speaker is None


def test_live_sound_then_dialogue() -> None:
    s = script("解说。\n现场声：\n快把管子接上！\n【解说】抢险持续了一夜。")
    assert kinds(s)[1] == (K.INTERVIEW, "快把管子接上！")
    assert s.blocks[1].speaker is None


@pytest.mark.parametrize("wrapped", ["（快把管子接上！）", "[快把管子接上！]", "［快把管子接上！］"])
def test_wrapped_speech(wrapped: str) -> None:
    s = script(f"解说。\n同期声：\n{wrapped}\n【解说】抢险持续了一夜。")
    assert kinds(s)[1] == (K.INTERVIEW, "快把管子接上！")


# --- narration markers and where interviews end ----------------------------------------------


@pytest.mark.parametrize("marker", ["【解说】", "【解说词】", "[解说]", "［解说］", "解说词：", "解说:", "【配音】",
                                    "【画外音】"])
def test_narration_markers_alone_and_inline(marker: str) -> None:
    alone = script(f"{marker}\n江水东流。")
    inline = script(f"{marker}江水东流。")
    assert kinds(alone) == kinds(inline) == [(K.NARRATION, "江水东流。")]


def test_marker_span_keeps_speech_until_next_marker() -> None:
    s = script(
        """
        【解说】江水东流。
        【同期】王大明
        那天晚上雨很大。
        我们一夜没睡。
        【解说】
        后来水退了。
        """
    )
    assert kinds(s) == [
        (K.NARRATION, "江水东流。"),
        (K.INTERVIEW, "那天晚上雨很大。"),
        (K.INTERVIEW, "我们一夜没睡。"),
        (K.NARRATION, "后来水退了。"),
    ]


def test_paragraph_span_is_one_paragraph() -> None:
    s = script("薛澜（清华大学教授）：\n第一段话。\n第二段是解说。")
    assert kinds(s) == [(K.INTERVIEW, "第一段话。"), (K.NARRATION, "第二段是解说。")]


def test_interview_span_override() -> None:
    text = "薛澜（清华大学教授）：\n第一段话。\n第二段话。"
    assert [b.kind for b in script(text, interview_span="marker").blocks] == [K.INTERVIEW, K.INTERVIEW]
    text2 = "【解说】开头。\n【同期】王大明\n第一段话。\n第二段。\n【解说】结尾。"
    kinds_of = [b.kind for b in script(text2, interview_span="paragraph").blocks]
    assert kinds_of == [K.NARRATION, K.INTERVIEW, K.NARRATION, K.NARRATION]


def test_document_without_markers_is_narration() -> None:
    s = script("江水东流。\n\n两岸青山。")
    assert [b.kind for b in s.blocks] == [K.NARRATION, K.NARRATION]


def test_blank_line_paragraphs_with_hard_wraps_are_joined() -> None:
    s = script("江水东流，\n奔向大海。\n\n两岸青山，\n默默无言。\n\n第三段。")
    assert [(b.text, b.lines) for b in s.blocks] == [("江水东流，奔向大海。", (1, 2)), ("两岸青山，默默无言。", (4, 5)),
                                                     ("第三段。", (7, 7))]


# --- captions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["［字幕］党政领导责任", "[字幕]党政领导责任", "[字幕：党政领导责任]", "【字幕：党政领导责任】",
     "【字幕】党政领导责任",
     "[字幕:党政领导责任]",
     "【字幕】：党政领导责任"]
)
def test_caption_forms(line: str) -> None:
    s = script(f"解说。\n{line}\n解说二。")
    assert kinds(s) == [(K.NARRATION, "解说。"), (K.CAPTION, "党政领导责任"), (K.NARRATION, "解说二。")]


def test_caption_run() -> None:
    s = script("解说。\n【字幕】\n2019年3月21日\n江苏响水\n\n解说二。")
    assert kinds(s) == [(K.NARRATION, "解说。"), (K.CAPTION, "2019年3月21日"), (K.CAPTION, "江苏响水"),
                        (K.NARRATION, "解说二。")]


def test_caption_and_speaker_on_one_line() -> None:
    s = script("【字幕：十八届中央纪委六次全会】习近平：要把权力关进制度的笼子里。")
    assert kinds(s) == [(K.CAPTION, "十八届中央纪委六次全会"), (K.INTERVIEW, "要把权力关进制度的笼子里。")]
    assert s.blocks[1].speaker == Speaker("习近平", None)


# --- titles and headings ---------------------------------------------------------------------


def test_titles_and_headings() -> None:
    s = script(
        """
        《大国工匠》
        第一集 历史之约
        【序】
        江水东流。
        直面风险
        江水东流。
        （结语）
        江水东流。
        【片头】
        """
    )
    assert s.title == "大国工匠"
    assert [(b.kind, b.text) for b in s.blocks if b.kind is not K.NARRATION] == [
        (K.TITLE, "大国工匠"),
        (K.HEADING, "第一集 历史之约"),
        (K.HEADING, "序"),
        (K.HEADING, "直面风险"),
        (K.HEADING, "结语"),
        (K.HEADING, "片头"),
    ]
    assert s.blocks[3].section == "序" and s.blocks[5].section == "直面风险"


@pytest.mark.parametrize("line, title",
                         [("【标题】大国工匠", "大国工匠"), ("【推出片名：第一集 历史之约】", "第一集 历史之约"),
                          ("【标题】《大国工匠》", "大国工匠")])
def test_title_markers(line: str, title: str) -> None:
    s = script(f"{line}\n江水东流。")
    assert s.title == title and s.blocks[0].kind is K.TITLE


def test_short_line_after_speaker_is_speech_not_heading() -> None:
    s = script("王大明（村民）：\n没想到\n解说。")
    assert kinds(s)[0] == (K.INTERVIEW, "没想到")


# --- artefacts and notes ---------------------------------------------------------------------


def test_word_artefacts_and_source_note_removed_and_recorded() -> None:
    s = script("[bookmark: _GoBack]江水东流。\n两岸青山。（来源：新华社）")
    assert kinds(s) == [(K.NARRATION, "江水东流。"), (K.NARRATION, "两岸青山。")]
    assert {(r.line, r.text, r.reason) for r in s.removed} == {(1, "[bookmark: _GoBack]", "word artefact"),
                                                               (2, "（来源：新华社）", "source note")}


def test_nbsp_normalised() -> None:
    s = script("2018\u00a0年11月28日，事故发生。")
    assert s.blocks[0].text == "2018 年11月28日，事故发生。"


# --- oddities and errors ---------------------------------------------------------------------


def test_speaker_without_speech_mid_script_is_a_warning() -> None:
    s = script("薛澜（清华大学教授）：\n王大明（村民）：\n那天雨很大。")
    assert len(s.warnings) == 1 and s.warnings[0].line == 1
    # the label keeps its line: an interview with nothing to say, then the next speaker's words
    assert [(b.kind, b.text, b.written, b.lines) for b in s.blocks] == [
        (K.INTERVIEW, "", "薛澜（清华大学教授）：", (1, 1)),
        (K.INTERVIEW, "那天雨很大。", "王大明（村民）：\n那天雨很大。", (2, 3)),
    ]
    assert s.blocks[0].speaker == Speaker("薛澜", "清华大学教授") and s.blocks[1].speaker == Speaker("王大明", "村民")


def test_speaker_at_end_is_a_warning() -> None:
    """A web page cut off right after a speaker label: the label is reported, the rest parsed."""
    s = script("江水东流。\n薛澜（清华大学教授）：", path="x.txt")
    assert [b.text for b in s.blocks] == ["江水东流。", ""]  # the label: an interview with nothing to say
    assert s.blocks[1].written == "薛澜（清华大学教授）：" and s.blocks[1].speaker == Speaker("薛澜", "清华大学教授")
    assert s.warnings[-1].line == 2 and "no speech" in s.warnings[-1].what


@pytest.mark.parametrize("bad", ["【字幕：党政领导责任", "薛澜（清华大学教授：", "同期声（习近平总书记：",
                                 "［字幕党政领导责任"])
def test_unterminated_brackets(bad: str) -> None:
    with pytest.raises(ScriptError) as e:
        script(f"江水东流。\n{bad}\n两岸青山。", path="x.txt")
    assert e.value.line == 2 and "unterminated" in e.value.what


def test_markdown_headings() -> None:
    s = script("# 《大国工匠》\n\n## 第一章 匠心\n\n江水东流。\n\n## 直面风险\n\n两岸青山。")
    assert s.title == "大国工匠"
    assert [(b.kind, b.text) for b in s.blocks] == [
        (K.TITLE, "大国工匠"), (K.HEADING, "第一章 匠心"), (K.NARRATION, "江水东流。"), (K.HEADING, "直面风险"),
        (K.NARRATION, "两岸青山。"),
    ]
