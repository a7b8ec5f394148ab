"""Block text → subtitle cues: Chinese-aware line and cue breaking under a profile.

The text is cut into *atoms* that must never be split: a clause that fits on one line, a word
(jieba, only for clauses that do not fit), a number with its unit (``2.71万人``, ``80.6%``,
``2013年11月24日``, a date or range written ``2015-7-21`` or ``10:30``), a book title or quotation
that fits (``《…》``, ``“…”``), a Latin word.
Between atoms lie break opportunities ranked by strength — sentence end, then ；：, then ，, then a
word boundary — and barred where W3C clreq's basic rules forbid them (no line starts with closing
punctuation, none ends with opening punctuation) or where the profile does (``、`` never ends a
line in zh-Hans). A small dynamic programme then picks, for every sentence, the cues and line
breaks with the lowest total cost: fewer cues, stronger breaks, one line unless two are needed,
bottom-heavy pairs.

Display punctuation is applied per line *after* breaking, because whether ``，`` becomes a space
or vanishes depends on where the line ends.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, Final, NamedTuple
from itertools import accumulate
from operator import le, methodcaller

from subtoolkit.subtitles.pickling import by_fields
from subtoolkit.subtitles.profiles import Profile
from subtoolkit.text.punctuation import (
    NO_LINE_END,
    NO_LINE_START,
    PAUSE_MARKS,
    WEAK_LINE_START,
    Break,
    last_mark,
    mark_break,
)


_PROTECTED = re.compile(
    r"\d{4}\s?年\d{1,2}月(?:\d{1,2}[日号])?"  # 2013年11月24日
    r"|\d{1,2}月\d{1,2}[日号]"
    r"|\d+(?:[.,:：·．/／\-－]\d+)*\s*(?:[%％‰℃]|°C)?(?:[多余]?[万亿千百]?[多余]?)"
    r"(?:公里|平方米|立方米|千米|余人|[年月日号时分秒人个起次栋米吨元岁家名倍项条座辆天周户所台架艘级层根头只批家])?"
    r"|[A-Za-z][A-Za-z0-9.\-+']*"
)


# What the width and rendering memos keep. What they find again is single characters, short
# atoms and a line measured twice within one block; most other entries are clauses never seen
# again. Every entry is visited by each full pass of the garbage collector, which a long
# script's writers trigger: at 65,536 entries each such pass cost about 0.1 s per MB of script.
_KEPT = 8192


@lru_cache(maxsize=65536)
def char_width(ch: str) -> float:
    """Netflix's count: full-width characters 1, half-width (ASCII, digits, spaces) 0.5.

    Ambiguous-width marks such as “” and · are drawn full-width in Chinese fonts, so count 1.
    """
    if ch == "\n":
        return 0.0
    eaw = unicodedata.east_asian_width(ch)
    return 0.5 if eaw in ("Na", "H", "N") else 1.0


# every character's width once measured, for the loops that weigh a sentence character by
# character: a plain dict read by index costs less than a call through char_width's memo, above
# all in the compiled build (setup.py). Unicode bounds it; a script meets a few thousand.
_WIDTHS: Final[dict[str, float]] = {}


def _learn_widths(text: str) -> None:
    widths = _WIDTHS
    for c in text:
        if c not in widths:
            widths[c] = char_width(c)


# Characters that are 1 wide (CJK marks, Han, full-width forms, and the curly quotes, dash,
# ellipsis and middle dot Chinese text uses, which char_width counts 1): nearly all of a script.
# tests/test_segment.py checks every one against char_width.
WIDE_CHARS: Final = "\u00b7\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303e\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60"

# The same characters but the middle dot (two bytes in UTF-8, the others three), and the printable
# ASCII characters (width ½, one byte): a text made only of these, which is nearly every clause
# and line of a Chinese script, is measured from its length and its UTF-8 length, without a
# look-up per character.
_WIDE_OR_ASCII = re.compile("[\x20-\x7e" + WIDE_CHARS.replace("\u00b7", "") + "]*")


@lru_cache(maxsize=_KEPT)  # single characters and short atoms recur in any script
def text_width(text: str) -> float:
    """The sum of :func:`char_width` over ``text``, each character's width read from
    :data:`_WIDTHS` (every width is a multiple of ½, so the sum is exact in any order).

    >>> text_width("2.71万人"), text_width("安全 第一")
    (4.0, 4.5)
    """
    return _width(text)


def _width(text: str) -> float:
    """:func:`text_width` without its memo, for text that is measured once (a whole clause)."""
    if _WIDE_OR_ASCII.fullmatch(text) is not None:
        # n characters, b bytes: each wide one is 3 bytes and each ASCII one 1, so (3n - b) / 2
        # are ASCII and weigh ½
        n = len(text)
        half = (3 * n - len(text.encode("utf-8"))) // 2
        return float(n - half) + 0.5 * half
    widths = _WIDTHS
    try:
        return sum(map(widths.__getitem__, text), 0.0)
    except KeyError:
        _learn_widths(text)
        return sum(map(widths.__getitem__, text), 0.0)


def render_line(raw: str, profile: Profile) -> str:
    """Apply the profile's display punctuation to one line of source text.

    >>> from subtoolkit.subtitles.profiles import Profile
    >>> render_line("树立安全发展理念，", Profile(name="t"))
    '树立安全发展理念'
    >>> render_line("弘扬生命至上、安全第一的思想，健全", Profile(name="t"))
    '弘扬生命至上、安全第一的思想 健全'
    """
    return _render(raw, profile.to_space, profile.separator, profile.never_at_line_end)


_WHITESPACE = " \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2009\u200a\u202f\u205f\u3000"
_RUNS = re.compile(r"([ \u3000])[ \u3000]+")
_FIRST_OF_RUN = methodcaller("group", 1)


@lru_cache(maxsize=64)
def _table(to_space: str, sep: str) -> dict[int, str]:
    """str.translate table: marks that become the separator, whitespace that becomes a space."""
    table = {ord(c): (" " if sep == " " else sep) for c in _WHITESPACE}
    table.update({ord(c): sep for c in to_space})
    return table


@lru_cache(maxsize=64)
def _separated(to_space: str, sep: str) -> Callable[[str], str]:
    """``text.translate(_table(to_space, sep))`` as one regular-expression substitution: every
    mark of ``to_space`` and every whitespace character becomes ``sep``. The same string, made
    several times faster than translate's dictionary look-up per character (tests/test_segment.py).

    >>> _separated("，。", " ")("树立，安全　发展。")
    '树立 安全 发展 '
    """
    marks = re.compile("[" + re.escape("".join(sorted(set(_WHITESPACE) | set(to_space)))) + "]")
    return partial(marks.sub, sep.replace("\\", "\\\\"))  # a backslash in ``sep`` stays one


@lru_cache(maxsize=_KEPT)  # a line is rendered for its fit, then again when it is chosen
def _render(raw: str, to_space: str, sep: str, never_at_end: str = "") -> str:
    # collapse runs of separators/spaces, then trim them at both ends
    text = _separated(to_space, sep)(raw)
    if "  " in text or "\u3000" in text:  # else there is no run of two spaces (most lines)
        # the first space of each run: a C-level callable (a template such as ``r"\1"`` makes re
        # call back into Python on every substitution, match or not)
        text = _RUNS.sub(_FIRST_OF_RUN, text)
    text = text.strip(" \u3000")
    while text and text[-1] in never_at_end:
        text = text[:-1].rstrip(" \u3000")
    return text


# ---------------------------------------------------------------------------------------------
# Atoms


class Atom(NamedTuple):
    """An unbreakable piece of text and the strength of the break *after* it.

    A named tuple rather than a frozen dataclass: a script makes one per character of every
    clause too wide for a line, and a tuple is made in half the time.
    """

    text: str
    brk: Break


# ``Atom(text, brk)`` without the Python-level ``__new__`` a named tuple is given (the same object)
_atom = partial(tuple.__new__, Atom)

# "enum_drop" is a last resort: a break after 、 where the profile forbids 、 at a line end, so the
# 、 is not shown there (as ，。 are not); only taken when no legal layout exists, e.g. a run
# “楼歪歪”、“楼脆脆”、“楼倒倒” wider than a line.
_BREAK_COST: dict[Break, float] = {Break.SENTENCE: 0.0, Break.CLAUSE: 1.0, Break.COMMA: 2.0, Break.ENUM: 5.0,
                                   Break.WORD: 7.0, Break.ENUM_DROP: 30.0, Break.CHAR: 40.0}
# the least cost of a two-line cue breaking after an atom: two lines cost 3, plus the break's (None: no break)
_LEAST: dict[Break, float | None] = {b: (3.0 + _BREAK_COST[b] if b in _BREAK_COST else None) for b in Break}


_OPENERS = {"《": "》", "“": "”", "「": "」", "『": "』"}
# where a protected chunk can begin: _PROTECTED's spans start with a digit or a Latin letter
_CHUNK_START = re.compile(r"[\dA-Za-z" + "".join(_OPENERS) + "]")


def _chunks(text: str, profile: Profile, relaxed: bool = False) -> list[str]:
    """Protected spans (numbers, Latin words, fitting 《》/“” spans) and single characters."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        found = _CHUNK_START.search(text, i)
        if found is None:
            out.extend(text[i:])
            break
        out.extend(text[i : found.start()])  # single characters up to where a chunk may begin
        i = found.start()
        ch = text[i]
        close = _OPENERS.get(ch)
        if close is not None:
            j = text.find(close, i + 1)
            if j != -1 and not relaxed and text_width(text[i : j + 1]) <= profile.max_chars:
                out.append(text[i : j + 1])
                i = j + 1
                continue
        m = _PROTECTED.match(text, i)
        if m and m.end() > i:
            out.append(m.group(0))
            i = m.end()
            continue
        out.append(ch)
        i += 1
    return out


