"""The edge engine: the real edge-tts client against a loopback server that speaks its protocol."""

from __future__ import annotations

import asyncio
import random

import pytest
from voice_support import CountingEngine, SleepRecorder, with_fake_edge

from subtoolkit.errors import VoiceError
from subtoolkit.tts.base import SegmentFailed, SegmentRequest
from subtoolkit.tts.cache import RenderCache
from subtoolkit.tts.choose import choose_engine
from subtoolkit.tts.edge import EdgeEngine, EdgeRequestFailed, RetryPolicy
from subtoolkit.tts.espeak import EspeakEngine
from edge_server import FRAME_MS, LEAD_FRAMES, FakeEdgeServer
from subtoolkit.audio.onset import speech_span
from subtoolkit.tts.render import render_segments

FAST = RetryPolicy(attempts=3, base_s=0.01, throttled_base_s=0.05, cap_s=0.2)


def engine(**kw: object) -> EdgeEngine:
    kw.setdefault("retry", FAST)
    kw.setdefault("rng", random.Random(7))
    return EdgeEngine(**kw)  # type: ignore[arg-type]


def expected_ms(sentence: str, ms_per_char: float = 100.0) -> int:
    """The fake server's answer length: lead + tone + short pause + tail, in whole frames."""
    voiced = sum(1 for c in sentence if c.isalnum())
    frames = max(2, round(voiced * ms_per_char / FRAME_MS))
    return (2 * LEAD_FRAMES + frames + 2) * FRAME_MS


