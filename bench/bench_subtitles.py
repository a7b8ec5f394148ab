"""Subtitle generation throughput on a multi-megabyte script, against one OpenCC pass.

The reference is one ``opencc.OpenCC("s2t").convert`` over the same text in the same run: a
C++ pass over every character, the cheapest whole-text operation the toolkit does. The ratio
"subtitles time / OpenCC time" is what to compare across machines and commits; absolute times
on a shared 2-core machine are noise.

Stages timed: segment + timing + validate (the pure core, from parsed blocks) and the writers
(SRT, VTT, ASS, JSON composed in memory). jieba's one-off dictionary load is timed apart.
Issue 15's goals are printed beside the figures: >= 1 MB of script a second, within about 10x of
the OpenCC pass, seconds per MB flat across sizes.

The script is the sample repeated, so memos that outlive one clause (jieba's words per clause,
rendered lines) find the later copies' clauses again; on text with no repeats the core measured
about 20% slower per MB (issue 15's note).
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
from subtoolkit.subtitles.validate import validate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "seeds" / "shengming-zhongyu-taishan.txt").read_text(encoding="utf-8")


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def core(script, profile):  # type: ignore[no-untyped-def]
    """Segment, time and validate: what every subtitle job does before writing."""
    timeline = estimate(script, profile, fps=Fraction(25))
    validate(timeline, profile)
    return timeline


def main() -> None:
    import argparse

    import opencc

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", default="16,32,64,128", help="sizes as copies of the sample (16 copies: 0.55 MB)")
    sizes = [int(c) for c in ap.parse_args().copies.split(",")]

    t_jieba, _ = timed(lambda: _jieba()("预热分词词典"))
    print(f"jieba dictionary load (once per process): {t_jieba:.2f} s\n")
    profile = load_profile("netflix-zh-hans")
    cc = opencc.OpenCC("s2t")
    heads = ("size MB", "cues", "opencc s", "core s", "write s", "x opencc", "MB/s", "s per MB")
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, (8, 7, 9, 7, 8, 9, 6, 9))))
    per_mb = []
    for copies in sizes:
        text = (SAMPLE.rstrip("\n") + "\n") * copies
        size = len(text.encode("utf-8")) / 1e6
        script = parse_lines([normalise_line(l) for l in split_lines(text)])
        t_cc = min(timed(lambda: cc.convert(text))[0] for _ in range(3))
        t_core, tl = timed(lambda: core(script, profile))
        opts = TrackOptions()
        fmts = ("srt", "vtt", "json") + (("ass",) if tl.cues[-1].end_ms < 36_000_000 else ())  # ASS stops at 10 h
        t_write, _ = timed(lambda: [get_format(f).compose(tl, opts) for f in fmts])
        total = t_core + t_write
        per_mb.append(total / size)
        print(f"{size:8.2f} {len(tl.cues):7d} {t_cc:9.3f} {t_core:7.2f} {t_write:8.2f} {total / t_cc:9.0f} "
              f"{size / total:6.2f} {total / size:9.2f}")
    print("goals (issue 15): x opencc about 10 or less; MB/s >= 1")
    span = max(sizes) / min(sizes)
    spread = max(per_mb) / min(per_mb)
    print(f"\nseconds per MB varies by a factor of {spread:.2f} over a {span:g}x range of sizes (1.0 = linear)")


if __name__ == "__main__":
    main()