def _mark_class(ch: str, profile: Profile) -> Break:
    brk = mark_break(ch) or Break.WORD
    return Break.ENUM_DROP if brk is Break.ENUM and ch in profile.never_at_line_end else brk


def _jieba() -> Callable[[str], list[str]]:
    """jieba's cut, set up once per process, only when a clause needs word boundaries."""
    from subtoolkit.subtitles.words import cutter

    return cutter()


@lru_cache(maxsize=4096)
def _word_boundaries(text: str) -> frozenset[int]:
    """Character offsets in ``text`` where a jieba word ends (remembered per clause)."""
    ends: set[int] = set()
    pos = 0
    for w in _jieba()(text):
        pos += len(w)
        ends.add(pos)
    return frozenset(ends)


def _clause_class(clause: str, profile: Profile) -> Break:
    """Break strength after a clause: its last mark, looking past closing quotes and brackets."""
    mark = last_mark(clause, past=NO_LINE_START)
    return Break.WORD if mark is None else _mark_class(mark, profile)


def atoms_of(text: str, profile: Profile, relaxed: bool = False) -> list[Atom]:
    """Split a block's text into atoms with break strengths (see the module docstring).

    ``relaxed`` is the second try for a sentence no legal layout can hold: quotations and book
    titles are no longer kept whole and every clause is cut into words.
    """
    # group chunks into clauses that end at (and include) punctuation marks (one character each,
    # so a protected chunk such as 10:30 never ends a clause)
    pause_marks, no_start = PAUSE_MARKS, NO_LINE_START  # read once (module globals)
    clauses: list[list[str]] = []
    clause: list[str] = []
    for c in _chunks(text, profile, relaxed):
        clause.append(c)
        if c in pause_marks:
            clauses.append(clause)
            clause = []
    if clause:
        clauses.append(clause)
    # trailing closing marks (”」）) after a clause mark belong to that clause, not the next
    fixed: list[list[str]] = []
    for cl in clauses:
        while fixed and cl and cl[0] in no_start:
            fixed[-1].append(cl.pop(0))
        if cl:
            fixed.append(cl)
    # a clause ending in a mark that may not end a line (、 in zh-Hans) is glued to the next one,
    # so the pair is split at word boundaries instead of at the mark
    glued: list[tuple[list[str], str, Break]] = []
    for cl in fixed:
        if glued and glued[-1][2] == Break.ENUM_DROP:
            chunks = glued[-1][0] + cl
        else:
            chunks = cl
        clause_text = "".join(chunks)
        item = (chunks, clause_text, _clause_class(clause_text, profile))
        if chunks is cl:
            glued.append(item)
        else:
            glued[-1] = item
    atoms: list[Atom] = []
    max_chars = profile.max_chars
    # rendering replaces characters by the separator and removes others; with a separator of
    # at most ½ (every character but a line feed weighs at least ½), a clause shown is never
    # wider than its source: one within the width fits without being rendered
    shrinks = _width(profile.separator) <= 0.5
    for chunks, clause_text, end_class in glued:
        if not relaxed and ((shrinks and _width(clause_text) <= max_chars and "\n" not in clause_text)
                            or text_width(render_line(clause_text, profile)) <= max_chars):
            atoms.append(_atom((clause_text, end_class)))
        else:
            atoms.extend(_split_clause(chunks, end_class, profile))
    return atoms


