"""Which Chinese script a subtitle file is written in: from its language tag, else from its text.

``check`` needs this to choose a profile: a Traditional track keeps ，。 on screen where the
Simplified profile turns them into spaces, so checking it against the wrong one reports every
cue. File names carry a BCP-47 tag when we wrote them (``x.zh-Hant-TW.srt``) and often when
others did (``x.zh-TW.srt``, ``x.cht.srt``); when there is none, OpenCC tells the scripts apart:
Traditional text changes under t2s and hardly under s2t, Simplified text the other way round.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

Script = Literal["Hans", "Hant"]

# the Chinese tag at the end of a file's stem; kept in one place for naming and for reading
TAG_AT_END = re.compile(r"\.(?:zh(?:-(?:hans|hant))?(?:-[a-z]{2})?|zh|chs|cht)$", re.IGNORECASE)
_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}
_SIMPLIFIED_REGIONS = {"cn", "sg", "my"}


def language_tag_of(path: Path) -> str | None:
    """The Chinese language tag in a file name, if any.

    >>> language_tag_of(Path("ep1.voiceover.zh-Hant-TW.srt")), language_tag_of(Path("ep1.srt"))
    ('zh-Hant-TW', None)
    """
    m = TAG_AT_END.search(Path(path).stem)
    return m.group()[1:] if m else None


def script_of_tag(tag: str | None) -> Script | None:
    """``Hant`` or ``Hans`` when the tag says so; ``None`` for a bare ``zh`` or no tag.

    >>> [script_of_tag(t) for t in ("zh-Hant-TW", "zh-HK", "cht", "zh-Hans", "zh-CN", "zh", None)]
    ['Hant', 'Hant', 'Hant', 'Hans', 'Hans', None, None]
    """
    if not tag:
        return None
    parts = tag.lower().split("-")
    if "hant" in parts or parts[0] == "cht" or (len(parts) > 1 and parts[-1] in _TRADITIONAL_REGIONS):
        return "Hant"
    if "hans" in parts or parts[0] == "chs" or (len(parts) > 1 and parts[-1] in _SIMPLIFIED_REGIONS):
        return "Hans"
    return None


def _changed(text: str, config: str) -> int:
    from subtoolkit.chinese.convert import _bare

    converted = _bare(config).convert(text)
    if len(converted) != len(text):  # pragma: no cover - t2s and s2t map character for character
        return len(set(text) ^ set(converted))
    return sum(a != b for a, b in zip(text, converted))


def script_of_text(text: str) -> Script | None:
    """``Hant`` when t2s changes more characters than s2t does, ``Hans`` for the reverse.

    Characters both scripts share (most of them) change under neither; ``None`` when the text
    gives no evidence either way (no Chinese, or only shared characters).

    >>> script_of_text("這隻船只能坐三個人"), script_of_text("这只船只能坐三个人"), script_of_text("OK 100")
    ('Hant', 'Hans', None)
    """
    traditional, simplified = _changed(text, "t2s"), _changed(text, "s2t")
    if traditional == simplified:
        return None
    return "Hant" if traditional > simplified else "Hans"
