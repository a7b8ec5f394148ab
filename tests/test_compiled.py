"""The compiled subtitle core (``SUBTOOLKIT_COMPILE=1``, setup.py) against the pure-Python one.

The rest of the suite tests the checkout's pure-Python modules. This builds the compiled wheel as
a user would (``SUBTOOLKIT_COMPILE=1 pip wheel .``, mypyc through the machine's C compiler),
unpacks it, and runs the tests that pin the core's output down — the golden files, jieba's
words, the segmentation and its reference, the subtitle properties, the Traditional variants,
the writers, the records' pickling — again against it, in a process where conftest refuses to
start unless every compiled module is the one loaded. Same tests, same expected bytes: the two
builds give the same output. Slow (a compile of about half a minute) but never skipped.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_wheel import _SKIP, _clean_env, _run

from subtoolkit.subtitles import COMPILED_MODULES

# the tests that pin the subtitle core's output, run again against the compiled build
AGAIN = [
    "tests/test_subtitles_sample.py",  # the golden files
    "tests/test_words.py",
    "tests/test_segment.py",
    "tests/test_segment_equivalence.py",
    "tests/test_subtitle_properties.py",
    "tests/test_variants.py",
    "tests/test_formats.py",
    "tests/test_core_objects.py",
    "tests/test_spoken.py",
    "tests/test_punctuation.py",
    "tests/test_timecode.py",
    "tests/test_parse_sample.py",  # the parser reads marks through text/punctuation.py
]


def test_setup_compiles_the_modules_the_package_names() -> None:
    """setup.py cannot import the package it builds, so the list is written twice; they agree."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    listed = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets)
    )
    assert listed == [m.replace(".", "/") + ".py" for m in COMPILED_MODULES]


@pytest.fixture(scope="module")
def compiled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compiled wheel, unpacked: an importable tree of the package as installed."""
    tmp = tmp_path_factory.mktemp("compiled")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_SKIP)
    env = {**_clean_env(tmp), "SUBTOOLKIT_COMPILE": "1"}
    r = _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", str(tmp / "dist")], cwd=src, env=env)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (whl,) = (tmp / "dist").glob("subtoolkit-*.whl")
    site = tmp / "site"
    with zipfile.ZipFile(whl) as z:
        z.extractall(site)
    return site


@pytest.mark.slow
def test_compiled_wheel_holds_every_module_compiled(compiled_site: Path) -> None:
    for name in COMPILED_MODULES:
        folder, _, stem = name.replace(".", "/").rpartition("/")
        assert list((compiled_site / folder).glob(f"{stem}.cpython-*.so")), name
    assert list(compiled_site.glob("*.dist-info/WHEEL"))[0].read_text().count("Root-Is-Purelib: false") == 1


@pytest.mark.slow
def test_core_tests_pass_against_the_compiled_build(compiled_site: Path, tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")},
        "PYTHONPATH": str(compiled_site),
        "SUBTOOLKIT_EXPECT_COMPILED": "1",
    }
    # -P: the checkout (the current folder) must not come before the compiled tree on sys.path
    r = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", "-p", "no:cacheprovider", "-x", *AGAIN],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    names = ", ".join(m.rpartition(".")[2] for m in COMPILED_MODULES)
    assert f"subtitle core: compiled ({names})" in r.stdout, r.stdout[:2000]
    assert " passed" in r.stdout and " failed" not in r.stdout
