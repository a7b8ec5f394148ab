"""The render cache and the orchestrator: what gets rendered again, and what does not."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from voice_support import CountingEngine

from subtoolkit.tts.base import SegmentKind, SegmentRequest
from subtoolkit.tts.cache import RenderCache, cache_key, default_cache_dir
from subtoolkit.tts.espeak import EspeakEngine
from subtoolkit.tts.render import RenderProgress, render_segments_sync

# A small script: block 0 a heading held on screen, 1–2 narration rendered sentence by sentence,
# 3 an interview placeholder, 4 narration.
SCRIPT = [
    SegmentRequest.placeholder(0, 1200, text="直面风险", pause_after_ms=300),
    SegmentRequest(1, "安全生产是民生大事。", pause_after_ms=250),
    SegmentRequest(1, "一丝一毫不能放松。", pause_after_ms=600),
    SegmentRequest(2, "2019年，全国共发生事故3.8万起。", pause_after_ms=600),
    SegmentRequest.placeholder(3, 2500, text="辛鸣：……", pause_after_ms=400),
    SegmentRequest(4, "生命重于泰山。"),
]


@pytest.fixture()
def counting() -> CountingEngine:
    return CountingEngine(EspeakEngine())


def render(engine: CountingEngine, segments: list[SegmentRequest], root: Path, **kw: object):  # type: ignore[no-untyped-def]
    return render_segments_sync(segments, engine, cache=RenderCache(root), **kw)  # type: ignore[arg-type]


def test_second_run_renders_nothing(counting: CountingEngine, tmp_path: Path) -> None:
    first = render(counting, SCRIPT, tmp_path)
    assert len(counting.calls) == 4
    assert [s["cached"] for s in first.manifest()["segments"]] == [False] * 4
    counting.calls.clear()
    again = render(counting, SCRIPT, tmp_path)
    assert counting.calls == []
    m1, m2 = first.manifest(), again.manifest()
    assert [s["cached"] for s in m2["segments"]] == [True] * 4
    assert [(s["start_ms"], s["duration_ms"], s["cache_key"]) for s in m1["segments"]] == [
        (s["start_ms"], s["duration_ms"], s["cache_key"]) for s in m2["segments"]
    ]
    assert again.track.audio == first.track.audio
    assert again.summary.rendered == 0 and again.summary.from_cache == 4


def test_editing_one_paragraph_rerenders_only_its_segments(counting: CountingEngine, tmp_path: Path) -> None:
    render(counting, SCRIPT, tmp_path)
    counting.calls.clear()
    edited = list(SCRIPT)
    edited[2] = SegmentRequest(1, "一丝一毫都不能放松。", pause_after_ms=600)  # block 1, second sentence
    res = render(counting, edited, tmp_path)
    assert [c[0] for c in counting.calls] == ["一丝一毫都不能放松。"]
    m = res.manifest()["segments"]
    assert [(s["block"], s["cached"]) for s in m] == [(1, True), (1, False), (2, True), (4, True)]


@pytest.mark.parametrize(
    "change",
    [
        {"text": "安全生产是头等大事。"},
        {"voice": "yue"},
        {"rate": 20},
    ],
)
def test_text_voice_and_rate_are_part_of_the_key(change: dict[str, object], counting: CountingEngine,
                                                 tmp_path: Path) -> None:
    base = SegmentRequest(1, "安全生产是民生大事。")
    render(counting, [base], tmp_path)
    counting.calls.clear()
    changed = SegmentRequest(**{"block": 1, "text": base.text, **change})  # type: ignore[arg-type]
    res = render(counting, [changed], tmp_path)
    assert len(counting.calls) == 1 and res.manifest()["segments"][0]["cached"] is False
    counting.calls.clear()
    render(counting, [base, changed], tmp_path)
    assert counting.calls == []


def test_keys_follow_the_spoken_form_and_the_engine_version() -> None:
    e = EspeakEngine()
    k = lambda text, version=e.version: cache_key(e.name, version, "cmn", 0, e.prepare(text))  # noqa: E731
    assert k("占80%") == k("占百分之八十")  # same words spoken, same audio
    assert k("占80%") != k("占81%")
    assert k("你好") != k("你好", "espeak-ng 1.53.0")


def test_identical_segments_in_one_run_render_once(counting: CountingEngine, tmp_path: Path) -> None:
    same = [SegmentRequest(i, "生命重于泰山。") for i in range(3)]
    res = render(counting, same, tmp_path)
    assert len(counting.calls) == 1
    assert [s["cached"] for s in res.manifest()["segments"]] == [False, True, True]
    starts = [s.start_ms for s in res.segments]
    d = res.segments[0].duration_ms
    assert starts == [0, d, 2 * d]


def test_damaged_entries_miss_and_are_replaced(counting: CountingEngine, tmp_path: Path) -> None:
    seg = [SegmentRequest(1, "安全生产是民生大事。")]
    render(counting, seg, tmp_path)
    wav = next(tmp_path.rglob("*.wav"))
    wav.write_bytes(wav.read_bytes()[:1000])  # a crash half-way through a copy, say
    counting.calls.clear()
    res = render(counting, seg, tmp_path)
    assert len(counting.calls) == 1 and res.manifest()["segments"][0]["cached"] is False
    counting.calls.clear()
    render(counting, seg, tmp_path)
    assert counting.calls == []
    meta = json.loads(next(tmp_path.rglob("*.json")).read_text(encoding="utf-8"))
    assert meta["text"] == "安全生产是民生大事。" and meta["engine"] == "espeak"
    assert not list(tmp_path.rglob("*.tmp"))


def test_refresh_mode_rerenders_but_stores(counting: CountingEngine, tmp_path: Path) -> None:
    seg = [SegmentRequest(1, "安全生产是民生大事。")]
    render_segments_sync(seg, counting, cache=RenderCache(tmp_path, read=False))  # type: ignore[arg-type]
    render_segments_sync(seg, counting, cache=RenderCache(tmp_path, read=False))  # type: ignore[arg-type]
    assert len(counting.calls) == 2
    counting.calls.clear()
    render(counting, seg, tmp_path)
    assert counting.calls == []
    render_segments_sync(seg, counting, cache=None)  # type: ignore[arg-type]
    assert len(counting.calls) == 1


def test_progress_reports_real_work_and_summary(counting: CountingEngine, tmp_path: Path) -> None:
    render(counting, SCRIPT[:3], tmp_path)
    events: list[RenderProgress] = []
    res = render(counting, SCRIPT, tmp_path, progress=events.append)
    first, last = events[0], events[-1]
    assert (first.total, first.done, first.from_cache, first.to_render) == (4, 2, 2, 2)
    assert (last.done, last.rendered, last.failed, last.chars_done) == (4, 2, 0, last.chars_to_render)
    assert [e.done for e in events] == sorted(e.done for e in events)
    s = res.summary
    assert (s.segments, s.voiced, s.placeholders, s.rendered, s.from_cache, s.failed) == (6, 4, 2, 2, 2, 0)
    assert s.audio_ms == res.track.duration_ms == res.segments[-1].end_ms


def test_manifest_has_exactly_the_agreed_shape(counting: CountingEngine, tmp_path: Path) -> None:
    res = render(counting, SCRIPT, tmp_path)
    path = res.write_manifest(tmp_path / "x.voiceover.manifest.json")
    m = json.loads(path.read_text(encoding="utf-8"))
    assert set(m) == {"engine", "segments"} and m["engine"] == "espeak"
    assert len(m["segments"]) == 4  # placeholders are not rendered segments
    for entry in m["segments"]:
        assert list(entry) == ["block", "text", "voice", "start_ms", "duration_ms", "cache_key", "cached"]
        assert entry["voice"] == "cmn" and len(entry["cache_key"]) == 64
        assert isinstance(entry["start_ms"], int) and isinstance(entry["duration_ms"], int)
    assert m["segments"][2]["text"] == "2019年，全国共发生事故3.8万起。"  # the script's text, not the spoken form
    placeholder = res.segments[4]
    assert placeholder.request.kind is SegmentKind.PLACEHOLDER and placeholder.duration_ms == 2500


def test_default_cache_dir_follows_the_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SUBTOOLKIT_CACHE_DIR", raising=False)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert default_cache_dir() == tmp_path / "xdg" / "subtoolkit"
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # invalid per the spec: ignored
        assert default_cache_dir() == Path.home() / ".cache" / "subtoolkit"
        monkeypatch.delenv("XDG_CACHE_HOME")
        assert RenderCache().root == Path.home() / ".cache" / "subtoolkit" / "voice"
    monkeypatch.setenv("SUBTOOLKIT_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    assert RenderCache(tmp_path / "arg").root == tmp_path / "arg"
