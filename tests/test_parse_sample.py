"""The sample script parses into exactly the blocks a human reads in it."""

from __future__ import annotations

import json
import re
from collections import Counter

from conftest import GOLDEN, SAMPLE, kept_source

from subtoolkit.text.ingest import read_source
from subtoolkit.model import BlockKind
from subtoolkit.text.parse import parse_lines

HAN_OR_DIGIT = re.compile(r"[\u3400-\u9fff0-9]")


def parsed():
    src = read_source(SAMPLE)
    return src, parse_lines(src.lines, path=str(SAMPLE))


def test_block_counts() -> None:
    _, s = parsed()
    counts = Counter(b.kind for b in s.blocks)
    assert s.title == "生命重于泰山"
    assert counts[BlockKind.TITLE] == 1
    assert counts[BlockKind.HEADING] == 6
    assert counts[BlockKind.CAPTION] == 4
    assert counts[BlockKind.INTERVIEW] == 17
    assert counts[BlockKind.NARRATION] == len(s.blocks) - 28
    assert [b.text for b in s.blocks if b.kind is BlockKind.HEADING] == ["直面风险", "树牢理念", "强化责任", "健全体系",
                                                                         "狠抓落实",
                                                                         "结语"]
    assert not s.warnings


def test_speakers_and_roles() -> None:
    _, s = parsed()
    interviews = [b for b in s.blocks if b.kind is BlockKind.INTERVIEW]
    by_line = {b.last_line: b.speaker for b in interviews}  # keyed by the speech line
    assert by_line[4].name == "习近平" and by_line[4].role == "总书记作党的十九大报告"
    assert by_line[21].name == "薛澜" and by_line[21].role == "清华大学教授"
    assert by_line[70].name == "辛鸣" and by_line[70].role == "中央党校（国家行政学院）教授"  # nested
    assert by_line[85].name == "张勤岳" and by_line[85].role == "原天嘉宜公司总经理、法定代表人"  # half-width
    speech = [4, 21, 27, 34, 47, 49, 53, 63, 70, 75, 85, 89, 93, 102, 109, 113, 121]
    # the speaker line above the speech belongs to the interview: in its lines and its text as written
    assert [b.lines for b in interviews] == [(n - 1, n) for n in speech]
    assert interviews[0].written.split("\n")[0] == "同期声（习近平总书记作党的十九大报告）："
    assert interviews[-1].written.startswith("张兴凯（全国政协常委、中国安全生产科学研究院院长）：\n")
    assert sum(1 for b in interviews if b.speaker and b.speaker.name == "薛澜") == 6


def test_captions_and_sections() -> None:
    _, s = parsed()
    caps = [b for b in s.blocks if b.kind is BlockKind.CAPTION]
    assert [c.text for c in caps[:3]] == ["党政领导责任", "部门监管责任", "企业主体责任"]
    assert caps[3].text.startswith("给予市交通运输委") and caps[3].text.endswith("降为四级主任科员。")
    assert all(c.section == "强化责任" for c in caps[:3]) and caps[3].section == "健全体系"
    first_heading = next(i for i, b in enumerate(s.blocks) if b.kind is BlockKind.HEADING)
    assert all(b.section is None for b in s.blocks[:first_heading])
    assert s.blocks[-1].section == "结语"


def test_no_markers_labels_or_artefacts_in_text() -> None:
    _, s = parsed()
    for b in s.blocks:
        assert "bookmark" not in b.text and "_GoBack" not in b.text
        assert "字幕" not in b.text
        assert "来源：" not in b.text
        assert "\u00a0" not in b.text
        assert not re.match(r"^[\u4e00-\u9fff]{2,4}[（(]", b.text) or b.kind is not BlockKind.INTERVIEW
        assert not b.text.startswith(("解说词", "同期声", "（", "［", "[", "《"))
    assert s.blocks[-1].text.endswith("作出新的更大贡献！")


def test_no_source_character_lost() -> None:
    """Han characters and digits of the source = those of the blocks plus the set-aside spans, in order."""
    src, s = parsed()
    expected = kept_source(src.lines, s)
    want = "".join(HAN_OR_DIGIT.findall(expected))
    got = "".join(HAN_OR_DIGIT.findall("".join(b.text for b in s.blocks)))
    assert got == want
    # and the set-aside spans are only markers, labels, the artefact and the note
    assert {r.reason for r in s.removed} == {"marker", "speaker label", "word artefact", "source note"}
    assert [r.text for r in s.removed if r.reason == "source note"] == ["（来源：中华人民共和国应急管理部）"]


def test_golden_json(update_golden: bool) -> None:
    _, s = parsed()
    golden = GOLDEN / "sample.blocks.json"
    text = json.dumps(s.to_json(), ensure_ascii=False, indent=1) + "\n"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
