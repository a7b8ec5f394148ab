"""The parser's shortcuts decide as the plain forms they stand for."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.text.parse import _INLINE_MARKER, _INLINE_MARKER_WORD, _SCAN, _SCAN_WORDS, _anchored

_FLAT_SCAN = re.compile("|".join(map(re.escape, _SCAN_WORDS)))
# Strings of the characters the scan words are made of (and a few that open none), so that whole
# words, their prefixes and near misses all turn up.
_SCAN_TEXT = st.text(alphabet="".join(sorted(set("".join(_SCAN_WORDS)))) + "的了是天地 \n", max_size=12)


@given(_SCAN_TEXT)
def test_prose_scan_finds_a_word_where_the_plain_alternation_does(s: str) -> None:
    assert (_SCAN.search(s) is None) == (_FLAT_SCAN.search(s) is None)


@pytest.mark.parametrize("word", _SCAN_WORDS)
def test_each_scan_word_is_found_whole_and_only_whole(word: str) -> None:
    found = re.compile(_anchored(word))
    assert found.search(f"前文{word}后文") is not None
    assert found.search(word[1:]) is None and found.search(word[:-1]) is None  # cut short it is no word


@given(st.text(alphabet="【】解说词同期声旁白述配音采访字幕：: 。”）\n甲", max_size=14))
def test_inline_marker_needs_one_of_its_words(s: str) -> None:
    if _INLINE_MARKER.search(s) is not None:
        assert _INLINE_MARKER_WORD.search(s) is not None
