"""The subtitle core's records behave as plain frozen dataclasses, compiled or not.

A compiled build (setup.py) turns them into native classes without ``__dict__``; pickle's
default would then restore them through the frozen ``__setattr__`` and fail. Build results carry
:class:`Problem` lists back from worker processes, so each record pickles by its fields
(``__reduce__``). tests/test_compiled.py runs this file against the compiled build too.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from subtoolkit.model import BlockKind
from subtoolkit.subtitles.segment import Layout, Piece
from subtoolkit.subtitles.timing import SpeechModel, _Planned
from subtoolkit.subtitles.validate import Problem
from subtoolkit.text.punctuation import Break

PIECE = Piece(("第一行", "第二行"), "第一行，第二行。", ("第一行，", "第二行。"), 7.0)
RECORDS = [
    Problem("reading-speed", 3, "21.0 characters/s", "warning"),
    SpeechModel(narration_rate=4.5, interview_rate=5.0, pause_scale=1.2, pauses={Break.COMMA: 200}),
    PIECE,
    Piece(("一行",), "一行"),
    Layout(("上", "下"), ("上，", "下"), 3.5),
    _Planned(2, BlockKind.NARRATION, PIECE, 1250.0, 900.0, 250.0, 500.0),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_pickles_copies_and_replaces_by_its_fields(record: object) -> None:
    back = pickle.loads(pickle.dumps(record))
    assert type(back) is type(record) and back == record
    assert dataclasses.astuple(back) == dataclasses.astuple(record)  # compare=False fields too  # type: ignore[arg-type]
    assert copy.deepcopy(record) == record
    first = dataclasses.fields(record)[0].name  # type: ignore[arg-type]
    assert dataclasses.replace(record, **{first: getattr(record, first)}) == record  # type: ignore[type-var]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_stays_frozen(record: object) -> None:
    first = dataclasses.fields(record)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, first, None)


def test_a_changed_field_survives_the_round_trip() -> None:
    """Not just equal to a default: the pickled value is the one set (a test that could pass on
    any record if ``__reduce__`` rebuilt from defaults)."""
    p = Problem("too-long", 9, "8000 ms on screen")
    assert pickle.loads(pickle.dumps(p)).cue == 9
    assert pickle.loads(pickle.dumps(PIECE)).shadow_width == 7.0
