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

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

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


@lru_cache(maxsize=65536)
def char_width(ch: str) -> float:
    """Netflix's count: full-width characters 1, half-width (ASCII, digits, spaces) 0.5.

    Ambiguous-width marks such as “” and · are drawn full-width in Chinese fonts, so count 1.
    """
    if ch == "\n":
        return 0.0
    eaw = unicodedata.east_asian_width(ch)
    return 0.5 if eaw in ("Na", "H", "N") else 1.0


@lru_cache(maxsize=65536)
def text_width(text: str) -> float:
    """
    >>> text_width("2.71万人"), text_width("安全 第一")
    (4.0, 4.5)
    """
    return sum(char_width(c) for c in text)


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


@lru_cache(maxsize=64)
def _table(to_space: str, sep: str) -> dict[int, str]:
    """str.translate table: marks that become the separator, whitespace that becomes a space."""
    table = {ord(c): (" " if sep == " " else sep) for c in _WHITESPACE}
    table.update({ord(c): sep for c in to_space})
    return table


@lru_cache(maxsize=65536)
def _render(raw: str, to_space: str, sep: str, never_at_end: str = "") -> str:
    # collapse runs of separators/spaces, then trim them at both ends
    text = _RUNS.sub(r"\1", raw.translate(_table(to_space, sep))).strip(" \u3000")
    while text and text[-1] in never_at_end:
        text = text[:-1].rstrip(" \u3000")
    return text


# ---------------------------------------------------------------------------------------------
# Atoms


@dataclass(frozen=True)
class Atom:
    """An unbreakable piece of text and the strength of the break *after* it."""

    text: str
    brk: Break


# "enum_drop" is a last resort: a break after 、 where the profile forbids 、 at a line end, so the
# 、 is not shown there (as ，。 are not); only taken when no legal layout exists, e.g. a run
# “楼歪歪”、“楼脆脆”、“楼倒倒” wider than a line.
_BREAK_COST: dict[Break, float] = {Break.SENTENCE: 0.0, Break.CLAUSE: 1.0, Break.COMMA: 2.0, Break.ENUM: 5.0,
                                   Break.WORD: 7.0, Break.ENUM_DROP: 30.0, Break.CHAR: 40.0}


def _chunks(text: str, profile: Profile, relaxed: bool = False) -> list[str]:
    """Protected spans (numbers, Latin words, fitting 《》/“” spans) and single characters."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "《“「『":
            close = {"《": "》", "“": "”", "「": "」", "『": "』"}[ch]
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


@lru_cache(maxsize=1)
def _jieba() -> Callable[[str], list[str]]:
    """Initialise jieba once, quietly, only when a clause needs word boundaries."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    return lambda s: list(jieba.cut(s, HMM=True))


def _word_boundaries(text: str) -> set[int]:
    """Character offsets in ``text`` where a jieba word ends."""
    ends: set[int] = set()
    pos = 0
    for w in _jieba()(text):
        pos += len(w)
        ends.add(pos)
    return ends


def _clause_class(clause: str, profile: Profile) -> Break:
    """Break strength after a clause: its last mark, looking past closing quotes and brackets."""
    mark = last_mark(clause, past=NO_LINE_START)
    return Break.WORD if mark is None else _mark_class(mark, profile)


