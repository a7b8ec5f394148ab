"""Shared fixtures: the sample script and a helper to parse inline scripts."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

from subtoolkit.model import Script
from subtoolkit.text.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "shengming-zhongyu-taishan.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"

settings.register_profile("default", deadline=None, max_examples=150)
settings.register_profile("ci", deadline=None, max_examples=400)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))


def pytest_configure(config: pytest.Config) -> None:
    """Say which subtitle core the session tests, and refuse the wrong one: the suite tests the
    pure-Python modules of the checkout, tests/test_compiled.py runs part of it again against a
    compiled build and sets SUBTOOLKIT_EXPECT_COMPILED=1 for that run."""
    from subtoolkit.subtitles import COMPILED_MODULES, compiled

    want = COMPILED_MODULES if os.environ.get("SUBTOOLKIT_EXPECT_COMPILED") == "1" else ()
    if compiled() != want:
        raise pytest.UsageError(f"subtitle core compiled modules {compiled()}, this run expects {want}")


def pytest_report_header(config: pytest.Config) -> str:
    from subtoolkit.subtitles import core_label

    return f"subtitle core: {core_label()}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """What the code caches for the user (rendered voice segments, the aligner's analysed reference
    readings) goes to a folder of this test session's own: no test reads what an earlier run left."""
    old = os.environ.get("SUBTOOLKIT_CACHE_DIR")
    os.environ["SUBTOOLKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if old is None:
        os.environ.pop("SUBTOOLKIT_CACHE_DIR", None)
    else:
        os.environ["SUBTOOLKIT_CACHE_DIR"] = old


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


def script(text: str, **kw: object) -> Script:
    """Parse an inline script written with indentation for readability."""
    return parse_text(textwrap.dedent(text).strip("\n"), **kw)  # type: ignore[arg-type]


def kept_source(lines: list[str] | tuple[str, ...], parsed: Script) -> str:
    """The source with every span the parser set aside cut out: what block texts must account for.

    Other spans are cut at their first occurrence, then source notes from the end of what is left
    (the parser takes the note from the end of the line it has cleaned: ``来源：[bookmark: _GoBack]``);
    each must really be in its line.
    """
    removed_by_line: dict[int, list[str]] = {}
    notes: dict[int, str] = {}
    for r in parsed.removed:
        if r.reason == "source note":
            notes[r.line] = r.text
        else:
            removed_by_line.setdefault(r.line, []).append(r.text)
    kept = []
    for n, line in enumerate(lines, start=1):
        for piece in removed_by_line.get(n, []):
            if piece not in line:  # a marker repeated on the line: an earlier cut took the copy with the space
                piece = piece.strip()
            assert piece in line, (n, piece)
            line = line.replace(piece, "", 1)
        if n in notes:
            assert line.rstrip().endswith(notes[n])
            line = line.rstrip()[: -len(notes[n])]
        kept.append(line)
    return "".join(kept)


@pytest.fixture(scope="session")
def neural_voice():  # type: ignore[no-untyped-def]
    """The installed neural voice, by the real install (once; a no-op when the data folder has it).

    No skip: when the install cannot happen (no network and nothing installed) the tests that
    need the voice fail, so CI cannot go green without having rendered real audio.
    """
    from subtoolkit.tts.voices import install

    voice, _ = install()
    return voice
