"""Untrimmed retakes of long sentences: the last reading is aligned, the abandoned one reported.

A talent's raw session keeps its false starts: a sentence read in full and read again, or begun,
stopped halfway and read again from its start. Each session here reads the first three narration
blocks of the test script with three such retakes, all of sentences of 54–83 characters (the
shorter ones of ``test_align_accuracy``'s retake session are covered there):

- the first sentence of block 2 stopped about halfway and read again (a restart mid-sentence, at
  the very start of the recording's narration);
- the second sentence of block 2 (83 characters) read in full, then again (a retake inside a block);
- the first sentence of block 5 (77 characters) read in full, then again (a block's first sentence);

a layout with a restart in the middle of block 2's second sentence instead; and one of false
starts (a few words of a sentence, then the sentence again after a breath of 250–450 ms) in each
block, the third being a block's first sentence (32 characters). Two voices read
them: espeak against the espeak reference, and the neural voice against the neural reference
(skipped where it is not installed). The truth is where the builder put each piece.

Run with ``-s`` for the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from align_helpers import Retake, Session, build_session, mini_script

from subtoolkit.align.plan import narration_blocks
from subtoolkit.jobs.align import AlignOptions, AlignResult, run_align
from subtoolkit.model import Script
from subtoolkit.text.ingest import read_source
from subtoolkit.text.parse import parse_lines

SHORT = (250.0, 450.0)
LAYOUTS = {
    # (block by position among the three, sentence index, share read before stopping, pause before the restart)
    "restart-first-full-middle-full-block": ((0, 0, 0.5, (700.0, 1200.0)), (0, 1, 1.0, (700.0, 1200.0)),
                                             (2, 0, 1.0, (700.0, 1200.0))),
    "restart-middle": ((0, 1, 0.4, (700.0, 1200.0)), (2, 0, 1.0, (700.0, 1200.0))),
    # false starts of a few words, picked up again after a short breath
    "false-starts": ((0, 1, 0.15, SHORT), (1, 0, 0.3, SHORT), (2, 0, 0.2, SHORT)),
}


@dataclass
class Run:
    name: str
    session: Session
    result: AlignResult
    script: Script
    starts: list[float]


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Script]:
    path = mini_script(tmp_path_factory.mktemp("script"))
    return path, parse_lines(read_source(path).lines)


def _readers(voice: str, blocks: list[int]) -> dict[int, object] | None:
    if voice == "espeak":
        return None
    from subtoolkit.tts.choose import neural_installed

    if not neural_installed():
        pytest.skip("the neural voice is not installed (make voice)")
    from subtoolkit.align.voice import NeuralVoice

    return {b: NeuralVoice() for b in blocks}


@pytest.fixture(scope="module", params=[(v, k) for v in ("espeak", "neural") for k in LAYOUTS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def run(request: pytest.FixtureRequest, mini, tmp_path_factory: pytest.TempPathFactory) -> Run:  # type: ignore[no-untyped-def]
    voice, layout = request.param
    path, script = mini
    three = narration_blocks(script)[:3]
    work = tmp_path_factory.mktemp(f"{voice}-{layout}")
    retakes = tuple(Retake(three[i], sentence, upto, gap) for i, sentence, upto, gap in LAYOUTS[layout])
    session = build_session(script, work / "vo", blocks=three, readers=_readers(voice, three), seed=61,
                            snr_db=30, sample_rate=16000 if voice == "neural" else 44100, retake=retakes)
    part = work / "part.txt"  # the script of what was recorded
    lines = path.read_text(encoding="utf-8").splitlines()
    part.write_text("\n".join(lines[: script.blocks[three[-1]].last_line]) + "\n", encoding="utf-8")
    result = run_align(part, session.files, AlignOptions(out_dir=work / "out", reference=voice))
    part_script = parse_lines(read_source(part).lines)
    starts = [
        cue["speech_start_ms"] - truth[0]
        for cue, truth in session.cue_truths(result.report["cues"], part_script)
        if truth is not None
    ]
    return Run(f"{voice}-{layout}", session, result, part_script, starts)


def test_every_block_is_placed_on_its_last_reading(run: Run) -> None:
    statuses = {b["block"]: b["status"] for b in run.result.report["blocks"]}
    errs = np.abs(run.starts)
    print(f"\n[{run.name}] {len(errs)} cue starts: median {np.median(errs):.0f} ms, p95 "
          f"{np.percentile(errs, 95):.0f} ms, max {errs.max():.0f} ms; confidences "
          f"{[b['confidence'] for b in run.result.report['blocks']]}")
    assert set(statuses.values()) == {"placed"}
    assert len(errs) >= 10
    assert np.median(errs) <= 40 and np.percentile(errs, 95) <= 200


def test_each_abandoned_reading_is_reported_as_a_retake_with_its_span(run: Run) -> None:
    unmatched = run.result.report["unmatched"]
    assert len(run.session.retakes) == len(LAYOUTS[run.name.split("-", 1)[1]])
    for block, start, end in run.session.retakes:
        mine = [u for u in unmatched if u["start_ms"] < end and u["end_ms"] > start]
        shown = ", ".join(f"{u['kind']} of {u.get('retake_of_block')} {u['start_ms']}–{u['end_ms']} ms"
                          for u in mine) or "nothing"
        print(f"\n[{run.name}] abandoned reading of block {block}: truth {start:.0f}–{end:.0f} ms "
              f"({(end - start) / 1000:.1f} s), reported {shown}")
        assert len(mine) == 1  # one reading, one row: its own pauses do not split it
        covered = sum(min(u["end_ms"], end) - max(u["start_ms"], start) for u in mine)
        assert covered >= 0.9 * (end - start)
        assert min(u["start_ms"] for u in mine) >= start - 200 and max(u["end_ms"] for u in mine) <= end + 200
        assert any(u["kind"] == "retake" and u["retake_of_block"] == block for u in mine)
        # nothing of the script was put on the abandoned reading
        assert not [c for c in run.result.report["cues"] if start + 100 <= c["speech_start_ms"] < end - 100]
