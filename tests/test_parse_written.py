"""Each block's text as written: the source characters of every line it covers (its slice of a line
shared with other blocks), next to the clean text every later stage uses.

The cases are the conventions of the development scripts that used to lose text: speaker-label
lines, Traditional marker lines, pinyin a web page inserted, scripts flattened onto one line, and
a page cut off after a speaker label.
"""

from __future__ import annotations

import json
from fractions import Fraction

from conftest import script

from subtoolkit.align.plan import narration_blocks, spoken_blocks
from subtoolkit.deliver.paperwork import captions_csv, names_csv, narration_md
from subtoolkit.deliver.report import render_report
from subtoolkit.model import Block, BlockKind, Speaker
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.timing import SpeechModel, estimate, plan_block
from subtoolkit.tts.voiceover import _requests, has_voice, plan_voiceover

K = BlockKind


def rows(text: str) -> list[tuple[BlockKind, tuple[int, int], str, str]]:
    return [(b.kind, b.lines, b.written, b.text) for b in script(text).blocks]


def test_a_speaker_label_line_is_in_the_interview_it_introduces() -> None:
    assert rows("""
        江水东流。
        【同期】瓜达尔自由区员工 哈桑
        中国朋友帮我们修了港口。
        """)[1] == (K.INTERVIEW, (2, 3), "【同期】瓜达尔自由区员工 哈桑\n中国朋友帮我们修了港口。",
                    "中国朋友帮我们修了港口。")


def test_a_name_super_above_bracketed_speech_is_in_the_interview() -> None:
    s = script("""
        火炬手们跑过街道。
        坦桑尼亚当地居民 费尔南德斯
        （我们为中国朋友高兴。）
        人群欢呼。
        """)
    b = s.blocks[1]
    assert (b.kind, b.lines, b.speaker) == (K.INTERVIEW, (2, 3), Speaker("费尔南德斯", "坦桑尼亚当地居民"))
    assert b.written == "坦桑尼亚当地居民 费尔南德斯\n（我们为中国朋友高兴。）" and b.text == "我们为中国朋友高兴。"


def test_traditional_marker_lines_and_inserted_pinyin_are_kept_as_written() -> None:
    assert rows("""
        第三集 協(xié)調(diào)發(fā)展
        【解說詞】
        這段山路,不過是中國脫貧路上眾多難關(guān)裡的一道。
        """) == [
        (K.TITLE, (1, 1), "第三集 協(xié)調(diào)發(fā)展", "第三集 協調發展"),
        (K.NARRATION, (2, 3), "【解說詞】\n這段山路,不過是中國脫貧路上眾多難關(guān)裡的一道。",
         "這段山路,不過是中國脫貧路上眾多難關裡的一道。"),
    ]


def test_blocks_sharing_a_line_get_their_slices_readings_included() -> None:
    # a caption and a sound bite on one line, pinyin inserted in both: each block gets its part
    assert rows("【字幕：協(xié)調發展】習近平：要把權(quán)力關進制度的籠子裡。") == [
        (K.CAPTION, (1, 1), "【字幕：協(xié)調發展】", "協調發展"),
        (K.INTERVIEW, (1, 1), "習近平：要把權(quán)力關進制度的籠子裡。", "要把權力關進制度的籠子裡。"),
    ]


def test_a_script_flattened_onto_one_line_is_cut_into_slices_that_make_up_the_line() -> None:
    line = "编者按:本片共九集。第一集 国家的未来。解说词:我们正身处一个从未有过的时代。 解说词:孩子大约3.67亿人。"
    got = rows(line)
    assert [(k, w, t) for k, _, w, t in got] == [
        (K.NOTE, "编者按:本片共九集。第一集 国家的未来。", "编者按:本片共九集。第一集 国家的未来。"),
        (K.NARRATION, "解说词:我们正身处一个从未有过的时代。", "我们正身处一个从未有过的时代。"),
        (K.NARRATION, "解说词:孩子大约3.67亿人。", "孩子大约3.67亿人。"),
    ]
    assert "".join(w for _, _, w, _ in got).replace(" ", "") == line.replace(" ", "")  # nothing lost, nothing twice


