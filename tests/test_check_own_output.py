"""Our own outputs fed back to our own tools: every track ``build`` writes passes ``check``.

One build of the sample with the offline voice (so there are estimated *and* voiceover-retimed
tracks) and three Traditional variants; ``check`` is run on each subtitle file with no options,
so it must find the right profile itself (from the language tag, or from the text when the
file has none). The Traditional deliverables must name the speakers in Traditional characters.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.chinese.convert import convert_text
from subtoolkit.cli import app
from subtoolkit.subtitles.readers import read_subtitles

pytestmark = pytest.mark.slow

runner = CliRunner()
STEM = SAMPLE.stem
CONFIG_OF = {"zh-Hant-TW": "s2twp", "zh-Hant-HK": "s2hk", "zh-Hant": "s2t"}
TAGS = ["zh-Hans", *CONFIG_OF]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("own")
    args = [
        "build",
        str(SAMPLE),
        "-o",
        str(out),
        "--voice",
        "espeak",
        "--cache-dir",
        str(out / "cache"),
        "--variants",
        ",".join(CONFIG_OF.values()),
    ]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.stderr
    return out / STEM


def _tracks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if re.search(r"\.zh-[A-Za-z-]+\.(srt|vtt|ass|json)$", p.name))


def _summary(stdout: str) -> str:
    return stdout.strip().splitlines()[-1]


def test_check_passes_every_track_build_writes(built: Path) -> None:
    tracks = _tracks(built)
    expected = {f"{STEM}.{t}.{f}" for t in TAGS for f in ("srt", "vtt", "ass", "json")}
    expected |= {f"{STEM}.voiceover.{t}.{f}" for t in TAGS for f in ("srt", "vtt", "json")}
    assert {p.name for p in tracks} == expected
    for p in tracks:
        r = runner.invoke(app, ["check", str(p)])
        assert r.exit_code == 0, (p.name, r.stdout[-2000:], r.stderr)
        summary = _summary(r.stdout)
        assert " 0 errors, 0 warnings " in summary, (p.name, summary)
        want = "netflix-zh-hant" if ".zh-Hant" in p.name else "netflix-zh-hans"
        assert f"({want}," in summary, (p.name, summary)


def test_check_without_a_tag_reads_the_script_of_the_text(built: Path, tmp_path: Path) -> None:
    for tag, want in (
        ("zh-Hant-HK", "netflix-zh-hant"),
        ("zh-Hans", "netflix-zh-hans"),
        ("zh-Hant-TW", "netflix-zh-hant"),
    ):
        for fmt in ("srt", "vtt"):
            copy = tmp_path / f"delivery-{tag.lower()}.{fmt}"  # no language tag in the name
            shutil.copy(built / f"{STEM}.{tag}.{fmt}", copy)
            r = runner.invoke(app, ["check", str(copy)])
            assert r.exit_code == 0, (copy.name, r.stdout[-1500:], r.stderr)
            summary = _summary(r.stdout)
            assert f"({want}," in summary and "from the text" in summary, summary


def test_profile_option_overrides_the_tag(built: Path) -> None:
    r = runner.invoke(app, ["check", str(built / f"{STEM}.zh-Hant-TW.srt"), "--profile", "netflix-zh-hans"])
    assert r.exit_code == 1  # the Simplified profile turns ，。 into spaces; the Traditional track keeps them
    assert "(netflix-zh-hans," in r.stderr and "punctuation" in r.stdout


def _name_supers(path: Path) -> list[str]:
    return ["\\N".join(c.lines) for c in read_subtitles(path).cues if c.style == "NameSuper"]


def test_traditional_ass_name_supers_are_traditional(built: Path) -> None:
    hans = _name_supers(built / f"{STEM}.zh-Hans.ass")
    assert "薛澜\\N清华大学教授" in hans
    for tag, config in CONFIG_OF.items():
        supers = _name_supers(built / f"{STEM}.{tag}.ass")
        assert supers == [convert_text(s, config) for s in hans], tag
        assert any(s.startswith("薛瀾") for s in supers) and not any("薛澜" in s for s in supers), tag


def test_traditional_vtt_voices_are_traditional(built: Path) -> None:
    voices = {t: re.findall(r"<v ([^>]+)>", (built / f"{STEM}.{t}.vtt").read_text(encoding="utf-8")) for t in TAGS}
    assert "薛澜" in voices["zh-Hans"]
    for tag, config in CONFIG_OF.items():
        assert voices[tag] == [convert_text(v, config) for v in voices["zh-Hans"]], tag
        assert "薛瀾" in voices[tag] and "薛澜" not in voices[tag]


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_names_csv_for_each_variant(built: Path) -> None:
    hans = _rows(built / "names.csv")
    assert hans[1]["speaker"] == "薛澜"
    for tag, config in CONFIG_OF.items():
        rows = _rows(built / f"names.{tag}.csv")
        assert [(r["speaker"], r["role"]) for r in rows] == [
            (convert_text(h["speaker"], config), convert_text(h["role"], config)) for h in hans
        ]
        assert [r["appearances"] for r in rows] == [h["appearances"] for h in hans]
        assert rows[1]["speaker"] == "薛瀾"


def test_report_speakers_follow_the_track(built: Path) -> None:
    page = (built / "report.html").read_text(encoding="utf-8")
    bodies = dict(re.findall(r'<tbody class="speakers" data-track="([^"]+)"[^>]*>(.*?)</tbody>', page, re.S))
    assert set(bodies) == set(TAGS)
    assert "薛澜" in bodies["zh-Hans"] and "清华大学教授" in bodies["zh-Hans"]
    for tag in CONFIG_OF:
        assert "薛瀾" in bodies[tag] and "清華大學教授" in bodies[tag] and "薛澜" not in bodies[tag], tag
