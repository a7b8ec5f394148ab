"""Word boundaries from jieba, with its dictionary loaded in milliseconds instead of a second.

jieba keeps its 349,000-word dictionary as one Python dict of every word *and every prefix of
a word* (half a million keys), rebuilt from a marshal cache on first use: 0.4–1 s per process,
more than cutting a whole script takes. Cutting only ever asks three questions of it — is this
fragment a word or the start of one, what is a word's frequency, the total — and a sorted list
of the words answers all three by bisection. That list is written once per machine to the
cache folder (one file, keyed by jieba's version and dictionary) and read back as a single
string split on newlines. jieba's own cutting (DAG, route, HMM for unknown words) is unchanged,
so the words are exactly jieba's.
"""

from __future__ import annotations

from typing import Any, Final

import logging
import math
import os
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

FORMAT = 1  # bump when the cache file's layout changes
ANSWERS_KEPT = 200_000  # fragments remembered per process (about 20 MB)


ABSENT: Final = -1  # :meth:`SortedDictionary.lookup`: neither a word nor the start of one
_UNASKED: Final = -2  # not in the remembered answers yet (frequencies are never negative)
# a fragment's weight on jieba's route when it is not a word (every word's is at most 0)
_PREFIX: Final = 1.0  # the start of a word
_NOT_A_WORD: Final = 2.0  # neither a word nor the start of one
_NEW: Final = 3.0  # not weighed yet


class SortedDictionary(Mapping[str, int]):
    """jieba's ``FREQ`` mapping answered from sorted words: a word gives its frequency, a
    prefix of a word gives 0, anything else is absent — as in the dict jieba builds.

    >>> d = SortedDictionary(["安全", "安全生产", "生产"], array("q", [5, 2, 7]))
    >>> d["安全"], d["安全生"], "安" in d, "全" in d, d.get("产", 9)
    (5, 0, True, False, 9)
    """

    def __init__(self, words: Sequence[str], freqs: "array[int]") -> None:
        # a tuple of strings, unlike a list, is left alone by the garbage collector after its
        # first pass: 349,000 words visited on every full pass cost 15 ms each
        self.words = tuple(words)
        self.freqs = freqs
        # fragments asked before (a script reuses its words), ABSENT for neither a word nor a
        # prefix: an int for every answer, so that a miss is one dict read, not an exception
        self._answers: dict[str, int] = {}
        self._spans: dict[str, tuple[int, int]] = {}  # first character -> its words' slice of ``words``

    def lookup(self, key: str) -> int:
        """The frequency of a word, 0 for the start of one, :data:`ABSENT` for anything else."""
        answers = self._answers
        got: int = answers.get(key, _UNASKED)
        if got == _UNASKED:
            if len(answers) >= ANSWERS_KEPT:
                answers.clear()  # a worker building an archive must not grow without end
            got = answers[key] = self._look_up(key)
        return got

    def get(self, key: str, default: int | None = None) -> int | None:  # type: ignore[override]
        got = self.lookup(key)
        return default if got == ABSENT else got

    def _look_up(self, key: str) -> int:
        words = self.words
        lo, hi = self._span(key[0]) if key else (0, len(words))
        i = bisect_left(words, key, lo, hi)  # where it falls among the words sharing its first character
        if i < len(words):
            w = words[i]
            if w == key:
                return int(self.freqs[i])
            if w.startswith(key):
                return 0
        return ABSENT

    def _span(self, first: str) -> tuple[int, int]:
        """The words that start with ``first``: a fragment is looked up among them (a dozen
        comparisons fewer than among all 349,000 words, for every new fragment of a script)."""
        got = self._spans.get(first)
        if got is None:
            words = self.words
            lo = bisect_left(words, first)
            got = self._spans[first] = (lo, bisect_left(words, chr(ord(first) + 1), lo) if first < "\U0010ffff"
                                        else len(words))
        return got

    def __getitem__(self, key: str) -> int:
        got = self.lookup(key)
        if got == ABSENT:
            raise KeyError(key)
        return got

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.lookup(key) != ABSENT

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