def test_an_editing_note_inside_a_sentence_stays_in_the_sentence_as_written() -> None:
    line = "下午3点半,火炬来到博物馆。(删!!最后一站是成都。)晚上,人们散去。"
    got = rows(line)
    assert got[0] == (K.NARRATION, (1, 1), line, "下午3点半,火炬来到博物馆。晚上,人们散去。")
    assert got[1] == (K.NOTE, (1, 1), "(删!!最后一站是成都。)", "(删!!最后一站是成都。)")


def test_a_page_cut_off_after_a_speaker_label_keeps_the_label() -> None:
    s = script("江水东流。\n任愛軍:", path="cut.txt")
    assert [(w.line, "no speech" in w.what) for w in s.warnings] == [(2, True)]
    last = s.blocks[-1]
    assert (last.kind, last.lines, last.written, last.text) == (K.INTERVIEW, (2, 2), "任愛軍:", "")
    assert last.speaker == Speaker("任愛軍", None)
    assert last.to_json() == {"kind": "interview", "text": "任愛軍:", "clean": "",
                              "speaker": {"name": "任愛軍", "role": None}, "section": None, "lines": [2, 2]}


def test_a_marker_that_introduces_nothing_keeps_its_line() -> None:
    assert rows("江水东流。\n【解说】\n【序】\n山高水长。") == [
        (K.NARRATION, (1, 1), "江水东流。", "江水东流。"),
        (K.NARRATION, (2, 2), "【解说】", ""),
        (K.HEADING, (3, 3), "【序】", "序"),
        (K.NARRATION, (4, 4), "山高水长。", "山高水长。"),
    ]


def test_a_label_of_the_document_above_the_title_goes_with_the_title() -> None:
    assert rows("解说词：\n《桥》\n江水东流。") == [
        (K.TITLE, (1, 2), "解说词：\n《桥》", "桥"), (K.NARRATION, (3, 3), "江水东流。", "江水东流。")]


def test_a_block_built_by_hand_stands_for_its_own_text_as_written() -> None:
    b = Block(K.NARRATION, "江水东流。", 1, 1)
    assert b.as_written == "江水东流。" and b.to_json()["text"] == b.to_json()["clean"] == "江水东流。"


CUT = """《运河人家》
【解说】
运河边的清晨总是来得早。
【同期】船工 许阿根
这船我撑了四十年。
【解说】
【序】
太阳升起来了。
【同期】村民 任爱军
"""


def test_blocks_with_no_clean_text_get_no_cue_no_voice_no_paperwork_and_no_alignment() -> None:
    s = script(CUT)
    empty = [i for i, b in enumerate(s.blocks) if not b.text]
    assert [(s.blocks[i].kind, s.blocks[i].written) for i in empty] == [
        (K.NARRATION, "【解说】"), (K.INTERVIEW, "【同期】村民 任爱军")]
    profile = load_profile("netflix-zh-hans")
    model = SpeechModel.from_profile(profile)
    assert all(plan_block(i, s.blocks[i], profile, model) == [] for i in empty)
    tl = estimate(s, profile)
    assert tl.cues and not any(c.block in empty for c in tl.cues)
    assert all(c.lines and all(c.lines) for c in tl.cues)
    plan = plan_voiceover(s, profile, Fraction(25), interview_voice="zh-CN-YunxiNeural")
    requests = _requests(plan.planned, s, voice="zh-CN-YunjianNeural", interview_voice="zh-CN-YunxiNeural", rate=0)
    assert requests and all(r.text.strip() for r in requests)
    assert not has_voice(s, blocks=range(empty[0], empty[0] + 1))
    assert not set(empty) & set(narration_blocks(s)) and not set(empty) & set(spoken_blocks(s))
    names = names_csv(s, tl)
    assert "许阿根" in names and "任爱军" not in names  # a label with no words is no name super
    md, caps = narration_md(s, tl), captions_csv(s, tl)
    assert "【解说】" not in md and "任爱军" not in md and "任爱军" not in caps
    html = render_report(s, tl, profile=profile, problems=[], variants={}, audio_src=None, audio_note="")
    assert "许阿根" in html
    assert "任爱军" not in json.dumps([c.to_json() for c in tl.cues], ensure_ascii=False)
