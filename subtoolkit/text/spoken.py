"""What a narrator actually says: numbers read aloud, and spoken syllables counted.

A subtitle's speaking time depends on syllables, not characters: ``2020年`` is read 二零二零年
(5 syllables, 5 characters on screen), ``80.6%`` is 百分之八十点六 (7 syllables for 5 characters).
The same verbalisation feeds the offline TTS engine, whose Mandarin voice would otherwise read
digits and ``%`` badly.

The rules follow Mandarin broadcast reading: years digit by digit, quantities by place value,
decimals as 点 plus single digits, percentages as 百分之, event names such as ``3·21`` digit by
digit, ranges with 到, times with 点, temperatures with 零下 and 摄氏度.
"""

from __future__ import annotations

from collections.abc import Callable

import re
from functools import lru_cache

DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")
_FULLWIDTH = str.maketrans("０１２３４５６７８９％．：", "0123456789%.:")


def digits_cn(s: str) -> str:
    """Read digits one by one: ``2020`` → 二零二零.

    >>> digits_cn("2020")
    '二零二零'
    """
    return "".join(DIGITS[int(c)] for c in s if c.isdigit())


def _group_cn(n: int) -> str:
    """0 < n < 10000 by place value, with inner zeros read once (1005 → 一千零五)."""
    out = ""
    zero = False
    for power in (3, 2, 1, 0):
        d = (n // 10**power) % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[d] + _SMALL_UNITS[power]
    return out


def int_cn(n: int) -> str:
    """Read an integer by place value, as a quantity.

    >>> [int_cn(x) for x in (0, 10, 14, 110, 9300, 20000, 100005, 140000, 2710000)]
    ['零', '十', '十四', '一百一十', '九千三百', '二万', '十万零五', '十四万', '二百七十一万']
    """
    if n == 0:
        return "零"
    if n < 0:
        return "负" + int_cn(-n)
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_BIG_UNITS):
        return digits_cn(str(sum(g * 10000**i for i, g in enumerate(groups))))
    out = ""
    need_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out += "零"
        out += _group_cn(g) + _BIG_UNITS[i]
        need_zero = False
    if out.startswith("一十"):
        out = out[1:]
    return out


def number_cn(s: str) -> str:
    """Read a decimal number string: integer part by place value, fraction digit by digit.

    >>> number_cn("74.5"), number_cn("2.71"), number_cn("007")
    ('七十四点五', '二点七一', '零零七')
    """
    s = s.replace(",", "")
    whole, _, frac = s.partition(".")
    if len(whole) > 1 and whole.startswith("0"):
        head = digits_cn(whole)  # codes and serials keep their leading zeros
    elif len(whole) > 16:
        head = digits_cn(whole)
    else:
        head = int_cn(int(whole or "0"))
    return head + ("点" + digits_cn(frac) if frac else "")


_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"

def _year_range(m: re.Match[str]) -> str:
    return digits_cn(m.group(1)) + "到" + digits_cn(m.group(2)) + "年"


def _year(m: re.Match[str]) -> str:
    return digits_cn(m.group(1)) + "年"


def _event(m: re.Match[str]) -> str:
    return digits_cn(m.group(1)) + digits_cn(m.group(2))


def _percent(m: re.Match[str]) -> str:
    return "百分之" + number_cn(m.group(1))


def _permille(m: re.Match[str]) -> str:
    return "千分之" + number_cn(m.group(1))


def _temperature(m: re.Match[str]) -> str:
    sign = "零下" if m.group(1) else ""
    return sign + number_cn(m.group(2)) + "摄氏度"


def _time(m: re.Match[str]) -> str:
    minutes = int(m.group(2))
    if minutes == 0:
        return int_cn(int(m.group(1))) + "点"
    return int_cn(int(m.group(1))) + "点" + ("零" + int_cn(minutes) if minutes < 10 else int_cn(minutes)) + "分"


def _fraction(m: re.Match[str]) -> str:
    return number_cn(m.group(2)) + "分之" + number_cn(m.group(1))


def _range(m: re.Match[str]) -> str:
    return number_cn(m.group(1)) + "到" + number_cn(m.group(2))


def _plain(m: re.Match[str]) -> str:
    return number_cn(m.group(0))


