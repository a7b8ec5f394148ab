"""``x.aligned.report.json``: what the aligner did, block by block, in a form a person can check.

For each narration block: placed or not, a confidence between 0 and 1 and the evidence behind it,
where it sits on the recordings' clock and inside which file, how its pace compares with the
estimate. For each cue: the speech times found and whether each end was anchored on a pause or
interpolated by DTW. Unplaced and low-confidence blocks are listed at the top, since they are
the part an editor must look at; so are the stretches of recording matched to no text (an
abandoned reading before a retake, a cough, talk between takes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from subtoolkit.align.core import Alignment, Track
from subtoolkit.model import Script, Timeline
from subtoolkit.subtitles.validate import Problem

EXCERPT = 24


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _where(tracks: Sequence[Track], ms: int) -> tuple[str, int]:
    """The file a time on the recordings' clock falls in, and the time inside it."""
    chosen = tracks[0]
    for t in tracks:
        if t.offset_ms <= ms:
            chosen = t
    return chosen.name, ms - chosen.offset_ms


def build_report(
    *,
    script: Script,
    script_path: str,
    alignment: Alignment,
    recordings: Sequence[dict[str, Any]],
    timeline: Timeline,
    problems: Sequence[Problem],
    profile: str,
    voice: str,
    film: bool,
    seconds: float,
    files: Sequence[str],
) -> dict[str, Any]:
    tracks = alignment.tracks
    blocks = []
    cue_count: dict[int, int] = {}
    for c in alignment.cues:
        cue_count[c.plan.block] = cue_count.get(c.plan.block, 0) + 1
    for b in alignment.blocks:
        block = script.blocks[b.block]
        entry: dict[str, Any] = {
            "block": b.block,
            "line": block.first_line,
            "section": block.section,
            "kind": block.kind.value,
            "text": _excerpt(block.text),
            "status": ("unplaced" if not b.placed
                       else "low-confidence" if b.confidence < alignment.low_confidence else "placed"),
            "confidence": b.confidence,
        }
        if b.placed and b.start_ms is not None and b.end_ms is not None:
            name, local = _where(tracks, b.start_ms)
            entry.update({
                "start_ms": b.start_ms,
                "end_ms": b.end_ms,
                "recording": name,
                "recording_start_ms": local,
                "pace": b.pace,
                "cues": cue_count.get(b.block, 0),
                "evidence": b.evidence,
                "recut_for_pace": b.block in alignment.replanned,
            })
        entry["notes"] = list(b.notes)
        blocks.append(entry)
    cues = []
    for c in alignment.cues:
        name, local = _where(tracks, c.start_ms)
        cues.append({
            "block": c.plan.block,
            "text": c.plan.source,
            "speech_start_ms": c.start_ms,
            "speech_end_ms": c.end_ms,
            "recording": name,
            "recording_start_ms": local,
            "start_on": "pause" if c.start_on_pause else "dtw",
            "end_on": "pause" if c.end_on_pause else "dtw",
        })
    unmatched = []
    for u in alignment.unmatched:
        name, local = _where(tracks, u.start_ms)
        entry = {"start_ms": u.start_ms, "end_ms": u.end_ms, "recording": name, "recording_start_ms": local,
                 "kind": "retake" if u.retake_of is not None else "unmatched sound"}
        if u.retake_of is not None:
            entry["retake_of_block"] = u.retake_of
            entry["note"] = "an abandoned reading: the block is aligned to the later one"
        unmatched.append(entry)
    placed = [b for b in alignment.blocks if b.placed]
    total_ms = sum(t.duration_ms for t in tracks)
    return {
        "script": script_path,
        "profile": profile,
        "fps": timeline.to_json()["fps"],
        "clock": "film" if film else "recordings",
        "reference_voice": voice,
        "voice_shift_bands": alignment.voice_shift,
        "recordings": list(recordings),
        "summary": {
            "narration_blocks": len(alignment.blocks),
            "placed": len(placed),
            "unplaced": alignment.unplaced,
            "low_confidence": alignment.doubtful,
            "low_confidence_below": alignment.low_confidence,
            "mean_confidence": round(sum(b.confidence for b in placed) / len(placed), 3) if placed else 0.0,
            "narration_cues": len(alignment.cues),
            "recut_for_pace": list(alignment.replanned),
            "retakes": sum(1 for u in alignment.unmatched if u.retake_of is not None),
            "audio_s": round(total_ms / 1000, 1),
            "processing_s": round(seconds, 2),
            "seconds_per_audio_minute": round(seconds / (total_ms / 60000), 2) if total_ms else None,
        },
        "blocks": blocks,
        "cues": cues,
        "unmatched": unmatched,
        "problems": [{"code": p.code, "cue": p.cue, "severity": p.severity, "message": p.message} for p in problems],
        "files": list(files),
    }
