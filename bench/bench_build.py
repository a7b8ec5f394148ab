"""Where the time of ``build`` goes, stage by stage, on the sample script without voice.

Stage times come from the build's own stage clock; each is also shown as a share of the whole
and as a multiple of one OpenCC s2t pass over the script measured in the same run.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from subtoolkit.jobs.build import BuildOptions, build_script

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"


def main() -> None:
    import opencc

    text = SAMPLE.read_text(encoding="utf-8")
    cc = opencc.OpenCC("s2t")
    t0 = time.perf_counter()
    for _ in range(20):
        cc.convert(text)
    t_cc = (time.perf_counter() - t0) / 20
    runs = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            r = build_script(SAMPLE, BuildOptions(out_root=Path(d), voice="none"))
            runs.append((time.perf_counter() - t0, r.stage_seconds))
    total, stages = min(runs, key=lambda x: x[0])
    print(f"build --voice none on {SAMPLE.name} ({len(text)} characters): {total:.2f} s (best of 3); one OpenCC s2t "
          f"pass: {t_cc * 1000:.2f} ms\n")
    print(f"{'stage':<12} {'seconds':>8} {'share':>7} {'x opencc':>9}")
    for name, secs in stages.items():
        print(f"{name:<12} {secs:8.3f} {secs / total:7.1%} {secs / t_cc:9.0f}")


if __name__ == "__main__":
    main()
