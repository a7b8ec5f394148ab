"""report.html in a real browser: the player shows the cue the JSON timeline says, offline.

Headless Chromium (Debian's package, which .ci/run installs) driven by Playwright. In CI a
missing browser is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _browser_or_fail():  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if CHROMIUM is None or sync_playwright is None:
        if os.environ.get("CI"):
            pytest.fail("chromium and playwright are required in CI (.ci/run installs them)")
        pytest.skip("chromium or playwright missing")
    return sync_playwright


@pytest.fixture(scope="module", params=["none", "espeak"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built without a voice (silent track, estimated timings) and with the offline
    voice (the scratch voiceover, retimed tracks)."""
    out = tmp_path_factory.mktemp("report")
    args = ["build", str(SAMPLE), "-o", str(out), "--voice", request.param, "--cache-dir", str(out / "cache")]
    variants = os.environ.get("SUBTOOLKIT_TEST_VARIANTS", "s2twp")
    try:
        import subtoolkit.chinese.variants  # noqa: F401

        args += ["--variants", variants]
    except ImportError:
        pass
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.stderr
    return out / SAMPLE.stem


def _timelines(folder: Path) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """The tracks the player must show: the voiceover's when there is one, else the estimate's."""
    found = {}
    stem = f"{SAMPLE.stem}.voiceover" if (folder / f"{SAMPLE.stem}.voiceover.zh-Hans.json").exists() else SAMPLE.stem
    for p in folder.glob(f"{stem}.zh-*.json"):
        tag = p.name[len(stem) + 1 : -len(".json")]
        cues = json.loads(p.read_text(encoding="utf-8"))["cues"]
        found[tag] = [c for c in cues if c["kind"] in ("narration", "interview")]
    return found


def test_player_shows_the_timeline_cue_offline(report: Path) -> None:
    sync_playwright = _browser_or_fail()
    timelines = _timelines(report)
    assert "zh-Hans" in timelines
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # the page's CSP forbids eval, which Playwright's polling needs; requests are still all recorded
        context = browser.new_context(viewport={"width": 1200, "height": 1500}, bypass_csp=True)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((report / "report.html").as_uri())
        page.wait_for_function("window.subtoolkit && window.subtoolkit.audio.readyState >= 1", timeout=20000)
        for tag, cues in timelines.items():
            page.evaluate(f"window.subtoolkit.choose({json.dumps(tag)})")
            for k in (0, 7, len(cues) // 3, len(cues) // 2, len(cues) - 1):
                cue = cues[k]
                t = (cue["start_ms"] + cue["end_ms"]) / 2000
                page.evaluate(f"window.subtoolkit.audio.currentTime = {t}")
                page.wait_for_function(
                    f"(() => {{ const a = window.subtoolkit.tracks[{json.dumps(tag)}].activeCues; "
                    f"return a && a.length === 1 && a[0].text === {json.dumps(chr(10).join(cue['lines']))}; }})()",
                    timeout=10000,
                )
                shown = page.inner_text("#screen")
                assert shown.replace("\n", "") == "".join(cue["lines"]), (tag, k, shown)
        if os.environ.get("SUBTOOLKIT_SCREENSHOT"):
            page.screenshot(path=os.environ["SUBTOOLKIT_SCREENSHOT"])
        browser.close()
    audio = [p for p in report.iterdir() if p.suffix == ".mp3"]
    assert len(audio) == 1
    allowed = {(report / "report.html").as_uri(), audio[0].as_uri()}
    assert requests and set(requests) <= allowed, set(requests) - allowed
