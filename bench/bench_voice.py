"""Voice layer benchmark: how fast the offline voice is, what concurrency buys, what the cache costs.

Run: ``.venv/bin/python bench/bench_voice.py [--latency 0.2] [--blocks 12]``

It renders the narration of the sample script's first blocks (one segment per sentence,
interviews as placeholders) and reports ratios, which travel between machines better than
seconds:

- espeak real-time factor: wall time of synthesis / length of the audio (lower is faster);
- espeak and edge fully cached re-run / fresh run (the cost of a no-op re-run);
- edge ``concurrency 4`` speed-up over ``concurrency 1`` against the loopback edge-tts server
  with a fixed latency per request (ideal: 4×; the real service's latency is ~0.5–2 s).

Nothing leaves the machine: edge-tts talks to a server on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the loopback edge-tts protocol server is test support

from subtoolkit.text.ingest import read_source  # noqa: E402
from subtoolkit.model import BlockKind  # noqa: E402
from subtoolkit.text.parse import parse_lines  # noqa: E402
from subtoolkit.text.spoken import count_syllables  # noqa: E402
from subtoolkit.tts import RenderCache, SegmentRequest, render_segments  # noqa: E402
from subtoolkit.tts.edge import EdgeEngine, RetryPolicy  # noqa: E402
from subtoolkit.tts.espeak import EspeakEngine  # noqa: E402
from edge_server import FakeEdgeServer, edge_tts_pointed_at  # noqa: E402
from subtoolkit.tts.text import split_sentences  # noqa: E402

SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"


def segments_of_sample(max_blocks: int) -> list[SegmentRequest]:
    source = read_source(SAMPLE)
    script = parse_lines(source.lines, path=str(SAMPLE))
    out: list[SegmentRequest] = []
    for i, block in enumerate(script.blocks[:max_blocks]):
        if block.kind is BlockKind.NARRATION:
            sentences = [s for s in split_sentences(block.text) if s.strip()]
            for k, s in enumerate(sentences):
                out.append(SegmentRequest(i, s, pause_after_ms=700 if k == len(sentences) - 1 else 300))
        elif block.kind is BlockKind.INTERVIEW:
            out.append(SegmentRequest.placeholder(i, int(count_syllables(block.text) / 4.5 * 1000), text=block.text,
                                                  pause_after_ms=500))
        else:
            out.append(SegmentRequest.placeholder(i, 3000, text=block.text, pause_after_ms=500))
    return out


async def timed(coro):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    res = await coro
    return res, time.perf_counter() - t


async def bench(latency: float, max_blocks: int) -> dict[str, object]:
    segments = segments_of_sample(max_blocks)
    voiced = [s for s in segments if s.kind.value == "voiced"]
    report: dict[str, object] = {"segments": len(segments), "voiced": len(voiced)}

    espeak = EspeakEngine()
    espeak.synthesize_sync("预热。")  # library load is a one-off, not per-segment cost
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        audio_ms = 0.0
        for s in voiced:
            audio_ms += espeak.synthesize_sync(s.text).audio.duration_ms
        synth_wall = time.perf_counter() - t
        fresh, fresh_wall = await timed(render_segments(segments, espeak, cache=RenderCache(tmp)))
        again, again_wall = await timed(render_segments(segments, espeak, cache=RenderCache(tmp)))
        assert again.summary.rendered == 0
    report["espeak"] = {
        "audio_s": round(audio_ms / 1000, 1),
        "synthesis_rtf": round(synth_wall / (audio_ms / 1000), 4),
        "render_rtf": round(fresh_wall / (fresh.track.duration_ms / 1000), 4),
        "cached_rerun_over_fresh": round(again_wall / fresh_wall, 3),
    }

    edge_segments = voiced[: min(len(voiced), 24)]
    walls: dict[int, float] = {}
    async with FakeEdgeServer(latency_s=latency, ms_per_char=200) as server:
        with edge_tts_pointed_at(server):
            for conc in (1, 4):
                engine = EdgeEngine(concurrency=conc, retry=RetryPolicy(attempts=2, base_s=0.05))
                _, walls[conc] = await timed(render_segments(edge_segments, engine, cache=None))
            with tempfile.TemporaryDirectory() as tmp:
                engine = EdgeEngine(concurrency=4)
                _, edge_fresh = await timed(render_segments(edge_segments, engine, cache=RenderCache(tmp)))
                cached, edge_again = await timed(render_segments(edge_segments, engine, cache=RenderCache(tmp)))
                assert cached.summary.rendered == 0
            peak = server.peak_concurrency
    report["edge_fake_server"] = {
        "latency_s": latency,
        "segments": len(edge_segments),
        "wall_s_concurrency_1": round(walls[1], 2),
        "wall_s_concurrency_4": round(walls[4], 2),
        "speedup_4_over_1": round(walls[1] / walls[4], 2),
        "peak_connections": peak,
        "cached_rerun_over_fresh": round(edge_again / edge_fresh, 3),
    }
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--latency", type=float, default=0.2, help="seconds the fake edge server waits per request")
    ap.add_argument("--blocks", type=int, default=12, help="how many blocks of the sample to render")
    args = ap.parse_args()
    print(json.dumps(asyncio.run(bench(args.latency, args.blocks)), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
