"""Subtitle generation throughput on unique scripts of 0.25–1 MB, against one OpenCC pass over the same text.

The reference is one ``opencc.OpenCC("s2t").convert`` over the same text in the same process: a
C++ pass over every character, the cheapest whole-text operation the toolkit does. The ratio
"subtitles time / OpenCC time" is what to compare across machines and commits; absolute times
on a shared 2-core machine are noise. Times are CPU seconds of the process (time.process_time).

Stages timed: segment + timing + validate (the pure core, from parsed blocks) and the writers
(SRT, VTT, JSON, and ASS apart, composed in memory). ASS cannot hold a timeline past 10 h, which
the 1 MB script is, so that row has no ASS time; the linearity figure leaves ASS out of every
row. jieba's one-off dictionary load is timed apart.
``--breaks`` times the cue and line break search alone (``segment._segment_sentence``, the part
of the core whose cost depends on the code path most): every sentence the core searches, with its
atoms and speech budget, is recorded once from the Python source in a child process, then the
searches are replayed in this process (whichever build it loads), best of ``--repeat``.
Issue 15's goals are printed beside the figures: >= 1 MB of script a second, within about 10x of
the OpenCC pass, seconds per MB flat across sizes.

The text never repeats, so no memo can be paid by a second copy of a paragraph. The corpus is
the sample, the house-style scripts of tests/data/house-styles and any ``--mix`` scripts (those
the parser accepts), parsed once. A script of N MB is N MB / corpus size copies of it, and copy
``c`` (1, 2, ...) has its Han characters rotated: the corpus's Han characters, ranked by
frequency, are cut into groups of 32 neighbours and each moves ``c`` places along its group
(particles that weigh on line starts, and the characters numbers and dates are protected by,
stay). Copies are therefore pairwise distinct in nearly every clause while keeping the
corpus's punctuation, numbers, Latin words, clause lengths and character frequencies; what
they lose is real words, so jieba meets more unknown runs than in real text. Each size runs
in a fresh process (nothing remembered from another size but nothing shared either), and the
last row is the corpus itself, once, unrotated: real words, still no repeats.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

from subtoolkit.errors import SubtoolkitError
from subtoolkit.model import Block, Script
from subtoolkit.subtitles import compiled, core_label
from subtoolkit.subtitles.formats import get_format
from subtoolkit.subtitles.formats.common import TrackOptions
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.segment import _PROTECTED, _jieba
from subtoolkit.subtitles.timing import estimate
from subtoolkit.subtitles.validate import validate
from subtoolkit.text.ingest import normalise_line, split_lines
from subtoolkit.text.parse import parse_lines
from subtoolkit.text.punctuation import WEAK_LINE_START

from common import ROOT, SAMPLE_PATH  # noqa: E402  (bench/common.py, beside this script)

HOUSE_STYLES = ROOT / "tests" / "data" / "house-styles"
ASS_LIMIT_MS = 36_000_000  # ASS's clock stops at 9:59:59.99
GROUP = 32  # rotation group: copies 1..31 are pairwise distinct
_HAN = re.compile("[\u3400-\u9fff]")
# characters that steer segmentation beyond being a Han character stay put
_FIXED = frozenset(WEAK_LINE_START) | frozenset(_HAN.findall(_PROTECTED.pattern))


def timed(fn):  # type: ignore[no-untyped-def]
    """CPU seconds of ``fn()`` in this process, and its result: on a shared machine, time spent
    waiting for a core is not the code's."""
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def core(script, profile):  # type: ignore[no-untyped-def]
    """Segment, time and validate: what every subtitle job does before writing."""
    timeline = estimate(script, profile, fps=Fraction(25))
    validate(timeline, profile)
    return timeline


def corpus(mix: list[str]) -> tuple[str, tuple[Block, ...]]:
    """The sample, the house styles and every ``--mix`` script that parses, as text and as blocks."""
    paths = [SAMPLE_PATH, *sorted(HOUSE_STYLES.glob("*.txt")), *map(Path, mix)]
    blocks: list[Block] = []
    kept = []
    for p in paths:
        t = p.read_text(encoding="utf-8")
        try:
            blocks.extend(parse_lines([normalise_line(l) for l in split_lines(t)]).blocks)
        except SubtoolkitError:
            continue  # a script the parser refuses is left out
        kept.append(t.rstrip("\n") + "\n")
    return "".join(kept), tuple(blocks)


