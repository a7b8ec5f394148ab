"""Recordings with known ground truth, built offline, for the aligner's tests and benchmark.

A "narrator" is the espeak engine reading the script at a chosen pace. To know where every
possible cue boundary falls, the narration is read one *atom* at a time (the segmenter's unbreakable
pieces: a clause that fits a line, or a word of a longer one), each atom trimmed to its sound and
laid on the track with a pause chosen by the break after it: none to a few tens of ms between
words, a comma's breath, 0.2–2 s between sentences and paragraphs. The truth is then the onset and
offset of every atom, on the clock of the files as written. On top: breaths in the longer pauses,
pink room noise at a given SNR, a sample rate other than the voice's, and the track cut into
several files of different formats.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from subtoolkit.align.plan import block_text, narration_blocks
from subtoolkit.model import Script
from subtoolkit.subtitles.profiles import Profile, load_profile
from subtoolkit.subtitles.segment import Atom as SegAtom
from subtoolkit.subtitles.segment import atoms_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"
MINI_LINES = (1, 2, 3, 4, 5, 9, 20, 21, 22, 24, 25, 26, 27, 28)
"""A few paragraphs of the sample with what surrounds narration in a real script: a title, sync
sound, two interviews, a section heading. Five narration blocks, two to four minutes of reading."""

ONSET_DB = -40.0
"""An atom starts and ends where its 5 ms envelope crosses this level below its peak."""


def mini_script(folder: Path) -> Path:
    """Write the test script (lines :data:`MINI_LINES` of the sample) into ``folder``."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = folder / "mini.txt"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines[n - 1] for n in MINI_LINES) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# the narrator's voice


def espeak_voice(rate: int = 0):  # type: ignore[no-untyped-def]
    """The offline espeak engine as an aligner voice, at ``rate`` percent off its normal pace."""
    from subtoolkit.align.voice import EspeakVoice

    return EspeakVoice(rate=rate)


# ---------------------------------------------------------------------------------------------
# the recording


@dataclass(frozen=True)
class Atom:
    block: int
    first: int  # character offsets in the block's normalised text
    last: int
    onset_ms: float  # on the track's clock (before it is cut into files)
    offset_ms: float


@dataclass
class Session:
    """A built recording session: the files, and the truth about them."""

    files: list[Path]
    atoms: list[Atom]
    skipped: list[int]
    file_starts_ms: list[float]  # where each file starts on the track (before encoding)
    duration_ms: float
    pauses_ms: list[float] = field(default_factory=list)
    breaths: int = 0
    retakes: list[tuple[int, float, float]] = field(default_factory=list)
    """(block, start, end) of each abandoned first reading, on the track's clock."""

    def truth(self, block: int, first: int, last: int) -> tuple[float, float] | None:
        """True onset and offset of the text ``[first, last)`` of ``block``, if both ends are atom ends."""
        start = next((a for a in self.atoms if a.block == block and a.first == first), None)
        end = next((a for a in self.atoms if a.block == block and a.last == last), None)
        if start is None or end is None:
            return None
        return start.onset_ms, end.offset_ms

    def cue_truths(self, cues: list[dict], script: Script) -> list[tuple[dict, tuple[float, float] | None]]:
        """Each reported cue with the true onset and offset of its text (session-local clock).

        A cue's text is found in its block's text after the block's previous cue, so a phrase
        repeated inside a block is matched to the right reading."""
        at: dict[int, int] = {}
        out: list[tuple[dict, tuple[float, float] | None]] = []
        for cue in cues:
            b = cue["block"]
            first = block_text(script.blocks[b]).find(cue["text"], at.get(b, 0))
            at[b] = first + len(cue["text"])
            out.append((cue, self.truth(b, first, first + len(cue["text"]))))
        return out

    def block_truth(self, block: int) -> tuple[float, float] | None:
        """True onset and offset of a whole block, if it was read."""
        mine = [a for a in self.atoms if a.block == block]
        return (mine[0].onset_ms, mine[-1].offset_ms) if mine else None

    def local(self, t_ms: float) -> tuple[int, float]:
        """File index and time within that file of a track time."""
        k = max(i for i, s in enumerate(self.file_starts_ms) if s <= t_ms + 1e-6)
        return k, t_ms - self.file_starts_ms[k]