def read_jieba_dictionary(path: Path) -> tuple[dict[str, int], int]:
    """Words and total as jieba reads ``dict.txt``: ``word freq [tag]``; a repeated word keeps
    its last frequency, and every line counts towards the total."""
    freq: dict[str, int] = {}
    total = 0
    with path.open("rb") as f:
        for line in f:
            fields = line.strip().decode("utf-8").split(" ")
            if len(fields) < 2:
                raise ValueError(f"invalid dictionary entry in {path}: {line!r}")
            n = int(fields[1])
            freq[fields[0]] = n
            total += n
    return freq, total


def _cache_file(dictionary: Path, version: str) -> Path:
    from subtoolkit.paths import cache_dir

    st = dictionary.stat()
    return cache_dir() / "words" / f"jieba-{version}-{st.st_size}-{int(st.st_mtime)}-v{FORMAT}.bin"


def _write_cache(path: Path, words: list[str], freqs: "array[int]", total: int) -> None:
    """Header line (count and total), the words one per line, then the frequencies as int64."""
    from subtoolkit.fsio import atomic_path

    blob = "\n".join(words).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(f"{len(words)} {total} {len(blob)}\n".encode("ascii"))
            f.write(blob)
            f.write(freqs.tobytes())


def _read_cache(path: Path) -> tuple[list[str], "array[int]", int] | None:
    try:
        data = path.read_bytes()
        head, _, rest = data.partition(b"\n")
        count, total, size = (int(x) for x in head.split())
        words = rest[:size].decode("utf-8").split("\n")
        freqs = array("q")
        freqs.frombytes(rest[size:])
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if len(words) != count or len(freqs) != count:
        return None
    return words, freqs, total


def load_dictionary(dictionary: Path, version: str) -> tuple[SortedDictionary, int]:
    """The sorted dictionary and total for ``dictionary``, from the cache file when it is there."""
    cache = _cache_file(dictionary, version)
    got = _read_cache(cache)
    if got is None:
        freq, total = read_jieba_dictionary(dictionary)
        words = sorted(freq)
        freqs = array("q", (freq[w] for w in words))
        try:
            _write_cache(cache, words, freqs, total)
        except OSError:
            pass  # a read-only cache folder costs time on the next run, nothing else
        got = words, freqs, total
    words, freqs, total = got
    return SortedDictionary(words, freqs), total


def _import_jieba() -> Any:
    """Import jieba without pkg_resources.

    jieba imports pkg_resources (a deprecated part of setuptools, 60–200 ms and a warning) only
    to open its data files, and falls back to plain paths when it is missing; we read its
    dictionary by path anyway. So it is hidden for the length of the import, unless something
    imported it already.
    """
    import sys

    hide = "pkg_resources" not in sys.modules
    if hide:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # "import" now raises ImportError
    try:
        import jieba
    finally:
        if hide:
            del sys.modules["pkg_resources"]
    return jieba


_cutter_lock = threading.Lock()


def cutter() -> Callable[[str], list[str]]:
    """jieba's ``cut`` (HMM on) over the sorted dictionary; set up once per process, quietly.

    Once even when first asked from several threads at a time (the aligner reads its reference
    on one thread per core, each reading through the phonemiser): one dictionary in memory."""
    with _cutter_lock:
        return _make_cutter()


@lru_cache(maxsize=1)
def _make_cutter() -> Callable[[str], list[str]]:
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    freq, total = load_dictionary(path, str(getattr(jieba, "__version__", "0")))
    return _Cut(jieba, freq, total)


