"""Subtitle generation throughput on a multi-megabyte script, against one OpenCC pass.

The reference is one ``opencc.OpenCC("s2t").convert`` over the same text in the same run: a
C++ pass over every character, the cheapest whole-text operation the toolkit does. The ratio
"subtitles time / OpenCC time" is what to compare across machines and commits; absolute times
on a shared 2-core machine are noise.

Stages timed: segment + timing (the pure core, from parsed blocks) and the writers (SRT, VTT,
ASS, JSON composed in memory). jieba's one-off dictionary load is timed apart.
"""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

from subtoolkit.subtitles.formats import get_format
from subtoolkit.subtitles.formats.common import TrackOptions
from subtoolkit.text.ingest import normalise_line, split_lines
from subtoolkit.text.parse import parse_lines
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.segment import _jieba
from subtoolkit.subtitles.timing import estimate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "seeds" / "shengming-zhongyu-taishan.txt").read_text(encoding="utf-8")


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    import opencc

    t_jieba, _ = timed(lambda: _jieba()("预热分词词典"))
    print(f"jieba dictionary load (once per process): {t_jieba:.2f} s\n")
    profile = load_profile("netflix-zh-hans")
    cc = opencc.OpenCC("s2t")
    print(f"{'size MB':>8} {'cues':>7} {'opencc s':>9} {'subs s':>8} {'write s':>8} "
          f"{'subs/opencc':>12} {'s per MB':>9}")
    per_mb = []
    for copies in (16, 32, 64, 128):
        text = (SAMPLE.rstrip("\n") + "\n") * copies
        size = len(text.encode("utf-8")) / 1e6
        script = parse_lines([normalise_line(l) for l in split_lines(text)])
        t_cc = min(timed(lambda: cc.convert(text))[0] for _ in range(3))
        t_subs, tl = timed(lambda: estimate(script, profile, fps=Fraction(25)))
        opts = TrackOptions()
        fmts = ("srt", "vtt", "json") + (("ass",) if tl.cues[-1].end_ms < 36_000_000 else ())  # ASS stops at 10 h
        t_write, _ = timed(lambda: [get_format(f).compose(tl, opts) for f in fmts])
        per_mb.append((t_subs + t_write) / size)
        print(f"{size:8.2f} {len(tl.cues):7d} {t_cc:9.3f} {t_subs:8.2f} {t_write:8.2f} "
              f"{(t_subs + t_write) / t_cc:12.0f} {(t_subs + t_write) / size:9.2f}")
    print(f"\nseconds per MB varies by a factor of {max(per_mb) / min(per_mb):.2f} over an 8x range of sizes (1.0 = "
          f"linear)")


if __name__ == "__main__":
    main()
