"""``align`` on voices that are not the reference's: another talent, a real person, noise, codecs.

The reference is espeak's Mandarin voice; the recordings here are read by something else, and the
truth is where the builder put each piece (``align_helpers.build_session``):

- **another talent**: an espeak variant voice, played 12 % slower and lower, in a small room
  (RT60 0.3 s), at 25 dB pink noise, delivered as a 32 kbps 16 kHz MP3;
- **a real person**: the human recording of ``../shared/dev-audio`` (one utterance), three times,
  as itself and as two other speakers (played 12 % lower and slower, 8 % higher and faster),
  between sentences read by three espeak variants; clean, and at 20 dB as a 48 kbps MP3;
- **a different script**: refused, and the confidences of right and wrong blocks apart.

Sessions are short (three narration blocks, under a minute) to keep the suite quick. Run with
``-s`` for the figures. Every threshold the aligner uses comes from the session's own null model
(``subtoolkit/align/null.py``), so none of these tests can pass by tuning on one voice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from align_helpers import ROOT, Clip, Session, Talent, build_session, human_clip, mini_script

from subtoolkit.align.plan import block_text, narration_blocks
from subtoolkit.align.voice import EspeakVoice
from subtoolkit.jobs.align import AlignOptions, AlignResult, run_align
from subtoolkit.model import Script
from subtoolkit.text.ingest import read_source
from subtoolkit.text.parse import parse_lines
from subtoolkit.tts.espeak import NOISE_SEED, noise_seed

SHARED = ROOT.parent / "shared"
OTHER_SENTENCES = (
    "面对突如其来的新冠肺炎疫情，习近平总书记强调，人民至上、生命至上。",
    "我们从中强烈地感受到，习近平总书记对安全生产念兹在兹，亲力亲为。",
    "数字也许枯燥，但最具说服力。",
)


@dataclass
class Scored:
    """What the aligner found, against the truth, on the recordings' clock."""

    result: AlignResult
    session: Session
    script: Script
    starts: list[float]  # cue start errors (ms), cues whose both ends are atom ends
    ends: list[float]
    blocks: dict[int, tuple[float, float] | None]  # per block read: (start error, end error), None if unplaced


def _score(result: AlignResult, session: Session, script: Script) -> Scored:
    offsets = [r["offset_ms"] for r in result.report["recordings"]]

    def clock(t: float) -> float:
        k, local = session.local(t)
        return offsets[k] + local

    starts, ends = [], []
    for cue, truth in session.cue_truths(result.report["cues"], script):
        if truth is not None:
            starts.append(cue["speech_start_ms"] - clock(truth[0]))
            ends.append(cue["speech_end_ms"] - clock(truth[1]))
    found = {b["block"]: b for b in result.report["blocks"]}
    blocks: dict[int, tuple[float, float] | None] = {}
    for b in dict.fromkeys(a.block for a in session.atoms):
        tb = session.block_truth(b)
        got = found.get(b)
        if got is None or got["status"] == "unplaced" or tb is None:
            blocks[b] = None
        else:
            blocks[b] = (got["start_ms"] - clock(tb[0]), got["end_ms"] - clock(tb[1]))
    return Scored(result, session, script, starts, ends, blocks)


def _figures(name: str, s: Scored) -> str:
    def stat(errs: list[float]) -> str:
        a = np.abs(np.asarray(errs))
        return f"median {np.median(a):.0f} ms, p95 {np.percentile(a, 95):.0f} ms" if len(a) else "none scored"

    placed = sum(v is not None for v in s.blocks.values())
    confs = [b["confidence"] for b in s.result.report["blocks"]]
    return (f"\n[{name}] {s.session.duration_ms / 60000:.1f} min: {placed}/{len(s.blocks)} blocks placed; "
            f"cue starts {stat(s.starts)}; cue ends {stat(s.ends)}; "
            f"block starts {stat([v[0] for v in s.blocks.values() if v is not None])}; "
            f"block ends {stat([v[1] for v in s.blocks.values() if v is not None])} "
            f"{[round(v[1]) for v in s.blocks.values() if v is not None]}; confidences {confs}; "
            f"voice shift {s.result.report['voice_shift_bands']}")


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Script]:
    path = mini_script(tmp_path_factory.mktemp("script"))
    return path, parse_lines(read_source(path).lines)