_HAN_CHAR = re.compile("[\u3400-\u9fff]")


def _split_clause(chunks: list[str], end_class: Break, profile: Profile) -> list[Atom]:
    """Atoms of a clause too wide for a line: word boundaries that respect protected chunks.

    A break between two chunks is barred where clreq bars it, looking past spaces (which vanish
    at line ends); between two Han characters inside a jieba word it is a last resort (CHAR).
    """
    text = "".join(chunks)
    words = _word_boundaries(text) if _HAN_CHAR.search(text) else frozenset()
    never = profile.never_at_line_end
    # read once, not per chunk (in the compiled build each is a look-up in a module's globals)
    no_end, no_start, atom = NO_LINE_END, NO_LINE_START, _atom
    enum_drop, inside_word, between_words = Break.ENUM_DROP, Break.CHAR, Break.WORD
    atoms: list[Atom] = []
    add = atoms.append
    start = p = 0
    for n in range(len(chunks) - 1):
        p += len(chunks[n])
        left, right = text[p - 1], text[p]
        if left.isspace():
            left_shown = text[:p].rstrip()[-1:] or " "
            if left_shown in no_end:
                continue
        elif left in no_end:
            continue
        if right.isspace():
            if (text[p:].lstrip()[:1] or " ") in no_start:
                continue
        elif right in no_start:
            continue
        if left in never:
            brk = enum_drop
        elif "\u3400" <= left <= "\u9fff" and "\u3400" <= right <= "\u9fff" and p not in words:
            brk = inside_word
        else:
            brk = between_words
        add(atom((text[start:p], brk)))
        start = p
    add(atom((text[start:], end_class)))
    return atoms


# ---------------------------------------------------------------------------------------------
# Layout and cue choice


@dataclass(frozen=True)
class Layout:
    lines: tuple[str, ...]  # rendered display lines
    sources: tuple[str, ...]  # the source text of each line (before display punctuation)
    cost: float

    def __reduce__(self) -> tuple[type[Layout], tuple[Any, ...]]:
        return by_fields(self)  # subtoolkit.subtitles.pickling: a compiled build's native class


def _line_start_penalty(text: str) -> float:
    return 3.0 if text[:1] in WEAK_LINE_START else 0.0


_SPACES = " \u3000"
_SPACE_RUNS = re.compile(r"[ \u3000]{2,}")


def _half_floor(limit: float) -> float:
    """``limit`` rounded down to a multiple of ½: a width (always a multiple of ½) is within
    ``limit`` exactly when it is within this, and sums of multiples of ½ are exact in floating point."""
    return math.floor(limit * 2) / 2 if math.isfinite(limit) else limit


_OPENING = re.compile("[" + re.escape("".join(sorted(NO_LINE_END))) + "]")
_ANY_WHITESPACE = re.compile("[" + re.escape(_WHITESPACE) + "]")


_OPENING_MARKS: Final = "".join(sorted(NO_LINE_END))  # NO_LINE_END as one string, for _holds


def _shown_from(shown: str, at: int) -> int:
    """The first character at or after ``at`` that is not a space (``len(shown)``: none)."""
    while at < len(shown) and shown[at] in _SPACES:
        at += 1
    return at


def _shown_before(shown: str, at: int, hidden: str) -> int:
    """The last character before ``at`` that is not in ``hidden`` (-1: none)."""
    at -= 1
    while at >= 0 and shown[at] in hidden:
        at -= 1
    return at


class _Ends:
    """What a line of one sentence shows under one profile, by the atom boundaries it spans.

    :func:`render_line` maps each mark to the separator, collapses runs of spaces to their first
    one, trims spaces at both ends, then drops marks that may not end a line (and the spaces
    before them). So the line from boundary ``i`` to boundary ``k`` shows the shown text from
    ``first[i]`` (the first character at or after ``i`` that is not a space) to ``last[k]`` (the
    last character before ``k`` that is neither a space nor such a mark), nothing when
    ``last[k] < first[i]``; its width is ``end[k] - start[i]``, prefix sums over the shown text
    in which a run of spaces weighs as its first space; ``bad[k]`` says that it ends with an
    opening mark. Every width is a multiple of ½, so these sums and differences are exact, and
    ``start`` and ``end`` never decrease, so the boundaries a width allows are found by bisection.
    """

    __slots__ = ("shown", "spaced", "first", "start", "last", "end", "bad", "limit")

    def __init__(self, text: str, offsets: list[int], profile: Profile) -> None:
        shown = _separated(profile.to_space, profile.separator)(text)
        if len(shown) != len(text):  # a separator of other than one character: offsets move
            table = _table(profile.to_space, profile.separator)
            at = list(accumulate((len(c.translate(table)) for c in text), initial=0))
            offsets = [at[o] for o in offsets]
        spaced = " " in shown or "\u3000" in shown  # most sentences show no space at all
        self.shown = shown
        self.spaced = spaced
        if COMPILED:
            weight_at = _shown_weight_at(shown)
        else:
            weights = _weights(shown)
            if spaced:
                for run in _SPACE_RUNS.finditer(shown):
                    weights[run.start() + 1 : run.end()] = [0.0] * (run.end() - run.start() - 1)
            weight_at = list(accumulate(weights, initial=0.0))
        hidden = _SPACES + profile.never_at_line_end
        size = len(shown)
        if COMPILED:
            self._ends_by_code_point(shown, offsets, hidden, spaced, weight_at, profile.max_chars)
            return
        # at most boundaries nothing is skipped: a line starts with a character and ends before one
        if spaced:
            first = [o if o == size or shown[o] not in _SPACES else _shown_from(shown, o) for o in offsets]
        else:
            first = list(offsets)
        self.first = first
        self.last = last = [o - 1 if o == 0 or shown[o - 1] not in hidden else _shown_before(shown, o, hidden)
                            for o in offsets]
        self.start = [weight_at[f] for f in first]
        self.end = [weight_at[k + 1] for k in last]
        self._bad_ends(shown, profile.max_chars)

    def _ends_by_code_point(self, shown: str, offsets: list[int], hidden: str, spaced: bool,
                            weight_at: list[float], max_chars: float) -> None:
        """``first``, ``last``, ``start`` and ``end`` as the interpreted path makes them, in one loop
        that reads characters by code point (the compiled build)."""
        count = len(offsets)
        size = len(shown)
        first = [0] * count
        last = [0] * count
        start = [0.0] * count
        end = [0.0] * count
        for a in range(count):
            o = offsets[a]
            f = o
            if spaced:
                while f < size and _holds(_SPACES, ord(shown[f])):
                    f += 1
            k = o - 1
            while k >= 0 and _holds(hidden, ord(shown[k])):
                k -= 1
            first[a] = f
            last[a] = k
            start[a] = weight_at[f]
            end[a] = weight_at[k + 1]
        self.first, self.last, self.start, self.end = first, last, start, end
        self._bad_ends(shown, max_chars)

    def _bad_ends(self, shown: str, max_chars: float) -> None:
        """``bad`` (the line ends with an opening mark) and the width limit."""
        last = self.last
        if COMPILED:
            self.bad = [k >= 0 and _holds(_OPENING_MARKS, ord(shown[k])) for k in last]
        else:
            opening = _OPENING.search(shown) is not None
            self.bad = [k >= 0 and shown[k] in NO_LINE_END for k in last] if opening else [False] * len(last)
        self.limit = _half_floor(max_chars)

    def width(self, i: int, k: int) -> float:
        """The shown width of the line from boundary ``i`` to ``k``: ``text_width(render_line(...))``."""
        return self.end[k] - self.start[i] if self.last[k] >= self.first[i] else 0.0

    def line(self, i: int, k: int) -> str:
        """The line from boundary ``i`` to ``k`` as shown: ``render_line(...)``, cut from the shown
        text rather than rendered again (runs of spaces collapse to their first, as there)."""
        f, last = self.first[i], self.last[k]
        if last < f:
            return ""
        shown = self.shown[f : last + 1]
        if self.spaced and _has_run(shown):
            return _RUNS.sub(_FIRST_OF_RUN, shown)
        return shown

    def fits(self, i: int, k: int) -> bool:
        """The line from boundary ``i`` to ``k`` fits the width and does not end with an opening mark."""
        return self.last[k] < self.first[i] or (self.end[k] - self.start[i] <= self.limit and not self.bad[k])


