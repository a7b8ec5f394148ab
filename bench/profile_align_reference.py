"""Where a first ``align`` run with the neural reference spends its time, stage by stage.

The recording is the benchmark's (``bench_align.py``): the neural voice reading the first ~10
minutes of the sample's narration at a pace 10 % off the estimate, with pauses, breaths and room
noise, in three files. The job then runs in this process as the CLI runs it (``run_align``), with
an empty reference cache, while each stage's CPU seconds are summed over the threads that run it
(``time.thread_time``: the reference is read on two worker threads beside the decoding):

- **acoustic model**: the neural voice's phrase → mel spectrogram calls (LiteRT);
- **vocoder**: the mel → 24 kHz audio calls (LiteRT);
- **front end and glue**: the rest of a cue's synthesis (pinyin, phrase cutting, PCM conversions);
- **reference analysis**: the reference's features from its audio (or its mel spectrogram);
- **recording analysis**: the recordings' features and speech detection (decoding by ffmpeg
  runs in a child process: its CPU is given apart);
- **alignment**: the rest of :func:`subtoolkit.align.core.align` (the DTW passes, judging), less
  the reference readings it asks for when it re-cuts a block.

The instrumentation wraps functions from outside; nothing in the package is changed. Run with
``.venv/bin/python bench/profile_align_reference.py [--reference auto|neural|espeak] [--keep DIR]``;
it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"
TARGET_MIN = 10.0

_cpu: dict[str, float] = defaultdict(float)
_calls: dict[str, int] = defaultdict(int)
_lock = threading.Lock()
_local = threading.local()


def _timed(name: str, fn: Any) -> Any:
    """``fn`` with its thread CPU time added to ``name`` (the time of nested timed calls is not)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        t0 = time.thread_time()
        stack.append(0.0)
        try:
            return fn(*args, **kwargs)
        finally:
            inner = stack.pop()
            spent = time.thread_time() - t0
            with _lock:
                _cpu[name] += spent - inner
                _calls[name] += 1
            if stack:
                stack[-1] += spent

    return wrapper


def _patch(owner: Any, attr: str, name: str) -> None:
    setattr(owner, attr, _timed(name, getattr(owner, attr)))


def build_part(work: Path) -> tuple[Path, list[Path], float]:
    """The benchmark's part of the sample and the neural voice's reading of it (files, minutes)."""
    from align_helpers import build_session

    from subtoolkit.align.plan import block_text, narration_blocks
    from subtoolkit.align.voice import NeuralVoice
    from subtoolkit.text.ingest import read_source
    from subtoolkit.text.parse import parse_lines
    from subtoolkit.text.spoken import count_syllables

    part = work / "part.txt"
    done = work / "vo-neural" / "done"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    full = parse_lines(read_source(SAMPLE).lines)
    chosen, est = [], 0.0
    for b in narration_blocks(full):
        chosen.append(b)
        est += count_syllables(block_text(full.blocks[b])) / 4.0 + 1.5
        if est >= TARGET_MIN * 60 * 0.97:
            break
    part.write_text("\n".join(lines[: full.blocks[chosen[-1]].last_line]) + "\n", encoding="utf-8")
    if done.exists():
        files = [work / "vo-neural" / n for n in done.read_text(encoding="utf-8").split("\n")[1:] if n]
        return part, files, float(done.read_text(encoding="utf-8").split("\n")[0])
    script = parse_lines(read_source(part).lines)
    blocks = narration_blocks(script)
    third = len(blocks) // 3
    session = build_session(script, work / "vo-neural", blocks=blocks, rate=10, seed=7, sample_rate=44100,
                            formats=("wav", "mp3", "flac"), split_before=(blocks[third], blocks[2 * third]),
                            readers={b: NeuralVoice(rate=10) for b in blocks})
    mins = session.duration_ms / 60000
    done.write_text("\n".join([f"{mins}", *(f.name for f in session.files)]), encoding="utf-8")
    return part, list(session.files), mins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", default="auto", choices=("auto", "neural", "espeak"))
    parser.add_argument("--keep", type=Path, help="a folder to keep the recording in (built once, reused)")
    args = parser.parse_args()
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        print("the neural voice is not installed (subtoolkit voices install): nothing to profile")
        return
    tmp = tempfile.TemporaryDirectory(prefix="profile-align-")
    work = args.keep or Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    part, files, mins = build_part(work)
    cache = Path(tmp.name) / "cache"
    os.environ["SUBTOOLKIT_CACHE_DIR"] = str(cache)

    import subtoolkit.align.core as core
    import subtoolkit.align.reference as reference
    import subtoolkit.audio.decode as decode
    import subtoolkit.tts.neural as neural
    from subtoolkit.align.voice import EspeakVoice, NeuralVoice
    from subtoolkit.jobs.align import AlignOptions, run_align

    # acoustic = _Runtime.render less its vocode() call (timed on its own, nested)
    _patch(neural._Runtime, "vocode", "vocoder")
    if hasattr(neural._Runtime, "mel"):  # render() = mel() + vocode(): mel() is the acoustic model
        _patch(neural._Runtime, "mel", "acoustic model")
        _patch(neural._Runtime, "render", "front end and glue")
    else:
        _patch(neural._Runtime, "render", "acoustic model")
    _patch(neural._Runtime, "__init__", "voice loading")
    _patch(NeuralVoice, "render", "front end and glue")
    if hasattr(NeuralVoice, "read_reference"):
        _patch(NeuralVoice, "read_reference", "front end and glue")
    _patch(EspeakVoice, "render", "espeak synthesis")
    _patch(reference, "analyse_references", "reference analysis")
    try:
        import subtoolkit.align.melref as melref

        _patch(melref, "features_from_mels", "reference analysis")
    except ImportError:  # an older build: its reference is always analysed from audio
        pass
    _patch(core, "analyse_track", "recording analysis")
    _patch(decode, "decode", "decoding (Python side)")
    core_align = _timed("alignment", core.align)
    import subtoolkit.align.core

    subtoolkit.align.core.align = core_align

    r0, c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = run_align(part, files, AlignOptions(out_dir=Path(tmp.name) / "out", reference=args.reference,
                                                 force=True))
    wall = time.perf_counter() - t0
    r1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    child = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    summary = result.report["summary"]
    print(f"{mins:.1f} audio min, reference {result.report['reference_voice'][:40]}; placed "
          f"{summary['placed']}/{summary['narration_blocks']}")
    print(f"in-process job: {wall:.2f} s wall = {wall / mins:.3f} s/audio min; CPU {cpu:.2f} s in this process, "
          f"{child:.2f} s in ffmpeg")
    print(f"{'stage':<28} {'CPU s':>7} {'s/audio min':>11} {'share':>6} {'calls':>6}")
    total = sum(_cpu.values())
    for name, spent in sorted(_cpu.items(), key=lambda kv: -kv[1]):
        print(f"{name:<28} {spent:7.2f} {spent / mins:11.3f} {spent / cpu:6.1%} {_calls[name]:6d}")
    print(f"{'(rest: imports, planning, writing)':<28} {cpu - total:7.2f} {(cpu - total) / mins:11.3f} "
          f"{(cpu - total) / cpu:6.1%}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