class _Cut:
    """``jieba.Tokenizer.cut(text, HMM=True)`` as a list, step for step, with its two inner loops
    written for the machine rather than for generality.

    jieba builds a DAG of every fragment that is a word (``get_DAG``, two dictionary calls per
    fragment), then its route (``calc``) reads each edge's frequency again and builds a tuple per
    edge; its HMM (``finalseg.viterbi``) keeps a dict of states and copies every path at every
    character. Here the route is found in the same right-to-left pass that finds each start's
    words, each fragment read once from the dictionary's remembered answers, and the HMM keeps
    four numbers and back pointers. The arithmetic is the same, term for term and in the same
    order, and ties go the way ``max`` over jieba's tuples sends them, so the words are exactly
    jieba's (tests/test_words.py compares them with jieba's own tokenizer).
    """

    def __init__(self, jieba: Any, freq: SortedDictionary, total: int) -> None:
        from jieba import finalseg

        self.freq = freq
        self.log_total = math.log(total)
        # each fragment's weight on the route, as :meth:`_weigh` gives it: one read per fragment
        # where jieba reads the dictionary twice and takes a logarithm per edge
        self.weights: dict[str, float] = {}
        self.re_han, self.re_skip = jieba.re_han_default, jieba.re_skip_default
        self.hmm_han, self.hmm_skip = finalseg.re_han, finalseg.re_skip
        self.force_split = finalseg.Force_Split_Words  # jieba adds to this set, never replaces it
        self.hmm = _Viterbi(finalseg.start_P, finalseg.trans_P, finalseg.emit_P, finalseg.MIN_FLOAT)

    def __call__(self, sentence: str) -> list[str]:
        out: list[str] = []
        re_han, re_skip = self.re_han, self.re_skip
        for blk in re_han.split(sentence):
            if not blk:
                continue
            if re_han.match(blk):
                self._cut_dag(blk, out)
            else:
                for x in re_skip.split(blk):
                    if re_skip.match(x):
                        out.append(x)
                    else:
                        out.extend(x)  # one character at a time, as jieba's accurate mode does
        return out

    def _route(self, sentence: str) -> list[int]:
        """jieba's ``get_DAG`` and ``calc`` in one pass: for every start, the end of the word on
        the likeliest path from it.

        The words from start ``k`` are the fragments ``sentence[k:i+1]``, extended while the
        fragment is a word or the start of one, in increasing ``i`` (``k`` alone when none is a
        word with a frequency), as jieba's DAG lists them; each scores
        ``log(freq or 1) - log(total)`` plus the best score from ``i + 1``.
        """
        log_total = self.log_total
        weights = self.weights
        n = len(sentence)
        prob: list[float] = [0.0] * (n + 1)
        end: list[int] = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best_p = -math.inf  # every p is finite, so the first end always wins over this
            best_x = -1
            i = k
            while i < n:
                frag = sentence[k : i + 1]
                w: float = weights.get(frag, _NEW)
                if w == _NEW:
                    w = self._weigh(frag)
                if w == _NOT_A_WORD:
                    break  # neither a word nor the start of one
                if w <= 0.0:  # a word (jieba's DAG skips frequency 0: a prefix)
                    p = w + prob[i + 1]  # (log(freq) - log(total)) + ..., jieba's terms in its order
                    if p > best_p or (p == best_p and i > best_x):  # max over (p, x), as jieba takes it
                        best_p = p
                        best_x = i
                i += 1
            if best_x < 0:  # no word from k: k alone, at jieba's log(1)
                best_p = 0.0 - log_total + prob[k + 1]
                best_x = k
            prob[k] = best_p
            end[k] = best_x
        return end

    def _weigh(self, frag: str) -> float:
        """A fragment's entry in :attr:`weights`: ``log(freq) - log(total)`` for a word (never
        above 0, as no frequency exceeds the total), :data:`_PREFIX` for the start of one,
        :data:`_NOT_A_WORD` for anything else."""
        weights = self.weights
        if len(weights) >= ANSWERS_KEPT:
            weights.clear()  # as the dictionary's own answers: bounded
        f = self.freq.lookup(frag)
        w = math.log(f) - self.log_total if f > 0 else (_PREFIX if f == 0 else _NOT_A_WORD)
        weights[frag] = w
        return w

    def _cut_dag(self, sentence: str, out: list[str]) -> None:
        """jieba's ``__cut_DAG``: dictionary words on the route, runs of single characters that are
        not a word themselves handed to the HMM."""
        end = self._route(sentence)
        x = 0
        n = len(sentence)
        buf_from = -1  # the run of single characters so far starts here (-1: none)
        while x < n:
            y = end[x] + 1
            if y - x == 1:
                if buf_from < 0:
                    buf_from = x
            else:
                if buf_from >= 0:
                    self._flush(sentence[buf_from:x], out)
                    buf_from = -1
                out.append(sentence[x:y])
            x = y
        if buf_from >= 0:
            self._flush(sentence[buf_from:], out)

    def _flush(self, buf: str, out: list[str]) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif self.freq.lookup(buf) <= 0:  # not a word (absent, or only the start of one)
            self._hmm_cut(buf, out)
        else:
            out.extend(buf)

    def _hmm_cut(self, sentence: str, out: list[str]) -> None:
        """jieba's ``finalseg.cut``."""
        re_han, force = self.hmm_han, self.force_split
        for blk in re_han.split(sentence):
            if re_han.match(blk):
                for word in self._hmm_words(blk):
                    if word not in force:
                        out.append(word)
                    else:
                        out.extend(word)
            else:
                out.extend(x for x in self.hmm_skip.split(blk) if x)

    def _hmm_words(self, sentence: str) -> list[str]:
        """jieba's ``finalseg.__cut``: words from the likeliest B/M/E/S tags."""
        tags = self.hmm(sentence)
        words: list[str] = []
        begin = nexti = 0
        for i in range(len(tags)):
            tag = tags[i]
            if tag == _B:
                begin = i
            elif tag == _E:
                words.append(sentence[begin : i + 1])
                nexti = i + 1
            elif tag == _S:
                words.append(sentence[i])
                nexti = i + 1
        if nexti < len(sentence):
            words.append(sentence[nexti:])
        return words


