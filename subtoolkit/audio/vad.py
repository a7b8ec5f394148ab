"""Speech and pauses in a recording, from frame energy and voicing.

A pause is where the aligner gets its firmest footing: the end of one sentence and the start of
the next are wherever the talent stopped and started again, to the frame. So the detector has to
be right about *edges*, and wrong about nothing that looks like speech to an energy meter but is
not: breaths, lip noise and room tone. Mandarin makes this tractable, because every syllable has
a voiced nucleus: a stretch of energy with no periodicity in it (a breath, a hiss) is not speech,
while the unvoiced consonant that opens a syllable (s-, sh-, c-, q-) is kept by letting a run
start a little before its first voiced frame.

Thresholds adapt to each recording: the noise floor is a low percentile of frame energy, the
speech level a high one, so a quiet booth and a noisy room both work without settings.

In noise (pink room noise 20 dB under the voice) the quiet ends of words sink to within a few dB
of the floor, where energy alone cannot tell them from the room. Their voicing still can: a
frame near the floor whose periodicity the room's own pauses never reach is a voice, and carries
the word it is next to on. How periodic the room gets by chance is measured on the recording's
pauses, so a hum or a music bed, which is periodic, turns the rule off rather than filling the
pauses. Measured on sessions whose truth is known (``bench/bench_vad.py``): at 20 dB, 98 % of the
neural voice's speech and 94 % of a human recording's is found, and no pause frame beyond 50 ms
of a word is marked; against webrtcvad, Silero and microVAD, it is the only one that marks less
than 5 % of the pauses, and it costs less than the frame analysis it reads.

This is the one speech detector: the aligner reads recordings with it, and voiceover retiming
reads each rendered cue with it (:mod:`subtoolkit.audio.onset`), its edges then taken to the
millisecond by :func:`edges_ms`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from subtoolkit.audio.features import Frames


@dataclass(frozen=True)
class VadSettings:
    """Numbers in frames of 10 ms."""

    min_pause: int = 12
    """Shorter silences are stop closures inside words, not pauses."""
    bridge: int = 3
    """Energy dips this short do not split a stretch of sound."""
    lead: int = 18
    """Unvoiced sound kept before the first voiced frame (an aspirated affricate lasts ~150 ms)."""
    tail: int = 12
    """Unvoiced sound kept after the last voiced frame."""
    min_voiced: int = 3
    """A stretch with fewer voiced frames is a breath or a click, not speech."""
    voicing: float = 0.5
    """Normalised autocorrelation peak above which a frame is voiced."""
    floor_percentile: float = 1.0
    level_percentile: float = 97.0
    edge_db: float = 3.0
    """Sound this far above the noise floor may belong to a word (its soft onset or release)."""
    core_db: float = 8.0
    """Sound this far above the floor is loud enough to be checked for a voice."""
    min_dynamic_db: float = 12.0
    """A recording whose loud frames are less than this above its quiet ones has no speech."""
    quiet_db: float = 1.0
    """Sound this far above the floor may still be a voice, if it is periodic."""
    quiet_voicing: float = 0.8
    """Voicing above which a quiet frame next to speech is voice (pink noise reaches 0.7 about one
    frame in a thousand); raised, or turned off, where the recording's own quiet frames are more
    periodic than that (a hum, a music bed)."""
    chance_margin: float = 0.15
    """How far above the 99th percentile of the quiet frames' voicing a frame must be to count."""
    chance_sample: int = 500
    chance_min: int = 100
    """Pause frames needed to measure that (a recording without a second of pause away from
    speech, such as a music bed under the voice, keeps to voice that is loud enough)."""
    reach: int = 50
    """How far past the lead or tail a quiet voice may carry a run on."""
    walk_gap: int = 3
    """A dip this short between a word's voice and sound beside it does not end the word."""
    clean_db: float | None = None
    """When set, a signal whose speech is this far above its floor is clean: nothing beside a
    word is noise, and dips are crossed there too. For rendered voices; the aligner leaves it
    unset (on recordings it moved joins enough to lose a block of the neural voice read against
    the espeak reference, a case placed only when forced)."""
    floor_window: int = 5
    """Frames averaged before the floor is read: how long a stretch must be to be the floor."""
    floor_depth: float | None = None
    """For a rendered voice: the floor is put this far below the speech level where the render
    holds digital silence (exact zeros: it has no noise floor, and its quietest stretch may
    well be the end of a word) or where nothing in it is :attr:`credible_db` below the level
    (speech from its first sample to its last). A recording leaves it unset: its pauses are
    its floor."""
    credible_db: float = 20.0