def _trim(x: np.ndarray, rate: int) -> tuple[int, int]:
    """First and last sample of an atom's sound (5 ms envelope above ONSET_DB re its peak)."""
    hop = max(1, rate // 200)
    n = len(x) // hop
    if n == 0:
        return 0, len(x)
    env = np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1))
    thr = env.max() * 10 ** (ONSET_DB / 20)
    on = np.flatnonzero(env > thr)
    if not len(on):
        return 0, 0
    return int(on[0]) * hop, int(on[-1] + 1) * hop


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.normal(size=n))
    f = np.arange(len(spec))
    spec[1:] /= np.sqrt(f[1:])
    spec[0] = 0
    out = np.fft.irfft(spec, n)
    return (out / (np.std(out) + 1e-12)).astype(np.float32)


def _breath(rate: int, ms: float, rng: np.random.Generator) -> np.ndarray:
    """An inhale: band-limited noise (≈ 500–4000 Hz) under a soft rise and fall."""
    n = int(rate * ms / 1000)
    spec = np.fft.rfft(rng.normal(size=n))
    f = np.fft.rfftfreq(n, 1 / rate)
    spec *= np.exp(-0.5 * ((f - 1800) / 900) ** 2)
    x = np.fft.irfft(spec, n)
    env = np.sin(np.linspace(0, np.pi, n)) ** 1.5
    out = x * env
    return (out / (np.sqrt(np.mean(out**2)) + 1e-12)).astype(np.float32)


def _words(atoms: list[SegAtom]) -> list[SegAtom]:
    """Atoms joined back into whole words: nobody reads a long clause one character at a time.

    A cue cut between two characters of one word (the segmenter's last resort) is then not at an
    atom end and goes unscored, which the tests count.
    """
    out: list[SegAtom] = []
    for a in atoms:
        if out and out[-1].brk == "char":
            out[-1] = SegAtom(out[-1].text + a.text, a.brk)
        else:
            out.append(a)
    return out


PAUSES_MS = {"word": (0, 30), "char": (0, 20), "enum_drop": (40, 140), "enum": (60, 160), "comma": (120, 350),
             "clause": (180, 450)}


@dataclass(frozen=True)
class Retake:
    """An abandoned reading: sentence ``sentence`` of ``block`` begun, stopped after about
    ``upto`` of its characters (at a word end; 1.0 reads it all), and read again from its start
    after a pause of ``gap_ms`` (drawn from that range)."""

    block: int
    sentence: int = 0
    upto: float = 1.0
    gap_ms: tuple[float, float] = (700, 1200)


def _abandoned(pieces: list[SegAtom], retake: Retake) -> tuple[int, int]:
    """The pieces ``[first, stop)`` read before the talent stopped: from the start of the
    retaken sentence to the word end nearest ``upto`` of its length (at least one word)."""
    bounds = [0] + [k + 1 for k, a in enumerate(pieces) if a.brk == "sentence" and k + 1 < len(pieces)]
    first = bounds[retake.sentence]
    end = bounds[retake.sentence + 1] if retake.sentence + 1 < len(bounds) else len(pieces)
    total = sum(len(a.text) for a in pieces[first:end])
    read, stop = 0, first
    while stop < end and (stop == first or read + len(pieces[stop].text) / 2 <= retake.upto * total):
        read += len(pieces[stop].text)
        stop += 1
    return first, stop


@dataclass(frozen=True)
class Talent:
    """What makes a recording sound like another person in another room, applied to the whole
    track after it is read: played slower and lower (``stretch`` > 1, by resampling, so formants
    and pace move together), a small room's reverb (``reverb_s``: RT60), and the delivery codec
    (``mp3_kbps`` with ``formats=("mp3",)``)."""

    stretch: float = 1.0
    reverb_s: float = 0.0
    mp3_kbps: int = 128


