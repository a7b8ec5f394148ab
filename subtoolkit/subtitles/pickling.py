"""Pickling the subtitle core's frozen records by their fields, compiled or not.

A compiled build (setup.py) makes the records native classes without ``__dict__``, which pickle's
default could only restore through the frozen ``__setattr__``; build results carry them back from
worker processes. Reading the fields from the dataclass itself, rather than listing them in each
record's ``__reduce__``, keeps a field added later from being dropped on the way.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

R = TypeVar("R")


def by_fields(record: R) -> tuple[type[R], tuple[Any, ...]]:
    """``__reduce__`` of a frozen dataclass: its class and its fields' values in order, which
    its ``__init__`` takes back (every field is an init field)."""
    return type(record), tuple(getattr(record, f.name) for f in dataclasses.fields(record))  # type: ignore[arg-type]