@dataclass(frozen=True)
class Speech:
    """Speech runs of one signal as frame ranges ``[starts[k], ends[k])``, sorted and disjoint."""

    starts: np.ndarray
    ends: np.ndarray
    floor_db: float
    level_db: float
    threshold_db: float = float("nan")
    """Frames of a run below this are silence inside a word (a stop closure): not compared."""

    @property
    def frames(self) -> int:
        return int(np.sum(self.ends - self.starts))

    def mask(self, n: int) -> np.ndarray:
        m = np.zeros(n, dtype=bool)
        for a, b in zip(self.starts, self.ends):
            m[a:b] = True
        return m

    def sounding(self, energy_db: np.ndarray) -> np.ndarray:
        """Frames inside runs that carry sound: what the aligner compares."""
        return self.mask(len(energy_db)) & (energy_db > self.threshold_db)

    def __len__(self) -> int:
        return int(len(self.starts))


_ZERO_DB = -99.0
"""A frame this quiet is digital silence (:func:`~subtoolkit.audio.features.analyse` floors at -100)."""


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of the True runs of ``mask``."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _close(mask: np.ndarray, gap: int) -> np.ndarray:
    """Fill False runs of at most ``gap`` frames that lie between True runs."""
    if gap <= 0 or not mask.any():
        return mask
    out = mask.copy()
    starts, ends = _runs(~mask)
    for a, b in zip(starts, ends):
        if a > 0 and b < len(mask) and b - a <= gap:
            out[a:b] = True
    return out


class _Voicing:
    """Voicing of a signal's frames, computed on first request and kept: the detector asks for
    the loud frames first, then for the quiet ones next to speech, and never for the rest."""

    def __init__(self, frames: Frames, voicing_of: Callable[[np.ndarray], np.ndarray] | None) -> None:
        self.of = voicing_of
        self.known = np.zeros(len(frames), dtype=bool) if voicing_of is not None else np.ones(len(frames), dtype=bool)
        self.v = np.zeros(len(frames), dtype=np.float32) if voicing_of is not None else frames.voicing

    def at(self, idx: np.ndarray) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        todo = idx[~self.known[idx]]
        if len(todo) and self.of is not None:
            todo = np.unique(todo)
            self.v[todo] = self.of(todo)
            self.known[todo] = True
        return self.v[idx]


def _chance_voicing(pause: np.ndarray, settings: VadSettings, voicing: _Voicing) -> float:
    """How periodic this recording gets by chance in its pauses (``pause``: frames well away from
    any voice): above that, a quiet frame is a voice. Room noise scores low (its autocorrelation
    has no pitch peak), a music bed or a hum scores high and turns the quiet-voice rule off
    (a threshold above 1).
    Measured on a sample of the pause frames, so an hour costs no more than a minute."""
    far = np.flatnonzero(pause)
    if len(far) < settings.chance_min:
        return 2.0  # no pause to learn the room from: the rule stays off
    sample = far[np.linspace(0, len(far) - 1, min(len(far), settings.chance_sample)).astype(np.int64)]
    chance = float(np.percentile(voicing.at(sample), 99.0)) + settings.chance_margin
    return max(settings.quiet_voicing, chance)


