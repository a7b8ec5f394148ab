"""``align`` after a scratch voiceover: the neural reference reads the cues the voiceover rendered.

The voiceover renders one segment per cue, cut by the same planner as the aligner's, with the
same engine; its cache key holds everything that decides the samples. So an alignment run after
``voiceover``/``build`` must synthesise nothing, and come out as one that read the script itself
(which derives its reference from the acoustic model's mel spectrogram: the same cues, placed
within a frame of the same times).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from align_helpers import mini_script
from subtoolkit.align.plan import narration_blocks
from subtoolkit.jobs.align import AlignOptions, run_align
from subtoolkit.text.ingest import read_source
from subtoolkit.text.parse import parse_lines


@pytest.fixture(autouse=True)
def _neural_or_skip() -> None:
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        pytest.skip("the neural voice is not installed (subtoolkit voices install)")


@pytest.fixture
def syntheses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the neural engine is asked to read from now on, in order: to audio (the
    voiceover) or to its mel spectrogram only (the aligner's reference)."""
    from subtoolkit.tts.neural import NeuralEngine

    asked: list[str] = []
    for name in ("synthesize_sync", "mels_sync"):
        real = getattr(NeuralEngine, name)

        def counting(self: NeuralEngine, text: str, _real: Any = real, **kwargs: Any) -> Any:
            asked.append(text)
            return _real(self, text, **kwargs)

        monkeypatch.setattr(NeuralEngine, name, counting)
    return asked


def _outputs(folder: Path) -> dict[str, Any]:
    """What an alignment wrote, the run time in its report aside."""
    timing = ("seconds", "processing_s", "seconds_per_audio_minute")
    out: dict[str, Any] = {}
    for f in sorted(folder.iterdir()):
        if f.name.endswith(".report.json"):
            report = json.loads(f.read_text(encoding="utf-8"))
            for part in (report, *(v for v in report.values() if isinstance(v, dict))):
                for k in timing:
                    part.pop(k, None)
            out[f.name] = report
        else:
            out[f.name] = f.read_text(encoding="utf-8")
    return out


def test_align_after_the_voiceover_synthesises_nothing_and_matches_a_synthesised_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syntheses: list[str]) -> None:
    from subtoolkit.jobs.voiceover import VoiceOptions, VoiceoverOptions, run_voiceover

    full = mini_script(tmp_path / "script")
    script = parse_lines(read_source(full).lines)
    last = script.blocks[narration_blocks(script)[1]].last_line  # two paragraphs: a short film
    part = tmp_path / "part.txt"
    part.write_text("\n".join(full.read_text(encoding="utf-8").splitlines()[:last]) + "\n", encoding="utf-8")

    monkeypatch.setenv("SUBTOOLKIT_CACHE_DIR", str(tmp_path / "cache-after-voiceover"))
    vo = run_voiceover(part, VoiceoverOptions(out_dir=tmp_path / "vo", voice=VoiceOptions(engine="neural")))
    rendered = len(syntheses)
    assert rendered > 3 and vo.summary.rendered == rendered

    del syntheses[:]
    after = run_align(part, [vo.audio_path], AlignOptions(out_dir=tmp_path / "after"))
    assert after.report["reference_voice"].startswith("neural")
    assert syntheses == []  # every cue was read from the voiceover's cache
    assert list((tmp_path / "cache-after-voiceover" / "align-reference").rglob("*.npz"))  # and analysed into its own

    monkeypatch.setenv("SUBTOOLKIT_CACHE_DIR", str(tmp_path / "empty-cache"))
    fresh = run_align(part, [vo.audio_path], AlignOptions(out_dir=tmp_path / "fresh"))
    assert sorted(set(syntheses)) == sorted({seg["text"] for seg in vo.segments})  # the same cues, synthesised
    assert all(b.placed for b in fresh.alignment.blocks)
    # the fresh run's reference comes from the acoustic model's mel spectrogram (align/melref.py), the
    # voiceover's from its audio: the two analyses are near, not equal, so the cues are compared
    # (same cues, same blocks, the same frame or the next at 25 fps), and the rest of the outputs as they are
    a_cues, f_cues = after.report["cues"], fresh.report["cues"]
    assert [(c["block"], c["text"]) for c in a_cues] == [(c["block"], c["text"]) for c in f_cues]
    moved = [abs(a[k] - f[k]) for a, f in zip(a_cues, f_cues) for k in ("speech_start_ms", "speech_end_ms")]
    print(f"\n[after voiceover vs fresh] {len(a_cues)} cues, boundaries moved: "
          f"median {sorted(moved)[len(moved) // 2]} ms, max {max(moved)} ms")
    assert max(moved) <= 40
    assert [b.placed for b in after.alignment.blocks] == [b.placed for b in fresh.alignment.blocks]


def test_a_cue_the_dictionary_changed_is_synthesised_again(tmp_path: Path, syntheses: list[str]) -> None:
    """The voiceover read 重 as chong2 (a pronunciation dictionary); the reference reads without
    one, so that cue's cached samples are not its reading and must not be used. A cue the
    dictionary did not touch is still read from the cache."""
    import numpy as np

    from subtoolkit.align.voice import NeuralVoice
    from subtoolkit.tts.base import SegmentKind, SegmentRequest
    from subtoolkit.tts.cache import RenderCache
    from subtoolkit.tts.neural import NeuralEngine
    from subtoolkit.tts.pinyin import PinyinEntry
    from subtoolkit.tts.render import render_segments_sync

    touched, untouched = "生命重于泰山。", "我们在山上。"
    engine = NeuralEngine(pinyin=(PinyinEntry("重", ("chong2",)),))
    assert engine.prepare(touched) != NeuralEngine().prepare(touched)
    assert engine.prepare(untouched) == NeuralEngine().prepare(untouched)
    cache = RenderCache(tmp_path / "voice")
    requests = [SegmentRequest(0, t, SegmentKind.VOICED) for t in (touched, untouched)]
    render_segments_sync(requests, engine, cache=cache)
    del syntheses[:]

    voice = NeuralVoice(rendered=RenderCache(tmp_path / "voice"))
    from_cache = voice.render(untouched)
    assert syntheses == []
    reread = voice.render(touched)
    assert syntheses == [touched]
    assert cache.writes == 2 and voice.rendered is not None and voice.rendered.writes == 0  # read, never written
    plain = NeuralVoice()
    assert np.array_equal(from_cache[0], plain.render(untouched)[0])
    assert np.array_equal(reread[0], plain.render(touched)[0])
