"""One place knows the user's folders; the timing stage reads no file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from subtoolkit import paths


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG layout is Linux's")
def test_config_and_dictionary_follow_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from subtoolkit.chinese.convert import default_user_dict
    from subtoolkit.subtitles.profiles import user_profile_dir

    monkeypatch.delenv("SUBTOOLKIT_DICT", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert user_profile_dir() == tmp_path / "cfg" / "subtoolkit" / "profiles"
    assert default_user_dict() == tmp_path / "cfg" / "subtoolkit" / "dict.txt"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative")  # invalid per the spec: ignored
    assert paths.config_dir() == Path.home() / ".config" / "subtoolkit"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert paths.config_dir() == Path.home() / ".config" / "subtoolkit"
    monkeypatch.setenv("SUBTOOLKIT_DICT", str(tmp_path / "mine.txt"))
    assert default_user_dict() == tmp_path / "mine.txt"


def test_estimating_a_loaded_profile_reads_no_profile_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Traditional profile the estimator also fits cues to comes with the loaded profile."""
    from conftest import script

    from subtoolkit.subtitles import profiles
    from subtoolkit.subtitles.timing import estimate

    profile = profiles.load_profile("netflix-zh-hans")
    assert profile.variant_profile
    getattr(profiles.variant_profile_of, "cache_clear", lambda: None)()

    def no_io(*_a: object, **_k: object) -> None:
        raise AssertionError("a pure stage looked a profile up")

    monkeypatch.setattr(profiles, "load_profile", no_io)
    monkeypatch.setattr(profiles, "available_profiles", no_io)
    timeline = estimate(script("【解说】\n生命重于泰山，安全生产是民生大事。"), profile)
    assert timeline.cues and profiles.variant_profile_of(profile).name == profile.variant_profile