def _walk(edge: int, step: int, allowance: int, stop: int, voice: np.ndarray, loud: np.ndarray, gap: int) -> int:
    """Where a run that has its voice up to ``edge`` really ends, walking out by ``step``: over
    sound above the floor for up to ``allowance`` frames past the last voice (an unvoiced
    consonant, a release), over voice for as long as it lasts, and across dips of at most
    ``gap`` frames between them (the closure before a plosive). Not past ``stop``.
    Returns the run's new boundary (first frame of the run walking back, end walking forth)."""
    at = edge if step > 0 else edge - 1  # the frame to look at next
    since = 0
    while (at < stop) if step > 0 else (at >= stop):
        if voice[at]:
            since = 0
        elif loud[at] and since < allowance:
            since += 1
        else:
            # a short dip, then sound that may still be the word's
            ahead = [at + step * k for k in range(1, gap + 1)]
            nxt = next((j for j in ahead if (0 <= j < len(voice)) and ((j < stop) if step > 0 else (j >= stop))
                        and (voice[j] or loud[j])), None)
            if nxt is None or since + abs(nxt - at) >= allowance:
                break
            since += abs(nxt - at)
            at = nxt
            continue
        at += step
    return at if step > 0 else at + 1


def detect(frames: Frames, settings: VadSettings = VadSettings(), voicing_of: Callable[[np.ndarray], np.ndarray] | None = None) -> Speech:
    """Speech runs of a signal; empty when it holds no speech (silence or steady noise).

    ``voicing_of(frame indices)`` computes voicing on demand, for the frames that need it (the
    loud ones, and the quiet ones beside speech); without it ``frames.voicing`` is used.
    """
    e = frames.energy_db.astype(np.float64)
    n = len(e)
    empty = Speech(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), float("nan"), float("nan"))
    if n == 0:
        return empty
    # the floor is what the quietest tenth of a second sounds like: narration always has some
    # pause, and a moving average keeps short dips inside speech from passing for the floor
    k = min(settings.floor_window, n)
    smooth = 10.0 * np.log10(np.convolve(10.0 ** (e / 10.0), np.ones(k) / k, mode="valid") + 1e-12)
    floor = float(np.percentile(smooth, settings.floor_percentile))
    level = float(np.percentile(e, settings.level_percentile))
    if settings.floor_depth is not None and (level - floor < settings.credible_db or e.min() <= _ZERO_DB):
        floor = min(floor, level - settings.floor_depth)
    if level - floor < settings.min_dynamic_db or level < -70.0:
        return Speech(empty.starts, empty.ends, floor, level)
    low = max(floor + settings.edge_db, level - 45.0)
    high = max(floor + settings.core_db, level - 35.0)
    quiet = max(floor + settings.quiet_db, level - 45.0)
    active = _close(e > low, settings.bridge)
    loud_enough = e > high
    voicing = _Voicing(frames, voicing_of)
    v = np.zeros(n, dtype=np.float32)
    idx = np.flatnonzero(loud_enough)
    v[idx] = voicing.at(idx)
    voiced = loud_enough & (v > settings.voicing)
    starts, ends = _runs(active)
    loud = e > low
    runs: list[tuple[int, int]] = []
    reach = settings.reach
    near = np.zeros(n, dtype=bool)  # where a run's voiced edges may still move
    edges = np.zeros(n, dtype=bool)  # and what lies around the runs: not a pause
    for a, b in zip(starts, ends):
        vi = np.flatnonzero(voiced[a:b])
        if len(vi) < settings.min_voiced:
            continue  # breath, click, hum: energy without a voice
        runs.append((a, b))
        near[max(0, a - settings.lead - reach) : a + int(vi[0])] = True
        near[a + int(vi[-1]) + 1 : b + settings.tail + reach] = True
        edges[max(0, a - settings.lead - reach) : b + settings.tail + reach] = True
    if not runs:
        return Speech(empty.starts, empty.ends, floor, level)
    # a voice trailing off (or coming in) under the noise: frames too quiet to pass for speech on
    # their energy, but periodic, belong to the run they are in or next to. Their voicing is
    # computed only between a run's outer voiced frames and the reach beyond them.
    want = np.flatnonzero(near & (e > quiet) & ~loud_enough)
    threshold = _chance_voicing(~edges & ~active, settings, voicing) if len(want) else 2.0
    if threshold < 1.0:
        v[want] = voicing.at(want)
    quiet_voiced = (e > quiet) & (v > threshold)
    voice = voiced | quiet_voiced
    # dips are crossed only where the room is known not to sound like a voice: its pauses were
    # measured and are not periodic, or (a render) it is studio-clean. Beside a music bed, sound
    # across a dip is as likely the bed as a consonant
    clean = settings.clean_db is not None and level - floor >= settings.clean_db
    gap = settings.walk_gap if threshold < 1.0 or clean else 0
    keep_s: list[int] = []
    keep_e: list[int] = []
    for a, b in runs:
        vi = np.flatnonzero(voice[a:b])
        first, last = a + int(vi[0]), a + int(vi[-1]) + 1
        s0 = _walk(first, -1, settings.lead, max(0, first - settings.lead - reach), voice, loud, gap)
        e0 = _walk(last, 1, settings.tail, min(n, last + settings.tail + reach), voice, loud, gap)
        keep_s.append(s0)
        keep_e.append(e0)
    # merge runs separated by less than a pause
    order = np.argsort(keep_s, kind="stable")
    ms, me = [keep_s[order[0]]], [keep_e[order[0]]]
    for i in order[1:]:
        a, b = keep_s[i], keep_e[i]
        if a - me[-1] < settings.min_pause:
            me[-1] = max(me[-1], b)
        else:
            ms.append(a)
            me.append(b)
    return Speech(np.asarray(ms, dtype=np.int64), np.asarray(me, dtype=np.int64), floor, level, low)


