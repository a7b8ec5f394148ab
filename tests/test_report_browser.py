"""report.html in a real browser: the player shows the cue the JSON timeline says, offline; the
page fits a phone; a copy without its audio says what is missing.

Headless Chromium (Debian's package, which .ci/run installs) driven by Playwright. Under
``make test`` (which sets SUBTOOLKIT_REQUIRE_TOOLS) and in CI a missing browser is a failure, not
a skip; a bare ``pytest`` elsewhere skips. Set SUBTOOLKIT_SCREENSHOT_DIR to keep screenshots.
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
        if os.environ.get("CI") or os.environ.get("SUBTOOLKIT_REQUIRE_TOOLS"):
            pytest.fail("the report test needs Chromium (Debian: apt-get install chromium; .ci/run installs it) and "
                        "playwright (the test extra)")
        pytest.skip("chromium or playwright missing")
    return sync_playwright


@pytest.fixture(scope="module")
def browser_tools():  # type: ignore[no-untyped-def]
    """Checked before anything is built, so a missing browser fails (or skips) at once."""
    return _browser_or_fail()


@pytest.fixture(scope="module", params=["none", "neural"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, browser_tools) -> Path:  # type: ignore[no-untyped-def]
    """The sample built without a voice (silent track, estimated timings) and with the offline
    neural voice, what `make demo` builds (the scratch voiceover, retimed tracks)."""
    if request.param == "neural":
        request.getfixturevalue("neural_voice")  # the real install, once per session
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


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("SUBTOOLKIT_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


# Text boxes of every header and body cell, by table and column: the figures must sit under
# their own header (a right-aligned figure under a left-aligned header lands under the next one).
_COLUMNS = """() => Array.from(document.querySelectorAll('main table')).map(t => {
  const box = (cell) => { const r = document.createRange(); r.selectNodeContents(cell); const b = r.getBoundingClientRect();
                          return [b.left, b.right]; };
  const rows = Array.from(t.rows);
  return {head: Array.from(rows[0].cells).map(box), body: rows.slice(1).map(r => Array.from(r.cells).map(box)),
          right: t.getBoundingClientRect().right};
})"""  # noqa: E501 - browser code

_AXIS = """() => { const s = document.getElementById('strip').getBoundingClientRect();
  return {left: s.left, width: s.width, ticks: Array.from(document.querySelectorAll('#axis [data-t]')).filter(e => e.getClientRects().length).map(e => {
    const b = e.getBoundingClientRect(); return {t: parseFloat(e.dataset.t), text: e.textContent, left: b.left, right: b.right}; })}; }"""  # noqa: E501 - browser code


@pytest.mark.parametrize("width", [390, 1200])
def test_page_fits_and_figures_sit_under_their_headers(report: Path, browser_tools, width: int) -> None:  # type: ignore[no-untyped-def]
    """A 390 px phone (and a desktop): nothing wider than the screen, the player keeps a seek bar
    wide enough to use, every figure under its own header, and the timeline has a time axis."""
    data = json.loads((report / "report.html").read_text(encoding="utf-8").split('<script type="application/json" '
                                                                                 'id="data">')[1].split("</script>")[0])
    with browser_tools() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": width, "height": 844}, bypass_csp=True).new_page()
        page.goto((report / "report.html").as_uri())
        page.wait_for_function("window.subtoolkit && window.subtoolkit.audio.readyState >= 1", timeout=20000)
        _shot(page, f"report-{report.parent.name[-8:]}-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Chromium draws the seek bar only when the controls have room for it
        assert page.evaluate("document.getElementById('player').getBoundingClientRect().width") >= min(300, width - 60)
        tables = page.evaluate(_COLUMNS)
        assert len(tables) >= 2
        for t in tables:
            assert t["right"] <= width
            for row in t["body"]:
                for (hl, hr), (cl, cr) in zip(t["head"], row):
                    if cr > cl:  # an empty cell has no box
                        assert cl < hr and hl < cr, (t["head"], row)  # the figure overlaps its header horizontally
        axis = page.evaluate(_AXIS)
        browser.close()
    ticks = axis["ticks"]
    assert len(ticks) >= 3 and ticks[0]["text"] == "0:00:00"
    assert [x["t"] for x in ticks] == sorted(x["t"] for x in ticks)
    for tick in ticks:
        h, m, s = (int(v) for v in tick["text"].split(":"))
        assert tick["t"] == (h * 3600 + m * 60 + s) * 1000
        at = axis["left"] + (tick["t"] - data["t0"]) / data["span"] * axis["width"]
        assert tick["left"] - 1 <= at <= tick["right"] + 1  # the label sits at its time on the strip
    assert all(a["right"] <= b["left"] for a, b in zip(ticks, ticks[1:]))  # labels do not overlap
    assert ticks[-1]["right"] <= width


def test_missing_audio_is_named(report: Path, tmp_path: Path, browser_tools) -> None:  # type: ignore[no-untyped-def]
    """report.html copied away from its audio: the player says which file is missing (not 0:00/0:00)."""
    page_html = (report / "report.html").read_text(encoding="utf-8")
    audio = [p.name for p in report.iterdir() if p.suffix == ".mp3"]
    assert len(audio) == 1
    (tmp_path / "report.html").write_text(page_html, encoding="utf-8")
    with browser_tools() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
        page.goto((tmp_path / "report.html").as_uri())
        status = page.wait_for_selector("#audio-status:not([hidden])", timeout=20000)
        text = status.inner_text()
        _shot(page, f"report-missing-audio-{report.parent.name[-8:]}.png")
        browser.close()
    assert audio[0] in text and "report.html" in text, text


def test_missing_browser_fails_under_make_test(tmp_path: Path) -> None:
    """`make test` must not pass by skipping this module: without Chromium it fails."""
    import subprocess
    import sys

    from conftest import ROOT

    recipe = subprocess.run(["make", "-s", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    line = next(l for l in recipe.splitlines() if "-m pytest" in l)
    assert "SUBTOOLKIT_REQUIRE_TOOLS=1" in line.split("-m pytest")[0], line  # the recipe asks for every tool
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "SUBTOOLKIT_REQUIRE_TOOLS": "1"}
    env.pop("CI", None)
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(Path(__file__)), "-k",
                        "missing_audio"],
                       capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert r.returncode != 0, r.stdout[-2000:]
    assert "needs Chromium" in r.stdout and " skipped" not in r.stdout, r.stdout[-2000:]