# ---------------------------------------------------------------------------------------------
# another talent


def _talent_session(mini, work: Path) -> Scored:  # type: ignore[no-untyped-def]
    path, script = mini
    narration = narration_blocks(script)[:3]
    session = build_session(script, work / "vo", blocks=narration, rate=-10, seed=16, voice="cmn+f2", snr_db=25,
                            sample_rate=16000, formats=("mp3",), talent=Talent(stretch=1.12, reverb_s=0.3, mp3_kbps=32))
    part = work / "part.txt"  # the script of what was recorded: three paragraphs
    lines = path.read_text(encoding="utf-8").splitlines()
    last = script.blocks[narration[-1]].last_line
    part.write_text("\n".join(lines[:last]) + "\n", encoding="utf-8")
    result = run_align(part, session.files,
                       AlignOptions(out_dir=work / "out", reference="espeak"))  # not forced: must not be refused
    return _score(result, session, parse_lines(read_source(part).lines))


@pytest.fixture(scope="module")
def talent(mini, tmp_path_factory: pytest.TempPathFactory) -> Scored:  # type: ignore[no-untyped-def]
    return _talent_session(mini, tmp_path_factory.mktemp("talent"))


def test_another_talent_is_placed_and_its_cues_start_on_the_voice(talent: Scored) -> None:
    print(_figures("another talent: lower, slower, room, 25 dB, 32 kbps MP3", talent))
    placed = [v for v in talent.blocks.values() if v is not None]
    assert len(placed) >= 0.95 * len(talent.blocks)
    starts = np.abs(talent.starts)
    assert len(starts) >= 15
    assert np.median(starts) <= 40 and np.percentile(starts, 95) <= 200
    _room_ends_hold(talent)