def energy_frames(samples: np.ndarray, rate: int, *, chunk: int = 4096) -> Frames:
    """The frames' energy alone, on the 10 ms grid: what the detector reads, for a caller that
    has no use for the MFCCs (timing a rendered cue). The same numbers as
    :func:`~subtoolkit.audio.features.analyse`'s ``energy_db`` (a test holds them equal) at
    less than half its cost: the mel bands are not computed. Voicing is left at zero (the
    detector asks for it where needed), the log-mel bands empty."""
    from subtoolkit.audio.features import MEL_HIGH, WIN_S, _frames, pre_emphasised

    x = np.asarray(samples, dtype=np.float32)
    frames = _frames(x, rate, WIN_S)
    n, win = frames.shape
    n_fft = 1 << int(np.ceil(np.log2(win)))
    window = np.hamming(win).astype(np.float32)
    band = np.flatnonzero((np.fft.rfftfreq(n_fft, 1.0 / rate) >= 100.0) & (np.fft.rfftfreq(n_fft, 1.0 / rate) <= MEL_HIGH))
    parseval = 1.0 / (n_fft * float(np.sum(window**2)))
    energy = np.empty(n, dtype=np.float32)
    for a in range(0, n, chunk):
        emph = pre_emphasised(np.array(frames[a : a + chunk], dtype=np.float32))
        spec = np.fft.rfft(emph * window, n_fft, axis=1)[:, band[0] : band[-1] + 1]
        power = spec.real**2 + spec.imag**2
        energy[a : a + len(emph)] = 10.0 * np.log10(2.0 * parseval * np.sum(power, axis=1) + 1e-10)
    return Frames(energy, np.zeros(n, dtype=np.float32), np.zeros((n, 0), dtype=np.float32))


def speech_in(samples: np.ndarray, rate: int, settings: VadSettings = VadSettings()) -> tuple[Frames, Speech]:
    """The detector run on a signal from scratch: its frames (energy only; voicing computed
    for the frames that need it) and its speech."""
    from subtoolkit.audio.features import voicing_at

    frames = energy_frames(samples, rate)
    return frames, detect(frames, settings, voicing_of=lambda idx: voicing_at(samples, rate, idx))


