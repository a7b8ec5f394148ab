"""The parser's shortcuts build the same objects as the plain constructors they stand for."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.model import Block, BlockKind, Speaker
from subtoolkit.text.parse import _SCAN, _SCAN_WORDS, _block, _literal_trie


@pytest.mark.parametrize(
    "args",
    [
        (BlockKind.NARRATION, "江水东流。", 3, 3, None, None, "江水东流。"),
        (BlockKind.INTERVIEW, "我们就在这里。", 4, 6, Speaker("陈文彦", "茶农"), "第一章",
         "【同期】陈文彦\n我们就在这里。"),
        (BlockKind.TITLE, "大山", 1, 1, None, None, ""),
    ],
)
def test_block_shortcut_is_the_dataclass(args: tuple) -> None:
    fast, plain = _block(*args), Block(*args)
    assert fast == plain and hash(fast) == hash(plain)
    assert dataclasses.asdict(fast) == dataclasses.asdict(plain)
    assert dataclasses.replace(fast, text="x") == dataclasses.replace(plain, text="x")
    assert fast.to_json() == plain.to_json()
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.text = "changed"  # type: ignore[misc]


_FLAT_SCAN = re.compile("|".join(map(re.escape, _SCAN_WORDS)))
# Strings of the characters the scan words are made of (and a few that open none), so that whole
# words, their prefixes and near misses all turn up.
_SCAN_TEXT = st.text(alphabet="".join(sorted(set("".join(_SCAN_WORDS)))) + "的了是天地 \n", max_size=12)


@given(_SCAN_TEXT)
def test_prose_scan_finds_a_word_where_the_plain_alternation_does(s: str) -> None:
    assert (_SCAN.search(s) is None) == (_FLAT_SCAN.search(s) is None)


def test_literal_trie_matches_each_word_and_not_its_prefixes() -> None:
    words = ["上一篇", "上一页", "下一篇", "解说：", "解说:", "评论"]
    trie = re.compile(_literal_trie(words))
    for w in words:
        assert trie.fullmatch(w) is not None
        assert trie.search(w[:-1]) is None  # a word cut short is no word
    assert re.compile(_literal_trie(["上", "上一篇"])).search("这上") is not None  # a one-character word stands alone
