"""`parse --style`, the default style file, `parse --explain`, and ingest's HTML stripping, through
the CLI; the Traditional folding table against OpenCC itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from subtoolkit.cli import app
from subtoolkit.text.fold import _SIMPLIFIED, _TRADITIONAL, fold
from subtoolkit.text.ingest import read_source, strip_html

runner = CliRunner()
SCRIPT = "〔屏幕字〕2023年 杭州\n【机位】B机 长焦\n播讲：运河还在流。\n"
STYLE = '[markers]\ncaption = ["屏幕字"]\nnote = ["【机位】"]\nnarration = ["播讲"]\n'


def _kinds(out: str) -> list[str]:
    return [b["kind"] for b in json.loads(out)["blocks"]]


@pytest.fixture
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def test_style_file_adds_marker_words(tmp_path: Path, no_user_config: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text(SCRIPT, encoding="utf-8")
    style = tmp_path / "studio.toml"
    style.write_text(STYLE, encoding="utf-8")
    plain = runner.invoke(app, ["parse", str(src), "--json"])
    styled = runner.invoke(app, ["parse", str(src), "--json", "--style", str(style)])
    assert plain.exit_code == styled.exit_code == 0, styled.stderr
    assert _kinds(styled.stdout) == ["caption", "note", "narration"]
    assert _kinds(plain.stdout) != _kinds(styled.stdout)


def test_default_style_file_beside_the_user_profiles(tmp_path: Path, no_user_config: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text(SCRIPT, encoding="utf-8")
    (no_user_config / "subtoolkit").mkdir(parents=True)
    (no_user_config / "subtoolkit" / "style.toml").write_text(STYLE, encoding="utf-8")
    r = runner.invoke(app, ["parse", str(src), "--json"])
    assert r.exit_code == 0 and _kinds(r.stdout) == ["caption", "note", "narration"]


@pytest.mark.parametrize(
    "text, what",
    [
        ("[markers\nnarration = 1", "not valid TOML"),
        ('[markers]\nvoice = ["旁白"]', "unknown kind 'voice'"),
        ('[markers]\nnarration = "旁白"', "must be a list"),
        ('[colours]\nx = 1', "unknown table"),
    ],
)
def test_bad_style_file_is_one_line_on_stderr(tmp_path: Path, no_user_config: Path, text: str, what: str) -> None:
    src = tmp_path / "s.txt"
    src.write_text(SCRIPT, encoding="utf-8")
    style = tmp_path / "bad.toml"
    style.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["parse", str(src), "--style", str(style)])
    assert r.exit_code == 1
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {style}") and what in err[0] and "; " in err[0]
    assert "Traceback" not in r.output


def test_missing_style_file(tmp_path: Path, no_user_config: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text(SCRIPT, encoding="utf-8")
    r = runner.invoke(app, ["parse", str(src), "--style", str(tmp_path / "nope.toml")])
    assert r.exit_code == 1 and "no such style file" in r.stderr


def test_explain_names_the_rule_of_every_line(tmp_path: Path, no_user_config: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text("《湖畔》\n\n记者：王小明\n\n【同期】渔民 陈大海\n\n今天的鱼不少。\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", str(src), "--explain"])
    assert r.exit_code == 0, r.stderr
    rows = [line.split(None, 3) for line in r.stdout.splitlines()]
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("1", "title", "title"),
        ("3", "credit", "note"),
        ("5", "bracket_marker", "interview"),
        ("7", "prose", "interview"),
    ]


def test_html_is_stripped_with_a_warning(tmp_path: Path) -> None:
    src = tmp_path / "page.txt"
    src.write_text('<p class="a">江水东流。</p><p>两岸&nbsp;青山&amp;绿水。<br/></p>\n', encoding="utf-8")
    source = read_source(src)
    assert source.lines[0] == "江水东流。 两岸 青山&绿水。"
    assert len(source.warnings) == 1 and "HTML" in source.warnings[0].what and source.warnings[0].line == 1
    r = runner.invoke(app, ["parse", str(src), "--json"])
    assert r.exit_code == 0 and "HTML markup removed" in r.stderr


def test_text_with_angle_brackets_is_not_html() -> None:
    assert strip_html("温度<30度时 a&b") == ("温度<30度时 a&b", 0)


def test_fold_table_is_opencc_t2s_character_by_character() -> None:
    opencc = pytest.importorskip("opencc")
    t2s = opencc.OpenCC("t2s")
    assert len(_TRADITIONAL) == len(_SIMPLIFIED) > 2000
    assert all(t2s.convert(t) == s for t, s in zip(_TRADITIONAL[::7], _SIMPLIFIED[::7]))
    assert fold("【同期聲】習近平總書記") == "【同期声】习近平总书记"
    assert fold("江水东流") == "江水东流"