def test_one_request_per_sentence_with_boundaries() -> None:
    text = "第一句话。第二句话比较长一些！"

    async def go(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        return server, await engine().synthesize(text, voice="zh-CN-YunyangNeural", rate=10)

    server, syn = with_fake_edge(go)
    assert [r.text for r in server.requests] == ["第一句话。", "第二句话比较长一些！"]
    r0 = server.requests[0]
    assert r0.voice == "Microsoft Server Speech Text to Speech Voice (zh-CN, YunyangNeural)"
    assert r0.rate == "+10%"
    assert r0.config["context"]["synthesis"]["audio"]["outputFormat"] == "audio-24khz-48kbitrate-mono-mp3"
    assert {"TrustedClientToken", "ConnectionId", "Sec-MS-GEC", "Sec-MS-GEC-Version"} <= set(r0.query)
    first, second = expected_ms("第一句话。"), expected_ms("第二句话比较长一些！")
    assert syn.audio.duration_ms == first + second  # MP3 decoded to exactly its frames
    lead = LEAD_FRAMES * FRAME_MS
    b = syn.boundaries
    assert [x.text for x in b] == ["第一句话。", "第二句话比较长一些！"]
    assert [x.kind for x in b] == ["sentence", "sentence"]
    # Ticks → ms, and the second sentence moved by the first one's audio.
    assert b[0].start_ms == lead and b[1].start_ms == first + lead
    assert b[1].end_ms - b[1].start_ms == round(9 * 100 / FRAME_MS) * FRAME_MS
    assert syn.requests == 2


@pytest.mark.parametrize("fault", ["drop", "drop_mid", "no_audio", "bad_frame", "429", "503", "500", "stall"])
def test_a_fault_is_retried_with_a_fresh_request(fault: str) -> None:
    sleeps = SleepRecorder()
    eng = engine(sleep=sleeps, request_timeout=1.0)

    async def go(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        server.queue(fault)
        syn = await eng.synthesize("第三句话。", voice="zh-CN-YunyangNeural")
        return server, syn

    server, syn = with_fake_edge(go)
    assert [r.fault for r in server.requests][-1] == "ok"
    assert server.state.connections == 2
    assert syn.requests == 2 and eng.attempts_made == 2
    # A truncated answer (drop_mid) must not be accepted: the audio is complete.
    assert syn.audio.duration_ms == expected_ms("第三句话。")
    assert len(sleeps.delays) == 1
    throttled = fault in ("429", "503")
    lo, hi = (0.025, 0.05) if throttled else (0.005, 0.01)
    assert lo <= sleeps.delays[0] <= hi


def test_403_is_first_handled_by_edge_tts_clock_skew_retry() -> None:
    eng = engine()

    async def go(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        server.queue("403")
        await eng.synthesize("你好。", voice="zh-CN-YunyangNeural")
        return server

    server = with_fake_edge(go)
    assert server.state.connections == 2 and eng.attempts_made == 1


def test_backoff_grows_exponentially_and_gives_up() -> None:
    sleeps = SleepRecorder()
    eng = engine(sleep=sleeps, retry=RetryPolicy(attempts=4, base_s=1.0, throttled_base_s=5.0, cap_s=30))

    async def go(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        server.on_text("坏", *["no_audio"] * 4)
        with pytest.raises(EdgeRequestFailed) as err:
            await eng.synthesize("坏句子。", voice="zh-CN-YunyangNeural")
        return server, err.value

    server, err = with_fake_edge(go)
    assert len(server.requests) == 4 and err.attempts == 4 and "no audio" in err.reason
    assert err.text == "坏句子。"
    d = sleeps.delays
    assert len(d) == 3
    for k, delay in enumerate(d):
        assert 2**k / 2 <= delay <= 2**k


def test_parameters_we_got_wrong_are_not_retried() -> None:
    eng = engine()

    async def go(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        with pytest.raises(EdgeRequestFailed, match="refused") as err:
            await eng.synthesize("你好。", voice="not a voice")
        server.queue("404")
        with pytest.raises(EdgeRequestFailed, match="HTTP 404"):
            await eng.synthesize("你好。", voice="zh-CN-YunyangNeural")
        return server, err.value

    server, err = with_fake_edge(go)
    assert err.attempts == 1 and server.state.connections == 1  # only the 404 reached it
    with pytest.raises(VoiceError, match="out of range"):
        EdgeEngine(concurrency=9)
    with pytest.raises(VoiceError, match="nothing to read"):
        asyncio.run(EdgeEngine().synthesize("……", voice="zh-CN-YunyangNeural"))


def test_long_chinese_text_goes_out_in_pieces_under_the_byte_limit() -> None:
    sentence = "安全生产责任重于泰山，" * 12 + "必须落到实处。"
    no_punctuation = "这是一个没有任何标点也没有空格的很长的句子" * 30
    text = sentence * 8 + no_punctuation + "。结尾。"
    assert len(text.encode()) > 4096  # edge-tts alone would send this as one request

    async def go(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        syn = await engine(max_request_bytes=1200).synthesize(text, voice="zh-CN-YunyangNeural")
        return server, syn

    server, syn = with_fake_edge(go, ms_per_char=2.0)
    texts = [r.text for r in server.requests]
    assert "".join(texts) == text
    assert all(len(t.encode()) <= 1200 for t in texts)
    assert len(texts) == 8 + 2 + 1  # 8 sentences, the unpunctuated one cut in two, the tail
    assert syn.audio.duration_ms == sum(expected_ms(t, 2.0) for t in texts)


def test_concurrency_never_exceeds_the_cap() -> None:
    segments = [SegmentRequest(i, f"第{i}段的句子。") for i in range(12)]

    async def go(server: FakeEdgeServer, eng_conc: int, run_conc: int | None):  # type: ignore[no-untyped-def]
        res = await render_segments(segments, engine(concurrency=eng_conc), concurrency=run_conc)
        return res

    peaks = {}
    for eng_conc, run_conc in ((3, None), (4, 2), (8, 8)):

        async def case(server: FakeEdgeServer, a: int = eng_conc, b: int | None = run_conc):  # type: ignore[no-untyped-def]
            res = await go(server, a, b)
            return server.peak_concurrency, res

        peak, res = with_fake_edge(case, latency_s=0.1)
        peaks[(eng_conc, run_conc)] = peak
        assert res.summary.rendered == 12
    assert peaks == {(3, None): 3, (4, 2): 2, (8, 8): 8}


def test_failure_after_last_retry_names_the_segment_and_resumes_from_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    segments = [
        SegmentRequest(0, "第一段。"),
        SegmentRequest(2, "第二段出错。"),
        SegmentRequest(3, "第三段。"),
    ]
    cache = RenderCache(tmp_path / "cache")
    out = tmp_path / "out.wav"

    async def failing(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        server.on_text("出错", *["no_audio"] * 3)
        with pytest.raises(SegmentFailed) as err:
            res = await render_segments(segments, engine(concurrency=1), cache=cache)
            res.export(out)
        return server, err.value

    server, err = with_fake_edge(failing)
    assert isinstance(err, VoiceError)
    assert (err.index, err.block, err.text) == (1, 2, "第二段出错。")
    assert "3 attempt" in err.cause and "第二段出错" in str(err)
    assert [r.text for r in server.requests] == ["第一段。"] + ["第二段出错。"] * 3  # the third never started
    assert not out.exists()
    assert len(list(cache.root.rglob("*.wav"))) == 1 and not list(cache.root.rglob("*.tmp"))

    counting = CountingEngine(engine(concurrency=1))

    async def resumed(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        return server, await render_segments(segments, counting, cache=RenderCache(tmp_path / "cache"))

    server, res = with_fake_edge(resumed)
    assert [c[0] for c in counting.calls] == ["第二段出错。", "第三段。"]
    assert [s["cached"] for s in res.manifest()["segments"]] == [True, False, False]
    assert res.summary.rendered == 2 and res.summary.from_cache == 1


def test_auto_uses_edge_when_it_answers_and_espeak_otherwise(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # No neural voice in this data folder, so the offline fallback is espeak (the neural
    # fallback is tested with the installed voice in test_voice_neural.py).
    monkeypatch.setenv("SUBTOOLKIT_DATA_DIR", str(tmp_path / "no-voices"))
    warnings: list[str] = []

    async def up(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        return await choose_engine("auto", warn=warnings.append, retry=FAST)

    assert isinstance(with_fake_edge(up), EdgeEngine) and not warnings

    async def down(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        server.queue("503")
        return await choose_engine("auto", warn=warnings.append, probe_timeout=2.0)

    assert isinstance(with_fake_edge(down), EspeakEngine)
    assert len(warnings) == 1 and "HTTP 503" in warnings[0] and "espeak" in warnings[0]

    import edge_tts.communicate

    # Nothing listening at all (a closed loopback port).
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{port}/x?TrustedClientToken=t")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    eng = asyncio.run(choose_engine("auto", warn=warnings.append, probe_timeout=2.0))
    assert isinstance(eng, EspeakEngine) and "connection failed" in warnings[-1]


def test_edge_audio_of_real_speech_keeps_its_onset() -> None:
    async def go(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        return await engine().synthesize("生命重于泰山。", voice="zh-CN-YunyangNeural")

    syn = with_fake_edge(go, audio="espeak")
    span = speech_span(syn.audio)
    assert span is not None
    # espeak's rendering starts speaking at once; MP3 adds only the encoder delay (< 60 ms).
    assert span.start_ms < 80
    assert syn.boundaries and syn.boundaries[0].text == "生命重于泰山。"


def test_the_engine_caps_its_own_requests_when_called_directly() -> None:
    eng = engine(concurrency=3)

    async def go(server: FakeEdgeServer):  # type: ignore[no-untyped-def]
        await asyncio.gather(*(eng.synthesize(f"第{i}句。", voice="zh-CN-YunyangNeural") for i in range(10)))
        return server.peak_concurrency

    assert with_fake_edge(go, latency_s=0.1) == 3