_NOT_WIDE = re.compile("[^" + WIDE_CHARS + "]")


def _probe() -> None:
    """Compiled by mypyc, a function has no ``__code__``."""


# Which build runs this module: a few loops are written twice, once over characters by code
# point (which mypyc reads straight from the string, without making a one-character string)
# and once with the C helpers of the standard library, which win when interpreted.
COMPILED: Final = not hasattr(_probe, "__code__")


def _weights(text: str) -> list[float]:
    """``[char_width(c) for c in text]``: every character 1 wide but those :data:`_NOT_WIDE`
    finds, which are looked up. Hashing and looking up every character cost more than
    the rest of the line tables together."""
    size = len(text)
    weights = [1.0] * size
    if COMPILED:
        for x in range(size):
            if not _wide(ord(text[x])):
                weights[x] = _width_of(text[x])
        return weights
    for m in _NOT_WIDE.finditer(text):
        weights[m.start()] = _width_of(m.group())
    return weights


def _wide(cp: int) -> bool:
    """The code point is one of :data:`WIDE_CHARS`' ranges of Han, CJK marks and full-width forms."""
    return 0x4E00 <= cp <= 0x9FFF or 0x3000 <= cp <= 0x303E or 0x3400 <= cp <= 0x4DBF or 0xFF01 <= cp <= 0xFF60


def _width_of(c: str) -> float:
    """:func:`char_width` through :data:`_WIDTHS`."""
    w = _WIDTHS.get(c)
    if w is None:
        w = _WIDTHS[c] = char_width(c)
    return w


def _holds(chars: str, cp: int) -> bool:
    """``chr(cp) in chars`` without making the one-character string (compiled build)."""
    for y in range(len(chars)):
        if ord(chars[y]) == cp:
            return True
    return False


def _has_run(text: str) -> bool:
    """``text`` holds two spaces in a row (a run :data:`_RUNS` collapses): four substring
    searches cost far less than the substitution, which is rarely needed."""
    return "  " in text or " \u3000" in text or "\u3000 " in text or "\u3000\u3000" in text


def _shown_weight_at(shown: str) -> list[float]:
    """Prefix sums of the widths of ``shown`` in which a run of spaces weighs as its first space
    (the compiled build's one loop for what :class:`_Ends` otherwise builds with C helpers)."""
    size = len(shown)
    at = [0.0] * (size + 1)
    acc = 0.0
    after_space = False
    for x in range(size):
        cp = ord(shown[x])
        space = cp == 0x20 or cp == 0x3000
        if not (space and after_space):
            acc += 1.0 if _wide(cp) else _width_of(shown[x])
        after_space = space
        at[x + 1] = acc
    return at


class _Sentence:
    """A run of atoms as one text: where each atom starts, and each character's width, once.

    Widths are multiples of ½, so every sum read from these prefix sums is the exact sum over
    its atoms, whatever the order of addition (:func:`text_width`, :func:`_floor_width`).
    """

    __slots__ = ("text", "offsets", "width_at", "hidden", "floor")

    def __init__(self, atoms: Sequence[Atom]) -> None:
        texts = [a.text for a in atoms]
        self.text = text = "".join(texts)
        offsets: list[int]
        width_at: list[float]  # text_width of atoms[:k]
        if COMPILED:
            n = len(texts)
            offsets = [0] * (n + 1)
            width_at = [0.0] * (n + 1)
            x = 0
            acc = 0.0
            for a in range(n):
                stop = x + len(texts[a])
                while x < stop:
                    acc += 1.0 if _wide(ord(text[x])) else _width_of(text[x])
                    x += 1
                offsets[a + 1] = x
                width_at[a + 1] = acc
        else:
            offsets = list(accumulate(map(len, texts), initial=0))
            at = list(accumulate(_weights(text), initial=0.0))
            width_at = [at[o] for o in offsets]
        self.offsets = offsets
        self.width_at = width_at
        self.hidden = ""  # the marks of the last floor widths asked for (the cue choice asks twice)
        self.floor: list[float] = width_at

    def floor_at(self, hidden: str) -> list[float]:
        """:func:`_floor_width` of ``atoms[:k]`` for every ``k``: the characters of ``hidden`` weigh 0.

        They are few (a sentence's commas), so they are found with ``str.find`` and their widths
        taken off the prefix sums, exactly (multiples of ½).
        """
        if hidden == self.hidden:
            return self.floor
        text = self.text
        spots: list[int] = []
        for h in range(len(hidden)):
            mark = hidden[h]
            if hidden.find(mark) < h:
                continue  # listed twice, counted once
            at = text.find(mark)
            while at >= 0:
                spots.append(at)
                at = text.find(mark, at + 1)
        self.hidden = hidden
        if not spots:
            self.floor = self.width_at
            return self.width_at
        spots.sort()
        width_at, offsets = self.width_at, self.offsets
        out = [0.0] * len(offsets)
        cut = 0.0
        s = 0
        count = len(spots)
        for a in range(len(offsets)):
            o = offsets[a]
            while s < count and spots[s] < o:
                cut += _width_of(text[spots[s]])
                s += 1
            out[a] = width_at[a] - cut
        self.floor = out
        return out


