"""`subtoolkit voiceover --engine edge|auto` end to end, the real edge-tts client against the
loopback protocol server (run in a thread with its own event loop, as a remote service would)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from edge_server import FakeEdgeServer, edge_tts_pointed_at
from typer.testing import CliRunner

from subtoolkit.cli import app

runner = CliRunner()
SCRIPT = ("安全生产是关系人民群众生命财产安全的大事。\n薛澜（清华大学教授）：\n我们要守住安全底线。\n"
          "生命重于泰山，人民的生命安全高于一切。\n")


@pytest.fixture
def server() -> Iterator[FakeEdgeServer]:
    loop = asyncio.new_event_loop()
    srv = FakeEdgeServer(ms_per_char=60.0)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(srv.__aenter__())
        ready.set()
        loop.run_forever()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert ready.wait(10)
    try:
        with edge_tts_pointed_at(srv):
            yield srv
    finally:
        asyncio.run_coroutine_threadsafe(srv.__aexit__(None, None, None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        t.join(10)


def _run(tmp_path: Path, *extra: str):  # type: ignore[no-untyped-def]
    script = tmp_path / "ep.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    return runner.invoke(app,
                         ["voiceover", str(script), "-o", str(tmp_path / "out"), "--cache-dir",
                          str(tmp_path / "cache"), *extra])


def test_edge_engine_through_the_cli(server: FakeEdgeServer, tmp_path: Path) -> None:
    r = _run(tmp_path, "--engine", "edge", "--concurrency", "3")
    assert r.exit_code == 0, r.stderr
    m = json.loads((tmp_path / "out" / "ep.voiceover.manifest.json").read_text(encoding="utf-8"))
    assert m["engine"] == "edge" and {s["voice"] for s in m["segments"]} == {"zh-CN-YunyangNeural"}
    assert len(server.requests) == len(m["segments"]) == 2  # one request per cue; the interview is a placeholder
    assert server.peak_concurrency <= 3
    cues = json.loads((tmp_path / "out" / "ep.voiceover.zh-Hans.json").read_text(encoding="utf-8"))["cues"]
    assert [c["kind"] for c in cues] == ["narration", "interview", "narration"]


def test_auto_uses_edge_when_it_answers(server: FakeEdgeServer, tmp_path: Path) -> None:
    r = _run(tmp_path, "--engine", "auto")
    assert r.exit_code == 0, r.stderr
    assert "edge:" in r.stdout and "warning" not in r.stderr


def test_failure_after_retries_names_the_segment_and_writes_nothing(server: FakeEdgeServer, tmp_path: Path) -> None:
    server.on_text("守住安全底线", *(["no_audio"] * 10))
    script = tmp_path / "ep.txt"
    script.write_text("我们要守住安全底线。\n", encoding="utf-8")
    r = runner.invoke(app,
                      ["voiceover", str(script), "-o", str(tmp_path / "out"), "--engine", "edge", "--cache-dir",
                       str(tmp_path / "cache")])
    assert r.exit_code == 1
    assert "守住安全底线" in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