def _short_energy_db(y: np.ndarray, rate: int, starts: np.ndarray, win: int) -> np.ndarray:
    """Energy of the ``win``-sample windows of ``y`` (pre-emphasised) starting at ``starts``,
    in dB, measured as :func:`~subtoolkit.audio.features.analyse` measures a frame's (centred,
    the power between 100 Hz and 7.6 kHz) but unweighted: a 5 ms block meets an edge with its
    whole length, as the tests' truth reads it (a Hamming window read starts 1-2 ms late)."""
    from subtoolkit.audio.features import MEL_HIGH

    padded = np.concatenate([y, np.zeros(win, dtype=y.dtype)])
    idx = np.clip(starts, 0, len(y))[:, None] + np.arange(win)[None, :]
    f = padded[idx]
    f = f - f.mean(axis=1, keepdims=True)
    n_fft = 1 << int(np.ceil(np.log2(win)))
    window = np.ones(win)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / rate)
    band = (freqs >= 100.0) & (freqs <= MEL_HIGH)
    power = np.abs(np.fft.rfft(f * window, n_fft, axis=1)) ** 2
    parseval = 1.0 / (n_fft * float(np.sum(window**2)))
    return 10.0 * np.log10(2.0 * parseval * np.sum(power[:, band], axis=1) + 1e-10)  # type: ignore[no-any-return]


def edges_ms(samples: np.ndarray, rate: int, speech: Speech, *, window_ms: float = 5.0) -> list[tuple[float, float]]:
    """Each run's start and end in ms, to the millisecond rather than the 10 ms frame.

    A frame's 25 ms window lights up as soon as its leading edge meets the sound, so a run on
    the frame grid starts up to 17 ms early and ends as late. Within the first and the last
    frame's window, a 5 ms block slides by 1 ms, measuring energy as the frames do: the run
    starts where that window's far end first meets sound above the run's threshold (two steps
    running), and ends where its near end last does. Starts are read with the pre-emphasis
    looking back and ends with it looking ahead, so that neither spills a sample's worth of
    energy past a hard edge. What retiming a voice needs: a cue that starts on the voice, not
    a frame early.
    """
    if not len(speech):
        return []
    x = np.asarray(samples, dtype=np.float64)
    back = x.copy()
    back[1:] -= 0.97 * x[:-1]
    ahead = x.copy()
    ahead[:-1] -= 0.97 * x[1:]
    ms = rate / 1000.0
    win = max(4, int(round(window_ms * ms)))
    thr = speech.threshold_db
    hop_ms, lead_ms = 10.0, 7.5  # a frame's window starts 7.5 ms before its hop, and ends hop + 7.5 after it
    total_ms = len(x) / rate * 1000.0
    out: list[tuple[float, float]] = []
    for a, b in zip(speech.starts, speech.ends):
        start, end = a * hop_ms, min(b * hop_ms, total_ms)
        # window ends from the first frame's window start to its end
        t = np.arange(max(window_ms, start - lead_ms), min(total_ms, start + hop_ms + lead_ms) + 1.0)
        if len(t) > 1:
            e = _short_energy_db(back, rate, np.round((t - window_ms) * ms).astype(np.int64), win) > thr
            hit = np.flatnonzero(e[:-1] & e[1:])
            if len(hit):
                start = float(t[hit[0]])
        # window starts from the last frame's window start to its end
        t = np.arange(max(0.0, b * hop_ms - hop_ms - lead_ms), min(total_ms - window_ms, b * hop_ms + lead_ms) + 1.0)
        if len(t) > 1:
            e = _short_energy_db(ahead, rate, np.round(t * ms).astype(np.int64), win) > thr
            hit = np.flatnonzero(e[1:] & e[:-1])
            if len(hit):
                end = float(t[hit[-1] + 1])
        out.append((start, max(end, start)))
    return out
