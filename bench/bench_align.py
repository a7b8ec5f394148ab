"""Real-time factor of ``align``: seconds of processing per minute of recorded narration.

The recording is built the way the tests build theirs (``tests/align_helpers.py``): the espeak
engine reads the first ~10 minutes of the sample script's narration at a pace 10 % off the
estimate, with 0.2–2 s pauses, breaths, pink room noise at 20 dB SNR, at 44.1 kHz, cut into three
files (WAV, MP3, FLAC). Two runs are timed end to end (decode → align → write, as the CLI does):

- **script = recording**: a script holding exactly the recorded part (the common case);
- **whole script**: the same recording against the whole 40-minute sample, as when the talent
  has recorded one part of the film so far. Every block must then be synthesised and most of
  them found missing, so this costs more per minute of audio.

aeneas's claim for comparison: "a dozen minutes of audio in a few seconds" (with its C
extensions), i.e. a few tenths of a second per minute. The session is espeak's, so the espeak reference is named
(``--reference espeak``). Run with
``.venv/bin/python bench/bench_align.py``; it prints its figures and asserts nothing.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from align_helpers import build_session  # noqa: E402

from subtoolkit.jobs.align import AlignOptions, run_align  # noqa: E402
from subtoolkit.align.plan import narration_blocks  # noqa: E402
from subtoolkit.text.ingest import read_source  # noqa: E402
from subtoolkit.text.parse import parse_lines  # noqa: E402

SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"
TARGET_MIN = 10.0


def main() -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    full = parse_lines(read_source(SAMPLE).lines)
    with tempfile.TemporaryDirectory(prefix="bench-align-") as tmp:
        work = Path(tmp)
        # the first blocks of narration worth ~10 minutes at the estimate's pace
        from subtoolkit.align.plan import block_text
        from subtoolkit.text.spoken import count_syllables

        chosen, est = [], 0.0
        for b in narration_blocks(full):
            chosen.append(b)
            est += count_syllables(block_text(full.blocks[b])) / 4.0 + 1.5
            if est >= TARGET_MIN * 60 * 0.97:
                break
        last_line = full.blocks[chosen[-1]].last_line
        part = work / "part.txt"
        part.write_text("\n".join(lines[:last_line]) + "\n", encoding="utf-8")
        script = parse_lines(read_source(part).lines)
        blocks = narration_blocks(script)
        third = len(blocks) // 3
        t0 = time.perf_counter()
        session = build_session(script, work / "vo", blocks=blocks, rate=10, seed=7, sample_rate=44100,
                                split_before=(blocks[third], blocks[2 * third]), formats=("wav", "mp3", "flac"))
        built = time.perf_counter() - t0
        minutes = session.duration_ms / 60000
        print(f"recording: {minutes:.1f} min in {len(session.files)} files, {len(blocks)} narration blocks "
              f"({session.breaths} breaths); built in {built:.1f} s\n")
        print(f"{'run':<26} {'audio min':>9} {'seconds':>8} {'s per audio min':>16} {'placed':>8}")
        for label, path in (("script = recording", part), ("whole script (40 min)", SAMPLE)):
            t0 = time.perf_counter()
            result = run_align(path, session.files, AlignOptions(out_dir=work / f"out-{path.stem}", reference="espeak"))
            secs = time.perf_counter() - t0
            s = result.report["summary"]
            print(f"{label:<26} {minutes:9.1f} {secs:8.1f} {secs / minutes:16.2f} "
                  f"{s['placed']:>4}/{s['narration_blocks']:<3}")
        # what a user waits for: a fresh process (interpreter, imports, jieba's dictionary) via the CLI
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "subtoolkit", "align", str(part), *map(str, session.files), "-o",
                        str(work / "cli"),
                        "--reference", "espeak"],
                       check=True, capture_output=True)
        secs = time.perf_counter() - t0
        print(f"{'CLI, fresh process':<26} {minutes:9.1f} {secs:8.1f} {secs / minutes:16.2f}")


if __name__ == "__main__":
    main()