# the HMM's states as small integers (B, M, E, S), and a character's four predecessors packed
# into one: two bits each, B's lowest
_B: Final = 0
_M: Final = 1
_E: Final = 2
_S: Final = 3


class _Viterbi:
    """jieba's ``finalseg.viterbi`` over the states B M E S, for one run of characters.

    Each state's score at a character is the best of its two predecessors' (jieba's
    ``PrevStatus``), computed as jieba does: ``(previous + transition) + emission``; of equal
    scores ``max`` over ``(score, state)`` keeps the later letter, and so does this.
    """

    def __init__(self, start: dict[str, float], trans: dict[str, dict[str, float]],
                 emit: dict[str, dict[str, float]], floor: float) -> None:
        self.start = start
        self.emit = emit["B"], emit["M"], emit["E"], emit["S"]
        self.floor = floor
        # each character's four emissions (B, M, E, S), looked up once per character rather than
        # four times per occurrence; bounded by the characters there are
        self.emits: dict[str, tuple[float, float, float, float]] = {}

        def t(a: str, b: str) -> float:
            return trans[a].get(b, floor)

        # B from E or S; M from M or B; S from S or E; E from B or M
        self.trans = (t("E", "B"), t("S", "B"), t("M", "M"), t("B", "M"),
                      t("S", "S"), t("E", "S"), t("B", "E"), t("M", "E"))

    def __call__(self, obs: str) -> list[int]:
        """The likeliest states (``_B``, ``_M``, ``_E``, ``_S``) of the characters of ``obs``."""
        e_b, e_m, e_e, e_s = self.emit
        lo, st = self.floor, self.start
        eb, sb, mm, bm, ss, es, be, me = self.trans
        c = obs[0]
        v_b: float = st["B"] + e_b.get(c, lo)
        v_m: float = st["M"] + e_m.get(c, lo)
        v_e: float = st["E"] + e_e.get(c, lo)
        v_s: float = st["S"] + e_s.get(c, lo)
        back: list[int] = []  # per character after the first: its states' predecessors, packed
        emits = self.emits
        for k in range(1, len(obs)):
            c = obs[k]
            got = emits.get(c)
            if got is None:
                got = emits[c] = (e_b.get(c, lo), e_m.get(c, lo), e_e.get(c, lo), e_s.get(c, lo))
            em_b, em_m, em_e, em_s = got
            a = v_e + eb + em_b
            b = v_s + sb + em_b
            if a > b:
                n_b, packed = a, _E
            else:
                n_b, packed = b, _S
            a = v_m + mm + em_m
            b = v_b + bm + em_m
            if b > a:
                n_m = b
                packed |= _B << 2
            else:
                n_m = a
                packed |= _M << 2
            a = v_s + ss + em_s
            b = v_e + es + em_s
            if b > a:
                n_s = b
                packed |= _E << 6
            else:
                n_s = a
                packed |= _S << 6
            a = v_b + be + em_e
            b = v_m + me + em_e
            if a > b:
                n_e = a
                packed |= _B << 4
            else:
                n_e = b
                packed |= _M << 4
            v_b, v_m, v_e, v_s = n_b, n_m, n_e, n_s
            back.append(packed)
        state = _E if v_e > v_s else _S
        tags = [state]
        for k in range(len(back) - 1, -1, -1):
            state = (back[k] >> (2 * state)) & 3
            tags.append(state)
        tags.reverse()
        return tags