def atoms_of(text: str, profile: Profile, relaxed: bool = False) -> list[Atom]:
    """Split a block's text into atoms with break strengths (see the module docstring).

    ``relaxed`` is the second try for a sentence no legal layout can hold: quotations and book
    titles are no longer kept whole and every clause is cut into words.
    """
    chunks = _chunks(text, profile, relaxed)
    # group chunks into clauses that end at (and include) punctuation marks
    clauses: list[list[str]] = [[]]
    for c in chunks:
        clauses[-1].append(c)
        if len(c) == 1 and c in PAUSE_MARKS:
            clauses.append([])
    if not clauses[-1]:
        clauses.pop()
    # trailing closing marks (”」）) after a clause mark belong to that clause, not the next
    fixed: list[list[str]] = []
    for cl in clauses:
        while fixed and cl and len(cl[0]) == 1 and cl[0] in NO_LINE_START:
            fixed[-1].append(cl.pop(0))
        if cl:
            fixed.append(cl)
    # a clause ending in a mark that may not end a line (、 in zh-Hans) is glued to the next one,
    # so the pair is split at word boundaries instead of at the mark
    glued: list[list[str]] = []
    for cl in fixed:
        if glued and _clause_class("".join(glued[-1]), profile) == Break.ENUM_DROP:
            glued[-1].extend(cl)
        else:
            glued.append(list(cl))
    atoms: list[Atom] = []
    for cl in glued:
        clause_text = "".join(cl)
        end_class = _clause_class(clause_text, profile)
        if not relaxed and text_width(render_line(clause_text, profile)) <= profile.max_chars:
            atoms.append(Atom(clause_text, end_class))
            continue
        atoms.extend(_split_clause(cl, end_class, profile))
    return atoms


def _split_clause(chunks: list[str], end_class: Break, profile: Profile) -> list[Atom]:
    """Atoms of a clause too wide for a line: word boundaries that respect protected chunks."""
    text = "".join(chunks)
    allowed: set[int] = set()
    pos = 0
    for c in chunks:
        pos += len(c)
        allowed.add(pos)  # between chunks
    han_run = [i for i, c in enumerate(text) if "\u3400" <= c <= "\u9fff"]
    words = _word_boundaries(text) if han_run else set()
    cuts: list[tuple[int, Break]] = []
    for p in sorted(allowed):
        if p >= len(text):
            continue
        left = text[:p].rstrip()[-1:] or " "
        right = text[p:].lstrip()[:1] or " "
        if right in NO_LINE_START or left in NO_LINE_END:
            continue  # clreq: looking past spaces, which vanish at line ends
        left, right = text[p - 1], text[p]
        if left in profile.never_at_line_end:
            cuts.append((p, Break.ENUM_DROP))
            continue
        single_chars = len(left) == 1 and "\u3400" <= left <= "\u9fff" and "\u3400" <= right <= "\u9fff"
        if single_chars and p not in words:
            cuts.append((p, Break.CHAR))
        else:
            cuts.append((p, Break.WORD))
    atoms: list[Atom] = []
    start = 0
    for p, cls in cuts:
        atoms.append(Atom(text[start:p], cls))
        start = p
    atoms.append(Atom(text[start:], end_class))
    return atoms


# ---------------------------------------------------------------------------------------------
# Layout and cue choice


@dataclass(frozen=True)
class Layout:
    lines: tuple[str, ...]  # rendered display lines
    sources: tuple[str, ...]  # the source text of each line (before display punctuation)
    cost: float


def _line_start_penalty(text: str) -> float:
    return 3.0 if text[:1] in WEAK_LINE_START else 0.0


def _fits(src: str, profile: Profile, shadow: Profile | None) -> bool:
    """Does one line of source fit ``profile`` (and the ``shadow`` profile of its variants)?"""
    line = render_line(src, profile)
    if text_width(line) > profile.max_chars or _bad_end(line, profile):
        return False
    if shadow is not None:
        other = render_line(src, shadow)
        if text_width(other) > shadow.max_chars or _bad_end(other, shadow):
            return False
    return True


