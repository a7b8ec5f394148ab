"""Properties of the parser on arbitrary scripts: no crash, no lost character, sane lines."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from conftest import kept_source

from subtoolkit.errors import ScriptError
from subtoolkit.model import BlockKind
from subtoolkit.text.ingest import normalise_line, split_lines
from subtoolkit.text.parse import parse_lines

HAN_OR_DIGIT = re.compile(r"[\u3400-\u9fff0-9]")

TOKENS = [
    "【解说】", "【解说词】", "[解说]", "解说词：", "【配音】", "【画外音】", "【同期】", "【同期声】", "同期声",
    "现场声：",
    "【采访】", "【采访·村支书王大明】", "［字幕］", "[字幕：", "【字幕】", "【字幕：", "】", "]", "［", "（", "）",
    "(",
    ")",
    "：", ":", "，", "。", "、", "“", "”", "《", "》", "薛澜", "王大明", "（清华大学教授）", "村支书 ", "习近平总书记",
    "（结语）", "【序】", "第一集 ", "直面风险", "（来源：新华社）", "[bookmark: _GoBack]", "\u00a0", " ", "\u3000",
    "2020年", "80.6%", "3·21", "江水东流", "两岸青山", "安全生产", "\n", "\n", "\n\n",
    # the house styles of other broadcasters: notes, presenters, Traditional markers, pinyin, web pages
    "[画面]", "【画面】", "（镜头：", "（删", "记 者：", "摄像：", "编者按：", "来源：", "主持人：", "女播：",
    "【导语】",
    "【出镜】", "【正文】", "【现场同期】", "【同期聲】", "【解說詞】", "【畫外音】", "習近平總書記", "協(xié)",
    "(xiāng)",
    "http://a.cn/x", "www.b.com ", "2023年05月06日 10:20", "已有0人发表了评论", "• ", "1. 采集：", "“快跑！”",
    "小梅：", "阿强：", "达度勒·尤瑟夫", " John Brown", "《乡村纪事》栏目 ", "牧民 ", "分集片名：", "关键词：", ">>",
    "|",
    # conventions of the house-style set: HK, Taiwan, Singapore, timecodes, credits, Q/A, attributions
    "旁述：", "OS：", "VO: ", "SOT：", "SUPER: ", "（同期）", "（OS）", "李文雄／", "｜", "00:01:23:10 ", "[01:23] ",
    "【音乐起】", "[特效] ", "^p", "第2页", "总导演 ", "出品 ", "采访对象：", "受訪者：", "问：", "答：", "——",
    "第一场 ", "1. 全景 ", "Dr. Lim Wei Ling, ", "解说（男声）：", "主持人（出镜）：", "〈字幕〉", "【人物】",
    "撰稿/配音：", "（同期声：", "（字幕）", "【片头字幕】",
    "【Stand】", "【sot】", "Stand：", "【過音】", "【NS】", "首页 > ", "主持人串场：",
    "（字幕：镇卫生院院长 龙小川）", "【打印】",
]

scripts = st.lists(
    st.one_of(st.sampled_from(TOKENS),
              st.text(alphabet="江水东流安全生产一二三0123456789abc，。：（）【】[]", max_size=6)),
    max_size=60,
).map("".join)


def _parse(text: str):  # type: ignore[no-untyped-def]
    lines = [normalise_line(l) for l in split_lines(text)]
    return lines, parse_lines(lines, path="prop.txt")


@given(scripts)
def test_never_crashes_and_never_loses_characters(text: str) -> None:
    try:
        lines, s = _parse(text)
    except ScriptError as exc:  # a deliberate, located error is fine; anything else is a bug
        assert exc.path == "prop.txt" and exc.line is not None and exc.hint
        return
    # The same marker can open a line and reappear inside it (a script flattened onto one line):
    # the set-aside copy is not always the first one, so compare the characters as a multiset.
    expected = kept_source(lines, s)
    want = sorted(HAN_OR_DIGIT.findall(expected))
    got = sorted(HAN_OR_DIGIT.findall("".join(b.text for b in s.blocks)))
    assert got == want


@given(scripts)
def test_blocks_are_in_source_order_with_valid_lines(text: str) -> None:
    try:
        lines, s = _parse(text)
    except ScriptError:
        return
    prev = 0
    for b in s.blocks:
        assert 1 <= b.first_line <= b.last_line <= len(lines)
        assert b.first_line >= prev
        prev = b.first_line
        assert b.text == b.text.strip() and "\n" not in b.text
        # as written: never empty, each line trimmed; the clean text is empty only for a marker or a
        # speaker label that introduced nothing (it keeps its line and its text as written)
        assert b.written and all(l == l.strip() and l for l in b.written.split("\n"))
        assert b.text or b.kind is not BlockKind.TITLE and b.written.count("\n") + 1 <= b.last_line - b.first_line + 1


@given(scripts)
def test_notes_never_reach_the_clock(text: str) -> None:
    from subtoolkit.model import BlockKind
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.timing import estimate

    try:
        _, s = _parse(text)
    except ScriptError:
        return
    notes = {i for i, b in enumerate(s.blocks) if b.kind is BlockKind.NOTE}
    assert not any(c.block in notes for c in estimate(s, load_profile("netflix-zh-hans")).cues)


@given(st.text(max_size=200))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    try:
        _parse(text)
    except ScriptError:
        pass


def _content(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


@given(scripts)
def test_every_line_is_in_the_text_as_written_of_a_block_covering_it(text: str) -> None:
    """Nothing of a line is lost: each non-blank line's characters are in the text as written of the
    blocks whose lines cover it. Only a line that cleaning takes out whole (a Word artefact, a
    timecode or the trailing source note alone on its line, each listed in ``removed``) has none."""
    try:
        lines, s = _parse(text)
    except ScriptError:
        return
    set_aside = {r.line for r in s.removed}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cover = [b for b in s.blocks if b.first_line <= n <= b.last_line]
        if not cover:
            assert n in set_aside and not _content(line) - _content("".join(r.text for r in s.removed if r.line == n))
            continue
        written = "\n".join(b.written for b in cover)
        assert not _content(line) - _content(written), (n, line, written)
    # and every character of the script is in some block's text as written or was set aside whole
    everything = "".join(b.written for b in s.blocks) + "".join(r.text for r in s.removed)
    assert not _content("".join(lines)) - _content(everything)
