"""``align`` against recordings whose truth is known, built offline with the espeak engine.

Each scenario reads the test script's narration (five paragraphs of the sample, see
``align_helpers.MINI_LINES``) at a pace off the estimate, with 0.2–2 s pauses between sentences
and paragraphs, breaths in the longer pauses, pink room noise at 20 dB SNR, at a sample rate
other than the voice's; then runs the whole job as the CLI does (decode → align → write) and
compares every cue boundary with the truth; one session is read by another voice than the
reference's, one holds two retakes (a sentence read, abandoned and read again: the last reading
is aligned, the first reported as unmatched). The bar is the issue's: median ≤ 40 ms,
95th percentile ≤ 200 ms, no cue out of order; a block the talent skipped comes out unplaced and
the others still meet the bar.

Run with ``-s`` to see the measured figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from align_helpers import Session, build_session, mini_script

from subtoolkit.jobs.align import AlignOptions, AlignResult, run_align
from subtoolkit.align.plan import narration_blocks
from subtoolkit.text.ingest import read_source
from subtoolkit.model import BlockKind, Cue, Timeline
from subtoolkit.text.parse import parse_lines
from subtoolkit.subtitles.profiles import load_profile
from subtoolkit.subtitles.validate import errors, validate

MEDIAN_MS, P95_MS = 40.0, 200.0
PROFILE = load_profile("netflix-zh-hans")


@dataclass
class Run:
    name: str
    session: Session
    result: AlignResult
    out: Path
    narration: list[int]


def _scenarios(narration: list[int]) -> dict[str, dict[str, Any]]:
    return {
        # slow talent, studio FLAC at 48 kHz, one file
        "slow-48k-flac": dict(rate=-30, seed=11, sample_rate=48000, formats=("flac",)),
        # fast talent, one file per part in three formats and three rates
        "fast-split-3-files": dict(rate=30, seed=12, sample_rate=(44100, 22050, 48000), formats=("wav", "mp3", "m4a"),
                                   split_before=(narration[2], narration[4])),
        # the talent skipped the third paragraph
        "skipped-paragraph": dict(rate=-10, seed=13, sample_rate=44100, formats=("wav",), skip=(narration[2],)),
        # a voice other than the reference's (espeak's female variant): formants ~15 % higher
        "other-voice-mp3": dict(rate=10, seed=14, sample_rate=44100, formats=("mp3",), voice="cmn+f3"),
        # an untrimmed session: the first sentence of two paragraphs read, abandoned and read again
        "retakes": dict(rate=0, seed=18, sample_rate=44100, formats=("wav",), retake=(narration[1], narration[3])),
    }


@pytest.fixture(scope="module")
def script_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mini_script(tmp_path_factory.mktemp("script"))


@pytest.fixture(scope="module",
                params=["slow-48k-flac", "fast-split-3-files", "skipped-paragraph", "other-voice-mp3", "retakes"])
def run(request: pytest.FixtureRequest, script_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    script = parse_lines(read_source(script_path).lines)
    narration = narration_blocks(script)
    kwargs = _scenarios(narration)[request.param]
    work = tmp_path_factory.mktemp(request.param)
    session = build_session(script, work / "vo", **kwargs)
    out = work / "out"
    # espeak reads these sessions: they test the machinery against a reference of the same family
    result = run_align(script_path, session.files,
                       AlignOptions(out_dir=out, formats=("srt", "vtt", "json"), reference="espeak"))
    return Run(request.param, session, result, out, narration)


def _cue_truth(run: Run) -> list[tuple[dict[str, Any], tuple[float, float] | None]]:
    """Each reported cue with its true onset and offset on the recordings' clock (None when the
    cue's ends are not both atom ends, which the segmenter's rare cut inside a word causes)."""
    script = run.result.script
    offsets = [r["offset_ms"] for r in run.result.report["recordings"]]
    out = []
    for cue, truth in run.session.cue_truths(run.result.report["cues"], script):
        if truth is None:
            out.append((cue, None))
            continue
        glob = []
        for t in truth:
            k, local = run.session.local(t)
            glob.append(offsets[k] + local)
        out.append((cue, (glob[0], glob[1])))
    return out


def _stats(errs: list[float]) -> tuple[float, float, float]:
    a = np.abs(np.asarray(errs))
    return float(np.median(a)), float(np.percentile(a, 95)), float(a.max())


def test_cue_boundaries_are_within_the_bar(run: Run) -> None:
    pairs = _cue_truth(run)
    scored = [(c, t) for c, t in pairs if t is not None]
    assert len(scored) >= 0.9 * len(pairs) and len(scored) >= 20
    errs = []
    for cue, (start, end) in scored:
        errs += [cue["speech_start_ms"] - start, cue["speech_end_ms"] - end]
    median, p95, worst = _stats(errs)
    print(f"\n[{run.name}] {run.session.duration_ms / 60000:.1f} min, {len(scored)} cues, {run.session.breaths} "
          f"breaths: "
          f"boundary error median {median:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms")
    assert median <= MEDIAN_MS
    assert p95 <= P95_MS


def test_written_tracks_start_on_the_voice_in_order_and_meet_the_profile(run: Run) -> None:
    stem = "mini"
    data = json.loads((run.out / f"{stem}.aligned.zh-Hans.json").read_text(encoding="utf-8"))
    assert set(data) == {"fps", "profile", "cues"} and data["fps"] == 25 and data["profile"] == "netflix-zh-hans"
    cues = data["cues"]
    assert [set(c) for c in cues[:1]] == [{"start_ms", "end_ms", "block", "kind", "lines"}]
    assert all(c["kind"] == "narration" for c in cues)
    assert all(a["start_ms"] < b["start_ms"] and a["end_ms"] <= b["start_ms"] for a, b in zip(cues, cues[1:]))
    timeline = Timeline(tuple(Cue(c["block"], BlockKind(c["kind"]), tuple(c["lines"]), c["start_ms"], c["end_ms"])
                              for c in cues), fps=25)
    assert errors(validate(timeline, PROFILE)) == []
    truth = [t for _, t in _cue_truth(run)]
    starts = [c["start_ms"] - t[0] for c, t in zip(cues, truth) if t is not None]
    median, p95, worst = _stats(starts)
    print(f"\n[{run.name}] written in-times (frame grid): median {median:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms")
    assert median <= MEDIAN_MS and p95 <= P95_MS


def test_every_recording_gets_its_own_track_on_its_own_clock(run: Run) -> None:
    from subtoolkit.subtitles.readers import read_subtitles

    truth = [t for _, t in _cue_truth(run)]
    offsets = [r["offset_ms"] for r in run.result.report["recordings"]]
    cues_by_file: list[list[float]] = [[] for _ in run.session.files]
    for t in truth:
        if t is not None:
            k = max(i for i, o in enumerate(offsets) if o <= t[0])
            cues_by_file[k].append(t[0] - offsets[k])
    errs = []
    for k, f in enumerate(run.session.files):
        srt = run.out / f"mini.aligned.{f.stem}.zh-Hans.srt"
        doc = read_subtitles(srt)
        assert not doc.unreadable
        starts = [c.start_ms for c in doc.cues]
        assert starts == sorted(starts) and len(starts) >= len(cues_by_file[k])
        errs += [min(abs(s - t) for s in starts) for t in cues_by_file[k]]
    median, p95, _ = _stats(errs)
    assert median <= MEDIAN_MS and p95 <= P95_MS


def test_blocks_are_placed_or_reported_unplaced(run: Run) -> None:
    report = run.result.report
    skipped = run.session.skipped
    assert report["summary"]["unplaced"] == skipped
    statuses = {b["block"]: b["status"] for b in report["blocks"]}
    assert set(statuses) == set(run.narration)
    for b, status in statuses.items():
        assert status == ("unplaced" if b in skipped else "placed"), (b, status)
    placed = [b for b in report["blocks"] if b["status"] == "placed"]
    assert all(b["confidence"] >= 0.5 and {"match", "pace", "pauses"} <= set(b["evidence"]) for b in placed)
    assert {c["block"] for c in report["cues"]} == set(run.narration) - set(skipped)


def test_an_abandoned_reading_is_reported_unmatched_and_the_last_reading_is_aligned(run: Run) -> None:
    unmatched = run.result.report["unmatched"]
    for block, start, end in run.session.retakes:
        mine = [u for u in unmatched if u["start_ms"] < end and u["end_ms"] > start]
        shown = ", ".join(f"{u['kind']} {u['start_ms']}–{u['end_ms']} ms" for u in mine) or "nothing"
        print(f"\n[{run.name}] abandoned reading of block {block}: truth {start:.0f}–{end:.0f} ms, reported {shown}")
        covered = sum(min(u["end_ms"], end) - max(u["start_ms"], start) for u in mine)
        assert covered >= 0.9 * (end - start)
        assert min(u["start_ms"] for u in mine) >= start - 200 and max(u["end_ms"] for u in mine) <= end + 200
        assert any(u["kind"] == "retake" and u["retake_of_block"] == block for u in mine)
        # and nothing of the script was put on the abandoned reading
        assert not [c for c in run.result.report["cues"] if start + 100 <= c["speech_start_ms"] < end - 100]
