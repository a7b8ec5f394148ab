"""Word boundaries: our fast-loading dictionary must cut exactly as jieba does with its own."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from subtoolkit.subtitles.words import _import_jieba, cutter, load_dictionary, read_jieba_dictionary

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"
DEV_SCRIPTS = ROOT.parent / "shared" / "dev-scripts"


def _texts() -> list[str]:
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    if DEV_SCRIPTS.is_dir():  # other broadcasters' scripts, when the shared folder is beside the clone
        for f in sorted(DEV_SCRIPTS.glob("*.txt")):
            lines += [line for line in f.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    rng = random.Random(15)
    flat = "".join(lines)
    lines += [flat[i : i + rng.randint(1, 80)] for i in (rng.randrange(len(flat)) for _ in range(1500))]
    # shuffled characters are mostly not words: long unknown runs for jieba's HMM, ties and all
    for _ in range(1500):
        i = rng.randrange(len(flat))
        chars = list(flat[i : i + rng.randint(2, 60)])
        rng.shuffle(chars)
        lines.append("".join(chars))
    return lines


def test_cuts_exactly_as_jieba_with_its_own_dictionary() -> None:
    jieba = _import_jieba()
    reference = jieba.Tokenizer()  # builds jieba's own prefix dict from dict.txt (or its marshal cache)
    ours = cutter()
    texts = _texts()
    differ = [t for t in texts if ours(t) != list(reference.cut(t, HMM=True))]
    assert not differ, differ[:5]


def test_cache_file_written_once_then_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUBTOOLKIT_CACHE_DIR", str(tmp_path))
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("安全 50 n\n安全生产 8 n\n生产 30 v\n安全 60 n\n", encoding="utf-8")
    first, total = load_dictionary(dictionary, "test")
    files = list((tmp_path / "words").iterdir())
    assert len(files) == 1 and total == 148  # every line counts, a repeated word keeps its last frequency
    assert (first["安全"], first["安全生"], "全" in first) == (60, 0, False)
    again, total_again = load_dictionary(dictionary, "test")
    assert (dict(zip(again.words, again.freqs)), total_again) == (dict(zip(first.words, first.freqs)), total)
    files[0].write_bytes(b"garbage")  # a damaged cache is rebuilt, not trusted
    rebuilt, _ = load_dictionary(dictionary, "test")
    assert rebuilt["生产"] == 30
    assert read_jieba_dictionary(dictionary) == ({"安全": 60, "安全生产": 8, "生产": 30}, 148)
