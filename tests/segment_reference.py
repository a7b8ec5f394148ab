"""The segmenter's cue choice as it was first written: every candidate line re-rendered.

Kept only as a test oracle for :mod:`subtoolkit.subtitles.segment`, whose dynamic programme reads
line widths from a table instead; on any text both must choose the same cues, lines and breaks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from subtoolkit.subtitles.profiles import Profile
from subtoolkit.subtitles.segment import (
    _BREAK_COST,
    Atom,
    Budget,
    Layout,
    Piece,
    _absorb_empty,
    _bad_end,
    _dangling,
    _fallback,
    _floor_width,
    _line_start_penalty,
    atoms_of,
    render_line,
    text_width,
)


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
        if brk == "none" or total_floor - top_floor > profile.max_chars:
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
        cost = 3.0 + _BREAK_COST.get(brk, 7.0) + _line_start_penalty(bot_src) + abs(wt - wb) * 0.15
        if profile.bottom_heavy and wt > wb:
            cost += (wt - wb) * 0.6
        if best is None or cost < best.cost:
            best = Layout((top, bot), (top_src, bot_src), cost)
    return best


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
        if j < n and atoms[j - 1].brk == "none":
            continue
        tail = 0.0
        if j < n:
            tail = _BREAK_COST.get(atoms[j - 1].brk, 7.0) + _line_start_penalty(atoms[j].text)
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


def segment_text(text: str, profile: Profile, budget: Budget | None = None,
                 shadow: Profile | None = None) -> list[Piece]:
    """Cut one block's text into cues.

    ``budget`` adds a constraint the profile cannot know, such as "the narrator can say this
    within the maximum cue duration".

    """
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    atoms = atoms_of(text, profile)
    # sentences: cue breaks always happen at sentence ends
    sentences: list[list[Atom]] = [[]]
    for a in atoms:
        sentences[-1].append(a)
        if a.brk == "sentence":
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
