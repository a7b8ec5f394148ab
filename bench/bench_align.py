"""Real-time factor of ``align``: seconds of processing per minute of recorded narration, CLI.

The recording is built the way the tests build theirs (``tests/align_helpers.py``): the espeak
engine reads the first ~10 minutes of the sample script's narration at a pace 10 % off the
estimate, with 0.2–2 s pauses, breaths, pink room noise at 20 dB SNR, at 44.1 kHz, cut into three
files (WAV, MP3, FLAC). When the neural voice is installed, the same part is also read by it (the
default reference, ``auto``, is then the neural voice: the typical run).

Every figure is a fresh ``subtoolkit align`` process, what a user waits for (interpreter,
imports, decoding, the reference reading, alignment, writing), timed twice with the same
reference cache folder (``$SUBTOOLKIT_CACHE_DIR``, a temporary one): **first run** (empty
cache: every cue is synthesised) and **cached** (a second alignment of the same script: the
analysed reference is read back). Rows:

- **script = recording**: a script holding exactly the recorded part (the common case);
- **whole script**: the same recording against the whole 40-minute sample, as when the talent
  has recorded one part of the film so far (every block is synthesised, most are found missing);
- **neural**: the neural voice's reading of the part, aligned with the default reference;
- **neural, after build**: the same, in a cache folder where ``subtoolkit build`` of the part has
  run first (the usual workflow: the scratch voiceover, then the recording): the reference's cues
  are the voiceover's segments, read from the voice cache instead of synthesised (blocks the
  aligner re-cuts for the talent's pace are new texts, and synthesised);
- **voiceover, after build**: that build's own voiceover as the recording (a talent at the
  voice's pace: fewest blocks re-cut).

What a user has after any first command is there for every run, as on a machine where
subtoolkit has run before: Python's compiled bytecode, kept in a temporary
``$PYTHONPYCACHEPREFIX`` (also where ``$PYTHONDONTWRITEBYTECODE`` is set, which would otherwise
make every process compile the package's sources again, some 0.1 s), and the word dictionary's
cache (``<cache>/words``: jieba's dictionary, sorted once per installed jieba, 0.25 s the first
time), both made by one untimed run of each build before the rows. Each row's reference and
voice caches start empty all the same.

Wall-clock time on a shared machine is noisy, so each row also gives the CPU seconds (user +
sys) of the process and its children, and the ratio to a reference measured in the same run:
ffmpeg decoding the same files to the analysis rate (16 kHz mono float), the one step no
aligner can skip. ``--baseline EXE`` adds the same rows for another build's ``subtoolkit``
(e.g. the main branch's), for an A/B in one run: the two builds take turns run by run.

aeneas's claim for comparison: "a dozen minutes of audio in a few seconds" (with its C
extensions), i.e. a few tenths of a second per minute. Run with
``.venv/bin/python bench/bench_align.py [--baseline PATH]``; it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from align_helpers import build_session  # noqa: E402

from subtoolkit.align.plan import block_text, narration_blocks  # noqa: E402
from subtoolkit.text.ingest import read_source  # noqa: E402
from subtoolkit.text.parse import parse_lines  # noqa: E402
from subtoolkit.text.spoken import count_syllables  # noqa: E402

SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"
TARGET_MIN = 10.0


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + sys, the process and its children) seconds of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def decode_reference(files: list[Path]) -> tuple[float, float]:
    """ffmpeg decoding ``files`` to 16 kHz mono float, as the aligner asks it to."""
    from imageio_ffmpeg import get_ffmpeg_exe

    exe = get_ffmpeg_exe()
    wall = cpu = 0.0
    for f in files:
        w, c = timed([exe, "-v", "error", "-i", str(f), "-map", "0:a:0", "-ac", "1", "-ar", "16000", "-f", "f32le",
                      "-"], dict(os.environ))
        wall, cpu = wall + w, cpu + c
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, help="another build's subtoolkit executable, timed the same way")
    args = parser.parse_args()
    from subtoolkit.tts.choose import neural_installed

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    full = parse_lines(read_source(SAMPLE).lines)
    with tempfile.TemporaryDirectory(prefix="bench-align-") as tmp:
        work = Path(tmp)
        chosen, est = [], 0.0  # the first blocks of narration worth ~10 minutes at the estimate's pace
        for b in narration_blocks(full):
            chosen.append(b)
            est += count_syllables(block_text(full.blocks[b])) / 4.0 + 1.5
            if est >= TARGET_MIN * 60 * 0.97:
                break
        part = work / "part.txt"
        part.write_text("\n".join(lines[: full.blocks[chosen[-1]].last_line]) + "\n", encoding="utf-8")
        script = parse_lines(read_source(part).lines)
        blocks = narration_blocks(script)
        third = len(blocks) // 3
        layout = dict(blocks=blocks, rate=10, seed=7, sample_rate=44100, formats=("wav", "mp3", "flac"),
                      split_before=(blocks[third], blocks[2 * third]))
        t0 = time.perf_counter()
        session = build_session(script, work / "vo", **layout)  # type: ignore[arg-type]
        print(f"recording: {session.duration_ms / 60000:.1f} min in {len(session.files)} files, {len(blocks)} "
              f"narration blocks ({session.breaths} breaths); built in {time.perf_counter() - t0:.1f} s")
        sessions = [("espeak", session, "espeak")]
        if neural_installed():
            from subtoolkit.align.voice import NeuralVoice

            t0 = time.perf_counter()
            neural = build_session(script, work / "vo-neural", readers={b: NeuralVoice(rate=10) for b in blocks},
                                   **layout)  # type: ignore[arg-type]
            print(f"neural reading of the same part: {neural.duration_ms / 60000:.1f} min; built in "
                  f"{time.perf_counter() - t0:.1f} s")
            sessions.append(("neural", neural, "auto"))
        else:
            print("the neural voice is not installed: its rows are left out (subtoolkit voices install)")

        built = work / "cache-built"  # the voice cache of a build of the part (this build's: same keys)
        after_build = []
        if len(sessions) > 1:
            from types import SimpleNamespace

            from subtoolkit.audio.decode import decode

            wall, cpu = timed([sys.executable, "-m", "subtoolkit", "build", str(part), "-o", str(work / "built"),
                               "--voice", "neural"], dict(os.environ, SUBTOOLKIT_CACHE_DIR=str(built)))
            print(f"build of the part (neural voiceover) beforehand: {wall:.1f} s wall, {cpu:.1f} s CPU")
            track = next((work / "built").rglob("*.voiceover.mp3"))
            after_build = [("neural, after build", sessions[1]),
                           ("voiceover, after build", ("voiceover", SimpleNamespace(
                               files=[track], duration_ms=decode(track).duration_ms), "auto"))]

        decode_per_min = {}
        for kind, sess, _ in [*sessions, *(s for _, s in after_build[1:])]:
            mins = sess.duration_ms / 60000
            d_wall, d_cpu = decode_reference(sess.files)
            decode_per_min[kind] = d_wall / mins
            print(f"reference, ffmpeg decoding the {kind} files to 16 kHz: {d_wall:.2f} s wall, {d_cpu:.2f} s CPU "
                  f"= {d_wall / mins:.3f} s wall per audio min")
        print()
        print(f"{'build':<9} {'run':<30} {'audio min':>9} {'wall s':>7} {'s/audio min':>11} {'CPU s':>6} "
              f"{'CPU/min':>7} {'x decode':>8} {'placed':>7}")
        builds = [("this", [sys.executable, "-m", "subtoolkit"])]
        if args.baseline:
            builds.append(("baseline", [str(args.baseline)]))
        runs = [("script = recording", part, sessions[0]), ("whole script (40 min)", SAMPLE, sessions[0])]
        runs += [("neural reading, auto reference", part, s) for s in sessions[1:]]
        runs += [(label, part, s) for label, s in after_build]
        bytecode = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        bytecode["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        for name, exe in builds:  # untimed: compiles (and caches) what an alignment imports, with either voice
            for _, script_path, (kind, sess, reference) in [runs[0], *runs[2:3]]:
                warm = dict(bytecode, SUBTOOLKIT_CACHE_DIR=str(work / f"cache-warm-{name}-{kind}"))
                subprocess.run([*exe, "align", str(script_path), *map(str, sess.files), "-o",
                                str(work / f"warm-{name}-{kind}"), "--reference", reference, "--force"], check=True,
                               capture_output=True, env=warm)
        for label, script_path, (kind, sess, reference) in runs:
            mins = sess.duration_ms / 60000
            envs = {}
            for name, _ in builds:
                cache = work / f"cache-{name}-{kind}-{script_path.stem}-{label.split(',')[-1].strip()}"
                if "after build" in label:
                    shutil.copytree(built / "voice", cache / "voice")
                warm_words = work / f"cache-warm-{name}-{runs[0][2][0]}" / "words"
                if warm_words.is_dir():
                    shutil.copytree(warm_words, cache / "words")
                envs[name] = dict(bytecode, SUBTOOLKIT_CACHE_DIR=str(cache))
            for when in ("first run", "cached"):
                for name, exe in builds:  # the builds take turns, so both meet the machine's load of the moment
                    out = work / f"out-{name}-{kind}-{script_path.stem}-{when.replace(' ', '')}"
                    wall, cpu = timed([*exe, "align", str(script_path), *map(str, sess.files), "-o", str(out),
                                       "--reference", reference, "--force"], envs[name])
                    report = json.loads(next(out.glob("*.report.json")).read_text(encoding="utf-8"))["summary"]
                    print(f"{name:<9} {label + ', ' + when:<30} {mins:9.1f} {wall:7.2f} {wall / mins:11.3f} "
                          f"{cpu:6.2f} {cpu / mins:7.3f} {wall / mins / decode_per_min[kind]:8.1f} "
                          f"{report['placed']:>3}/{report['narration_blocks']:<3}", flush=True)

if __name__ == "__main__":
    main()
