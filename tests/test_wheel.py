"""The package as users get it: a wheel installed in a fresh virtualenv, run from another folder.

The rest of the suite runs from the source tree, where data files outside the package are within
reach; a user's install is not. So this builds the wheel (``pip wheel . --no-deps``), installs it
into a new venv outside the checkout (dependencies come from the package registry or pip's cache)
and runs ``build`` and ``convert`` on the sample from a folder that is not the checkout. Slow
(a venv and an install, about half a minute) but never skipped: a wheel that cannot find its own
profiles is the first thing a new user meets.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import GOLDEN, ROOT, SAMPLE

pytestmark = pytest.mark.slow

STEM = SAMPLE.stem
# What a build needs from the checkout; everything else (tests, .venv, output) stays behind, so
# the build cannot leave build/ or *.egg-info in the working tree.
_SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "output",
    "tests",
    "bench",
    "docs",
    "node_modules",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".hypothesis",
)


def _run(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _clean_env(home: Path) -> dict[str, str]:
    """The user's environment without anything that points back into the checkout."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "SUBTOOLKIT_DICT")
    }
    env["XDG_CONFIG_HOME"] = str(home / "config")  # no personal dictionary or profiles
    env["XDG_CACHE_HOME"] = str(home / "cache")
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_SKIP)
    r = _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", str(tmp / "dist")], cwd=src)
    assert r.returncode == 0, r.stdout + r.stderr
    (whl,) = (tmp / "dist").glob("subtoolkit-*.whl")
    return whl, r.stdout + r.stderr


@pytest.fixture(scope="module")
def venv(wheel: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    whl, _ = wheel
    tmp = tmp_path_factory.mktemp("venv")
    env = _clean_env(tmp)
    r = _run([sys.executable, "-m", "venv", str(tmp / "venv")], cwd=tmp, env=env)
    assert r.returncode == 0, r.stderr
    py = tmp / "venv" / "bin" / "python"
    r = _run([str(py), "-m", "pip", "install", "-q", str(whl)], cwd=tmp, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return tmp / "venv"


def test_wheel_carries_every_package_and_the_data(wheel: tuple[Path, str]) -> None:
    whl, _ = wheel
    names = set(zipfile.ZipFile(whl).namelist())
    packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "subtoolkit").rglob("__init__.py")}
    shipped = {str(Path(n).parent) for n in names if n.endswith("/__init__.py")}
    assert packages | {"subtoolkit/assets"} == shipped
    data = {
        str(p.relative_to(ROOT / "assets"))
        for p in (ROOT / "assets").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert {f"subtoolkit/assets/{d}" for d in data} <= names
    assert "subtoolkit/py.typed" in names


def test_wheel_builds_without_warnings_from_our_config(wheel: tuple[Path, str]) -> None:
    _, log = wheel
    assert not re.findall(r"\w*(?:Deprecation|BuildBackend)Warning.*", log), log


def test_wheel_declares_its_imports(wheel: tuple[Path, str]) -> None:
    whl, _ = wheel
    with zipfile.ZipFile(whl) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = {
        re.split(r"[ ;<>=!~\[]", line.split(":", 1)[1].strip())[0].lower()
        for line in meta.splitlines()
        if line.startswith("Requires-Dist:")
    }
    assert "aiohttp" in requires  # imported by the edge engine itself, not only through edge-tts
    assert re.search(r"^License-Expression: MIT$", meta, re.M), meta[:800]


def test_installed_wheel_builds_and_converts_from_another_folder(venv: Path, tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    exe = str(venv / "bin" / "subtoolkit")
    py = str(venv / "bin" / "python")
    where = _run([py, "-c", "import subtoolkit; print(subtoolkit.__file__)"], cwd=tmp_path, env=env)
    assert where.returncode == 0 and Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    script = work / SAMPLE.name
    shutil.copy(SAMPLE, script)
    r = _run([exe, "build", script.name, "--voice", "none", "-o", "out", "--variants", "s2twp"], cwd=work, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    out = work / "out" / STEM
    for fmt in ("srt", "vtt", "ass", "json"):
        golden = GOLDEN / f"sample.netflix-zh-hans.{fmt}"
        if fmt != "ass":  # the build's ASS carries the script's title; the golden is the bare track
            assert (out / f"{STEM}.zh-Hans.{fmt}").read_bytes() == golden.read_bytes(), fmt
        assert (out / f"{STEM}.zh-Hant-TW.{fmt}").stat().st_size > 0
    assert json.loads((out / f"{STEM}.zh-Hant-TW.json").read_text(encoding="utf-8"))["profile"] == "netflix-zh-hant"
    for track in (f"{STEM}.zh-Hans.srt", f"{STEM}.zh-Hant-TW.srt", f"{STEM}.zh-Hant-TW.json"):
        r = _run([exe, "check", str(out / track)], cwd=work, env=env)
        assert r.returncode == 0 and " 0 errors" in r.stdout, r.stdout + r.stderr

    # convert with the project dictionary (这只船只能 → 這隻船只能) and a user dictionary
    (work / "boat.txt").write_text("这只船只能坐三个人。\n张勤岳说。\n", encoding="utf-8")
    shutil.copy(SAMPLE.with_name(f"{STEM}.dict.txt"), work / "names.txt")
    r = _run([exe, "convert", "boat.txt", "--to", "s2tw", "--dict", "names.txt"], cwd=work, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (work / "boat.zh-Hant-TW.txt").read_text(encoding="utf-8") == "這隻船只能坐三個人。\n張勤岳說。\n"
    r = _run([exe, "convert", f"out/{STEM}/{STEM}.zh-Hans.srt", "--to", "s2hk"], cwd=work, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    hk = (out / f"{STEM}.zh-Hant-HK.srt").read_text(encoding="utf-8")
    assert "生命重於泰山" in hk and hk.count(" --> ") == GOLDEN.joinpath("sample.netflix-zh-hans.srt").read_text(
        encoding="utf-8"
    ).count(" --> ")


def test_source_checkout_finds_the_data_from_another_folder(tmp_path: Path) -> None:
    """The development install (``pip install -e``) reads the same files through the same API."""
    env = _clean_env(tmp_path)
    code = (
        "from importlib.resources import files\n"
        "from subtoolkit.subtitles.profiles import available_profiles\n"
        "from subtoolkit.chinese.convert import convert_text\n"
        "print(sorted(available_profiles()))\n"
        "print(convert_text('这只船只能', 's2tw'))\n"
        "print(files('subtoolkit.assets').joinpath('profiles', 'cctv.toml').is_file())\n"
    )
    r = _run([sys.executable, "-c", code], cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["['cctv', 'netflix-zh-hans', 'netflix-zh-hant']", "這隻船只能", "True"]