def rotation(text: str, copy: int, offset: int = 0) -> dict[int, int]:
    """A str.translate table moving each Han character ``copy`` places within its frequency group
    (the groups shifted ``offset`` places down the ranking: the first one shorter)."""
    ranked = [c for c, _ in Counter(_HAN.findall(text)).most_common() if c not in _FIXED]
    table: dict[int, int] = {}
    for g in range(-offset, len(ranked), GROUP):
        group = ranked[max(g, 0) : g + GROUP]
        for k, ch in enumerate(group):
            table[ord(ch)] = ord(group[(k + copy) % len(group)])
    return table


def unique_script(text: str, blocks: tuple[Block, ...], copies: int) -> tuple[str, tuple[Block, ...]]:
    """``copies`` rotated copies (1..copies) of the corpus, as text and as blocks."""
    texts: list[str] = []
    out: list[Block] = []
    for c in range(1, copies + 1):
        table = rotation(text, c)
        texts.append(text.translate(table))
        out.extend(dataclasses.replace(b, text=b.text.translate(table), written=b.written.translate(table))
                   for b in blocks)
    return "".join(texts), tuple(out)


def measure(text: str, script: Script) -> dict[str, float]:
    """CPU seconds for the core and the writers, and for OpenCC (best of 5) over the same text."""
    import opencc

    cc = opencc.OpenCC("s2t")
    t_jieba, _ = timed(lambda: _jieba()("预热分词词典"))
    profile = load_profile("netflix-zh-hans")
    t_cc = min(timed(lambda: cc.convert(text))[0] for _ in range(5))
    t_core, tl = timed(lambda: core(script, profile))
    opts = TrackOptions()
    t_write, _ = timed(lambda: [get_format(f).compose(tl, opts) for f in ("srt", "vtt", "json")])
    t_ass = timed(lambda: get_format("ass").compose(tl, opts))[0] if tl.cues[-1].end_ms < ASS_LIMIT_MS else -1.0
    return {"mb": len(text.encode("utf-8")) / 1e6, "cues": len(tl.cues), "cc": t_cc, "core": t_core,
            "write": t_write, "ass": t_ass, "jieba": t_jieba, "compiled": float(len(compiled()))}


def row(m: dict[str, float], label: str = "") -> str:
    """One size: MB/s and the OpenCC ratio count every format written (ASS only within 10 h)."""
    total = m["core"] + m["write"] + max(m["ass"], 0.0)
    ass = f"{m['ass']:6.2f}" if m["ass"] >= 0 else f"{'-':>6}"
    label += "" if m["ass"] >= 0 else "; no ASS: the timeline is past its 10 h limit"
    return (f"{m['mb']:8.2f} {int(m['cues']):7d} {m['cc']:9.4f} {m['core']:7.2f} {m['write']:8.2f} {ass} "
            f"{total / m['cc']:9.0f} {m['mb'] / total:6.2f} {total / m['mb']:9.2f}  {label}")


def record_searches(copies: int, mix: list[str], out: str) -> None:
    """Every sentence search of the core on ``copies`` rotated copies, pickled to ``out``: atoms,
    profiles and each atom's speech spend (read once, so that the replay times the search alone).
    Run from the Python source: only there does the core call the search through the module."""
    from subtoolkit.subtitles import segment

    text, blocks = corpus(mix)
    if copies:
        text, blocks = unique_script(text, blocks, copies)
    calls = []
    search = segment._segment_sentence

    def recorded(atoms, profile, budget, shadow=None):  # type: ignore[no-untyped-def]
        atoms = list(atoms)
        spends = None if budget is None else {a.text: budget.measure(a.text) for a in atoms}
        calls.append((atoms, profile, spends, None if budget is None else budget.limit, shadow))
        return search(atoms, profile, budget, shadow)

    segment._segment_sentence = recorded  # type: ignore[assignment]
    core(Script("unique", blocks), load_profile("netflix-zh-hans"))
    with open(out, "wb") as f:
        pickle.dump((len(text.encode("utf-8")) / 1e6, calls), f)


