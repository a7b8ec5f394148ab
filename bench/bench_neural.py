"""Neural voice benchmark: real-time factor with 1 and 2 workers, the sample's whole voiceover, memory.

Run: ``.venv/bin/python bench/bench_neural.py [--cues 60] [--no-whole]``

Needs the voice installed (``subtoolkit voices install``; ``make bench`` does it). It reports:

- real-time factor (wall time of synthesis / length of the audio; lower is faster) of the first
  ``--cues`` narration cues of the sample, rendered with 1 worker and with 2 workers, and the
  speed-up of 2 over 1 (ideal on two free cores: 2×);
- the espeak engine's real-time factor on the same cues, measured in the same run, as the
  reference a reader can compare against on another machine;
- the whole sample's ``subtoolkit voiceover --engine neural`` in a child process with an empty
  cache, run first while the benchmark process is small: wall time, the length of the voiceover
  it wrote, their ratio, and the peak resident memory of its whole process tree, sampled every
  0.1 s from /proc, beside its largest process's exact peak (the goals: under 3 minutes and
  under 1 GB on the 2-core machine); ``--whole-workers 1 2`` repeats it with those counts.

The whole-sample run renders the 45-minute sample once; skip it with ``--no-whole`` on a busy
machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import run_with_peak_memory  # noqa: E402  (bench/common.py, beside this script)
from subtoolkit.model import BlockKind  # noqa: E402
from subtoolkit.subtitles.profiles import load_profile  # noqa: E402
from subtoolkit.subtitles.timing import SpeechModel, plan_block  # noqa: E402
from subtoolkit.subtitles.timecode import parse_fps  # noqa: E402
from subtoolkit.text.ingest import read_source  # noqa: E402
from subtoolkit.text.parse import parse_lines  # noqa: E402
from subtoolkit.tts.neural import default_workers  # noqa: E402

SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"


def narration_cues(limit: int) -> list[str]:
    """The sample's narration cue texts, in order: what the voiceover sends, one request each."""
    script = parse_lines(read_source(SAMPLE).lines, path=str(SAMPLE))
    profile = load_profile()
    model = SpeechModel.from_profile(profile)
    out: list[str] = []
    for i, block in enumerate(script.blocks):
        if block.kind is BlockKind.NARRATION:
            out.extend(p.piece.source for p in plan_block(i, block, profile, model, parse_fps("25")))
        if len(out) >= limit:
            break
    return out[:limit]


def rtf(engine, texts: list[str], workers: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall seconds, audio seconds) of rendering ``texts`` with ``workers`` threads."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda t: engine.synthesize_sync(t), texts))
    wall = time.perf_counter() - t0
    return wall, sum(r.audio.duration_ms for r in results) / 1000


def whole_sample(workers: int | None = None) -> dict[str, object]:
    """The whole sample's voiceover in a child process, with an empty cache: wall time and the
    peak memory of its process tree (sampled every 0.1 s) and of its largest process (exact)."""
    import wave

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "subtoolkit", "voiceover", str(SAMPLE), "--engine", "neural", "-o", tmp,
               "--cache-dir", str(Path(tmp) / "cache")]
        if workers is not None:
            cmd += ["--concurrency", str(workers)]
        code, wall, peak_mb, largest_mb, stderr = run_with_peak_memory(cmd, env={**os.environ, "COLUMNS": "200"})
        if code != 0:
            raise SystemExit(f"voiceover failed: {stderr.strip()[-400:]}")
        with wave.open(str(Path(tmp) / f"{SAMPLE.stem}.voiceover.wav")) as w:
            audio_s = w.getnframes() / w.getframerate()
        manifest = json.loads((Path(tmp) / f"{SAMPLE.stem}.voiceover.manifest.json").read_text(encoding="utf-8"))
    return {
        "workers": workers or default_workers(),
        "segments": len(manifest["segments"]),
        "wall_s": round(wall, 1),
        "voiceover_min": round(audio_s / 60, 1),
        "wall_over_voiceover": round(wall / audio_s, 4),
        "wall_over_3_min_goal": round(wall / 180, 2),
        "peak_tree_mb": round(peak_mb),
        "peak_over_1_gb_goal": round(peak_mb / 1024, 2),
        "largest_process_peak_mb": round(largest_mb),  # exact, where the 0.1 s sampling can miss a spike
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cues", type=int, default=60, help="narration cues of the sample for the real-time factors")
    ap.add_argument("--no-whole", action="store_true", help="skip the whole-sample voiceover")
    ap.add_argument("--whole-workers", type=int, nargs="*", default=[],
                    help="also run the whole sample with these worker counts (default: only the default count)")
    args = ap.parse_args()

    from subtoolkit.tts.espeak import EspeakEngine
    from subtoolkit.tts.neural import NeuralEngine

    whole: dict[str, object] = {}
    if not args.no_whole:  # first, while this process is small (see run_with_peak_memory)
        whole["whole_sample"] = whole_sample()
        for workers in args.whole_workers:
            whole[f"whole_sample_{workers}_worker{'s' if workers > 1 else ''}"] = whole_sample(workers)
    texts = narration_cues(args.cues)
    report: dict[str, object] = {"cues": len(texts), "chars": sum(len(t) for t in texts)}
    for workers in (1, 2):
        engine = NeuralEngine(workers=workers)
        engine.synthesize_sync("预热。")  # model load is a one-off, not per-segment cost
        wall, audio = rtf(engine, texts, workers)
        report[f"neural_rtf_{workers}_worker{'s' if workers > 1 else ''}"] = round(wall / audio, 4)
        report[f"neural_audio_s_{workers}"] = round(audio, 1)
    report["neural_speedup_2_over_1"] = round(report["neural_rtf_1_worker"] / report["neural_rtf_2_workers"], 2)  # type: ignore[operator]
    espeak = EspeakEngine()
    espeak.synthesize_sync("预热。")
    wall, audio = rtf(espeak, texts, 1)
    report["espeak_rtf_reference"] = round(wall / audio, 4)
    report["neural_rtf_over_espeak_rtf"] = round(report["neural_rtf_1_worker"] / report["espeak_rtf_reference"], 1)  # type: ignore[operator]
    report.update(whole)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
