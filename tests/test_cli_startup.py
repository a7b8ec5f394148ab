"""Help and usage errors start light (subtoolkit.cli.lighthelp) and read exactly as before.

Each check runs in a fresh interpreter: what a command imports is only visible in a new process,
and ``typer.rich_utils`` is imported once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLE

COMMANDS = ["", "parse", "subtitles", "voiceover", "build", "convert", "check", "align", "voices"]

# Renders every command's help (two widths, plain and coloured) and three usage errors through
# typer's runner, with the hook when argv[1] == "hook", and prints them as JSON.
RENDER_ALL = """
import json, sys
from typer.testing import CliRunner
if sys.argv[1] == "hook":
    from subtoolkit.cli import lighthelp
    lighthelp.install()
from subtoolkit.cli import app
runner = CliRunner()
out = {}
calls = [[c, "--help"] if c else ["--help"] for c in json.loads(sys.argv[2])]
calls += [["subtitles", sys.argv[3], "--rate", "x"], ["build", "--bogus"], ["parse"]]
for args in calls:
    for env in ({"COLUMNS": "80"}, {"COLUMNS": "120"}, {"COLUMNS": "100", "FORCE_COLOR": "1"}):
        r = runner.invoke(app, args, env=env, prog_name="subtoolkit")
        out[" ".join(args) + " " + json.dumps(env)] = [r.exit_code, r.stdout, r.stderr]
print(json.dumps(out, ensure_ascii=False))
"""


def _render_all(mode: str) -> dict[str, list]:
    r = subprocess.run([sys.executable, "-c", RENDER_ALL, mode, json.dumps(COMMANDS), str(SAMPLE)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_every_help_and_usage_error_reads_the_same_with_the_hook() -> None:
    plain, hooked = _render_all("plain"), _render_all("hook")
    assert len(plain) == (len(COMMANDS) + 3) * 3
    assert all(v[0] == 0 and "Usage:" in v[1] and "Options" in v[1] for k, v in plain.items() if "--help" in k)
    assert all(v[0] == 2 and "Usage:" in v[2] and "Error" in v[2] for k, v in plain.items() if "--help" not in k)
    assert any("\x1b[" in v[1] for v in plain.values())  # the coloured renders really are coloured
    for key, value in plain.items():
        assert hooked[key] == value, key


def _modules_after(args: list[str]) -> set[str]:
    code = ("import sys; sys.argv[0] = 'subtoolkit'\n"
            "from subtoolkit.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)))\n")
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    return set(r.stderr.rpartition("MODULES ")[2].split())


HEAVY_FOR_HELP = {"rich.markdown", "rich.traceback", "markdown_it", "pygments", "attr",
                  "subtoolkit.chinese.convert", "subtoolkit.model", "jieba", "opencc", "numpy"}


def test_help_and_usage_errors_leave_the_heavy_modules_alone() -> None:
    for args in (["--help"], ["subtitles", "--help"], ["convert", "--help"], ["subtitles", str(SAMPLE), "--rate", "x"]):
        loaded = _modules_after(args)
        assert "typer.rich_utils" in loaded, args  # the help really was rendered by typer's rich path
        assert not loaded & HEAVY_FOR_HELP, (args, loaded & HEAVY_FOR_HELP)


STAND_INS_GONE = """
import sys
from subtoolkit.cli import lighthelp
lighthelp.install()
import typer.rich_utils as ru
assert "rich.markdown" not in sys.modules and "rich.traceback" not in sys.modules
import rich.markdown, rich.traceback
assert rich.markdown.Markdown is not lighthelp._Markdown and rich.traceback.Traceback is not lighthelp._Traceback
made = ru._make_rich_text(text="**bold**", markup_mode="markdown")
assert type(made) is rich.markdown.Markdown, type(made)
try:
    raise ValueError("x")
except ValueError as exc:
    tb = ru.Traceback.from_exception(type(exc), exc, exc.__traceback__)
assert type(tb) is rich.traceback.Traceback
print("ok")
"""


def test_the_stand_ins_hand_over_to_rich_and_leave_sys_modules() -> None:
    r = subprocess.run([sys.executable, "-c", STAND_INS_GONE], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


MISSING_NAME = """
from subtoolkit.cli import lighthelp
lighthelp.STAND_INS["rich.markdown"] = ("NotMarkdown", lighthelp._Markdown)  # as if typer asked for a new name
lighthelp.install()
import rich, typer.rich_utils as ru
import rich.markdown
assert ru.Markdown is rich.markdown.Markdown
print("ok")
"""


def test_a_name_the_stand_ins_lack_falls_back_to_the_real_modules() -> None:
    r = subprocess.run([sys.executable, "-c", MISSING_NAME], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_the_console_script_uses_the_hook() -> None:
    script = Path(sys.executable).parent / "subtoolkit"
    code = ("import runpy, sys; sys.argv = [sys.argv[1], '--help']\n"
            "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)))\n")
    r = subprocess.run([sys.executable, "-c", code, str(script)], capture_output=True, text=True, timeout=60)
    loaded = set(r.stderr.rpartition("MODULES ")[2].split())
    assert "Usage: subtoolkit" in r.stdout and "subtoolkit.cli.lighthelp" in loaded and "rich.markdown" not in loaded


def test_the_console_script_module_is_light_for_spawned_workers() -> None:
    # A folder build's workers are spawned, and spawn runs the console script again in each: the
    # module it imports must not pull in the command line (typer, click, rich).
    script = (Path(sys.executable).parent / "subtoolkit").read_text(encoding="utf-8")
    assert "from subtoolkit.__main__ import main" in script
    code = ("import sys, subtoolkit.__main__\n"
            "print(sorted(m for m in ('typer', 'click', 'rich', 'subtoolkit.cli') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr
    r = subprocess.run([sys.executable, "-m", "subtoolkit", "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("subtoolkit ")