def _every_atom_shows(first: list[int], last: list[int]) -> bool:
    """Every atom shows a character: ``first[i] <= last[i + 1]`` for every ``i``."""
    if not COMPILED:
        return all(map(le, first[:-1], last[1:]))
    for i in range(len(first) - 1):
        if first[i] > last[i + 1]:
            return False
    return True


def _reach(start: list[float], end: list[float], limit: float, within: list[int] | None) -> list[int]:
    """For every ``i``, the last ``k`` with ``end[k] - start[i] <= limit`` (``i - 1`` or less: none),
    and no later than ``within[i]`` when given.

    Both lists never decrease, so one sweep finds them all: the answer only moves right.
    """
    size = len(end)
    out = [0] * len(start)
    k = 0
    for i in range(len(start)):
        top = start[i] + limit
        while k < size and end[k] <= top:
            k += 1
        out[i] = k - 1 if within is None or k - 1 < within[i] else within[i]
    return out


def _reach_back(start: list[float], end: list[float], limit: float, within: list[int] | None) -> list[int]:
    """For every ``j``, the first ``i`` with ``end[j] - start[i] <= limit`` (``len(start)``: none),
    and no earlier than ``within[j]`` when given; a sweep as in :func:`_reach`."""
    size = len(start)
    out = [0] * len(end)
    i = 0
    for j in range(len(end)):
        low = end[j] - limit
        while i < size and start[i] < low:
            i += 1
        out[j] = i if within is None or i > within[j] else within[j]
    return out


class _Lines:
    """Every line and two-line layout a run of atoms can make, measured without rendering it.

    The cue choice asks about the same lines over and over: ``atoms[i:k]`` is the top line of
    every two-line candidate that starts at ``i`` and breaks at ``k``, whatever its end. What a
    line shows is read from :class:`_Ends` tables; the ends a line from ``i`` may reach within
    the width, and the breaks a two-line cue may take, are ranges of boundaries found once per
    start and once per end. Only the lines of the chosen cues are rendered.
    """

    __slots__ = ("profile", "text", "offsets", "floor_at", "main", "other", "start_penalty", "break_groups",
                 "width_to", "ends_ok", "top_from", "top_to", "bottom_from", "bottom_to", "two_lines", "other_bad")

    def __init__(self, atoms: Sequence[Atom], profile: Profile, shadow: Profile | None,
                 sentence: _Sentence | None = None) -> None:
        if sentence is None:
            sentence = _Sentence(atoms)
        self.profile = profile
        self.text = text = sentence.text
        n = len(atoms)
        self.offsets = offsets = sentence.offsets
        self.floor_at = sentence.floor_at(profile.to_space + profile.never_at_line_end)  # lower bounds
        self.main = main = _Ends(text, offsets, profile)
        self.other = other = _Ends(text, offsets, shadow) if shadow is not None else None
        # the least cost of a two-line layout breaking before atom k, and the penalty for the
        # bottom line opening with a weak particle; no break where the top line would end badly
        self.start_penalty = [3.0 if text[o : o + 1] in WEAK_LINE_START else 0.0 for o in offsets]
        groups: dict[float, list[int]] = {}
        bad = main.bad
        least_of = _LEAST  # a local: a module global is a dict look-up per use in the compiled build
        for k in range(1, n):
            least = least_of[atoms[k - 1].brk]
            if least is not None and not bad[k]:
                groups.setdefault(least, []).append(k)
        # the breaks grouped by least cost, cheapest group first, each group's positions ascending
        self.break_groups = sorted(groups.items())
        self.two_lines = profile.max_lines >= 2
        # the last end a line from i reaches within every profile's width (widths never shrink
        # as a line grows), and the ends no line ends badly at (nearly all)
        self.width_to = _reach(main.start, main.end, main.limit, None)
        self.bottom_from = _reach_back(main.start, main.end, main.limit, None)
        if other is not None:
            self.width_to = _reach(other.start, other.end, other.limit, self.width_to)
            self.bottom_from = _reach_back(other.start, other.end, other.limit, self.bottom_from)
            self.ends_ok = [not (a or b) for a, b in zip(main.bad, other.bad)]
        else:
            self.ends_ok = [not b for b in main.bad]
        # the breaks a top line from i may take (it shows something) and a bottom line to j may
        # take (likewise): from i + 1 and to j - 1 when every atom shows something
        ends = range(n + 1)
        if _every_atom_shows(main.first, main.last):
            self.top_from = [i + 1 for i in ends]
            self.bottom_to = [j - 1 for j in ends]
        else:
            self.top_from = [max(i + 1, bisect_left(main.last, main.first[i])) for i in ends]
            self.bottom_to = [min(j - 1, bisect_right(main.first, main.last[j]) - 1) for j in ends]
        self.top_to = self.width_to
        if _ANY_WHITESPACE.search(text):
            # as the first cue choice had it, the floor widths of both lines, which count a space
            # at the break, are within the width (without spaces, the shown widths are never less)
            floor_at, limit = self.floor_at, main.limit
            self.top_to = _reach(floor_at, floor_at, limit, self.top_to)
            self.bottom_from = _reach_back(floor_at, floor_at, limit, self.bottom_from)
        # the Traditional lines can still end with an opening mark; rarely, so only then is it checked
        self.other_bad = other is not None and any(other.bad)

    def fits(self, i: int, j: int) -> bool:
        """``atoms[i:j]`` may be a cue's only line."""
        if j > self.width_to[i]:
            return False
        return self.ends_ok[j] or (self.main.fits(i, j) and (self.other is None or self.other.fits(i, j)))

    def best(self, i: int, j: int, base: float = 0.0, bound: float = float("inf")) -> tuple[float, int] | None:
        """The cheapest layout of ``atoms[i:j]`` as one cue: (cost, k), the bottom line starting at
        atom ``k`` (``k == j``: one line); None if no layout fits.

        Costs: one line is free; two lines cost 3, plus the break's strength, a weak particle
        opening the bottom line, uneven widths, and more so a top line wider than the bottom.
        The first of equal layouts wins (the earliest break). Breaks that cannot bring
        ``base + cost`` to ``bound`` are not measured: the caller would not take them.
        """
        if self.fits(i, j):
            return 0.0, j
        if base + 3.0 > bound or not self.two_lines:
            return None
        main, other = self.main, self.other
        if main.bad[j]:
            return None  # the bottom line shows something and ends with an opening mark
        first, last = self.top_from[i], self.top_to[i]
        bottom_from, bottom_to = self.bottom_from[j], self.bottom_to[j]
        if bottom_from > first:
            first = bottom_from
        if bottom_to < last:
            last = bottom_to
        if first > last:
            return None
        start, end, start_penalty = main.start, main.end, self.start_penalty
        top_start, bottom_end = start[i], end[j]
        bottom_heavy = self.profile.bottom_heavy
        other_bad = self.other_bad
        found: tuple[float, int] | None = None
        # strong breaks first: once a layout is found, a group whose least cost exceeds it is skipped
        for least, ks in self.break_groups:
            if base + least > bound or (found is not None and least > found[0]):
                break  # the groups only get dearer
            for k in ks:  # ascending; a group holds a few breaks, so a scan beats bisection
                if k < first:
                    continue
                if k > last:
                    break
                if other_bad and other is not None and not (other.fits(i, k) and other.fits(k, j)):
                    continue  # a Traditional line ends with an opening mark
                wt = end[k] - top_start
                wb = bottom_end - start[k]
                if wt > wb and found is not None:
                    # the top line only widens and the bottom only narrows as k grows: once
                    # the unevenness alone costs more than the layout found, so do all later breaks
                    floor = least + (wt - wb) * 0.15
                    if bottom_heavy:
                        floor += (wt - wb) * 0.6
                    if floor > found[0]:
                        break
                cost = least + start_penalty[k] + abs(wt - wb) * 0.15
                if bottom_heavy and wt > wb:
                    cost += (wt - wb) * 0.6
                if found is None or cost < found[0] or (cost == found[0] and k < found[1]):
                    found = (cost, k)
        return found

    def layout(self, i: int, j: int, choice: tuple[float, int]) -> Layout:
        cost, k = choice
        piece = self.piece(i, j, k)
        return Layout(piece.lines, piece.line_sources, cost)

    def piece(self, i: int, j: int, k: int) -> Piece:
        """The cue ``atoms[i:j]`` with its bottom line from atom ``k`` (``k == j``: one line), as
        :meth:`layout` would show it, without the intermediate :class:`Layout`: the cue choice
        makes one per cue of every sentence."""
        text, offsets, main, other = self.text, self.offsets, self.main, self.other
        a, b = offsets[i], offsets[j]
        if k == j:
            source = text[a:b]
            return Piece((main.line(i, j),), source, (source,), None if other is None else other.width(i, j))
        top, bottom = text[a : offsets[k]], text[offsets[k] : b]
        return Piece((main.line(i, k), main.line(k, j)), text[a:b], (top, bottom),
                     None if other is None else other.width(i, k) + other.width(k, j))


