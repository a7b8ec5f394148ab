"""Text shaping before synthesis: sentence pieces for requests, and the spoken form for espeak.

Splitting is lossless (the pieces join back to the input) so that a piece, its audio and its
boundary can always be traced to the script's own characters.
"""

from __future__ import annotations

import re
import unicodedata

from subtoolkit.text.punctuation import VOICE_CLAUSE_END, VOICE_CLOSERS, VOICE_SENTENCE_END
from subtoolkit.text.spoken import verbalize

_SPEAKABLE_CATEGORIES = ("L", "N")


def speakable(text: str) -> bool:
    """True when the text has something an engine can voice (a letter or a digit).

    A piece made only of punctuation (``”``, ``……``) makes edge-tts answer with no audio,
    which would look like a service fault and be retried for nothing.

    >>> speakable("……”"), speakable("好。")
    (False, True)
    """
    return any(unicodedata.category(c)[0] in _SPEAKABLE_CATEGORIES for c in text)


def _split_after(text: str, enders: frozenset[str]) -> list[str]:
    """Cut after each run of ``enders`` (plus closing quotes/brackets and spaces that follow)."""
    pieces: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        if text[i] in enders:
            j = i + 1
            while j < n and (text[j] in enders or text[j] in VOICE_CLOSERS or text[j] in " \t\u3000"):
                j += 1
            pieces.append(text[start:j])
            start = i = j
            continue
        i += 1
    if start < n:
        pieces.append(text[start:])
    return pieces


def _merge_unspeakable(pieces: list[str]) -> list[str]:
    """Glue pieces with nothing to voice onto a neighbour, keeping the split lossless."""
    out: list[str] = []
    for p in pieces:
        if out and not speakable(p):
            out[-1] += p
        elif out and not speakable(out[-1]):
            out[-1] += p
        else:
            out.append(p)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentence pieces that join back to ``text`` exactly.

    >>> split_sentences("第一句。第二句！“第三句？”尾巴")
    ['第一句。', '第二句！', '“第三句？”', '尾巴']
    >>> split_sentences("……")
    ['……']
    """
    if not text:
        return []
    return _merge_unspeakable(_split_after(text, VOICE_SENTENCE_END))


def split_for_requests(text: str, max_bytes: int = 1200) -> list[str]:
    """One piece per sentence; a sentence longer than ``max_bytes`` of UTF-8 is cut at clause
    punctuation and, failing that, between characters.

    edge-tts only splits at newlines and spaces, so a long Chinese paragraph would otherwise
    go out as one oversized request (research notes, §1); 1200 bytes is 400 CJK characters,
    far under the service's 4096-byte limit even after XML escaping.

    >>> [len(p.encode()) <= 40 for p in split_for_requests("一二三四五六七八九十，" * 3, 40)]
    [True, True, True]
    >>> "".join(split_for_requests("甲" * 50, 30)) == "甲" * 50
    True
    """
    if max_bytes < 16:
        raise ValueError("max_bytes is too small to hold a sentence piece")
    out: list[str] = []
    for sentence in split_sentences(text):
        if len(sentence.encode()) <= max_bytes:
            out.append(sentence)
            continue
        for clause in _pack(_split_after(sentence, VOICE_CLAUSE_END), max_bytes):
            out.extend(_hard_split(clause, max_bytes))
    return _merge_unspeakable(out) if out else out


def _pack(parts: list[str], max_bytes: int) -> list[str]:
    """Join consecutive clauses while they fit, so a long sentence is not shattered into
    a request per comma."""
    packed: list[str] = []
    for part in parts:
        if packed and len((packed[-1] + part).encode()) <= max_bytes:
            packed[-1] += part
        else:
            packed.append(part)
    return packed


def _hard_split(text: str, max_bytes: int) -> list[str]:
    pieces: list[str] = []
    cur = ""
    for ch in text:
        if cur and len((cur + ch).encode()) > max_bytes:
            pieces.append(cur)
            cur = ""
        cur += ch
    if cur:
        pieces.append(cur)
    return pieces


_FULLWIDTH_LATIN = re.compile(r"[\uff01-\uff5e]")
_ACRONYM = re.compile(r"(?<![A-Za-z])([A-Z]{2,6})(?![a-z])")
_SYMBOLS = str.maketrans({"&": "和", "+": "加", "/": "、", "#": " ", "@": " ", "*": " ", "_": " ", "|": "、"})


def _halfwidth_latin(m: re.Match[str]) -> str:
    ch = m.group(0)
    folded = unicodedata.normalize("NFKC", ch)
    return folded if folded.isascii() and folded.isalnum() else ch


def spoken_form(text: str) -> str:
    """The text an offline Mandarin voice should read.

    Numbers, %, ℃ and dates go through :func:`subtoolkit.text.spoken.verbalize` (espeak reads ``%``
    in English); full-width Latin is folded to ASCII; capital acronyms are spelled letter by
    letter as broadcasters do (espeak would read ``WHO`` as the English word); ``& + /`` become
    their Chinese readings instead of "and", "plus", "slash".

    >>> spoken_form("WHO称，80.6%的Ｃ类企业在2020年达标 & 增长")
    'W H O称，百分之八十点六的C类企业在二零二零年达标 和 增长'
    """
    text = _FULLWIDTH_LATIN.sub(_halfwidth_latin, text)
    text = verbalize(text)
    text = _ACRONYM.sub(lambda m: " ".join(m.group(1)), text)
    return text.translate(_SYMBOLS)
