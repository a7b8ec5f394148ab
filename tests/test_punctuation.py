"""The punctuation model: break strengths as an enum, the last mark past closing quotes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.text.punctuation import CLOSERS, NO_LINE_START, PAUSE_MARKS, Break, break_after, last_mark, mark_break

ALPHABET = "安全生产。！？；：，、”’」』）》)\"' a1%…"


def _old_break_after(text: str) -> str:
    """The loop timing and alignment each had (an independent copy, to hold the model to it)."""
    classes = {**dict.fromkeys("。！？!?…", "sentence"), **dict.fromkeys("；：;:", "clause"),
               **dict.fromkeys("，,", "comma"), "、": "enum"}
    for ch in reversed(text):
        if ch in classes:
            return classes[ch]
        if ch not in "”’」』）》)\"' ":
            break
    return "word"


@given(st.text(alphabet=ALPHABET, max_size=12))
def test_break_after_is_what_timing_and_alignment_computed(text: str) -> None:
    assert break_after(text) == _old_break_after(text)


@given(st.text(alphabet=ALPHABET, max_size=12))
def test_segmentation_looks_past_every_closing_mark(text: str) -> None:
    from subtoolkit.subtitles.segment import _clause_class

    mark = last_mark(text, past=NO_LINE_START)
    expected = Break.WORD if mark is None else mark_break(mark)
    if expected == Break.ENUM:
        expected = Break.ENUM_DROP  # 、 may not end a line in zh-Hans
    assert _clause_class(text, load_profile()) == expected


def test_a_misspelt_strength_is_an_error() -> None:
    with pytest.raises(ValueError):
        Break("sentense")
    assert Break("sentence") == "sentence" and str(Break.COMMA) == "comma"  # JSON and tables read the same


def test_every_strength_between_atoms_has_a_cost() -> None:
    from subtoolkit.subtitles.segment import _BREAK_COST

    between_atoms = set(Break) - {Break.SECTION, Break.PARAGRAPH, Break.NONE}
    assert set(_BREAK_COST) == between_atoms


def test_the_classes_do_not_overlap_where_it_matters() -> None:
    assert not (PAUSE_MARKS & CLOSERS)
    assert all(mark_break(c) is not None for c in PAUSE_MARKS)