def layout(atoms: Sequence[Atom], profile: Profile, shadow: Profile | None = None) -> Layout | None:
    """Best way to show ``atoms`` as one cue, or None if they do not fit the profile.

    ``shadow`` is the profile of the Traditional tracks: a break is only taken if the same line,
    converted character for character and shown with that profile's punctuation, fits too, so
    the character-preserving variants keep these line breaks.
    """
    whole = "".join(a.text for a in atoms)
    line = render_line(whole, profile)
    if _fits(whole, profile, shadow):
        return Layout((line,), (whole,), 0.0)
    if profile.max_lines < 2:
        return None
    best: Layout | None = None
    offset = 0
    floors = [_floor_width(a.text, profile.to_space + profile.never_at_line_end) for a in atoms]
    total_floor = sum(floors)
    top_floor = 0.0
    for k in range(1, len(atoms)):
        offset += len(atoms[k - 1].text)
        top_floor += floors[k - 1]
        if top_floor > profile.max_chars:
            break
        brk = atoms[k - 1].brk
        if brk == Break.NONE or total_floor - top_floor > profile.max_chars:
            continue
        top_src, bot_src = whole[:offset], whole[offset:]
        top, bot = render_line(top_src, profile), render_line(bot_src, profile)
        if not top or not bot:
            continue
        wt, wb = text_width(top), text_width(bot)
        if wt > profile.max_chars or wb > profile.max_chars or _bad_end(top, profile) or _bad_end(bot, profile):
            continue
        if shadow is not None and not (_fits(top_src, shadow, None) and _fits(bot_src, shadow, None)):
            continue
        cost = 3.0 + _BREAK_COST[brk] + _line_start_penalty(bot_src) + abs(wt - wb) * 0.15
        if profile.bottom_heavy and wt > wb:
            cost += (wt - wb) * 0.6
        if best is None or cost < best.cost:
            best = Layout((top, bot), (top_src, bot_src), cost)
    return best


@lru_cache(maxsize=65536)
def _floor_width(text: str, to_space: str) -> float:
    """A lower bound of the rendered width of ``text``: marks that may vanish count 0."""
    return text_width(text) - sum(char_width(c) for c in text if c in to_space)


def _bad_end(line: str, profile: Profile) -> bool:
    return bool(line) and (line[-1] in profile.never_at_line_end or line[-1] in NO_LINE_END)


@dataclass(frozen=True)
class Piece:
    """A cue's worth of a block: display lines plus the source text they came from."""

    lines: tuple[str, ...]
    source: str
    line_sources: tuple[str, ...] = ()  # the source text of each line, for variants


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
        lines = tuple(l for l, _ in kept)
        sources = [s for _, s in kept]
        sources[0] = pending + sources[0]
        out.append(Piece(lines, pending + p.source, tuple(sources)))
        pending = ""
    return out


def _segment_sentence(atoms: list[Atom], profile: Profile, budget: Budget | None,
                      shadow: Profile | None = None) -> list[Piece] | None:
    n = len(atoms)
    inf = float("inf")
    best: list[float] = [inf] * (n + 1)
    back: list[tuple[int, Layout] | None] = [None] * (n + 1)
    best[0] = 0.0
    max_width = profile.max_chars * profile.max_lines
    floors = [_floor_width(a.text, profile.to_space + profile.never_at_line_end) for a in atoms]
    widths = [text_width(a.text) for a in atoms]
    spends = [budget.measure(a.text) for a in atoms] if budget is not None else [0.0] * n
    for j in range(1, n + 1):
        if j < n and atoms[j - 1].brk == Break.NONE:
            continue
        tail = 0.0
        if j < n:
            tail = _BREAK_COST[atoms[j - 1].brk] + _line_start_penalty(atoms[j].text)
        floor = width = spent = 0.0
        for i in range(j - 1, -1, -1):
            floor += floors[i]
            width += widths[i]
            spent += spends[i]
            if j - i > 1 and (floor > max_width or (budget is not None and spent > budget.limit)):
                break  # a longer cue is only wider and longer to say
            if best[i] == inf:
                continue
            base = best[i] + 10.0 + tail + (8.0 if width < 4 else 0.0)  # a crumb of 2–3 characters reads badly
            if base >= best[j]:
                continue  # layout cost is never negative: this cue cannot win
            base += _dangling(atoms, i, j, widths)
            if base >= best[j]:
                continue
            lay = layout(atoms[i:j], profile, shadow)
            if lay is None:
                continue
            cost = base + lay.cost
            if cost < best[j]:
                best[j] = cost
                back[j] = (i, lay)
    if best[n] == inf:
        return None
    out: list[Piece] = []
    j = n
    while j > 0:
        entry = back[j]
        assert entry is not None
        i, lay = entry
        out.append(Piece(lay.lines, "".join(a.text for a in atoms[i:j]), lay.sources))
        j = i
    out.reverse()
    return out


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
