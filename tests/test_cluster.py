"""``build FOLDER --scheduler``: folder builds on a real Dask cluster (a LocalCluster of two worker
processes started here), including a worker killed in the middle of a build.

The outputs are compared byte for byte with a local build of the same scripts: the cluster changes
where a script is built, never what is built.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from conftest import SAMPLE
from typer.testing import CliRunner

from subtoolkit.cli import app
from subtoolkit.jobs.build import BuildOptions, build_script

if os.environ.get("CI"):
    import distributed  # noqa: F401  # the test extra installs it: missing in CI is a failure
else:
    pytest.importorskip("distributed")

TRACKS = ("zh-Hans.srt", "zh-Hans.vtt", "zh-Hans.ass", "zh-Hans.json", "zh-Hant-TW.srt")


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50) as c:
        yield c


def _folder(root: Path, copies: int) -> Path:
    """Copies of the sample under different names, each twice the sample (so a build takes a while)."""
    folder = root / "scripts"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for n in range(copies):
        (folder / f"ep{n + 1:02d}.txt").write_text(text + "\n" + text, encoding="utf-8")
    return folder


def _same_as_local(out: Path, script: Path, tmp: Path) -> None:
    local = build_script(script, BuildOptions(out_root=tmp / "local", voice="none", variants=("s2twp",)))
    assert local.ok
    for suffix in TRACKS:
        name = f"{script.stem}.{suffix}"
        assert (out / script.stem / name).read_bytes() == (local.out_dir / name).read_bytes(), name


def test_cli_folder_on_the_cluster(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _folder(tmp_path, 3)
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["build", str(folder), "-o", str(out), "--voice", "none", "--variants", "s2twp",
                                 "--scheduler", cluster.scheduler_address])
    assert r.exit_code == 0, r.output + r.stderr
    assert "build summary" in r.output
    for n in (1, 2, 3):
        assert f"ep0{n}.txt" in r.output
        assert (out / f"ep0{n}" / "report.html").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    _same_as_local(out, folder / "ep02.txt", tmp_path)


def test_a_worker_killed_mid_build_loses_no_script(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from distributed import Client

    from subtoolkit.jobs.cluster import build_on_cluster

    folder = _folder(tmp_path, 4)
    out = tmp_path / "out"
    with Client(cluster.scheduler_address) as c:
        pids = c.run(os.getpid)  # worker address -> process id
    events: list[tuple[str, str]] = []
    killed: dict[str, object] = {}
    lock = threading.Lock()

    def progress(script: str, stage: str, frac: float, worker: str) -> None:
        with lock:
            events.append((script, stage))
            # the first script to finish its timeline is writing its files now: kill its worker
            if stage == "timing" and not killed:
                killed.update(script=script, pid=pids[worker])
                os.kill(pids[worker], signal.SIGKILL)

    results = build_on_cluster(sorted(folder.iterdir()), BuildOptions(out_root=out, voice="none", variants=("s2twp",)),
                               cluster.scheduler_address, progress)
    assert killed, "no build reached its timeline"
    assert [r.ok for r in results] == [True] * 4, [r.error for r in results]
    for r in results:
        assert {"report.html", "silence.mp3", f"{r.script.stem}.zh-Hans.srt"} <= {p.name for p in r.out_dir.iterdir()}
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "a killed build's partial folder was left"
    # the killed script was built again from the start, and its files are those of a whole build
    script = str(killed["script"])
    assert (script, "parse") in events[events.index((script, "timing")) + 1 :]
    _same_as_local(out, Path(script), tmp_path)


def test_no_scheduler_there_is_one_clear_error(tmp_path: Path) -> None:
    import socket

    from subtoolkit.errors import InputError
    from subtoolkit.jobs.cluster import build_on_cluster

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = _folder(tmp_path, 1)
    with pytest.raises(InputError) as err:
        opts = BuildOptions(out_root=tmp_path / "out", voice="none")
        build_on_cluster(sorted(folder.iterdir()), opts, f"tcp://127.0.0.1:{port}", timeout=2)
    assert "no Dask scheduler answers" in err.value.render() and "tcp://HOST:8786" in err.value.render()
    assert not (tmp_path / "out").exists()


def test_scheduler_wants_a_folder(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["build", str(SAMPLE), "-o", str(tmp_path), "--voice", "none", "--scheduler", "tcp://127.0.0.1:1"])
    assert r.exit_code == 2 and "builds a folder" in r.stderr