def replay_searches(path: str, repeat: int) -> tuple[float, float, int]:
    """Best CPU seconds over ``repeat`` replays of the recorded searches, the script's MB, searches."""
    from subtoolkit.subtitles import segment

    with open(path, "rb") as f:
        mb, calls = pickle.load(f)
    for atoms, *_ in calls:  # widths are learnt by the clause splitting that comes first in the core
        segment.text_width("".join(a.text for a in atoms) + " \u3000")
    runs = [(atoms, profile, None if spends is None else segment.Budget(spends.__getitem__, limit), shadow)
            for atoms, profile, spends, limit, shadow in calls]
    best = float("inf")
    for _ in range(repeat):
        t, _ = timed(lambda: [segment._segment_sentence(*r) for r in runs])
        best = min(best, t)
    return best, mb, len(calls)


def breaks(copies: int, mix: list[str], repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "searches.pickle")
        env = dict(os.environ, PYTHONPATH=str(ROOT))  # the source tree, whatever build is installed
        subprocess.run([sys.executable, __file__, "--record", path, "--copies", str(copies), "--mix", *mix],
                       check=True, cwd=Path(__file__).parent, env=env)
        best, mb, count = replay_searches(path, repeat)
    print(f"break search ({core_label()}): {count} sentences, {mb:.3f} MB, {copies} rotated copies, "
          f"profile netflix-zh-hans: best of {repeat} {best:.3f} s CPU, {best / mb:.3f} s per MB")


def child(args: list[str]) -> dict[str, float]:
    """One size in a fresh process, which must run the same build as this one.

    The child runs in bench/, so a relative ``PYTHONPATH=build/accel`` would point nowhere there and
    the child would quietly measure the pure modules: the entries are made absolute first, and the
    child's own answer to ``compiled()`` is checked."""
    paths = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parent, env=env)
    measured: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    if int(measured.pop("compiled")) != len(compiled()):
        raise SystemExit(f"the measuring process did not run the same build as this one ({core_label()}): "
                         "check PYTHONPATH")
    return measured


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", default="0.25,0.5,1", help="script sizes in MB (default 0.25,0.5,1)")
    ap.add_argument("--mix", nargs="*", default=[], metavar="FILE", help="other scripts added to the corpus")
    ap.add_argument("--copies", type=int, help=argparse.SUPPRESS)  # a child: measure this many copies (0: as is)
    ap.add_argument("--breaks", action="store_true", help="time the break search alone (see above)")
    ap.add_argument("--repeat", type=int, default=5, help="replays of the break search (default 5)")
    ap.add_argument("--record", help=argparse.SUPPRESS)  # a child: record the searches to this file
    args = ap.parse_args()
    args.mix = [str(Path(m).resolve()) for m in args.mix]  # the children run in bench/
    if args.record:
        record_searches(args.copies or 0, args.mix, args.record)
        return
    if args.breaks:
        breaks(1 if args.copies is None else args.copies, args.mix, args.repeat)
        return
    text, blocks = corpus(args.mix)
    if args.copies is not None:
        if args.copies:
            text, blocks = unique_script(text, blocks, args.copies)
        print(json.dumps(measure(text, Script("unique", blocks))))
        return

    size = len(text.encode("utf-8"))
    print(f"subtitle core: {core_label()}" + ("" if compiled() else
                                              " (the compiled build: `make accel`, then PYTHONPATH=build/accel)"))
    print(f"corpus: {len(blocks)} blocks, {size / 1e6:.3f} MB; every size below is rotated copies of it "
          "(no block repeats), each size in a fresh process\n")
    heads = ("size MB", "cues", "opencc s", "core s", "write s", "ass s", "x opencc", "MB/s", "s per MB")
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, (8, 7, 9, 7, 8, 6, 9, 6, 9))))
    per_mb, jieba = [], []
    for mb in (float(x) for x in args.mb.split(",")):
        copies = max(1, min(GROUP - 1, round(mb * 1e6 / size)))
        m = child(["--copies", str(copies), "--mix", *args.mix])
        per_mb.append((m["core"] + m["write"]) / m["mb"])
        jieba.append(m["jieba"])
        print(row(m, f"{copies} rotated copies"))
    m = child(["--copies", "0", "--mix", *args.mix])
    print(row(m, "the corpus once, unrotated (real words)"))
    print("goals (issue 15): x opencc about 10 or less; MB/s >= 1")
    spread = max(per_mb) / min(per_mb)
    print(f"\nseconds per MB of core + SRT/VTT/JSON varies by a factor of {spread:.2f} over the sizes (1.0 = linear)")
    print(f"jieba dictionary load (once per process, not counted above): {min(jieba):.2f}-{max(jieba):.2f} s")


if __name__ == "__main__":
    main()
