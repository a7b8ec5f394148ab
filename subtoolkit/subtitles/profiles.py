"""Subtitle profiles: house styles as data (TOML), not code paths.

A profile says how wide a line may be, how many lines a cue may have, what happens to each
punctuation mark, the duration and gap bounds, and the speech model (syllables per second and
pauses per punctuation class) the estimator uses. The shipped ones live in ``assets/profiles``
(installed as ``subtoolkit.assets`` and read through :mod:`importlib.resources`, so an installed
wheel finds them too); a user adds one by passing a path, or by dropping a file in
``~/.config/subtoolkit/profiles``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from subtoolkit.errors import ProfileError
from subtoolkit.model import Timeline

PROFILE_DIR: Traversable = files("subtoolkit.assets") / "profiles"
DEFAULT_PROFILE = "netflix-zh-hans"


def user_profile_dir() -> Path:
    from subtoolkit.paths import user_profile_dir as folder

    return folder()


@dataclass(frozen=True)
class Profile:
    """Every number the segmenter, the estimator and the validator read."""

    name: str
    language: str = "zh-Hans"
    description: str = ""
    variant_profile: str = ""  # profile of the Traditional tracks; empty: this one
    max_chars: float = 16.0
    max_lines: int = 2
    bottom_heavy: bool = True
    to_space: str = "，。；,;"
    separator: str = " "
    never_at_line_end: str = "、"
    min_ms: int = 833
    max_ms: int = 7000
    min_gap_frames: int = 2
    close_gap_frames: int = 12
    max_reading_cps: float = 9.0
    narration_rate: float = 4.0
    interview_rate: float = 4.6
    pause_enumeration_ms: int = 120
    pause_comma_ms: int = 250
    pause_clause_ms: int = 350
    pause_sentence_ms: int = 500
    pause_paragraph_ms: int = 900
    pause_section_ms: int = 1500
    heading_ms: int = 3000
    title_ms: int = 4000
    caption_min_ms: int = 2000
    name_super_ms: int = 4000
    variant: Profile | None = field(default=None, compare=False, repr=False)
    """The Traditional tracks' profile, resolved when this one is loaded, so that the stages that
    read it (timing, variants) need no file lookup; not a TOML setting."""

    def with_changes(self, **changes: Any) -> Profile:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if "variant_profile" in changes and "variant" not in changes:
            values["variant"] = None  # names another profile now: resolved again when asked for
        values.update(changes)
        return Profile(**values)


_SECTIONS = ("lines", "punctuation", "durations", "speech", "cards")


def profile_from_toml(data: dict[str, Any], *, source: str) -> Profile:
    """Build a profile from parsed TOML; unknown keys are errors (a typo must not pass silently)."""
    known = {f.name: f for f in fields(Profile) if f.name != "variant"}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS and isinstance(value, dict):
            for k, v in value.items():
                flat[k] = v
        else:
            flat[key] = value
    if "name" not in flat:
        raise ProfileError("profile has no name", path=source, hint='add name = "…" at the top')
    for key, value in flat.items():
        if key not in known:
            raise ProfileError(f"unknown profile setting {key!r}", path=source,
                               hint="see assets/profiles/netflix-zh-hans.toml for the settings")
        expected = type(getattr(Profile(name="x"), key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            flat[key] = float(value)
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ProfileError(f"{key} must be {expected.__name__}, not {type(value).__name__}", path=source,
                               hint="fix the value in the profile")
    p = Profile(**flat)
    if p.max_chars <= 0 or p.max_lines < 1 or p.min_ms <= 0 or p.max_ms <= p.min_ms:
        raise ProfileError("impossible limits (line width, lines or durations)", path=source,
                           hint="check [lines] and [durations]")
    if p.narration_rate <= 0 or p.interview_rate <= 0 or p.max_reading_cps <= 0:
        raise ProfileError("rates must be positive", path=source, hint="check [speech] and max_reading_cps")
    return p


def available_profiles() -> dict[str, Traversable]:
    """Profile names a user can pass to ``--profile``: shipped ones, then the user's own."""
    found: dict[str, Traversable] = {}
    for folder in (PROFILE_DIR, user_profile_dir()):
        if folder.is_dir():
            for f in sorted(folder.iterdir(), key=lambda f: f.name):
                if f.name.endswith(".toml") and f.is_file():
                    found[f.name[: -len(".toml")]] = f
    return found


def variant_profile_of(profile: Profile) -> Profile:
    """The profile Traditional tracks of ``profile`` are shown with (no I/O for a loaded profile)."""
    if profile.variant is not None:
        return profile.variant
    return _load_variant(profile) if profile.variant_profile else profile


@lru_cache(maxsize=32)
def _load_variant(profile: Profile) -> Profile:
    """For a profile built in code that names its variant: looked up once."""
    return load_profile(profile.variant_profile, resolve_variant=False)


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE, *, resolve_variant: bool = True) -> Profile:
    """Load a profile by name (shipped or user) or from a TOML file path, with its variant's profile."""
    s = str(name_or_path)
    path: Traversable = Path(s)
    if not (s.endswith(".toml") or path.is_file()):
        profiles = available_profiles()
        if s not in profiles:
            raise ProfileError(f"unknown profile {s!r}",
                               hint="choose one of " + ", ".join(sorted(profiles)) + " or pass a .toml file")
        path = profiles[s]
    if not path.is_file():
        raise ProfileError("profile file not found", path=s, hint="check the path")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"not valid TOML ({exc})", path=s, hint="fix the syntax") from None
    profile = profile_from_toml(data, source=s)
    if resolve_variant and profile.variant_profile and profile.variant_profile != profile.name:
        profile = profile.with_changes(variant=load_profile(profile.variant_profile, resolve_variant=False))
    return profile


def choose_profile(path: Path, timeline: Timeline) -> tuple[Profile, str]:
    """The profile a subtitle file is meant for, and why: its language tag, else its text.

    Traditional files get the default profile's Traditional counterpart (``netflix-zh-hant``),
    the one ``build`` shows its Traditional tracks with; Simplified files and files that give no
    evidence get the default.
    """
    from subtoolkit.chinese.detect import language_tag_of, script_of_tag, script_of_text

    base = load_profile(DEFAULT_PROFILE)
    tag = language_tag_of(path)
    script = script_of_tag(tag)
    if script is not None:
        why = f"from the {tag} tag"
    else:
        script = script_of_text("".join("".join(c.lines) for c in timeline.cues))
        why = "from the text" if script is not None else "the default"
    return (variant_profile_of(base) if script == "Hant" else base), why
