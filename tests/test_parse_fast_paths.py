"""The parser's shortcuts build the same objects as the plain constructors they stand for."""

from __future__ import annotations

import dataclasses

import pytest

from subtoolkit.model import Block, BlockKind, Speaker
from subtoolkit.text.parse import _block


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