class Clip:
    """A reader that says one fixed utterance (a real recording) for one text: the whole block
    is a single atom, and only its start and end are known."""

    whole = True

    def __init__(self, text: str, samples: np.ndarray, rate: int, stretch: float = 1.0) -> None:
        self.text = text
        if stretch != 1.0:  # another speaker: the same voice played slower and lower, or faster and higher
            from subtoolkit.align.reference import _resample

            samples = _resample(samples, rate, int(round(rate * stretch)))
        # the speech itself: from the first 5 ms frame within 30 dB of the peak (a recording's
        # clicks and room sounds before the first word stay out) to the last within 45 dB
        hop = rate // 200
        n = len(samples) // hop
        env = 20 * np.log10(np.sqrt(np.mean(samples[: n * hop].reshape(n, hop) ** 2, axis=1)) + 1e-9)
        on = int(np.flatnonzero(env > env.max() - 30)[0])
        off = int(np.flatnonzero(env > env.max() - 45)[-1]) + 1
        self.samples, self.rate = samples[on * hop : off * hop].astype(np.float32), rate

    def render(self, text: str) -> tuple[np.ndarray, int]:
        assert text == self.text, (text, self.text)
        return self.samples, self.rate


def human_clip(shared: Path) -> tuple[str, np.ndarray, int]:
    """The real recording of ``shared/dev-audio`` and its transcript (skips the test without it)."""
    import pytest

    wav = shared / "dev-audio" / "asr_example.wav"
    if not wav.exists():
        pytest.skip(f"{wav} is absent (the shared folder beside the checkout holds the human recording)")
    from subtoolkit.audio.decode import decode

    d = decode(wav)
    return "欢迎大家来体验达摩院推出的语音识别模型。", d.samples, d.rate