@pytest.mark.parametrize("noise", [10, 13, 27])
def test_another_talent_ends_on_the_voice_under_other_noise(noise: int, mini, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same session with espeak's noise seeded otherwise (both the talent's reading and the
    reference's). With these three of seeds 1-40 the room test on the session's own edges sat on a
    knife edge (the fastest of 4-5 falls within 0.07 dB/frame of the slowest onsets) and came out
    dry: no tail taken off, cue ends 116-120 ms late in the median, p95 182-189 ms (the failure seen
    once in a full run, when espeak still seeded its noise from the clock). A verdict that one edge
    turns over is now left to the aligned cues (``SessionEdges.too_few``)."""
    with noise_seed(noise):
        s = _talent_session(mini, tmp_path)
    print(_figures(f"another talent, espeak noise seed {noise}", s))
    assert all(v is not None for v in s.blocks.values())
    starts = np.abs(s.starts)
    assert np.median(starts) <= 40 and np.percentile(starts, 95) <= 200
    _room_ends_hold(s)


def test_espeak_renders_the_same_text_the_same_way_under_one_noise_seed() -> None:
    """What makes the sessions above repeatable: espeak's noise is seeded, not taken from the clock
    (it was: the talent's cue ends changed from run to run, p95 45-139 ms and once 190)."""
    voice = EspeakVoice(voice="cmn+f2", rate=-10)
    text = OTHER_SENTENCES[2]
    a, b = voice.render(text)[0], voice.render(text)[0]
    with noise_seed(NOISE_SEED + 1):
        c = voice.render(text)[0]
    assert np.array_equal(a, b)
    assert len(a) == len(c) and not np.array_equal(a, c)  # the noise is still there: another seed, other samples


def _room_ends_hold(s: Scored) -> None:
    """The room's reverberation outlasts the dry voice the truth is measured on; the aligner lays
    each cue's dry reading, through the room its own edges show, on the tail (subtoolkit.align.decay).
    Before: cue ends 117 ms late in the median with no correction; then, walking back along the
    decay line, espeak block ends up to 160 ms late and neural ones 145 ms early.

    The bar, measured on the espeak talent with espeak's noise seeded 1-40 (18 scored cues each):
    median 16-23 ms, p95 40-139 ms (median 78), worst cue 44-159 ms (median 136). The p95 of 18
    cues lies between the two worst: 128-139 ms in the 8 seeds where two cues end ~135 ms off,
    40-79 ms in the others. The default seed gives 21/79 ms."""
    ends = np.abs(s.ends)
    assert np.percentile(ends, 95) <= 150 and np.median(ends) <= 50
    assert max(abs(v[1]) for v in s.blocks.values() if v is not None) <= 100


# ---------------------------------------------------------------------------------------------
# a real person


def human_mix_session(tmp: Path, snr_db: float | None, fmt: str, kbps: int) -> tuple[Session, Path, Script]:
    """The real person's clip three times (as itself, lower and faster) between three espeak
    variants, one paragraph each: the session, its script file and the parsed script."""
    text, samples, rate = human_clip(SHARED)
    tmp.mkdir(parents=True, exist_ok=True)
    lines = ["解说词：", "《测试》", OTHER_SENTENCES[0], text, OTHER_SENTENCES[1], text, OTHER_SENTENCES[2], text]
    path = tmp / "human.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = parse_lines(read_source(path).lines)
    nb = narration_blocks(script)
    readers: dict[int, object] = {
        nb[0]: EspeakVoice(voice="cmn+f3"), nb[1]: Clip(text, samples, rate),
        nb[2]: EspeakVoice(voice="cmn+m3", rate=-10), nb[3]: Clip(text, samples, rate, 1.12),
        nb[4]: EspeakVoice(voice="cmn+f4", rate=10), nb[5]: Clip(text, samples, rate, 0.92),
    }
    session = build_session(script, tmp / "vo", readers=readers, snr_db=snr_db, formats=(fmt,), sample_rate=16000,
                            talent=Talent(mp3_kbps=kbps), seed=5)
    return session, path, script


def _human_session(tmp: Path, snr_db: float | None, fmt: str, kbps: int, reference: str = "espeak") -> Scored:
    session, path, script = human_mix_session(tmp, snr_db, fmt, kbps)
    result = run_align(path, session.files, AlignOptions(out_dir=tmp / "out", reference=reference))  # not forced
    return _score(result, session, script)


@pytest.mark.parametrize("condition", ["clean", "20dB-mp3"])
def test_a_human_voice_is_not_refused_and_is_placed_within_150_ms(condition: str, tmp_path: Path) -> None:
    snr, fmt, kbps = (None, "wav", 128) if condition == "clean" else (20.0, "mp3", 48)
    s = _human_session(tmp_path, snr, fmt, kbps)
    print(_figures(f"human voice among espeak variants, {condition}", s))
    human = [b for b in s.blocks if "欢迎" in block_text(s.script.blocks[b])]
    for b, v in s.blocks.items():
        print(f"   block {b} ({'human' if b in human else 'espeak variant'}): "
              + ("unplaced" if v is None else f"start {v[0]:+.0f} ms, end {v[1]:+.0f} ms"))
    # the goal of the issue: not refused (the run is not forced), every block placed, both ends of
    # each within 150 ms of where the builder put it
    assert all(v is not None for v in s.blocks.values()), "a block was left unplaced"
    worst = max(max(abs(v[0]), abs(v[1])) for v in s.blocks.values() if v is not None)
    assert worst <= 150, f"a block's start or end is {worst:.0f} ms off"


def test_auto_asks_espeak_before_refusing_what_the_neural_reference_refuses(mini, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``auto`` prefers the neural reference but does not refuse on its word alone (a real person
    can sit nearer espeak than the corpus voice: see the human session's figures). A recording of
    other text is refused by both, so the refusal that reaches the user is espeak's, after both."""
    from align_helpers import SAMPLE

    from subtoolkit.jobs.align import NotNarration
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        pytest.skip("the neural voice is not installed (make voice)")
    path, _ = mini
    full = parse_lines(read_source(SAMPLE).lines)
    other = build_session(full, tmp_path / "vo", blocks=[60, 61], rate=0, seed=3, sample_rate=16000, voice="cmn+f2")
    with pytest.raises(NotNarration) as refused:
        run_align(path, other.files, AlignOptions(out_dir=tmp_path / "out", reference="auto"))
    assert refused.value.reference == "espeak"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    with pytest.raises(NotNarration) as neural_only:
        run_align(path, other.files, AlignOptions(out_dir=tmp_path / "out2", reference="neural"))
    assert neural_only.value.reference == "neural"


# ---------------------------------------------------------------------------------------------
# right and wrong


def test_confidence_separates_right_blocks_from_a_recording_of_other_text(mini, talent: Scored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from align_helpers import SAMPLE

    path, _ = mini
    full = parse_lines(read_source(SAMPLE).lines)
    other = build_session(full, tmp_path / "vo", blocks=[60, 61], rate=0, seed=3, sample_rate=16000, voice="cmn+f2")
    wrong = run_align(path, other.files, AlignOptions(out_dir=tmp_path / "out", force=True, reference="espeak"))
    wrong_conf = sorted(b["confidence"] for b in wrong.report["blocks"] if b["status"] != "unplaced")
    right_conf = sorted(b["confidence"] for b in talent.result.report["blocks"])
    print(f"\n[right vs wrong] confidence of right blocks (another talent): {right_conf}; "
          f"of blocks placed on a recording of other text: {wrong_conf}")
    assert max(wrong_conf, default=0.0) < 0.5 <= min(right_conf)


# ---------------------------------------------------------------------------------------------
# the neural voice: as the talent, and as the reference


def _neural_or_skip() -> None:
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        pytest.skip("the neural voice is not installed (subtoolkit voices install)")


def _neural_session(mini, tmp: Path, reference: str, force: bool = False, **kwargs) -> Scored:  # type: ignore[no-untyped-def]
    from subtoolkit.align.voice import NeuralVoice

    path, script = mini
    narration = narration_blocks(script)[:3]
    rate = kwargs.pop("rate", 0)
    readers: dict[int, object] = {b: NeuralVoice(rate=rate) for b in narration}
    session = build_session(script, tmp / "vo", blocks=narration, readers=readers, sample_rate=16000, **kwargs)
    part = tmp / "part.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    part.write_text("\n".join(lines[: script.blocks[narration[-1]].last_line]) + "\n", encoding="utf-8")
    result = run_align(part, session.files, AlignOptions(out_dir=tmp / "out", reference=reference, force=force))
    return _score(result, session, parse_lines(read_source(part).lines))


@pytest.mark.parametrize("condition", ["clean", "another-talent"])
def test_the_neural_voice_against_the_neural_reference(condition: str, mini, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _neural_or_skip()
    kwargs = (dict(snr_db=None, seed=41) if condition == "clean" else
              dict(rate=-10, seed=42, snr_db=25, formats=("mp3",),
                   talent=Talent(stretch=1.12, reverb_s=0.3, mp3_kbps=32)))
    s = _neural_session(mini, tmp_path, "auto", **kwargs)
    assert s.result.report["reference_voice"].startswith("neural")
    print(_figures(f"neural voice, {condition}, neural reference", s))
    assert all(v is not None for v in s.blocks.values())
    starts = np.abs(s.starts)
    if condition == "clean":
        assert np.median(starts) <= 20 and np.percentile(starts, 95) <= 100
    else:
        assert np.median(starts) <= 40 and np.percentile(starts, 95) <= 200
        _room_ends_hold(s)


def test_the_neural_voice_against_the_espeak_reference(mini, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The issue's case: a voice trained on a real speaker, read against espeak (before: refused,
    and with --force 4 of 16 blocks placed, seconds off). Placement now holds; the confidence
    still does not (the window-level null sees little contrast between this voice and espeak),
    so it is forced here: the neural reference is what makes this voice credible."""
    _neural_or_skip()
    s = _neural_session(mini, tmp_path, "espeak", force=True, snr_db=None, seed=41)
    print(_figures("neural voice, clean, espeak reference", s))
    for b, v in s.blocks.items():
        print(f"   block {b}: " + ("unplaced" if v is None else f"start {v[0]:+.0f} ms, end {v[1]:+.0f} ms"))
    assert all(v is not None for v in s.blocks.values())
    assert np.median(np.abs(s.starts)) <= 40


# ---------------------------------------------------------------------------------------------
# the finished film


FILM_LINES = (1, 2, 3, 4, 5, 20, 21, 22)
"""A title, sync sound, a narration paragraph, an interview, another narration paragraph."""


def test_film_mix_places_narration_and_interviews(tmp_path: Path) -> None:
    """A final mix: the narrator (the neural voice when installed, else espeak), two interviewees
    (espeak's male and female variants, slower and faster), a synthesized music bed 15 dB under
    the voice, pink noise 30 dB under; ``--film`` aligns narration and interviews on its clock."""
    from align_helpers import SAMPLE

    from subtoolkit.align.plan import spoken_blocks
    from subtoolkit.align.voice import reference_voice
    from subtoolkit.model import BlockKind

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "film.txt"
    path.write_text("\n".join(lines[n - 1] for n in FILM_LINES) + "\n", encoding="utf-8")
    script = parse_lines(read_source(path).lines)
    heard = spoken_blocks(script)
    narrator = reference_voice("auto")
    others = [EspeakVoice(voice="cmn+m3", rate=-10), EspeakVoice(voice="cmn+f4", rate=10)]
    readers: dict[int, object] = {}
    for b in heard:
        readers[b] = narrator if script.blocks[b].kind is BlockKind.NARRATION else others[len(readers) % 2]
    session = build_session(script, tmp_path / "vo", blocks=heard, readers=readers, snr_db=30, bed_db=-15, seed=61,
                            sample_rate=48000, formats=("wav",))
    result = run_align(path, session.files, AlignOptions(out_dir=tmp_path / "out", film=True))
    s = _score(result, session, script)
    kinds = {b: script.blocks[b].kind for b in heard}
    for kind in (BlockKind.NARRATION, BlockKind.INTERVIEW):
        mine = {b: v for b, v in s.blocks.items() if kinds[b] is kind}
        starts = [abs(v[0]) for v in mine.values() if v is not None]
        print(f"\n[film mix, {result.report['reference_voice'].split()[0]} reference] {kind.value}: "
              f"{len(starts)}/{len(mine)} blocks placed, block starts {[round(x) for x in starts]} ms")
    print(_figures("film mix (all cues)", s))
    assert all(v is not None for v in s.blocks.values())
    assert max(abs(v[0]) for v in s.blocks.values() if v is not None) <= 150
    assert np.median(np.abs(s.starts)) <= 60
    import json

    data = json.loads((tmp_path / "out" / "film.aligned.zh-Hans.json").read_text(encoding="utf-8"))
    assert "interview" in [c["kind"] for c in data["cues"]] and "title" in [c["kind"] for c in data["cues"]]
    starts = [c["start_ms"] for c in data["cues"]]
    assert starts == sorted(starts)


def test_a_short_block_after_a_paragraph_recut_for_a_slow_read_is_placed(tmp_path: Path) -> None:
    """The issue's espeak case: a 14-character sentence right after a paragraph read so slowly
    that it is re-cut for the recorded pace. Short blocks were where skipping was cheapest."""
    from align_helpers import SAMPLE

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "short.txt"
    body = [lines[0], lines[1], lines[21], "数字也许枯燥，但最具说服力。", lines[22], "我们从中强烈地感受到。"]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    script = parse_lines(read_source(path).lines)
    session = build_session(script, tmp_path / "vo", rate=-35, jitter=0.0, seed=71, sample_rate=44100)
    result = run_align(path, session.files, AlignOptions(out_dir=tmp_path / "out", reference="espeak"))
    s = _score(result, session, script)
    print(_figures("short blocks after slow, re-cut paragraphs",
                   s) + f"; re-cut: {result.report['summary']['recut_for_pace']}")
    assert result.report["summary"]["recut_for_pace"]  # the slow paragraphs were re-cut
    assert all(v is not None for v in s.blocks.values())
    assert max(abs(v[0]) for v in s.blocks.values() if v is not None) <= 100