def layout(atoms: Sequence[Atom], profile: Profile, shadow: Profile | None = None) -> Layout | None:
    """Best way to show ``atoms`` as one cue, or None if they do not fit the profile.

    ``shadow`` is the profile of the Traditional tracks: a break is only taken if the same line,
    converted character for character and shown with that profile's punctuation, fits too, so
    the character-preserving variants keep these line breaks.
    """
    lines = _Lines(atoms, profile, shadow)
    choice = lines.best(0, len(atoms))
    return None if choice is None else lines.layout(0, len(atoms), choice)


@lru_cache(maxsize=_KEPT)
def _floor_width(text: str, to_space: str) -> float:
    """A lower bound of the rendered width of ``text``: marks that may vanish count 0."""
    return text_width(text) - sum((char_width(c) for c in text if c in to_space), 0.0)


def _bad_end(line: str, profile: Profile) -> bool:
    return bool(line) and (line[-1] in profile.never_at_line_end or line[-1] in NO_LINE_END)


@dataclass(frozen=True)
class Piece:
    """A cue's worth of a block: display lines plus the source text they came from."""

    lines: tuple[str, ...]
    source: str
    line_sources: tuple[str, ...] = ()  # the source text of each line, for variants
    # the summed width of the lines as the Traditional profile shows them, when the cue choice
    # measured them (None: not known, render ``line_sources`` to find it); the reading time of
    # the Traditional twin needs it, and the line tables already hold it
    shadow_width: float | None = field(default=None, compare=False)

    def __reduce__(self) -> tuple[type[Piece], tuple[Any, ...]]:
        return by_fields(self)  # subtoolkit.subtitles.pickling: a compiled build's native class


@dataclass(frozen=True)
class Budget:
    """A limit the profile cannot know, measured additively over atoms.

    The estimator passes "milliseconds the narrator needs to say this" with the maximum cue
    duration as the limit, so that no cue is longer to say than it may stay on screen.
    """

    measure: Callable[[str], float]
    limit: float


def segment_text(text: str, profile: Profile, budget: Budget | None = None,
                 shadow: Profile | None = None) -> list[Piece]:
    """Cut one block's text into cues.

    ``budget`` adds a constraint the profile cannot know, such as "the narrator can say this
    within the maximum cue duration".

    >>> from subtoolkit.subtitles.profiles import Profile
    >>> [p.lines for p in segment_text("树立安全发展理念，弘扬生命至上、安全第一的思想。", Profile(name="t"))]
    [('树立安全发展理念', '弘扬生命至上、安全第一的思想')]
    """
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    if budget is not None:
        budget = Budget(_remembered(budget.measure), budget.limit)
    atoms = atoms_of(text, profile)
    # sentences: cue breaks always happen at sentence ends
    sentences: list[list[Atom]] = [[]]
    for a in atoms:
        sentences[-1].append(a)
        if a.brk == Break.SENTENCE:
            sentences.append([])
    pieces: list[Piece] = []
    for sent in sentences:
        if sent:
            found = _segment_sentence(sent, profile, budget, shadow)
            if found is None:
                sentence = "".join(a.text for a in sent)
                found = _segment_sentence(atoms_of(sentence, profile, relaxed=True), profile, budget, shadow)
            if found is None:
                found = _fallback(sent, profile)
            pieces.extend(found)
    return _absorb_empty(pieces)


def _remembered(measure: Callable[[str], float]) -> Callable[[str], float]:
    """``measure`` asked once per distinct atom text of a block (single characters recur a lot)."""
    seen: dict[str, float] = {}

    def remembered(text: str) -> float:
        got = seen.get(text)
        if got is None:
            got = seen[text] = measure(text)
        return got

    return remembered