def music_bed(n: int, rate: int, rng: np.random.Generator) -> np.ndarray:
    """A synthesized bed: sustained chords changing every two seconds and a drum on every beat
    (a low thump and a noise snap), normalised to unit RMS."""
    t = np.arange(n) / rate
    out = np.zeros(n, dtype=np.float64)
    roots = [110.0, 146.8, 130.8, 164.8]
    for k, a in enumerate(range(0, n, 2 * rate)):
        b = min(n, a + 2 * rate)
        root = roots[k % len(roots)]
        seg = t[a:b] - t[a]
        env = np.minimum(1.0, seg / 0.05) * np.exp(-seg / 3.0)
        for ratio in (1.0, 1.25, 1.5, 2.0):
            for h in (1, 2, 3):
                out[a:b] += env * np.sin(2 * np.pi * root * ratio * h * seg + k) / (h * h)
    beat = int(0.5 * rate)
    for a in range(0, n, beat):
        m = min(n - a, int(0.25 * rate))
        seg = np.arange(m) / rate
        out[a : a + m] += 2.0 * np.sin(2 * np.pi * 60 * seg) * np.exp(-seg / 0.06)
        if (a // beat) % 2:
            out[a : a + m] += 0.8 * rng.normal(size=m) * np.exp(-seg / 0.03)
    return (out / (np.sqrt(np.mean(out**2)) + 1e-12)).astype(np.float32)


def room(rate: int, rt60_s: float, rng: np.random.Generator) -> np.ndarray:
    """A small room's impulse response: the direct sound, then exponentially decaying noise."""
    n = int(rate * rt60_s)
    t = np.arange(n) / rate
    tail = rng.normal(size=n) * np.exp(-6.9 * t / rt60_s) * 0.25
    tail[: int(0.004 * rate)] = 0.0  # the first reflection arrives a few ms after the direct sound
    tail[0] = 1.0
    return tail.astype(np.float32)


def build_session(
    script: Script,
    out_dir: Path,
    *,
    blocks: list[int] | None = None,
    rate: int = 0,
    seed: int = 0,
    sample_rate: int | tuple[int, ...] = 44100,
    snr_db: float | None = 20.0,
    breath_db: float = -14.0,
    skip: tuple[int, ...] = (),
    split_before: tuple[int, ...] = (),
    formats: tuple[str, ...] = ("wav",),
    jitter: float = 0.05,
    profile: Profile | None = None,
    lead_ms: float = 700.0,
    voice: str = "cmn",
    readers: dict[int, object] | None = None,
    retake: tuple[int | Retake, ...] = (),
    talent: Talent = Talent(),
    bed_db: float | None = None,
    pause_ms: tuple[float, float] = (200, 2000),
) -> Session:
    """Read ``blocks`` (default: all narration) into audio files under ``out_dir``.

    ``rate`` is the narrator's pace in percent off the engine's normal one (the estimate's pace),
    varied per block by ``jitter``. ``skip`` blocks are not read. ``split_before`` starts a new
    file before these blocks; ``formats`` gives each file's format in turn (wav, flac, mp3, m4a).
    ``readers`` gives some blocks another reader (an espeak voice, a :class:`Clip`: an interviewee,
    a real person). ``retake`` blocks have their first sentence read twice, or as a
    :class:`Retake` says (the truth is the last reading; the abandoned one is in
    :attr:`Session.retakes`). ``bed_db`` lays a music bed that
    many dB under the voice's level.
    """
    from subtoolkit.align.voice import EspeakVoice

    profile = profile or load_profile("netflix-zh-hans")
    rng = np.random.default_rng(seed)
    chosen = blocks if blocks is not None else narration_blocks(script)
    readers = readers or {}
    parts: list[np.ndarray] = []
    atoms: list[Atom] = []
    retakes: list[tuple[int, float, float]] = []
    retakes_of: dict[int, list[Retake]] = {}
    for rt in retake:
        rt = rt if isinstance(rt, Retake) else Retake(rt)
        retakes_of.setdefault(rt.block, []).append(rt)
    pauses: list[float] = []
    breaths = 0
    t = 0  # samples
    cut_at: list[int] = []
    base_rate = 0

    def silence(ms: float) -> np.ndarray:
        return np.zeros(int(round(base_rate * ms / 1000)), dtype=np.float32)

    def say(reader, text: str) -> tuple[np.ndarray, int]:  # type: ignore[no-untyped-def]
        x, r = reader.render(text)
        x = np.asarray(x, dtype=np.float32)
        if r != base_rate:
            from subtoolkit.align.reference import _resample

            x = _resample(x, r, base_rate)
        return x, base_rate

    for bi, b in enumerate(chosen):
        if b in skip:
            continue
        text = block_text(script.blocks[b])
        pace = int(round(rate + 100 * jitter * rng.uniform(-1, 1)))
        reader = readers.get(b) or EspeakVoice(rate=pace, voice=voice)
        whole = getattr(reader, "whole", False)
        pieces = [SegAtom(text, "sentence")] if whole else _words(atoms_of(text, profile))
        pos = 0
        # piece index -> the pieces read before stopping (an abandoned reading starting there)
        abandon = {_abandoned(pieces, r)[0]: (_abandoned(pieces, r)[1], r.gap_ms) for r in retakes_of.get(b, ())}
        if not parts:
            _, base_rate = EspeakVoice().render("好")
            parts.append(silence(lead_ms))
            t = len(parts[-1])
        elif b in split_before:
            gap = rng.uniform(600, 1500)
            half = silence(gap / 2)
            parts.append(half)
            t += len(half)
            cut_at.append(t)
            parts.append(half.copy())
            t += len(half)
            pauses.append(gap)
        for ai, a in enumerate(pieces):
            if ai in abandon:  # a sentence begun, abandoned, then read again from its start after a pause
                for ab in pieces[ai : abandon[ai][0]]:
                    x, r = say(reader, ab.text)
                    on, off = _trim(x, r)
                    parts.append(x[on:off])
                    sound_end = sum(len(p) for p in parts)  # the reading ends with its sound, not the pause after
                    parts.append(silence(rng.uniform(*PAUSES_MS.get(ab.brk, (0, 30)))))
                retakes.append((b, t / base_rate * 1000, sound_end / base_rate * 1000))
                t = sum(len(p) for p in parts)
                gap = silence(rng.uniform(*abandon[ai][1]))
                parts.append(gap)
                t += len(gap)
            x, r = say(reader, a.text)
            on, off = _trim(x, r)
            first = text.find(a.text, pos)
            assert first >= 0
            pos = first + len(a.text)
            sound = x[on:off]
            atoms.append(Atom(b, first, pos, t / r * 1000, (t + len(sound)) / r * 1000))
            parts.append(sound)
            t += len(sound)
            last_atom = ai == len(pieces) - 1
            if last_atom and bi == len(chosen) - 1:
                continue
            if last_atom or a.brk == "sentence":
                if last_atom and any(nb in split_before for nb in chosen[bi + 1 : bi + 2]):
                    continue
                gap = rng.uniform(*pause_ms)
                pauses.append(gap)
                pause = silence(gap)
                if gap >= 600 and rng.uniform() < 0.85:
                    ms = rng.uniform(220, min(450, gap - 250))
                    br = _breath(r, ms, rng)
                    at = int(rng.uniform(0.1 * len(pause), len(pause) - len(br) - 0.1 * len(pause)))
                    pause[at : at + len(br)] += br * 1.0  # scaled below, once the speech level is known
                    breaths += 1
                parts.append(pause)
                t += len(pause)
            else:
                lo, hi = PAUSES_MS.get(a.brk, (0, 30))
                p = silence(rng.uniform(lo, hi))
                parts.append(p)
                t += len(p)
    parts.append(silence(lead_ms))
    x = np.concatenate(parts)
    rate_in = base_rate
    # levels: speech at about -20 dBFS RMS, breaths and noise relative to it
    speech_mask = np.zeros(len(x), dtype=bool)
    for a in atoms:
        speech_mask[int(a.onset_ms * rate_in / 1000) : int(a.offset_ms * rate_in / 1000)] = True
    for _, a0, a1 in retakes:
        speech_mask[int(a0 * rate_in / 1000) : int(a1 * rate_in / 1000)] = True
    speech_rms = float(np.sqrt(np.mean(x[speech_mask] ** 2)))
    breath_part = np.where(speech_mask, 0.0, x)  # the pauses hold only breaths
    x = np.where(speech_mask, x, breath_part * speech_rms * 10 ** (breath_db / 20)).astype(np.float32)
    if talent.reverb_s > 0:
        ir = room(rate_in, talent.reverb_s, rng)
        x = np.fft.irfft(np.fft.rfft(x, len(x) + len(ir)) * np.fft.rfft(ir,
                                                                        len(x) + len(ir)))[: len(x)].astype(np.float32)
    if talent.stretch != 1.0:  # slower and lower: the same samples played at a lower rate
        from subtoolkit.align.reference import _resample

        x = _resample(x, rate_in, int(round(rate_in * talent.stretch)))
        k = talent.stretch
        atoms = [Atom(a.block, a.first, a.last, a.onset_ms * k, a.offset_ms * k) for a in atoms]
        retakes = [(b, a0 * k, a1 * k) for b, a0, a1 in retakes]
        cut_at = [int(round(c * k)) for c in cut_at]
        pauses = [p * k for p in pauses]
    if bed_db is not None:
        x = x + music_bed(len(x), rate_in, rng) * speech_rms * 10 ** (bed_db / 20)
    if snr_db is not None:
        x = x + _pink(len(x), rng) * speech_rms * 10 ** (-snr_db / 20)
    x *= min(0.1 / speech_rms, 0.95 / (float(np.max(np.abs(x))) + 1e-12))  # speech near -20 dBFS, never clipped
    # cut into files and encode at the target rate
    bounds = [0, *cut_at, len(x)]
    files: list[Path] = []
    starts_ms: list[float] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for k in range(len(bounds) - 1):
        fmt = formats[k % len(formats)]
        rates = sample_rate if isinstance(sample_rate, tuple) else (sample_rate,)
        path = out_dir / f"take{k + 1:02d}.{fmt}"
        _encode(x[bounds[k] : bounds[k + 1]], rate_in, path, rates[k % len(rates)], talent.mp3_kbps)
        files.append(path)
        starts_ms.append(bounds[k] / rate_in * 1000)
    return Session(files, atoms, [b for b in chosen if b in skip], starts_ms, len(x) / rate_in * 1000, pauses, breaths,
                   retakes)


def _encode(x: np.ndarray, rate: int, path: Path, out_rate: int, kbps: int = 128) -> None:
    import imageio_ffmpeg

    codec = {".wav": ["-c:a", "pcm_s16le"], ".flac": ["-c:a", "flac"],
             ".mp3": ["-c:a", "libmp3lame", "-b:a", f"{kbps}k"],
             ".m4a": ["-c:a", "aac", "-b:a", "128k"]}[path.suffix]
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "f32le", "-ar", str(rate),
           "-ac", "1", "-i", "-", "-ar", str(out_rate), *codec, str(path)]
    subprocess.run(cmd, input=np.clip(x, -1, 1).astype("<f4").tobytes(), check=True, capture_output=True, timeout=300)
