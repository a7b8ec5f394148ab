"""How well ``align`` places narration read by voices other than its reference, condition by condition.

Each condition is a session built the way the tests build theirs (``tests/align_helpers.py``):
the first three narration blocks of the test script, read by the voice named, with the truth
known from where each piece was put. For each it prints blocks placed, cue-start errors (median,
95th percentile), the confidences, and seconds of processing per minute of audio. Conditions
that need the neural voice (``subtoolkit voices install``) or the human recording
(``../shared/dev-audio``) are skipped, with a line saying so, where they are absent.

aeneas-ng, the reference point of the issue, is run on the same files where it can be installed
(a Python with ``aeneas`` named by ``AENEAS_PYTHON``; it reads with the espeak-ng program and needs
ffmpeg's): its C extensions build only with Festival's development files (Debian: festival-dev,
libestools-dev, libespeak-ng-dev), and without them the column says it is not installed. Its
block starts are scored from the second block on (its first fragment begins with the file).

Run with ``.venv/bin/python bench/bench_align_voices.py``; it prints its figures and asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from align_helpers import Talent, build_session, mini_script  # noqa: E402

from subtoolkit.align.plan import block_text, narration_blocks  # noqa: E402
from subtoolkit.align.voice import NeuralVoice  # noqa: E402
from subtoolkit.jobs.align import AlignOptions, run_align  # noqa: E402
from subtoolkit.text.ingest import read_source  # noqa: E402
from subtoolkit.text.parse import parse_lines  # noqa: E402
from subtoolkit.tts.choose import neural_installed  # noqa: E402

SHARED = ROOT.parent / "shared"
TALENT = dict(snr_db=25, formats=("mp3",), sample_rate=16000, talent=Talent(stretch=1.12, reverb_s=0.3, mp3_kbps=32))


def _part(path: Path, script, blocks: list[int], into: Path) -> Path:  # type: ignore[no-untyped-def]
    lines = path.read_text(encoding="utf-8").splitlines()
    part = into / "part.txt"
    part.write_text("\n".join(lines[: script.blocks[blocks[-1]].last_line]) + "\n", encoding="utf-8")
    return part


def _aeneas(files: list[Path], script_path: Path, blocks: list[int], script, session) -> str:  # type: ignore[no-untyped-def]
    exe = os.environ.get("AENEAS_PYTHON")
    if not exe:
        return "not installed here"
    if len(files) != 1:
        return "one file only"
    text = script_path.parent / "aeneas.txt"
    text.write_text("\n".join(block_text(script.blocks[b]) for b in blocks) + "\n", encoding="utf-8")
    out = script_path.parent / "aeneas.json"
    config = "task_language=cmn|is_text_type=plain|os_task_file_format=json"
    cmd = [exe, "-m", "aeneas.tools.execute_task", str(files[0]), str(text), config, str(out), "-r=tts=espeak-ng"]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, timeout=600, env={**os.environ, "PYTHONIOENCODING": "UTF-8"})
    secs = time.perf_counter() - t0
    if r.returncode != 0:
        return "failed"
    import json

    frags = json.loads(out.read_text(encoding="utf-8"))["fragments"]
    # the first fragment begins with the file (aeneas keeps the lead-in in it): from the second on
    errs = [abs(float(f["begin"]) * 1000 - session.block_truth(b)[0]) for f, b in zip(frags[1:], blocks[1:])]
    return f"block starts {', '.join(f'{e:.0f}' for e in errs)} ms; {secs / (session.duration_ms / 60000):.1f} s/min"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-voices-") as tmp:
        work = Path(tmp)
        path = mini_script(work)
        script = parse_lines(read_source(path).lines)
        narration = narration_blocks(script)[:3]
        conditions: list[tuple[str, str, dict]] = [  # type: ignore[type-arg]
            ("espeak, 20 dB", "espeak", dict(seed=1)),
            ("espeak f2 as another talent", "espeak", dict(seed=16, rate=-10, voice="cmn+f2", **TALENT)),
        ]
        if neural_installed():
            neural = {b: NeuralVoice() for b in narration}
            conditions += [
                ("neural, clean", "neural", dict(seed=41, snr_db=None, readers=neural)),
                ("neural, clean", "espeak", dict(seed=41, snr_db=None, readers=neural)),
                ("neural as another talent", "neural",
                 dict(seed=42, readers={b: NeuralVoice(rate=-10) for b in narration}, **TALENT)),
                ("neural, 20 dB, 32 kbps MP3", "neural", dict(seed=43, snr_db=20, formats=("mp3",), sample_rate=16000,
                                                               talent=Talent(mp3_kbps=32), readers=neural)),
            ]
        else:
            print("neural voice not installed: its conditions are skipped (subtoolkit voices install)")
        print(f"{'condition':<32} {'reference':<9} {'placed':>6} {'start med':>9} {'p95':>6} {'s/audio min':>11}  "
              f"confidences | aeneas-ng")
        for k, (label, reference, kwargs) in enumerate(conditions):
            folder = work / f"c{k}"
            session = build_session(script, folder / "vo", blocks=narration, **kwargs)
            part = _part(path, script, narration, folder)
            t0 = time.perf_counter()
            result = run_align(part, session.files,
                               AlignOptions(out_dir=folder / "out", reference=reference, force=True))
            secs = time.perf_counter() - t0
            starts = []
            at: dict[int, int] = {}
            for cue in result.report["cues"]:
                b = cue["block"]
                first = block_text(script.blocks[b]).find(cue["text"], at.get(b, 0))
                at[b] = first + len(cue["text"])
                truth = session.truth(b, first, first + len(cue["text"]))
                if truth:
                    starts.append(abs(cue["speech_start_ms"] - truth[0]))
            placed = sum(1 for b in result.report["blocks"] if b["status"] != "unplaced")
            confs = ", ".join(f"{b['confidence']:.2f}" for b in result.report["blocks"])
            minutes = session.duration_ms / 60000
            print(f"{label:<32} {reference:<9} {placed:>3}/{len(narration):<2} {np.median(starts):9.0f} "
                  f"{np.percentile(starts, 95):6.0f} "
                  f"{secs / minutes:11.2f}  {confs} | {_aeneas(session.files, part, narration, script, session)}")


if __name__ == "__main__":
    main()
