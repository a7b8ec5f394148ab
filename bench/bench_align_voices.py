"""How well ``align`` places narration read by voices other than its reference, condition by condition.

Each condition is a session built the way the tests build theirs (``tests/align_helpers.py``):
the first three narration blocks of the test script, read by the voice named, with the truth
known from where each piece was put. For each it prints blocks placed, cue-start errors (median,
95th percentile), the confidences, and seconds of processing per minute of audio. Conditions
that need the neural voice (``subtoolkit voices install``) or the human recording
(``../shared/dev-audio``) are skipped, with a line saying so, where they are absent.

aeneas-ng, the reference point of the issue, is run on the same files and the same cue texts (one
fragment per cue) where a Python with it is named by ``AENEAS_PYTHON``, and scored as ours are;
it synthesises with its espeak C extension (built on libespeak-ng) and needs ffmpeg. It is not a
dependency of the project: its C extensions build only with espeak-ng's and Festival's
development files. On Debian (the figures in the notes came from these commands)::

    apt-get install -y libespeak-ng-dev espeak-ng festival-dev libestools-dev python3-dev
    python3 -m venv /tmp/aeneas-venv && /tmp/aeneas-venv/bin/pip install "numpy<2" setuptools wheel
    /tmp/aeneas-venv/bin/pip install aeneas-ng
    AENEAS_PYTHON=/tmp/aeneas-venv/bin/python .venv/bin/python bench/bench_align_voices.py

Without it (or where that Python cannot import aeneas with its C extensions) the column says so.
Its first fragment begins with the file (aeneas keeps the lead-in in it), so its cue starts are
scored from the second cue on.

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


def _aeneas_python() -> tuple[str | None, str]:
    """The Python that runs aeneas-ng (``AENEAS_PYTHON``), or None and why not.

    It is checked once by importing aeneas's task runner and its C extensions there: a Python
    without them would fail on every condition, or fall back to aeneas's pure-Python DTW and print
    figures that are not aeneas as its users run it."""
    exe = os.environ.get("AENEAS_PYTHON")
    if not exe:
        return None, "not installed here (set AENEAS_PYTHON)"
    probe = "import aeneas.tools.execute_task, aeneas.cdtw.cdtw, aeneas.cew.cew, aeneas.cmfcc.cmfcc"
    try:
        r = subprocess.run([exe, "-c", probe], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"AENEAS_PYTHON does not run ({type(e).__name__})"
    if r.returncode != 0:
        return None, "AENEAS_PYTHON cannot import aeneas with its C extensions"
    return exe, ""


def _aeneas(exe: str | None, why: str, files: list[Path], folder: Path, cues: list[tuple[int, str]],
            script, session) -> str:  # type: ignore[no-untyped-def]
    """aeneas-ng on the same file and the same cue texts, one fragment per cue, scored as ours are:
    cue starts against the truth. Its first fragment begins with the file (aeneas keeps the
    lead-in in it), so it is scored from the second cue on."""
    if exe is None:
        return why
    if len(files) != 1:
        return "one file only"
    text = folder / "aeneas.txt"
    text.write_text("\n".join(t for _, t in cues) + "\n", encoding="utf-8")
    out = folder / "aeneas.json"
    config = "task_language=cmn|is_text_type=plain|os_task_file_format=json"
    # its espeak engine (the C extension on libespeak-ng), not its "espeak-ng" one: that one runs the
    # program per fragment and its boundaries come out stretched (on a file espeak-ng itself read
    # with 1 s pauses, its three boundaries were 2.7–5.3 s late; the C extension's, 0.3 s at most)
    cmd = [exe, "-m", "aeneas.tools.execute_task", str(files[0]), str(text), config, str(out), "-r=tts=espeak"]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, timeout=1200, env={**os.environ, "PYTHONIOENCODING": "UTF-8"})
    secs = time.perf_counter() - t0
    if r.returncode != 0 or not out.exists():
        return f"failed (exit {r.returncode})"
    import json

    frags = json.loads(out.read_text(encoding="utf-8"))["fragments"]
    if len(frags) != len(cues):
        return f"{len(frags)} fragments for {len(cues)} cues"
    errs = _cue_errors([(b, t, float(f["begin"]) * 1000) for (b, t), f in zip(cues, frags)][1:], script, session)
    return (f"cue starts {np.median(errs):.0f} / {np.percentile(errs, 95):.0f} ms (median / p95, n={len(errs)}); "
            f"{secs / (session.duration_ms / 60000):.2f} s/audio min")


def _cue_errors(placed: list[tuple[int, str, float]], script, session) -> list[float]:  # type: ignore[no-untyped-def]
    """|start - truth| of each cue (block, text, start ms) whose both ends are atom ends."""
    at: dict[int, int] = {}
    errs: list[float] = []
    for b, text, start in placed:
        first = block_text(script.blocks[b]).find(text, at.get(b, 0))
        at[b] = first + len(text)
        truth = session.truth(b, first, first + len(text))
        if truth:
            errs.append(abs(start - truth[0]))
    return errs


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
        aeneas, why = _aeneas_python()
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
            cues = [(c["block"], c["text"]) for c in result.report["cues"]]
            starts = _cue_errors([(c["block"], c["text"], c["speech_start_ms"]) for c in result.report["cues"]],
                                 script, session)
            placed = sum(1 for b in result.report["blocks"] if b["status"] != "unplaced")
            confs = ", ".join(f"{b['confidence']:.2f}" for b in result.report["blocks"])
            minutes = session.duration_ms / 60000
            print(f"{label:<32} {reference:<9} {placed:>3}/{len(narration):<2} {np.median(starts):9.0f} "
                  f"{np.percentile(starts, 95):6.0f} "
                  f"{secs / minutes:11.2f}  {confs} | "
                  f"{_aeneas(aeneas, why, session.files, folder, cues, script, session)}")


if __name__ == "__main__":
    main()