# Order matters: the most specific shapes first. Each rule is tried only when the text, as the
# rules before it left it, holds one of its needles, without which its pattern cannot match:
# most text with a number needs two or three of the ten scans.
_RULES: tuple[tuple[tuple[str, ...], re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (("年",), re.compile(r"(\d{4})\s*[-–—~～至到]\s*(\d{4})\s*年"), _year_range),
    (("年",), re.compile(r"(?<![\d.])(\d{4})\s?年(?!代)"), _year),
    (("·", "•", "・"), re.compile(r"(\d{1,2})[·•・](\d{1,2})"), _event),
    (("%", "％"), re.compile(rf"({_NUM})\s*[%％]"), _percent),
    (("‰",), re.compile(rf"({_NUM})\s*‰"), _permille),
    (("℃", "°C", "摄氏度"), re.compile(rf"([-−零下]?)\s*({_NUM})\s*(?:℃|°C|摄氏度)"), _temperature),
    ((":", "："), re.compile(r"(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?!\d)"), _time),
    (("/",), re.compile(r"(?<![\d/])(\d{1,4})/(\d{1,4})(?![\d/])"), _fraction),
    (("-", "–", "—", "~", "～"), re.compile(rf"({_NUM})\s*[-–—~～]\s*({_NUM})"), _range),
    ((), re.compile(_NUM), _plain),
)


@lru_cache(maxsize=4096)
def verbalize(text: str) -> str:
    """Rewrite digits and number symbols the way a Mandarin narrator reads them.

    >>> verbalize("2020年4月，80.6%的企业")
    '二零二零年四月，百分之八十点六的企业'
    >>> verbalize("江苏响水“3·21”爆炸，14万人，2021-2025年，-5℃，10:30")
    '江苏响水“三二一”爆炸，十四万人，二零二一到二零二五年，零下五摄氏度，十点三十分'
    """
    text = text.translate(_FULLWIDTH)
    if not any(map(str.isdigit, text)):
        return text
    for needles, pattern, repl in _RULES:
        if not needles or any(map(text.__contains__, needles)):
            text = pattern.sub(repl, text)
    return text


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+", re.I)
_ACRONYM_COST = {"W": 3.0}  # "double-u"; every other letter is read as about one syllable


def latin_syllables(word: str) -> float:
    """Spoken length of a Latin-script token in syllables.

    Acronyms (all capitals, or short consonant clusters) are spelled letter by letter; words
    count their vowel groups.

    >>> latin_syllables("PM"), latin_syllables("WHO"), latin_syllables("data")
    (2.0, 5.0, 2.0)
    """
    if word.isupper() or not _VOWEL_GROUPS.search(word):
        return sum(_ACRONYM_COST.get(ch.upper(), 1.0) for ch in word)
    groups = len(_VOWEL_GROUPS.findall(word))
    if word.lower().endswith("e") and groups > 1 and not word.lower().endswith(("le", "ee")):
        groups -= 1
    return float(max(groups, 1))


# atoms and cues are measured more than once, single characters very often; a small memo, as
# the garbage collector visits every entry on each full pass (see subtitles/segment.py's _KEPT)
@lru_cache(maxsize=8192)
def count_syllables(text: str) -> float:
    """Spoken syllables of a text: Han characters after verbalisation plus Latin tokens.

    >>> [count_syllables(x) for x in ("2020年", "80.6%", "14万", "3·21", "2013年11月24日")]
    [5.0, 7.0, 3.0, 3.0, 12.0]
    """
    return syllables(text)


def syllables(text: str) -> float:
    """:func:`count_syllables` without its memo, for callers that remember their own answers or
    ask about text that never comes back (a cue's whole source)."""
    # the characters that are not Han are few (marks, mostly), and no Han character is a digit
    # or a Latin letter: when none of them is either, there is nothing to read out, and every
    # Han character is a syllable (one short list instead of a list of every Han character)
    others = _NOT_HAN.findall(text)
    for c in others:
        if c.isdigit() or c in _ASCII_LETTERS:
            break
    else:
        return float(len(text) - len(others))
    spoken = verbalize(text)
    others = _NOT_HAN.findall(spoken)  # read out, the digits are Han: again few are not
    n = float(len(spoken) - len(others))
    if not _ASCII_LETTERS.isdisjoint(others):
        for word in _LATIN_WORD.findall(spoken):
            n += latin_syllables(word)
    # Any digit that escaped the rules still costs about a syllable each.
    n += sum(map(str.isdigit, others))
    return n
