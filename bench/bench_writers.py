"""The subtitle writers alone (SRT, VTT, JSON; ASS apart), CPU seconds per MB of script, against one OpenCC pass.

The timeline is made once per size from the same unique text as bench_subtitles.py (rotated copies
of the sample and the house styles, ``--mix`` adds scripts), and each writer composes it in memory,
best of ``--repeat`` (CPU time, time.process_time). The reference is one
``opencc.OpenCC("s2t").convert`` over the same text, best of 5, in the same process: figures are
printed as seconds per MB and as that multiple.

``--baseline DIR`` times another checkout's writers (a ``git archive`` of an older commit, say) on
the same timeline: each code runs in its own child process with ``PYTHONPATH`` set, the two
alternating round by round, and the table gains the baseline's figures and the ratio.

Issue 15's budget for the writers: SRT + VTT + JSON within 0.10 s per MB, so that the subtitle
core (segment, time, validate, write) can reach 1 MB a second. ASS is timed apart, as
bench_subtitles.py does, and only where the timeline is within ASS's 10-hour limit.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

FORMATS = ("srt", "vtt", "json", "ass")
ASS_LIMIT_MS = 36_000_000  # ASS's clock stops at 9:59:59.99
GOAL = 0.10  # s per MB for SRT + VTT + JSON


def child(pickled: str, repeat: int) -> None:
    """Time each writer on the pickled timeline with the code on this process's path; print JSON."""
    from subtoolkit.subtitles.formats import get_format
    from subtoolkit.subtitles.formats.common import TrackOptions

    with open(pickled, "rb") as f:
        mb, timeline = pickle.load(f)
    options = TrackOptions()
    out: dict[str, float] = {}
    for name in FORMATS:
        if name == "ass" and timeline.cues[-1].end_ms >= ASS_LIMIT_MS:
            continue
        compose = get_format(name).compose
        compose(timeline, options)  # imports and first-call costs are not the writer's per-MB cost
        best = float("inf")
        for _ in range(repeat):
            t0 = time.process_time()
            compose(timeline, options)
            best = min(best, time.process_time() - t0)
        out[name] = best / mb
    print(json.dumps(out))


def run_child(pickled: str, repeat: int, path: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = path
    done = subprocess.run([sys.executable, __file__, "--child", pickled, "--repeat", str(repeat)], env=env,
                          capture_output=True, text=True, check=True, cwd=Path(__file__).parent)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", default="0.35,1", help="script sizes in MB (default 0.35, within ASS's limit, and 1)")
    ap.add_argument("--mix", nargs="*", default=[], metavar="FILE", help="other scripts added to the corpus")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each writer per round; the best counts")
    ap.add_argument("--rounds", type=int, default=2, help="rounds per size (the code and the baseline alternate)")
    ap.add_argument("--baseline", metavar="DIR", help="another checkout's tree, timed on the same timeline")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return

    import opencc

    from bench_subtitles import GROUP, corpus, timed, unique_script  # beside this script

    from subtoolkit.model import Script
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.timing import estimate

    here = str(Path(__file__).resolve().parent.parent)
    baseline = str(Path(args.baseline).resolve()) if args.baseline else None
    text, blocks = corpus([str(Path(m).resolve()) for m in args.mix])
    size = len(text.encode("utf-8"))
    cc = opencc.OpenCC("s2t")
    profile = load_profile("netflix-zh-hans")
    print(f"writers of {here}" + (f", against {baseline}" if baseline else "") + "; CPU s per MB of script, "
          "best of every round; x opencc: that as a multiple of one OpenCC s2t pass over the same text")
    for mb in (float(x) for x in args.mb.split(",")):
        copies = max(1, min(GROUP - 1, round(mb * 1e6 / size)))
        t, b = unique_script(text, blocks, copies)
        real_mb = len(t.encode("utf-8")) / 1e6
        cc_s = min(timed(lambda: cc.convert(t))[0] for _ in range(5))  # as bench_subtitles.measure
        timeline = estimate(Script("unique", b), profile, fps=Fraction(25))
        with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as f:
            pickle.dump((real_mb, timeline), f)
        try:
            ours: dict[str, float] = {}
            theirs: dict[str, float] = {}
            for _ in range(args.rounds):
                for got, path in ((ours, here), (theirs, baseline)):
                    if path is None:
                        continue
                    for k, v in run_child(f.name, args.repeat, path).items():
                        got[k] = min(got.get(k, v), v)
        finally:
            os.unlink(f.name)
        ref = cc_s / real_mb
        print(f"\n{real_mb:.2f} MB ({copies} rotated copies), {len(timeline.cues)} cues, "
              f"{timeline.cues[-1].end_ms / 3.6e6:.1f} h; OpenCC {ref:.4f} s/MB")
        print(f"{'writer':<16}{'s/MB':>8}{'x opencc':>10}" + (f"{'baseline':>10}{'x opencc':>10}{'new/old':>9}"
                                                               if baseline else ""))
        rows = [(k, ours.get(k), theirs.get(k)) for k in FORMATS]
        three = ("srt", "vtt", "json")
        rows.append(("srt+vtt+json", sum(ours[k] for k in three),
                     sum(theirs[k] for k in three) if baseline else None))
        for name, new, old in rows:
            if new is None:
                print(f"{name:<16}{'-':>8}  (past ASS's 10 h limit)")
                continue
            line = f"{name:<16}{new:8.4f}{new / ref:9.1f}x"
            if old is not None:
                line += f"{old:10.4f}{old / ref:9.1f}x{new / old:9.2f}"
            print(line)
        verdict = "met" if ours["srt"] + ours["vtt"] + ours["json"] <= GOAL else "NOT met"
        print(f"goal (issue 15): SRT + VTT + JSON <= {GOAL:.2f} s/MB: {verdict}")


if __name__ == "__main__":
    main()