def segment_atoms(atoms: list[Atom], profile: Profile) -> list[Piece]:
    """Cues for a run of atoms made elsewhere (a Traditional cue re-broken from its Simplified atoms)."""
    found = _segment_sentence(atoms, profile, None)
    if found is None:
        found = _fallback(atoms, profile)
    return _absorb_empty(found)


def _absorb_empty(pieces: list[Piece]) -> list[Piece]:
    """A piece that shows nothing (only marks the profile hides) joins its neighbour's source."""
    out: list[Piece] = []
    pending = ""
    for p in pieces:
        srcs = p.line_sources or tuple(p.lines)
        kept = [(l, s) for l, s in zip(p.lines, srcs) if l]
        if not kept:
            if out:
                last = out[-1]
                ls = last.line_sources[:-1] + (last.line_sources[-1] + p.source,)
                out[-1] = Piece(last.lines, last.source + p.source, ls)
            else:
                pending += p.source
            continue
        if not pending and len(kept) == len(p.lines) and p.line_sources:
            out.append(p)  # unchanged: it keeps the Traditional width the cue choice measured
            continue
        lines = tuple(l for l, _ in kept)
        sources = [s for _, s in kept]
        sources[0] = pending + sources[0]
        out.append(Piece(lines, pending + p.source, tuple(sources)))
        pending = ""
    return out


def _segment_sentence(
    atoms: Sequence[Atom], profile: Profile, budget: Budget | None, shadow: Profile | None = None
) -> list[Piece] | None:
    """The cheapest cutting of one sentence into cues (a shortest path over cue ends).

    A cue costs 10 (fewer cues read better), plus the strength of the break after it, a weak
    particle opening the next cue, a crumb of 2–3 characters, a crumb left beside a pause
    (:func:`_dangling`) and its layout. Of equal cuttings the one whose last cue starts latest
    wins.

    The cues that may end at ``j`` start in a window that only moves right as ``j`` grows (a
    longer cue is only wider and longer to say). Their starts are tried cheapest first, and
    once a start's own cost plus a cue's fixed costs exceeds the best cue found, so does every
    later one's: most starts are never looked at.
    """
    n = len(atoms)
    inf = float("inf")
    spends = [budget.measure(a.text) for a in atoms] if budget is not None else None
    limit = budget.limit if budget is not None else inf
    sentence = _Sentence(atoms)
    whole = _whole_line(atoms, profile, shadow, spends, limit, sentence)
    if whole is not None:
        return [whole]
    best: list[float] = [inf] * (n + 1)
    back: list[tuple[int, tuple[float, int]] | None] = [None] * (n + 1)
    best[0] = 0.0
    lines = _Lines(atoms, profile, shadow, sentence)
    brks = [a.brk for a in atoms]
    width_at = sentence.width_at
    firsts = _cue_starts(lines.floor_at, profile.max_chars * profile.max_lines, spends, limit)
    # the cost of a cue ending at j for the break after it and a weak particle opening the next
    costs = _BREAK_COST
    tails = [costs.get(b, 0.0) + p for b, p in zip(brks, lines.start_penalty[1:n])] + [0.0]
    tail_crumb, head_crumb = _crumb_bounds(brks, width_at)
    starts: list[tuple[float, int]] = []  # (best[i], i) of the starts reached so far, cheapest first
    width_to, ends_ok, two_lines = lines.width_to, lines.ends_ok, lines.two_lines
    for j in range(1, n + 1):
        if best[j - 1] < inf:
            insort(starts, (best[j - 1], j - 1))
        if j < n and brks[j - 1] == Break.NONE:
            continue
        tail, first, tail_from, two_before, width_j = tails[j - 1], firsts[j], tail_crumb[j], j - 1, width_at[j]
        best_j: float = inf
        back_j: tuple[int, tuple[float, int]] | None = None
        s = 0
        while s < len(starts):
            best_i, i = starts[s]
            if i < first:
                del starts[s]  # out of the window for good: windows only move right
                continue
            s += 1
            reach = best_i + 10.0 + tail
            if reach > best_j:
                break  # every later start costs as much or more
            base = reach + (8.0 if width_j - width_at[i] < 4 else 0.0)  # a cue of 2–3 characters reads badly
            if base > best_j:
                continue  # layout cost is never negative: this cue cannot win
            base += (10.0 if i <= tail_from else 0.0) + (10.0 if head_crumb[i] < two_before else 0.0)  # _dangling
            if base > best_j:
                continue
            one_line = j <= width_to[i]
            if one_line and ends_ok[j]:
                choice = (0.0, j)  # one line: lines.best's first answer, spelt out
            elif not one_line and (base + 3.0 > best_j or not two_lines):
                continue  # too wide for one line, two cannot win: lines.best's second answer
            else:
                found = lines.best(i, j, base, best_j)
                if found is None:
                    continue
                choice = found
            cost = base + choice[0]
            if cost < best_j or (cost == best_j and back_j is not None and i > back_j[0]):
                best_j, back_j = cost, (i, choice)
        best[j], back[j] = best_j, back_j
    if best[n] == inf:
        return None
    out: list[Piece] = []
    j = n
    while j > 0:
        entry = back[j]
        assert entry is not None
        i, choice = entry
        out.append(lines.piece(i, j, choice[1]))
        j = i
    out.reverse()
    return out


def _crumb_bounds(brks: list[Break], width_at: list[float]) -> tuple[list[int], list[int]]:
    """:func:`_dangling` as two tables, so that the cue choice asks it in constant time.

    A cue ending at ``j`` after a weak break leaves a crumb of under 4 characters after the
    last strong break inside it when that break is at ``tail[j]`` or later, i.e. when the cue
    starts at ``i <= tail[j]`` (-1: never). A cue starting at ``i`` after a weak break leaves a
    crumb before the first strong break inside it, at ``head[i]``, when it ends after the atom
    following that break: ``head[i] < j - 1`` (``len(brks)``: never).
    """
    n = len(brks)
    strong_set, weak_set = _STRONG, _WEAK
    is_strong = [b in strong_set for b in brks]
    is_weak = [b in weak_set for b in brks]
    tail = [-1] * (n + 1)
    strong = -1  # the last strong break at or before j - 2
    for j in range(2, n):
        if is_strong[j - 2]:
            strong = j - 2
        if strong >= 0 and is_weak[j - 1] and width_at[j] - width_at[strong + 1] < 4:
            tail[j] = strong
    head = [n] * (n + 1)
    strong = n  # the first strong break at or after i
    for i in range(n - 1, 0, -1):
        if is_strong[i]:
            strong = i
        if strong < n and is_weak[i - 1] and width_at[strong + 1] - width_at[i] < 4:
            head[i] = strong
    return tail, head


