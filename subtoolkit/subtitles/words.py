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

from typing import Any

import logging
import os
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

FORMAT = 1  # bump when the cache file's layout changes
ANSWERS_KEPT = 200_000  # fragments remembered per process (about 20 MB)


class SortedDictionary(Mapping[str, int]):
    """jieba's ``FREQ`` mapping answered from sorted words: a word gives its frequency, a
    prefix of a word gives 0, anything else is absent — as in the dict jieba builds.

    >>> d = SortedDictionary(["安全", "安全生产", "生产"], array("q", [5, 2, 7]))
    >>> d["安全"], d["安全生"], "安" in d, "全" in d, d.get("产", 9)
    (5, 0, True, False, 9)
    """

    def __init__(self, words: list[str], freqs: "array[int]") -> None:
        self.words = words
        self.freqs = freqs
        self._answers: dict[str, int | None] = {}  # fragments asked before: a script reuses its words

    def get(self, key: str, default: int | None = None) -> int | None:  # type: ignore[override]
        try:
            got = self._answers[key]
        except KeyError:
            if len(self._answers) >= ANSWERS_KEPT:
                self._answers.clear()  # a worker building an archive must not grow without end
            got = self._answers[key] = self._look_up(key)
        return default if got is None else got

    def _look_up(self, key: str) -> int | None:
        words = self.words
        i = bisect_left(words, key)
        if i < len(words):
            w = words[i]
            if w == key:
                return int(self.freqs[i])
            if w.startswith(key):
                return 0
        return None

    def __getitem__(self, key: str) -> int:
        got = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

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


@lru_cache(maxsize=1)
def cutter() -> Callable[[str], list[str]]:
    """jieba's ``cut`` (HMM on) over the sorted dictionary; set up once per process, quietly."""
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    freq, total = load_dictionary(path, str(getattr(jieba, "__version__", "0")))
    tokenizer.FREQ, tokenizer.total = freq, total
    tokenizer.initialized = True
    tokenizer.get_DAG = _dag_of(freq)
    return lambda s: list(tokenizer.cut(s, HMM=True))


_UNASKED = object()


def _dag_of(freq: SortedDictionary) -> Callable[[str], dict[int, list[int]]]:
    """jieba's ``Tokenizer.get_DAG`` over ``freq``, reading its remembered answers directly.

    For every start ``k``, the ends ``i`` where ``sentence[k:i+1]`` is a word, extended while the
    fragment is a word or the start of one (``k`` alone when none is). jieba asks ``frag in FREQ``
    and then ``FREQ[frag]``: two calls into :class:`SortedDictionary` per fragment, the most
    frequent call of a cut; here a fragment asked before costs one dictionary read.
    """
    answers = freq._answers

    def get_dag(sentence: str) -> dict[int, list[int]]:
        dag: dict[int, list[int]] = {}
        n = len(sentence)
        for k in range(n):
            ends = []
            i = k
            frag = sentence[k]
            while i < n:
                got = answers.get(frag, _UNASKED)
                if got is _UNASKED:
                    got = freq.get(frag)
                if got is None:
                    break  # neither a word nor the start of one
                if got:
                    ends.append(i)
                i += 1
                frag = sentence[k : i + 1]
            dag[k] = ends or [k]
        return dag

    return get_dag
