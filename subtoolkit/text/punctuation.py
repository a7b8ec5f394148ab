"""The punctuation model: what each mark means for a break, a pause and a spoken sentence.

One place for the classes of Chinese (and ASCII) punctuation that segmentation, timing, the voice
text and alignment all read, and for the one question they all ask: *how strong is the break
after this piece of text?* — answered from its last mark, looking past closing quotes and
brackets (``他说：“好。”`` ends a sentence).

Break strengths are a :class:`Break` enum, not bare strings, so that a misspelt strength is an
error where it is written (mypy, or ``Break("sentense")``) rather than a silent default. It is a
``StrEnum``: a member equals its name as a string, so JSON reports and tables keyed by those
names read the same as before.
"""

from __future__ import annotations

from enum import StrEnum


class Break(StrEnum):
    """Strength of a break, strongest first."""

    SECTION = "section"  # before a heading
    PARAGRAPH = "paragraph"  # between blocks
    SENTENCE = "sentence"  # 。！？…
    CLAUSE = "clause"  # ；：
    COMMA = "comma"  # ，
    ENUM = "enum"  # 、
    ENUM_DROP = "enum_drop"  # 、 where the profile forbids it at a line end: a last resort, the 、 not shown
    WORD = "word"  # between two words
    CHAR = "char"  # inside a word (only when nothing else fits)
    NONE = "none"  # never break here


SENTENCE_END = frozenset("。！？!?…")
CLAUSE_MARKS = frozenset("；：;:")
COMMA_MARKS = frozenset("，,")
ENUM_MARKS = frozenset("、")
PAUSE_MARKS = SENTENCE_END | CLAUSE_MARKS | COMMA_MARKS | ENUM_MARKS
"""Marks a narrator pauses at, and after which a cue may end."""

CLOSERS = frozenset("”’」』）》)\"' ")
"""Closing quotes and brackets (and a space) looked past to find a piece's last mark."""

# W3C clreq "basic" prohibition rules (plus a few ASCII twins).
NO_LINE_START = frozenset("，。、；：！？）》」』”’】〕〗〉…·,.;:!?)]}%％‰℃")
NO_LINE_END = frozenset("（《「『“‘【〔〖〈([{")
WEAK_LINE_START = frozenset("的了着们地得吗呢吧啊")
"""Soft rule: these particles read badly at the start of a line."""

# The voice text splits requests more coarsely than subtitles: ；and a line end close a sentence
# for a TTS request, and a dash is a clause.
VOICE_SENTENCE_END = SENTENCE_END | frozenset("；;\n")
VOICE_CLAUSE_END = frozenset("，、：,:—")
VOICE_CLOSERS = frozenset("”’」』）)》〉】]\"'")

_BY_MARK: dict[str, Break] = {
    **{c: Break.SENTENCE for c in SENTENCE_END},
    **{c: Break.CLAUSE for c in CLAUSE_MARKS},
    **{c: Break.COMMA for c in COMMA_MARKS},
    **{c: Break.ENUM for c in ENUM_MARKS},
}


def mark_break(ch: str) -> Break | None:
    """The break a single mark makes (``None`` for anything that is not a pause mark).

    >>> mark_break("。"), mark_break("、"), mark_break("字")
    (<Break.SENTENCE: 'sentence'>, <Break.ENUM: 'enum'>, None)
    """
    return _BY_MARK.get(ch)


def last_mark(text: str, past: frozenset[str] = CLOSERS) -> str | None:
    """The last pause mark of ``text``, looking past trailing characters in ``past``.

    >>> last_mark("他说：“好。”"), last_mark("树立安全"), last_mark("理念，")
    ('。', None, '，')
    """
    for ch in reversed(text):
        if ch in PAUSE_MARKS:
            return ch
        if ch not in past:
            return None
    return None


def break_after(text: str, past: frozenset[str] = CLOSERS) -> Break:
    """Strength of the break after ``text``, from its last mark (``WORD`` without one).

    >>> [str(break_after(t)) for t in ("安全第一。", "他说：“好。”", "树立安全", "理念，")]
    ['sentence', 'sentence', 'word', 'comma']
    """
    mark = last_mark(text, past)
    return Break.WORD if mark is None else _BY_MARK[mark]