def _whole_line(atoms: Sequence[Atom], profile: Profile, shadow: Profile | None, spends: list[float] | None,
                limit: float, sentence: _Sentence | None = None) -> Piece | None:
    """The sentence as one cue of one line, when it may be one: then it is the cheapest cutting.

    Such a cue costs at most 18 (10, and 8 if it is a crumb) and any two cues at least 20. It
    may be one when its line fits both profiles, it is within the cue windows of
    :func:`_cue_starts` (floor width, speech budget) or is a single atom, as the table-driven
    choice would find; it is just found without building the tables.

    Most sentences are wider than a line, and that is seen before rendering: without
    whitespace, every character the floor width counts is shown as itself, so the shown line
    is at least as wide as the floor.
    """
    if not atoms:
        return None
    if sentence is None:
        sentence = _Sentence(atoms)
    text = sentence.text
    floor = sentence.floor_at(profile.to_space + profile.never_at_line_end)[-1]
    if floor > profile.max_chars and _ANY_WHITESPACE.search(text) is None:
        return None
    line = render_line(text, profile)
    if text_width(line) > profile.max_chars or line[-1:] in NO_LINE_END:
        return None
    shadow_width = None
    if shadow is not None:
        other = render_line(text, shadow)
        shadow_width = text_width(other)
        if shadow_width > shadow.max_chars or other[-1:] in NO_LINE_END:
            return None
    if len(atoms) > 1:
        if floor - profile.max_chars * profile.max_lines > 0.0:
            return None
        if spends is not None and _first_sayable(spends, len(atoms), limit, 0) > 0:
            return None
    return Piece((line,), text, (text,), shadow_width)


def _cue_starts(floor_at: list[float], max_width: float, spends: list[float] | None,
                limit: float) -> list[int]:
    """For every cue end ``j``, the first atom a cue ending there may start at.

    A cue is at most ``max_width`` wide by its floor widths and, with ``spends``, sayable within
    ``limit`` (:func:`_first_sayable`); one atom is a cue however wide or long. Both bounds only
    move right as ``j`` grows. The sums are read from prefix sums, which agree with the sums
    added from ``j - 1`` down except within rounding: a bound that close to the limit is
    counted the slow way.
    """
    n = len(floor_at) - 1
    firsts = _reach_back(floor_at, floor_at, max_width, None)  # never past j: floor_at[j] is within reach
    if spends is not None:
        if _all_finite(spends):  # sums only grow as a cue does
            sums = list(accumulate(spends, initial=0.0))
            margin = 1e-9 * (sums[-1] + abs(limit) + 1.0)  # far beyond any rounding of these sums
            i = 0
            for j in range(1, n + 1):
                low = sums[j] - limit  # i: bisect_left(sums, low, 0, j + 1), at most j
                while i < j and sums[i] < low:
                    i += 1
                within = i == j or sums[j] - sums[i] < limit - margin
                if within and (i == 0 or sums[j] - sums[i - 1] > limit + margin):
                    firsts[j] = max(firsts[j], i)
                else:
                    firsts[j] = _first_sayable(spends, j, limit, firsts[j])
        else:
            firsts = [_first_sayable(spends, j, limit, first) for j, first in enumerate(firsts)]
    return [min(first, j - 1) for j, first in enumerate(firsts)]


def _all_finite(spends: list[float]) -> bool:
    """Every spend is a finite number of at least 0 (not NaN)."""
    for x in spends:
        if not 0.0 <= x < math.inf:
            return False
    return True


def _first_sayable(spends: list[float], j: int, limit: float, first: int) -> int:
    """The first atom from which ``atoms[i:j]`` is still sayable within ``limit``, no earlier than
    ``first``: the sum of ``spends[i:j]`` added from ``j - 1`` down, stopping at the first excess."""
    spent = 0.0
    for i in range(j - 1, first - 1, -1):
        spent += spends[i]
        if spent > limit:
            return i + 1
    return first


_STRONG = frozenset({Break.COMMA, Break.CLAUSE, Break.ENUM, Break.ENUM_DROP, Break.NONE})
_WEAK = frozenset({Break.WORD, Break.CHAR})


def _dangling(atoms: Sequence[Atom], i: int, j: int, widths: Sequence[float]) -> float:
    """Penalty for a cue cut mid-clause that leaves a crumb beside a punctuation pause.

    ``……的标志，是`` | ``党和政府……`` packs well but reads badly: the 是 belongs with the next cue.
    """
    penalty = 0.0
    if j < len(atoms) and atoms[j - 1].brk in _WEAK:
        tail = 0.0
        for k in range(j - 1, i - 1, -1):
            if k < j - 1 and atoms[k].brk in _STRONG:
                if tail < 4:
                    penalty += 10.0
                break
            tail += widths[k]
    if i > 0 and atoms[i - 1].brk in _WEAK:
        head = 0.0
        for k in range(i, j):
            head += widths[k]
            if atoms[k].brk in _STRONG and k < j - 1:
                if head < 4:
                    penalty += 10.0
                break
    return penalty


def _fallback(atoms: list[Atom], profile: Profile) -> list[Piece]:
    """Text that no legal layout can hold (a single token wider than a cue, e.g. a long URL).

    It is cut character by character at the line width rather than dropped, still keeping
    closing marks off line starts and opening marks off line ends; the validator reports any
    cue that still breaks the profile, so the user sees it.
    """
    text = "".join(a.text for a in atoms)
    lines: list[str] = []
    buf = ""
    for ch in text:
        if buf and text_width(render_line(buf + ch, profile)) > profile.max_chars:
            carry = ""
            while len(buf) > 1 and (ch in NO_LINE_START or buf[-1] in NO_LINE_END):
                carry, buf = buf[-1] + carry, buf[:-1]
                ch_first = carry[0]
                if ch_first not in NO_LINE_START and buf[-1] not in NO_LINE_END:
                    break
            lines.append(buf)
            buf = carry
        buf += ch
    if buf:
        lines.append(buf)
    pieces: list[Piece] = []
    for k in range(0, len(lines), profile.max_lines):
        group = lines[k : k + profile.max_lines]
        pieces.append(Piece(tuple(render_line(l, profile) for l in group), "".join(group), tuple(group)))
    return pieces
