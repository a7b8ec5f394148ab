"""Subtitle generation throughput on scripts of 0.25–1 MB, against one OpenCC pass over the same text.

The reference is one ``opencc.OpenCC("s2t").convert`` over the same text in the same run: a
C++ pass over every character, the cheapest whole-text operation the toolkit does. The ratio
"subtitles time / OpenCC time" is what to compare across machines and commits; absolute times
on a shared 2-core machine are noise.

Stages timed: segment + timing + validate (the pure core, from parsed blocks) and the writers
(SRT, VTT, ASS, JSON composed in memory). jieba's one-off dictionary load is timed apart.
Issue 15's goals are printed beside the figures: >= 1 MB of script a second, within about 10x of
the OpenCC pass, seconds per MB flat across sizes.

The script is the sample repeated (``--mix FILE...`` adds other scripts to each copy), so memos
that outlive one clause (jieba's words per clause, rendered lines, syllable counts) find the
later copies' clauses again. The last row is text with no repeats: one copy of the script
(sample and mix) in a fresh process, with nothing remembered but jieba's dictionary.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

from subtoolkit.errors import SubtoolkitError
from subtoolkit.model import Block, Script
from subtoolkit.subtitles.formats import get_format
from subtoolkit.subtitles.formats.common import TrackOptions
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.segment import _jieba
from subtoolkit.subtitles.timing import estimate
from subtoolkit.subtitles.validate import validate
from subtoolkit.text.ingest import normalise_line, split_lines
from subtoolkit.text.parse import parse_lines

from common import SAMPLE  # noqa: E402  (bench/common.py, beside this script)


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def core(script, profile):  # type: ignore[no-untyped-def]
    """Segment, time and validate: what every subtitle job does before writing."""
    timeline = estimate(script, profile, fps=Fraction(25))
    validate(timeline, profile)
    return timeline


def unit(mix: list[str]) -> tuple[str, tuple[Block, ...]]:
    """One copy: the sample and every ``--mix`` script that parses, as text and as blocks."""
    texts = [SAMPLE] + [Path(p).read_text(encoding="utf-8") for p in mix]
    blocks: list[Block] = []
    kept = []
    for t in texts:
        try:
            blocks.extend(parse_lines([normalise_line(l) for l in split_lines(t)]).blocks)
        except SubtoolkitError:
            continue  # a script the parser refuses is left out of the mix
        kept.append(t.rstrip("\n") + "\n")
    return "".join(kept), tuple(blocks)


def measure(text: str, script: Script, cc) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Seconds for the core and the writers, and for OpenCC (best of 3) over the same text."""
    profile = load_profile("netflix-zh-hans")
    t_cc = min(timed(lambda: cc.convert(text))[0] for _ in range(3))
    t_core, tl = timed(lambda: core(script, profile))
    opts = TrackOptions()
    fmts = ("srt", "vtt", "json") + (("ass",) if tl.cues[-1].end_ms < 36_000_000 else ())  # ASS stops at 10 h
    t_write, _ = timed(lambda: [get_format(f).compose(tl, opts) for f in fmts])
    return {"mb": len(text.encode("utf-8")) / 1e6, "cues": len(tl.cues), "cc": t_cc, "core": t_core,
            "write": t_write}


def row(m: dict[str, float], label: str = "") -> str:
    total = m["core"] + m["write"]
    return (f"{m['mb']:8.2f} {int(m['cues']):7d} {m['cc']:9.4f} {m['core']:7.2f} {m['write']:8.2f} "
            f"{total / m['cc']:9.0f} {m['mb'] / total:6.2f} {total / m['mb']:9.2f}  {label}")


def main() -> None:
    import opencc

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", default="0.25,0.5,1", help="script sizes in MB (default 0.25,0.5,1)")
    ap.add_argument("--mix", nargs="*", default=[], metavar="FILE", help="other scripts added to each copy")
    ap.add_argument("--once", action="store_true", help=argparse.SUPPRESS)  # the child of the no-repeats row
    args = ap.parse_args()
    cc = opencc.OpenCC("s2t")
    one, blocks = unit(args.mix)
    if args.once:
        _jieba()("预热分词词典")
        print(json.dumps(measure(one, Script("once", blocks), cc)))
        return

    t_jieba, _ = timed(lambda: _jieba()("预热分词词典"))
    print(f"jieba dictionary load (once per process): {t_jieba:.2f} s\n")
    heads = ("size MB", "cues", "opencc s", "core s", "write s", "x opencc", "MB/s", "s per MB")
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, (8, 7, 9, 7, 8, 9, 6, 9))))
    per_mb = []
    for mb in (float(x) for x in args.mb.split(",")):
        copies = max(1, round(mb * 1e6 / len(one.encode("utf-8"))))
        m = measure(one * copies, Script("copies", blocks * copies), cc)
        per_mb.append((m["core"] + m["write"]) / m["mb"])
        print(row(m, f"{copies} copies"))
    child = subprocess.run([sys.executable, __file__, "--once", "--mix", *args.mix], capture_output=True, text=True,
                           check=True, cwd=Path(__file__).parent)
    print(row(json.loads(child.stdout.splitlines()[-1]), "one copy, fresh process: no repeats"))
    print("goals (issue 15): x opencc about 10 or less; MB/s >= 1")
    spread = max(per_mb) / min(per_mb)
    print(f"\nseconds per MB varies by a factor of {spread:.2f} over the repeated sizes (1.0 = linear)")


if __name__ == "__main__":
    main()
