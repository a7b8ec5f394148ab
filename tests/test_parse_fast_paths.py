"""The parser's shortcuts decide as the plain forms they stand for."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.text.parse import _INLINE_MARKER, _INLINE_MARKER_WORD, _SCAN, _SCAN_WORDS, _literal_trie

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


@given(st.text(alphabet="【】解说词同期声旁白述配音采访字幕：: 。”）\n甲", max_size=14))
def test_inline_marker_needs_one_of_its_words(s: str) -> None:
    if _INLINE_MARKER.search(s) is not None:
        assert _INLINE_MARKER_WORD.search(s) is not None
